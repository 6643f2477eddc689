#include "runtime/build_command.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../bounded_child.h"
#include "config/settings.h"
#include "runtime/embedded_image.h"

namespace cx::runtime {
namespace {

namespace fs = std::filesystem;
using Argv = std::vector<std::string>;

const char* kCertA = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----";
const char* kCertB = "-----BEGIN CERTIFICATE-----\nMIIBBBBB\nMIIBCCCC\n-----END CERTIFICATE-----";

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class BuildContext : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cx-build-ctx-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(BuildContext, WritesTheEmbeddedFilesAndAnEmptyCaDir) {
  ASSERT_TRUE(write_build_context(dir_, std::nullopt).ok());
  EXPECT_EQ(read(dir_ / "Containerfile"), embedded::containerfile);
  EXPECT_EQ(read(dir_ / "entrypoint.sh"), embedded::entrypoint);
  EXPECT_EQ(read(dir_ / "cx-relay.c"), embedded::relay_source);
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "entrypoint.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  EXPECT_TRUE(fs::is_directory(dir_ / "extra-ca"));
  EXPECT_TRUE(fs::is_empty(dir_ / "extra-ca"));
}

TEST_F(BuildContext, SplitsTheExtraCaBundleOneCertificatePerFile) {
  const fs::path bundle = dir_ / "bundle.pem";
  std::ofstream(bundle) << "# corporate roots\n" << kCertA << "\n\njunk\n" << kCertB << "\n";
  const fs::path ctx = dir_ / "ctx";
  fs::create_directory(ctx);
  ASSERT_TRUE(write_build_context(ctx, bundle.string()).ok());
  EXPECT_EQ(read(ctx / "extra-ca" / "cx-extra-ca-1.crt"), std::string(kCertA) + "\n");
  EXPECT_EQ(read(ctx / "extra-ca" / "cx-extra-ca-2.crt"), std::string(kCertB) + "\n");
  EXPECT_FALSE(fs::exists(ctx / "extra-ca" / "cx-extra-ca-3.crt"));
}

TEST_F(BuildContext, RefusesAnUnreadableOrEmptyBundle) {
  auto missing = write_build_context(dir_, (dir_ / "nope.pem").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("CX_EXTRA_CA_CERTS"), std::string::npos);

  const fs::path ctx = dir_ / "ctx";
  fs::create_directory(ctx);
  std::ofstream(dir_ / "empty.pem") << "not a certificate\n";
  auto empty = write_build_context(ctx, (dir_ / "empty.pem").string());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("holds no PEM certificate"), std::string::npos);
}

// The bundle is read again at build time: still a regular file within the cap.
TEST_F(BuildContext, RefusesAFifoOrAnOversizedBundle) {
  const fs::path fifo = dir_ / "fifo.pem";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(cx::test_util::in_bounded_child([&] {
              auto r = write_build_context(dir_, fifo.string());
              return r.ok() ? std::string("written") : r.error().message;
            }),
            "cannot read CX_EXTRA_CA_CERTS file " + fifo.string() + ": a FIFO, not a regular file");

  const fs::path big = dir_ / "big.pem";
  std::ofstream(big) << kCertA << "\n";
  fs::resize_file(big, config::kMaxCaBundleBytes + 1);
  const fs::path ctx = dir_ / "ctx";
  fs::create_directory(ctx);
  auto oversized = write_build_context(ctx, big.string());
  ASSERT_FALSE(oversized.ok());
  EXPECT_EQ(oversized.error().message,
            "cannot read CX_EXTRA_CA_CERTS file " + big.string() + ": larger than the 8 MiB limit");
}

TEST(SplitPem, IgnoresAnUnterminatedBlock) {
  EXPECT_EQ(split_pem_certificates(std::string(kCertA) + "\n-----BEGIN CERTIFICATE-----\nMII"),
            (std::vector<std::string>{std::string(kCertA) + "\n"}));
  EXPECT_TRUE(split_pem_certificates("").empty());
}

BuildSpec spec() {
  BuildSpec s;
  s.tag = "localhost/cx:latest";
  s.context_dir = "/tmp/ctx";
  s.claude_version = "2.1.332";
  return s;
}

Argv expected(const std::string& path, Argv flags) {
  Argv a{path,          "build",
         "-t",          "localhost/cx:latest",
         "-f",          "/tmp/ctx/Containerfile",
         "--build-arg", "BASE_IMAGE=docker.io/library/debian:bookworm-slim",
         "--build-arg", "CLAUDE_CODE_VERSION=2.1.332"};
  a.insert(a.end(), flags.begin(), flags.end());
  a.push_back("/tmp/ctx");
  return a;
}

TEST(BuildArgv, PodmanStatesItsPullPolicy) {
  const Runtime podman{"/usr/bin/podman", RuntimeKind::kPodman, false, false};
  auto s = spec();
  EXPECT_EQ(build_argv(podman, s), expected("/usr/bin/podman", {"--pull=missing"}));
  s.pull = PullPolicy::Never;
  s.no_cache = true;
  EXPECT_EQ(build_argv(podman, s), expected("/usr/bin/podman", {"--no-cache", "--pull=never"}));
  s.pull = PullPolicy::Always;
  s.no_cache = false;
  EXPECT_EQ(build_argv(podman, s), expected("/usr/bin/podman", {"--pull=always"}));
}

TEST(BuildArgv, DockerAndNerdctlDialects) {
  const Runtime docker{"/usr/bin/docker", RuntimeKind::kDocker, false, false};
  const Runtime nerdctl{"/usr/local/bin/nerdctl", RuntimeKind::kNerdctl, false, false};
  auto s = spec();
  EXPECT_EQ(build_argv(docker, s), expected("/usr/bin/docker", {}));
  EXPECT_EQ(build_argv(nerdctl, s), expected("/usr/local/bin/nerdctl", {}));
  s.pull = PullPolicy::Always;
  EXPECT_EQ(build_argv(docker, s), expected("/usr/bin/docker", {"--pull"}));
  EXPECT_EQ(build_argv(nerdctl, s), expected("/usr/local/bin/nerdctl", {"--pull=true"}));
  s.pull = PullPolicy::Never;
  s.no_cache = true;
  EXPECT_EQ(build_argv(docker, s), expected("/usr/bin/docker", {"--no-cache"}));
  EXPECT_EQ(build_argv(nerdctl, s),
            expected("/usr/local/bin/nerdctl", {"--no-cache", "--pull=false"}));
}

TEST(BuildArgv, CustomBaseImage) {
  const Runtime docker{"docker", RuntimeKind::kDocker, false, false};
  auto s = spec();
  s.base_image = "registry.corp/debian:12";
  EXPECT_EQ(build_argv(docker, s)[7], "BASE_IMAGE=registry.corp/debian:12");
}

TEST(BuildArgv, RecipeBecomesABuildArg) {
  BuildSpec s = spec();
  s.recipe = image_recipe();
  const Runtime podman{"/usr/bin/podman", RuntimeKind::kPodman, false, false};
  Argv a = build_argv(podman, s);
  auto it = std::find(a.begin(), a.end(), std::string(kRecipeLabel) + "=" + s.recipe);
  ASSERT_NE(it, a.end());
  EXPECT_EQ(*(it - 1), "--label");
}

TEST(ImageRecipe, IsAStableDigestGivenToTheBuildAsALabel) {
  const std::string r = image_recipe();
  EXPECT_EQ(r.size(), 16u);
  EXPECT_EQ(r.find_first_not_of("0123456789abcdef"), std::string::npos) << r;
  EXPECT_EQ(r, image_recipe());
  // The constant CMake computed is the formula over the files cx embeds.
  EXPECT_EQ(r, image_recipe_of(embedded::containerfile, embedded::entrypoint,
                               embedded::relay_source));
  EXPECT_NE(image_recipe_of(embedded::containerfile, embedded::entrypoint, "x"), r);
  EXPECT_EQ(std::string(embedded::containerfile).find(std::string("LABEL ") + kRecipeLabel),
            std::string::npos);
}

}  // namespace
}  // namespace cx::runtime
