#include "runtime/run_command.h"

#include <cctype>
#include <cstdio>

namespace cx::runtime {
namespace {

bool valid_env_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// `-v` splits on ':', so a path containing one would be misread.
Status check_mount_path(const std::string& path, const char* what) {
  if (path.empty() || path[0] != '/') {
    return make_error(std::string(what) + " \"" + path + "\" is not an absolute path");
  }
  if (path.find(':') != std::string::npos) {
    return make_error(std::string(what) + " \"" + path + "\" contains ':', which " +
                          "cannot be expressed in a bind mount",
                      "rename the directory, or mount a parent without ':' in its path");
  }
  return Ok{};
}

// SELinux relabel option: `Z` (label private to this container) only for what
// this session alone uses. The project directory gets the shared `z`: a
// second cx session in the same project would otherwise relabel it and cut
// the first one off.
std::string volume(const Runtime& rt, const std::string& host, const std::string& container,
                   bool read_only, bool session_private) {
  std::string opts;
  if (read_only) opts = "ro";
  if (rt.selinux_enforcing && rt.kind != RuntimeKind::kNerdctl) {
    if (!opts.empty()) opts += ",";
    opts += session_private ? "Z" : "z";
  }
  std::string v = host + ":" + container;
  if (!opts.empty()) v += ":" + opts;
  return v;
}

std::string ids(unsigned uid, unsigned gid) {
  return std::to_string(uid) + ":" + std::to_string(gid);
}

}  // namespace

std::string container_name(const std::string& project_dir, std::uint32_t random) {
  std::string dir = project_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const auto slash = dir.rfind('/');
  const std::string base = slash == std::string::npos ? dir : dir.substr(slash + 1);

  std::string project;
  for (char c : base) {
    const auto u = static_cast<unsigned char>(c);
    char out = static_cast<char>(std::tolower(u));
    if (!(std::islower(static_cast<unsigned char>(out)) || std::isdigit(u) || c == '_' ||
          c == '.' || c == '-')) {
      out = '-';
    }
    if (out == '-' && !project.empty() && project.back() == '-') continue;
    project += out;
    if (project.size() == 32) break;
  }
  const auto first = project.find_first_not_of("-.");
  const auto last = project.find_last_not_of("-.");
  project = first == std::string::npos ? "project" : project.substr(first, last - first + 1);

  char hex[8];
  std::snprintf(hex, sizeof hex, "%06x", static_cast<unsigned>(random & 0xffffffu));
  return "cx-" + project + "-" + hex;
}

Result<std::vector<std::string>> run_argv(const Runtime& rt, const RunSpec& spec) {
  if (spec.name.empty() || spec.name[0] == '-') {
    return make_error("invalid container name \"" + spec.name + "\"");
  }
  if (spec.image.empty() || spec.image[0] == '-') {
    return make_error("invalid image \"" + spec.image + "\"", "set IMAGE_TAG to an image name");
  }
  if (auto s = check_mount_path(spec.project_dir, "the project directory"); !s) return s.error();

  std::vector<std::string> argv{rt.path,
                                spec.create_only ? "create" : "run",
                                "--rm",
                                "--name",
                                spec.name,
                                "--label",
                                "cx.session=" + spec.session_id,
                                "--label",
                                "cx.project=" + spec.project_dir,
                                "--label",
                                "cx.pid=" + std::to_string(spec.host_pid),
                                "-i"};
  if (spec.tty) argv.push_back("-t");
  // --pull=never: the image is the one `cx build` made here; a runtime must
  // not fetch a same-named image from a registry in its place. A missing
  // image ends the run with 125, which cx then explains (cli/session.cpp).
  argv.insert(argv.end(), {"--pull=never", "--init", "--cap-drop=ALL",
                           "--security-opt=no-new-privileges",
                           "--pids-limit=" + std::to_string(spec.pids_limit)});
  if (!spec.seccomp_profile.empty()) {
    if (auto st = check_mount_path(spec.seccomp_profile, "the seccomp profile"); !st)
      return st.error();
    argv.push_back("--security-opt=seccomp=" + spec.seccomp_profile);
  }

  if (rt.rootless && rt.kind == RuntimeKind::kPodman) {
    argv.insert(argv.end(), {"--userns=keep-id", "--user", ids(spec.uid, spec.gid)});
  } else if (rt.rootless) {
    argv.insert(argv.end(), {"--user", "0:0"});
  } else {
    argv.insert(argv.end(), {"--user", ids(spec.uid, spec.gid)});
  }

  if (spec.network == Network::None) argv.insert(argv.end(), {"--network", "none"});
  if (spec.network == Network::Internal) {
    if (spec.network_name.empty() || spec.network_name[0] == '-')
      return make_error("invalid network name \"" + spec.network_name + "\"");
    argv.insert(argv.end(), {"--network", spec.network_name});
  }
  for (const auto& h : spec.add_hosts) argv.push_back("--add-host=" + h);
  for (const auto& t : spec.tmpfs) {
    if (auto s = check_mount_path(t, "the tmpfs target"); !s) return s.error();
    argv.push_back("--tmpfs=" + t + ":rw,mode=1777");
  }

  argv.insert(argv.end(), {"-v", volume(rt, spec.project_dir, kProjectMountPoint, false, false),
                           "-w", kProjectMountPoint, "-e", std::string("HOME=") + kContainerHome});

  for (const auto& name : spec.env_names) {
    if (!valid_env_name(name)) {
      // Only the part before '=' is shown: what follows may be a secret.
      return make_error("cannot forward the environment variable \"" +
                            name.substr(0, name.find('=')) + "\": not a valid name",
                        "use names of letters, digits and '_' that do not start with a digit");
    }
    if (name == "HOME") {
      return make_error("cannot forward HOME: the container's HOME is " +
                        std::string(kContainerHome));
    }
    argv.insert(argv.end(), {"-e", name});
  }

  for (const auto& [name, value] : spec.env_inline) {
    if (!valid_env_name(name) || value.find('\n') != std::string::npos)
      return make_error("cannot set the environment variable \"" + name + "\"");
    argv.insert(argv.end(), {"-e", name + "=" + value});
  }

  for (const auto& m : spec.mounts) {
    if (auto s = check_mount_path(m.host, "the mount source"); !s) return s.error();
    if (auto s = check_mount_path(m.container, "the mount target"); !s) return s.error();
    argv.insert(argv.end(),
                {"-v", volume(rt, m.host, m.container, m.read_only, m.session_private)});
  }

  argv.push_back(spec.image);
  argv.insert(argv.end(), spec.command.begin(), spec.command.end());
  return argv;
}

Result<std::vector<std::string>> gate_create_argv(const Runtime& rt, const GateSpec& g) {
  if (g.name.empty() || g.name[0] == '-') return make_error("invalid gate name \"" + g.name + "\"");
  if (g.image.empty() || g.image[0] == '-')
    return make_error("invalid image \"" + g.image + "\"", "set IMAGE_TAG to an image name");
  if (g.dial_host.empty() || g.dial_host[0] == '-')
    return make_error("invalid broker address \"" + g.dial_host + "\" for the gate");
  std::vector<std::string> argv{rt.path,
                                "create",
                                "--rm",
                                "--name",
                                g.name,
                                "--label",
                                "cx.session=" + g.session_id,
                                "--label",
                                "cx.pid=" + std::to_string(g.host_pid),
                                "--label",
                                "cx.role=gate",
                                "--network",
                                g.network,
                                "--pull=never",
                                "--init",
                                "--cap-drop=ALL",
                                "--security-opt=no-new-privileges",
                                "--read-only",
                                "--user",
                                "65534:65534",
                                "--pids-limit=64"};
  if (!g.seccomp_profile.empty()) {
    if (auto st = check_mount_path(g.seccomp_profile, "the seccomp profile"); !st)
      return st.error();
    argv.push_back("--security-opt=seccomp=" + g.seccomp_profile);
  }
  if (!g.add_host.empty()) argv.push_back("--add-host=" + g.add_host);
  argv.insert(argv.end(),
              {g.image, "cx-gate", g.dial_host, g.proxy_port, g.credentials_port});
  return argv;
}

std::vector<std::string> network_create_argv(const Runtime& rt, const std::string& name,
                                             const std::string& session_id) {
  std::vector<std::string> argv{rt.path, "network", "create", "--internal", "--label",
                                "cx.session=" + session_id};
  // aardvark-dns would answer (and forward) the agent's lookups; the gate's
  // address is given to the agent with --add-host instead.
  if (rt.kind == RuntimeKind::kPodman) argv.push_back("--disable-dns");
  // docker (before 28's gateway modes) gives an internal network's bridge
  // the gateway address and its containers a default route to it: the host
  // answers there, on every address it has. Without an address on the
  // bridge that route leads nowhere (nothing answers ARP for it), and the
  // agent, without CAP_NET_ADMIN or CAP_NET_RAW, cannot change that.
  if (rt.kind == RuntimeKind::kDocker)
    argv.insert(argv.end(), {"-o", "com.docker.network.bridge.inhibit_ipv4=true"});
  argv.push_back(name);
  return argv;
}

std::vector<std::string> network_connect_argv(const Runtime& rt, const std::string& network,
                                              const std::string& container) {
  return {rt.path, "network", "connect", network, container};
}

std::vector<std::string> network_rm_argv(const Runtime& rt, const std::string& name) {
  return {rt.path, "network", "rm", name};
}

std::vector<std::string> start_argv(const Runtime& rt, const std::string& name, bool attach) {
  if (attach) return {rt.path, "start", "-a", "-i", name};
  return {rt.path, "start", name};
}

std::vector<std::string> cp_in_argv(const Runtime& rt, const std::string& name,
                                    const std::string& dir) {
  return {rt.path, "cp", "-", name + ":" + dir};
}

std::vector<std::string> address_argv(const Runtime& rt, const std::string& name,
                                      const std::string& network) {
  return {rt.path, "inspect", "--format",
          "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}", name};
}

std::vector<std::string> rm_argv(const Runtime& rt, const std::string& name) {
  // podman's `rm -f` first sends the stop signal and waits its 10 s stop
  // timeout; the lifeline promises 5 s, so it kills at once, as docker's does.
  if (rt.kind == RuntimeKind::kPodman) return {rt.path, "rm", "-f", "-t", "0", name};
  return {rt.path, "rm", "-f", name};
}

std::vector<std::string> ps_argv(const Runtime& rt) {
  return {rt.path, "ps", "-a", "--filter", "label=cx.session", "--format", "{{.Names}}"};
}

std::vector<std::string> labels_argv(const Runtime& rt, const std::string& name) {
  return {rt.path, "inspect", "--format", "{{json .Config.Labels}}", name};
}

std::vector<std::string> image_exists_argv(const Runtime& rt, const std::string& tag) {
  return {rt.path, "image", "inspect", tag};
}

}  // namespace cx::runtime
