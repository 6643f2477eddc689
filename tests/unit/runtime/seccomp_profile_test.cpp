#include "runtime/seccomp_profile.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace cx::runtime {
namespace {

using nlohmann::json;

json profile() { return json::parse(seccomp_profile_json()); }

// Every rule that names `call`.
std::vector<json> rules_for(const json& p, const std::string& call) {
  std::vector<json> out;
  for (const auto& r : p["syscalls"])
    for (const auto& n : r["names"])
      if (n == call) out.push_back(r);
  return out;
}

TEST(SeccompProfile, DeniesByDefaultWithEnosysSoProgramsFallBack) {
  const json p = profile();
  EXPECT_EQ(p["defaultAction"], "SCMP_ACT_ERRNO");
  EXPECT_EQ(p["defaultErrnoRet"], 38);
  EXPECT_EQ(seccomp_profile_json(), seccomp_profile_json()) << "not deterministic";
  std::set<std::string> arches;
  for (const auto& a : p["archMap"]) arches.insert(a["architecture"]);
  EXPECT_EQ(arches, (std::set<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"}));
}

// The point of it: a mode with S_ISUID or S_ISGID never gets through, any
// other mode does, for every call that takes a mode.
TEST(SeccompProfile, ModeTakingCallsCannotSetSetuidOrSetgid) {
  const json p = profile();
  std::set<std::string> guarded;
  for (const auto& c : seccomp_mode_guarded_calls()) {
    guarded.insert(c.name);
    const auto rules = rules_for(p, c.name);
    ASSERT_EQ(rules.size(), 3u) << c.name;
    int allows = 0, denies = 0;
    for (const auto& r : rules) {
      ASSERT_EQ(r["names"].size(), 1u) << c.name << " shares a rule";
      ASSERT_EQ(r["args"].size(), 1u);
      const json& a = r["args"][0];
      EXPECT_EQ(a["index"], c.mode_arg) << c.name;
      EXPECT_EQ(a["op"], "SCMP_CMP_MASKED_EQ");
      if (r["action"] == "SCMP_ACT_ALLOW") {
        ++allows;
        EXPECT_EQ(a["value"], 06000);  // the mask
        EXPECT_EQ(a["valueTwo"], 0);
      } else {
        ++denies;
        EXPECT_EQ(r["action"], "SCMP_ACT_ERRNO");
        EXPECT_EQ(r["errnoRet"], 1) << "EPERM";
        EXPECT_EQ(a["value"], a["valueTwo"]);
        EXPECT_TRUE(a["value"] == 04000 || a["value"] == 02000) << a;
      }
    }
    EXPECT_EQ(allows, 1) << c.name;
    EXPECT_EQ(denies, 2) << c.name;
  }
  EXPECT_EQ(guarded, (std::set<std::string>{"chmod", "fchmod", "fchmodat", "fchmodat2", "open",
                                            "openat", "creat", "mknod", "mknodat"}));
  // Evaluate the rules as the kernel would for a few modes.
  auto decision = [&](const std::string& call, unsigned long long mode) {
    std::string action = "default";
    for (const auto& r : rules_for(p, call)) {
      const json& a = r["args"][0];
      if ((mode & a["value"].get<unsigned long long>()) == a["valueTwo"].get<unsigned long long>())
        action = r["action"];
    }
    return action;
  };
  for (unsigned long long mode : {0644ULL, 0755ULL, 01777ULL, 0100644ULL})
    EXPECT_EQ(decision("fchmodat", mode), "SCMP_ACT_ALLOW") << std::oct << mode;
  for (unsigned long long mode : {04755ULL, 02755ULL, 06755ULL, 04000ULL, 0104755ULL})
    EXPECT_EQ(decision("fchmodat", mode), "SCMP_ACT_ERRNO") << std::oct << mode;
}

TEST(SeccompProfile, NoGuardedCallIsAlsoAllowedUnconditionally) {
  std::set<std::string> allowed(seccomp_allowed_calls().begin(), seccomp_allowed_calls().end());
  EXPECT_EQ(allowed.size(), seccomp_allowed_calls().size()) << "a name is listed twice";
  for (const auto& c : seccomp_mode_guarded_calls()) EXPECT_EQ(allowed.count(c.name), 0u) << c.name;
}

// What an unprivileged process could otherwise use against the host kernel
// or to escape: never allowed, not even conditionally.
TEST(SeccompProfile, EscapeHatchesAreNotAllowed) {
  const json p = profile();
  // Those a program falls back from answer ENOSYS in a rule of their own.
  for (const char* call : {"openat2", "io_uring_setup", "io_uring_enter", "io_uring_register",
                           "clone3"}) {
    const auto rules = rules_for(p, call);
    ASSERT_EQ(rules.size(), 1u) << call;
    EXPECT_EQ(rules[0]["action"], "SCMP_ACT_ERRNO") << call;
    EXPECT_EQ(rules[0]["errnoRet"], 38) << call;
    EXPECT_TRUE(rules[0]["args"].empty()) << call;
  }
  for (const char* call :
       {"unshare",
        "setns", "mount", "umount2", "pivot_root", "open_tree", "move_mount", "fsopen", "fsmount",
        "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
        "open_by_handle_at", "name_to_handle_at", "kexec_load", "init_module", "finit_module",
        "delete_module", "reboot", "swapon", "settimeofday", "clock_settime", "chroot", "acct",
        "iopl", "ioperm", "quotactl", "syslog"})
    EXPECT_TRUE(rules_for(p, call).empty()) << call << " has a rule";
}

TEST(SeccompProfile, CloneWithoutNamespacesOnly) {
  const auto rules = rules_for(profile(), "clone");
  ASSERT_EQ(rules.size(), 1u);
  const json& a = rules[0]["args"][0];
  EXPECT_EQ(rules[0]["action"], "SCMP_ACT_ALLOW");
  EXPECT_EQ(a["index"], 0);
  EXPECT_EQ(a["value"], 0x7E020000);  // CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
  EXPECT_EQ(a["valueTwo"], 0);
}

}  // namespace
}  // namespace cx::runtime
