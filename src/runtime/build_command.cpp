#include "runtime/build_command.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>

#include "config/settings.h"
#include "runtime/embedded_image.h"
#include "util/bounded_file.h"
#include "util/digest.h"

namespace cx::runtime {
namespace {

Status write_file(const std::string& path, std::string_view content, mode_t mode) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    return make_error("cannot write " + path + ": " + std::strerror(errno),
                      "check that the temporary directory is writable");
  }
  // The runtime copies the mode into the image, so it is set explicitly
  // rather than left to the umask.
  if (::chmod(path.c_str(), mode) != 0) {
    return make_error("cannot set the mode of " + path + ": " + std::strerror(errno));
  }
  return Ok{};
}

}  // namespace

std::vector<std::string> split_pem_certificates(const std::string& bundle) {
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<std::string> certs;
  std::string::size_type pos = 0;
  for (;;) {
    const auto begin = bundle.find(kBegin, pos);
    if (begin == std::string::npos) break;
    const auto end = bundle.find(kEnd, begin);
    if (end == std::string::npos) break;
    certs.push_back(bundle.substr(begin, end + kEnd.size() - begin) + "\n");
    pos = end + kEnd.size();
  }
  return certs;
}

Status write_build_context(const std::string& dir,
                           const std::optional<std::string>& extra_ca_bundle) {
  if (auto s = write_file(dir + "/Containerfile", embedded::containerfile, 0644); !s) return s;
  if (auto s = write_file(dir + "/entrypoint.sh", embedded::entrypoint, 0755); !s) return s;
  if (auto s = write_file(dir + "/cx-relay.c", embedded::relay_source, 0644); !s) return s;
  const std::string ca_dir = dir + "/extra-ca";
  if (::mkdir(ca_dir.c_str(), 0755) != 0) {
    return make_error("cannot create " + ca_dir + ": " + std::strerror(errno));
  }
  if (!extra_ca_bundle) return Ok{};

  BoundedRead content = read_bounded_file(*extra_ca_bundle, config::kMaxCaBundleBytes);
  if (!content.ok()) {
    return make_error("cannot read CX_EXTRA_CA_CERTS file " + *extra_ca_bundle + ": " + content.why,
                      "set CX_EXTRA_CA_CERTS to a readable PEM bundle, or remove it");
  }
  // update-ca-certificates links one certificate per .crt file into the
  // hashed directory, so a bundle is split rather than copied whole.
  const auto certs = split_pem_certificates(content.text);
  if (certs.empty()) {
    return make_error("CX_EXTRA_CA_CERTS file " + *extra_ca_bundle + " holds no PEM certificate",
                      "point CX_EXTRA_CA_CERTS at a file with -----BEGIN CERTIFICATE----- blocks");
  }
  for (std::size_t i = 0; i < certs.size(); ++i) {
    const std::string path = ca_dir + "/cx-extra-ca-" + std::to_string(i + 1) + ".crt";
    if (auto s = write_file(path, certs[i], 0644); !s) return s;
  }
  return Ok{};
}

// Computed when cx is built (CMakeLists.txt, with the same formula as
// image_recipe_of, which a unit test checks), so that `cx version` needs no
// hashing at run time.
std::string image_recipe() { return CX_IMAGE_RECIPE; }

std::string image_recipe_of(std::string_view containerfile, std::string_view entrypoint,
                            std::string_view relay_source) {
  return sha256_hex(sha256_hex(containerfile) + "\n" + sha256_hex(entrypoint) + "\n" +
                    sha256_hex(relay_source))
      .substr(0, 16);
}

std::vector<std::string> build_argv(const Runtime& rt, const BuildSpec& spec) {
  std::vector<std::string> argv{rt.path,       "build",
                                "-t",          spec.tag,
                                "-f",          spec.context_dir + "/Containerfile",
                                "--build-arg", "BASE_IMAGE=" + spec.base_image,
                                "--build-arg", "CLAUDE_CODE_VERSION=" + spec.claude_version};
  // A label given to the build, not a LABEL with a build arg in the
  // Containerfile: podman's layer cache does not see a changed build arg in
  // a LABEL step, and would keep the previous recipe's label.
  if (!spec.recipe.empty())
    argv.insert(argv.end(), {"--label", std::string(kRecipeLabel) + "=" + spec.recipe});
  if (spec.no_cache) argv.push_back("--no-cache");
  switch (rt.kind) {
    case RuntimeKind::kPodman:
      argv.push_back(spec.pull == PullPolicy::Always  ? "--pull=always"
                     : spec.pull == PullPolicy::Never ? "--pull=never"
                                                      : "--pull=missing");
      break;
    case RuntimeKind::kDocker:
      // docker build uses a local base image when present and has no "never".
      if (spec.pull == PullPolicy::Always) argv.push_back("--pull");
      break;
    case RuntimeKind::kNerdctl:
      if (spec.pull == PullPolicy::Always) argv.push_back("--pull=true");
      if (spec.pull == PullPolicy::Never) argv.push_back("--pull=false");
      break;
  }
  argv.push_back(spec.context_dir);
  return argv;
}

}  // namespace cx::runtime
