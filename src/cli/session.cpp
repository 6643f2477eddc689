// `cx`, `cx run` and `cx shell`: one sandboxed session, from the config file
// to claude's exit status.
//
// Order matters for failing closed: the broker (credential endpoint, egress
// proxy, lifeline) listens with its policy loaded before the container is
// started, and everything the session made is undone on every exit path by
// the destructors of the objects below (broker, vendor, temp dir, record).
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "broker/allowlist.h"
#include "broker/audit_log.h"
#include "broker/broker.h"
#include "broker/credential_vendor.h"
#include "broker/ecs_credentials.h"
#include "cli/claude_state.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/credentials.h"
#include "cli/session_plan.h"
#include "cli/sessions.h"
#include "config/settings.h"
#include "proc/capture.h"
#include "proc/reaper.h"
#include "proc/signals.h"
#include "proc/spawn.h"
#include "proc/supervisor.h"
#include "runtime/container_contract.h"
#include "runtime/mount_policy.h"
#include "runtime/run_command.h"
#include "runtime/runtime.h"
#include "runtime/seccomp_profile.h"
#include "runtime/transport.h"
#include "util/digest.h"
#include "util/env.h"
#include "util/fatal.h"
#include "util/private_fs.h"
#include "util/shell_words.h"
#include "util/temp_dir.h"
#include "util/term_style.h"
#include "util/ustar.h"
#include "workspace/tripwire.h"

extern char** environ;

namespace cx::cli {
namespace {

constexpr int kStart = kExitStartFailed;

std::uint64_t random64() {
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

std::string hex(std::uint64_t v, int digits) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf + 16 - digits);
}

// The environment of the runtime client: cx's own (PATH, DOCKER_HOST,
// XDG_RUNTIME_DIR, ... for the client itself) with the container's
// variables set on top. The container receives only the names listed with
// `-e NAME`, so nothing else of cx's environment reaches it.
std::vector<std::string> client_environment(const std::map<std::string, std::string>& vars) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    auto eq = entry.find('=');
    if (eq == std::string::npos || vars.count(entry.substr(0, eq))) continue;
    out.push_back(std::move(entry));
  }
  for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

// Removes the session record when the session ends, however it ends.
struct RecordGuard {
  std::string dir, id;
  bool active = false;
  ~RecordGuard() {
    if (active) remove_record(dir, id);
  }
};

}  // namespace

// Compares the workspace with the tripwire's snapshot, prints one line per
// change and logs it; returns the summary's addition ("" when none).
static std::string report_tripwire(workspace::Tripwire& tripwire, config::TripwireMode mode,
                            const EnvLookup& env, const std::string& id, broker::AuditLog& log) {
  const bool block = mode == config::TripwireMode::kBlock;
  const std::string keep = xdg_cx_dir(env, "XDG_STATE_HOME", ".local/state") + "/tripwire/" + id;
  const auto changes = tripwire.check(block, keep);
  for (const auto& c : changes) {
    std::string line = (c.area == "project" ? std::string() : c.area + ": ") + c.path + ": " +
                       c.what + "; review: " + c.review;
    if (block) {
      if (!c.restored)
        line += "; NOT undone";
      else
        line += c.kept_at.empty() ? "; undone" : "; undone, the agent's version is in " + c.kept_at;
    }
    std::fprintf(stderr, "cx: tripwire: %s\n", line.c_str());
    log.write("tripwire", {{"area", c.area},
                           {"path", c.path},
                           {"change", c.what},
                           {"restored", c.restored},
                           {"kept_at", c.kept_at}});
  }
  if (tripwire.truncated())
    std::fprintf(stderr, "%s tripwire: the workspace is too large or deep to compare whole\n",
                 term::warning_prefix().c_str());
  if (changes.empty()) return {};
  return " · tripwire: " + std::to_string(changes.size()) +
         (changes.size() == 1 ? " change" : " changes") +
         (block ? " undone" : " to review (above)");
}

namespace {

// Decides the transport (asking the engine unless CX_TRANSPORT=local). A
// dry run that cannot ask shows the local plan and says why.
runtime::Transport choose_transport(const config::Settings& s, const runtime::Runtime& rt,
                                    const EnvLookup& env, bool dry) {
  runtime::EngineFacts facts;
  if (runtime::transport_needs_engine(s.transport)) {
    auto asked = runtime::query_engine(rt, s.transport, env);
    if (!asked) {
      if (!dry) throw Fatal(asked.error(), kStart);
      std::fprintf(stderr, "%s %s; the plan below assumes the local transport\n",
                   term::warning_prefix().c_str(), asked.error().message.c_str());
      runtime::Transport t;
      t.reason = "the engine did not answer";
      return t;
    }
    facts = std::move(*asked);
  }
  return unwrap(runtime::decide_transport(s.transport, rt, facts, runtime::this_host()), kStart);
}

// What the remote transport copies into the created container's /run: the
// credential token and the proxy secret, readable inside only (the
// container has one user), read-only for it.
std::string secrets_archive(const std::string& token, const std::string& proxy_secret) {
  const std::string dir = std::string(runtime::kBrokerMountPoint).substr(5);  // "cx" of /run/cx
  std::vector<TarEntry> entries{{dir, true, 0555, 0, 0, {}},
                                {dir + "/" + runtime::kTokenFile, false, 0444, 0, 0, token},
                                {dir + "/" + runtime::kProxySecretFile, false, 0444, 0, 0,
                                 proxy_secret}};
  return unwrap(ustar(entries), kStart);
}

// Runs the plan's setup steps in order: the first that fails ends the
// session start (what it made is undone by the reaper, which has every
// undo registered).
void run_setup(const SessionPlan& plan, const std::vector<std::string>& client_env,
               const std::string& secrets) {
  std::string gate_address;
  for (const PlanStep& step : plan.setup) {
    std::vector<std::string> argv = step.argv;
    for (auto& a : argv) {
      const auto at = a.find(kGateAddress);
      if (at != std::string::npos) a.replace(at, std::string(kGateAddress).size(), gate_address);
    }
    auto r = proc::capture({.argv = argv,
                            .env = client_env,
                            .stdin_data = step.secrets_on_stdin ? secrets : std::string(),
                            .timeout = std::chrono::seconds(120),
                            .max_output = 1 << 20});
    if (!r) throw Fatal(r.error(), kStart);
    if (r->exit_code != 0 || r->timed_out) {
      std::string err = r->err;
      while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
      if (auto nl = err.rfind('\n'); nl != std::string::npos) err = err.substr(nl + 1);
      throw Fatal(Error{"cannot set up the session (" + step.what + "): `" + argv[0] + " " +
                            argv[1] + "` " +
                            (r->timed_out ? std::string("timed out")
                                          : "failed" + (err.empty() ? "" : ": " + err)),
                        "`cx doctor` checks the runtime; `cx run --dry-run` shows every command"},
                  kStart);
    }
    if (step.yields_gate_address) {
      std::string out = r->out.substr(0, r->out.find('\n'));
      unsigned char buf[16];
      if (::inet_pton(AF_INET, out.c_str(), buf) != 1 && ::inet_pton(AF_INET6, out.c_str(), buf) != 1)
        throw Fatal("cannot set up the session: the gate has no address on the session's network",
                    kStart);
      gate_address = out;
    }
  }
}

}  // namespace

int cmd_session(const Invocation& inv) {
  const bool shell = inv.command == Command::Shell;
  const bool dry = inv.run.dry_run;
  const auto t0 = std::chrono::steady_clock::now();
  const EnvLookup env = process_env();
  SystemClock clock;

  // The lifeline first, while cx has a single thread: from here on, however
  // cx ends (SIGKILL included), the reaper undoes what the session made.
  std::optional<proc::Reaper> reaper;
  if (!dry) {
    reaper.emplace(unwrap(proc::Reaper::start(), kStart));
    proc::set_child_observer(&*reaper);
  }
  struct ObserverReset {
    ~ObserverReset() { proc::set_child_observer(nullptr); }
  } observer_reset;
  // Until the supervisor takes over, SIGINT/SIGTERM/SIGHUP/SIGQUIT end cx at
  // once (a config that hangs, a slow STS, the MFA prompt).
  std::optional<proc::ExitOnSignal> exit_on_signal(std::in_place);

  config::Settings s = load_config_or_die(kStart);
  if (inv.run.network) s.network = *config::parse_network_mode(*inv.run.network);
  if (inv.run.persist) s.persist = *config::parse_persist_mode(*inv.run.persist);
  const bool use_broker = s.credentials == config::CredentialsMode::kBroker;
  const bool allowlist = s.network == config::NetworkMode::kAllowlist;
  if (!allowlist)
    std::fprintf(stderr,
                 "%s CX_NETWORK=open: the agent can reach any host the runtime's network "
                 "reaches\n",
                 term::warning_prefix().c_str());

  for (const std::string& w : unwrap(check_allow_hosts(s), kStart))
    std::fprintf(stderr, "%s %s\n", term::warning_prefix().c_str(), w.c_str());
  runtime::Runtime rt = resolve_runtime_or_die(s, kStart);
  if (auto refused = root_refusal(rt, s, ::geteuid())) {
    // A dry run shows the plan, and says that a real run would stop here.
    if (!dry) throw Fatal(*refused, kStart);
    std::fprintf(stderr, "%s a real run would be refused: %s\ncx: hint: %s\n",
                 term::warning_prefix().c_str(), refused->message.c_str(), refused->hint.c_str());
  }
  std::string home = env_value(env, "HOME").value_or("");
  std::error_code ec;
  std::string cwd = std::filesystem::current_path(ec).string();
  if (ec) throw Fatal("cannot read the current directory: " + ec.message(), kStart);
  const runtime::MountRules mount_rules = runtime::mount_rules(home, env, inv.run.allow_home);
  std::vector<std::string> mount_warnings;
  std::string project =
      unwrap(runtime::check_project_dir(cwd, mount_rules, &mount_warnings), kStart);
  std::vector<runtime::Mount> user_mounts;
  for (const auto& m : s.mounts) user_mounts.push_back({m.host, m.container, m.read_only, false});
  auto mounts =
      unwrap(runtime::check_user_mounts(user_mounts, mount_rules, &mount_warnings), kStart);
  for (const auto& w : mount_warnings)
    std::fprintf(stderr, "%s %s\n", term::warning_prefix().c_str(), w.c_str());

  const runtime::Transport transport = choose_transport(s, rt, env, dry);
  const bool remote = transport.kind == runtime::TransportKind::kRemote;
  if (inv.run.verbose)
    std::fprintf(stderr, "cx: transport: %s (%s)\n", std::string(to_string(transport.kind)).c_str(),
                 transport.reason.c_str());
  // Credentials first: a session that cannot get them never starts a thing.
  // The image is checked before anything is asked of STS or the user (an
  // MFA code): with cached credentials nothing is, and the check is left to
  // the runtime (--pull=never, then image_missing_after below), which saves
  // the session a runtime call.
  std::unique_ptr<AgentCredentialSource> source;
  aws::Credentials creds;
  std::string region;
  bool image_checked = false;
  if (dry) {
    creds.access_key_id = "<access-key-id>";
    creds.secret_access_key = creds.session_token = "<redacted>";
    region = s.aws_region.value_or("<region>");
  } else {
    source = std::make_unique<AgentCredentialSource>(s, project, kStart);
    if (auto cached = source->cached()) {
      creds = std::move(*cached);
    } else {
      require_image(rt, s.image_tag, kStart);
      image_checked = true;
      creds = unwrap(source->issue(), kStart);
    }
    region = source->region();
  }
  // After the runtime failed to start the container: was it the image?
  const auto image_missing_after = [&] {
    if (image_checked) return false;
    const auto present = image_present(rt, s.image_tag);
    return present && !*present;
  };
  // The entries were checked above (check_allow_hosts).
  auto allow = unwrap(
      broker::Allowlist::make(region == "<region>" ? "us-east-1" : region, s.allow_hosts), kStart);

  const std::uint64_t rnd = random64();
  const std::string id = hex(rnd, 16);

  // The broker's private directory: the seccomp profile (both transports),
  // and on the local one the sockets and the token file, mounted read-only
  // at /run/cx. A dry run shows where it would be.
  std::optional<TempDir> broker_dir;
  std::string broker_path = broker_base(env);
  if (broker_path.empty()) broker_path = env_value(env, "TMPDIR").value_or("/tmp");
  broker_path += "/cx-" + id + "-XXXXXX";  // what a dry run shows
  if (!dry) {
    broker_dir.emplace(unwrap(TempDir::create("cx-" + id + "-", broker_base(env)), kStart));
    broker_path = broker_dir->path();
    unwrap(reaper->remove_on_exit(broker_path), kStart);
    unwrap(write_private_file(broker_path + "/seccomp.json", runtime::seccomp_profile_json(),
                              /*durable=*/false),
           kStart);
  }

  // Claude's state: per project, shared, or fresh for this run only (on the
  // remote transport a tmpfs in the container: a host temp dir would not
  // reach the engine's VM).
  std::optional<TempDir> fresh_state;
  std::string state_dir = claude_state_dir(s.persist, project, env);
  const bool fresh = state_dir.empty();
  if (!dry) {
    if (fresh && !remote) {
      fresh_state.emplace(unwrap(TempDir::create("cx-state-" + id + "-"), kStart));
      state_dir = fresh_state->path();
      unwrap(reaper->remove_on_exit(state_dir), kStart);
    }
    if (!state_dir.empty()) unwrap(prepare_claude_state(state_dir), kStart);
  } else if (fresh && !remote) {
    state_dir = env_value(env, "TMPDIR").value_or("/tmp") + "/cx-state-" + id + "-XXXXXX";
  }

  PlanInput pin;
  pin.shell = shell;
  pin.rest = inv.rest;
  pin.settings = &s;
  pin.runtime = rt;
  pin.transport = transport;
  pin.session_id = id;
  pin.random = static_cast<std::uint32_t>(rnd);
  pin.project = project;
  pin.host_pid = ::getpid();
  pin.tty = ::isatty(STDIN_FILENO);
  pin.uid = ::getuid();
  pin.gid = ::getgid();
  pin.mounts = mounts;
  pin.broker_dir = broker_path;
  // docker's client reads the seccomp profile and sends it; podman's remote
  // client and nerdctl (run inside Lima's VM) hand the engine the path, so
  // on the remote transport it must be where the VM sees the host's files:
  // beside Claude's state, which must be shared anyway.
  if (remote && rt.kind != runtime::RuntimeKind::kDocker) {
    const std::string json = runtime::seccomp_profile_json();
    const std::string dir = xdg_cx_dir(env, "XDG_DATA_HOME", ".local/share");
    pin.seccomp_profile = dir + "/seccomp-" + sha256_hex(json).substr(0, 16) + ".json";
    if (!dry) {
      unwrap(ensure_private_dir(dir, "cx's data directory"), kStart);
      struct stat st {};
      if (::stat(pin.seccomp_profile.c_str(), &st) != 0) {
        unwrap(write_private_file(pin.seccomp_profile, json), kStart);
        ::chmod(pin.seccomp_profile.c_str(), 0644);  // a policy, not a secret: the engine reads it
      }
    }
  }
  pin.state_dir = state_dir;
  pin.fresh_state = fresh;
  pin.region = region;
  for (auto& v : config::container_variables(s, env))
    pin.variables.emplace_back(std::move(v.name), std::move(v.value));
  if (!use_broker) {
    pin.variables.emplace_back("AWS_ACCESS_KEY_ID", creds.access_key_id);
    pin.variables.emplace_back("AWS_SECRET_ACCESS_KEY", creds.secret_access_key);
    if (!creds.session_token.empty())
      pin.variables.emplace_back("AWS_SESSION_TOKEN", creds.session_token);
  }
  pin.broker_credentials = use_broker;
  pin.allowlist = allowlist;

  if (dry) {
    pin.proxy_port = "<proxy-port>";
    pin.credentials_port = "<credentials-port>";
    const SessionPlan plan = unwrap(plan_session(pin), kStart);
    std::printf("%s", render_plan(plan).c_str());
    return 0;
  }
  // Checked now, before anything is started (and its names used from here
  // on); the broker's ports come later.
  pin.proxy_port = pin.credentials_port = "1";
  const SessionPlan draft = unwrap(plan_session(pin), kStart);

  // The audit log and the record `cx ps` reads.
  const std::string& container = draft.container;
  const std::string state = sessions_dir(env);
  unwrap(ensure_private_dir(state, "sessions directory"), kStart);
  auto log = unwrap(broker::AuditLog::open(state + "/" + id + ".jsonl", clock), kStart);
  log->write("session_start", {{"session", id},
                               {"pid", ::getpid()},
                               {"project", project},
                               {"role", s.aws_iam_role},
                               {"runtime", rt.path},
                               {"container", container},
                               {"credentials", use_broker ? "broker" : "env"},
                               {"network", allowlist ? "allowlist" : "open"},
                               {"transport", to_string(transport.kind)},
                               {"transport_reason", transport.reason}});
  log->credentials_issued(creds);
  SessionRecord record{id,      ::getpid(), clock.now(), project,         s.aws_iam_role,
                       rt.path, container,  broker_path, creds.expiration};
  record.gate = draft.gate;
  record.network = draft.network;
  RecordGuard record_guard{state, id, true};
  unwrap(reaper->remove_on_exit(record_path(state, id)), kStart);
  if (auto st = write_record(state, record); !st)
    std::fprintf(stderr, "%s %s\n", term::warning_prefix().c_str(), st.error().message.c_str());

  // The credential endpoint's token; on the remote transport also the
  // egress proxy's secret. Local: a file in the mounted directory, readable
  // by the container's user only. Remote: copied into the created container.
  std::string token = unwrap(broker::generate_token(), kStart);
  std::string proxy_secret;
  if (remote) {
    proxy_secret = unwrap(broker::generate_token(), kStart);
  } else {
    unwrap(write_private_file(broker_path + "/" + runtime::kTokenFile, token, /*durable=*/false),
           kStart);
  }

  std::unique_ptr<broker::CredentialVendor> vendor;
  if (use_broker) {
    broker::VendorOptions vo;
    vo.refresh_margin = std::chrono::seconds(s.refresh_margin);
    vendor = std::make_unique<broker::CredentialVendor>(
        [&source] { return source->issue(false); }, creds, clock, vo,
        [](const std::string& w) {
          std::fprintf(stderr, "\r\n%s %s\r\n", term::warning_prefix().c_str(), w.c_str());
        },
        [&](const aws::Credentials& c) {
          log->credentials_issued(c);
          record.expiration = c.expiration;
          (void)write_record(state, record);
        });
  }

  broker::BrokerConfig bc;
  bc.directory = broker_path;
  bc.allowlist = std::move(allow);
  bc.vendor = vendor.get();
  bc.token = token;
  bc.upstream = unwrap(broker::UpstreamProxy::from_env(env), kStart);
  bc.audit = [&log](const broker::AuditEvent& e) { log->broker_event(e); };
  if (remote) bc.tcp = broker::TcpListen{transport.bind_address, transport.freebind, proxy_secret};
  broker::Broker brk(std::move(bc));
  unwrap(brk.start(), kStart);  // fail closed: no container without a listening broker
  if (vendor) vendor->start();

  pin.proxy_port = std::to_string(brk.proxy_port());
  pin.credentials_port = std::to_string(brk.credentials_port());
  const SessionPlan plan = unwrap(plan_session(pin), kStart);
  const std::vector<std::string> client_env = client_environment(plan.env);

  if (inv.run.verbose)
    std::fprintf(stderr, "cx: session %s: %s in %s as %s (audit log %s)\n", plan.container.c_str(),
                 shell ? "shell" : "claude", project.c_str(), s.aws_iam_role.c_str(),
                 log->path().c_str());

  // Conversations saved from now on are this session's.
  // (A second early: file times come from a coarser clock.)
  const auto state_since = std::filesystem::file_time_type::clock::now() - std::chrono::seconds(1);

  // The tripwire's snapshot, taken before the agent can write anything.
  std::optional<workspace::Tripwire> tripwire;
  if (s.tripwire != config::TripwireMode::kOff) {
    const auto t_arm = std::chrono::steady_clock::now();
    auto armed = workspace::Tripwire::arm(project, fresh ? std::string() : state_dir);
    if (armed) {
      tripwire.emplace(std::move(*armed));
      log->write("tripwire_armed",
                 {{"mode", config::to_string(s.tripwire)},
                  {"entries", tripwire->scanned()},
                  {"truncated", tripwire->truncated()},
                  {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - t_arm)
                             .count()}});
    } else {
      std::fprintf(stderr, "%s tripwire off for this session: %s\n", term::warning_prefix().c_str(),
                   armed.error().message.c_str());
    }
  }

  // If cx dies from here on, the reaper kills the client (as every child cx
  // started and has not reaped), removes the containers and the network,
  // and notes in the audit log that the session was cut short.
  for (const PlanUndo& u : plan.undo) unwrap(reaper->run_on_exit(u.key, u.argv), kStart);
  unwrap(reaper->audit_on_exit("audit", log->path(), "session_abandoned"), kStart);
  if (!plan.setup.empty()) {
    try {
      run_setup(plan, client_env, secrets_archive(token, proxy_secret));
    } catch (const Fatal&) {
      if (image_missing_after()) throw missing_image(rt, s.image_tag, kStart);
      throw;
    }
  }
  int code;
  {
    proc::TerminalGuard terminal;
    exit_on_signal.reset();  // signals from here on are the supervisor's to forward
    auto client = proc::spawn({.argv = plan.client, .env = client_env});
    if (!client) throw Fatal(client.error(), kStart);
    code = proc::supervise(*client);
    exit_on_signal.emplace();
  }
  // The runtime's own line ("image not known") is above; cx says what to do.
  const bool no_image = code == kStart && image_missing_after();
  if (no_image) {
    const Fatal f = missing_image(rt, s.image_tag, kStart);
    std::fprintf(stderr, "%s %s\ncx: hint: %s\n", term::error_prefix().c_str(), f.what(),
                 f.hint().c_str());
  }
  // `run --rm` removes the container before the client returns the
  // command's own exit status (docker's client waits for the removal too).
  // A status of 125 or more may instead be the runtime failing, or the
  // client killed: then the container may be left, and is removed here.
  // `start -a` (remote) returns before the engine's own removal, which the
  // network's removal must not race. Output is discarded: "no such
  // container" is the usual answer.
  for (const PlanUndo& u : plan.undo) {
    if (u.key != "container" || code >= 125 || remote) (void)proc::capture({.argv = u.argv});
    (void)reaper->forget(u.key);
  }
  if (vendor) vendor->stop();
  if (!brk.stop_within(std::chrono::seconds(5))) {
    // Its io thread is stuck (a handler that never returns, a hung disk
    // under the audit log): it serves nothing now. Nothing more is written
    // (the audit log may be what hangs); cx ends here, and the reaper
    // removes the broker directory and the record and notes the end.
    std::fprintf(stderr,
                 "%s the broker did not stop within 5 s (its thread is stuck); "
                 "cx exits without it\n",
                 term::warning_prefix().c_str());
    std::fflush(nullptr);
    ::_exit(code);
  }

  // The container is gone: what the agent left for later is compared now.
  std::string tripwire_summary;
  if (tripwire) tripwire_summary = report_tripwire(*tripwire, s.tripwire, env, id, *log);

  auto elapsed =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0);
  // cx's own peak memory (not its children's: the runtime's client is theirs).
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  log->write("session_end", {{"exit_status", code},
                             {"duration_s", elapsed.count()},
                             {"max_rss_kb", static_cast<long long>(ru.ru_maxrss)}});
  if (!no_image)
    std::fprintf(stderr, "cx: %s%s\n", log->summary(elapsed).c_str(), tripwire_summary.c_str());
  // Claude's own parting line says `claude --resume ID`; through cx it is this.
  if (!shell && !fresh && code < 125) {
    if (std::string conversation = newest_conversation(state_dir, state_since);
        !conversation.empty())
      std::fprintf(stderr, "cx: to resume this conversation: cx --resume %s\n",
                   conversation.c_str());
  }
  (void)reaper->forget("audit");
  return code;
}

}  // namespace cx::cli
