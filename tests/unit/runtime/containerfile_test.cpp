// Textual checks of the embedded Containerfile's layer order: a new
// CLAUDE_CODE_VERSION must invalidate only the npm layer and the final COPY.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "runtime/embedded_image.h"

namespace cx::runtime {
namespace {

struct Instruction {
  std::string stage;  // "builder" or "final"
  std::string text;   // the instruction with continuation lines joined
};

std::vector<Instruction> instructions() {
  std::vector<Instruction> out;
  std::istringstream in{std::string(embedded::containerfile)};
  std::string line, current, stage = "preamble";
  while (std::getline(in, line)) {
    if (current.empty() && (line.empty() || line[0] == '#')) continue;
    const bool continued = !line.empty() && line.back() == '\\';
    current += continued ? line.substr(0, line.size() - 1) : line;
    if (continued) continue;
    if (current.rfind("FROM ", 0) == 0) {
      stage = current.find(" AS builder") != std::string::npos ? "builder" : "final";
    }
    out.push_back({stage, current});
    current.clear();
  }
  return out;
}

std::vector<std::string> stage(const std::string& name) {
  std::vector<std::string> out;
  for (const auto& i : instructions()) {
    if (i.stage == name) out.push_back(i.text);
  }
  return out;
}

std::size_t index_of(const std::vector<std::string>& v, const std::string& needle) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].find(needle) != std::string::npos) return i;
  }
  return v.size();
}

TEST(Containerfile, BuilderDeclaresTheVersionAfterApt) {
  const auto b = stage("builder");
  const auto apt = index_of(b, "apt-get install");
  const auto arg = index_of(b, "ARG CLAUDE_CODE_VERSION");
  const auto npm = index_of(b, "npm install");
  ASSERT_LT(apt, b.size());
  ASSERT_LT(arg, b.size());
  ASSERT_LT(npm, b.size());
  EXPECT_LT(apt, arg);
  EXPECT_LT(arg, npm);
  EXPECT_NE(b[npm].find("@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}"), std::string::npos);
  EXPECT_LT(index_of(b, "NODE_EXTRA_CA_CERTS"), npm);
}

TEST(Containerfile, FinalStageEndsWithTheVersionedLayers) {
  // The Claude Code binary is the last layer, so a new version rebuilds
  // nothing else (the recipe label is given to the build: build_argv).
  const auto f = stage("final");
  const auto copy = index_of(f, "COPY --from=builder /out/claude ");
  ASSERT_GE(copy, 2u);
  ASSERT_EQ(copy + 1, f.size());
  EXPECT_EQ(f[copy - 2].rfind("ARG CLAUDE_CODE_VERSION", 0), 0u);
  EXPECT_EQ(f[copy - 1].rfind("LABEL cx.claude-version=", 0), 0u);
  EXPECT_NE(f[copy].find("/usr/local/bin/claude"), std::string::npos);
}

TEST(Containerfile, FinalStageHasNoNodeAndTheUpdaterOff) {
  const auto f = stage("final");
  const auto apt = index_of(f, "apt-get install");
  ASSERT_LT(apt, f.size());
  EXPECT_EQ(f[apt].find("nodejs"), std::string::npos);
  EXPECT_EQ(f[apt].find(" npm"), std::string::npos);
  for (const char* pkg : {"git", "ca-certificates", "curl", "jq", "socat", "awscli", "less",
                          "procps", "ripgrep", "unzip", "vim-tiny"}) {
    EXPECT_NE(f[apt].find(std::string(" ") + pkg), std::string::npos) << pkg;
  }
  EXPECT_LT(index_of(f, "DISABLE_AUTOUPDATER=1"), f.size());
  EXPECT_LT(index_of(f, "ENTRYPOINT [\"/usr/local/bin/cx-entrypoint\"]"), f.size());
  EXPECT_LT(index_of(f, "CMD [\"claude\"]"), f.size());
  EXPECT_LT(index_of(f, "COPY extra-ca/ /usr/local/share/ca-certificates/"), apt);
}

TEST(Entrypoint, ExecsTheCommand) {
  const std::string e(embedded::entrypoint);
  EXPECT_EQ(e.rfind("#!/bin/sh\n", 0), 0u);
  EXPECT_NE(e.find("\nexec \"$@\"\n"), std::string::npos);
}

}  // namespace
}  // namespace cx::runtime
