#include "runtime/seccomp_profile.h"

#include <nlohmann/json.hpp>

namespace cx::runtime {
namespace {

constexpr unsigned kEperm = 1;
constexpr unsigned kEnosys = 38;
constexpr unsigned long long kSetuid = 04000;
constexpr unsigned long long kSetgid = 02000;
// clone() flags that make namespaces (CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC,
// NEWUSER, NEWPID, NEWNET): a user namespace gives back every capability
// inside it, the widest kernel surface an unprivileged process can reach.
constexpr unsigned long long kCloneNamespaceFlags = 0x7E020000ULL;

// Grouped by what they are for; names a kernel or architecture does not
// have are skipped by the runtime's seccomp library.
const std::vector<const char*> kAllowed = {
    // files and directories (the mode-taking calls are below, guarded)
    "access", "faccessat", "faccessat2", "chdir", "fchdir", "getcwd", "chown", "fchown",
    "fchownat", "lchown", "chown32", "fchown32", "lchown32", "close", "close_range",
    "copy_file_range", "dup", "dup2", "dup3", "fadvise64", "fadvise64_64", "arm_fadvise64_64",
    "fallocate", "fcntl", "fcntl64", "fdatasync", "fsync", "sync", "syncfs", "sync_file_range",
    "sync_file_range2", "arm_sync_file_range", "flock", "fstat", "fstat64", "fstatat64",
    "newfstatat", "fstatfs", "fstatfs64", "statfs", "statfs64", "stat", "stat64", "lstat",
    "lstat64", "statx", "ftruncate", "ftruncate64", "truncate", "truncate64", "getdents",
    "getdents64", "readdir", "link", "linkat", "symlink", "symlinkat", "readlink", "readlinkat",
    "rename", "renameat", "renameat2", "unlink", "unlinkat", "rmdir", "mkdir", "mkdirat", "lseek",
    "_llseek", "read", "readv", "pread64", "preadv", "preadv2", "write", "writev", "pwrite64",
    "pwritev", "pwritev2", "sendfile", "sendfile64", "splice", "tee", "vmsplice", "readahead",
    "umask", "utime", "utimes", "utimensat", "utimensat_time64", "futimesat", "getxattr",
    "lgetxattr", "fgetxattr", "setxattr", "lsetxattr", "fsetxattr", "listxattr", "llistxattr",
    "flistxattr", "removexattr", "lremovexattr", "fremovexattr", "inotify_init", "inotify_init1",
    "inotify_add_watch", "inotify_rm_watch", "ioctl", "memfd_create", "cachestat",
    // memory
    "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore", "mlock",
    "mlock2", "munlock", "mlockall", "munlockall", "msync", "pkey_alloc", "pkey_free",
    "pkey_mprotect", "remap_file_pages", "membarrier", "mseal", "map_shadow_stack",
    // processes and threads (clone is guarded below; clone3 falls back to it)
    "arch_prctl", "execve", "execveat", "exit", "exit_group", "fork", "vfork", "wait4", "waitid",
    "waitpid", "kill", "tkill", "tgkill", "getpid", "getppid", "gettid", "getpgid", "setpgid",
    "getpgrp", "getsid", "setsid", "getuid", "geteuid", "getgid", "getegid", "getuid32",
    "geteuid32", "getgid32", "getegid32", "getresuid", "getresgid", "getresuid32", "getresgid32",
    "getgroups", "getgroups32", "setuid", "setgid", "setreuid", "setregid", "setresuid",
    "setresgid", "setfsuid", "setfsgid", "setgroups", "setuid32", "setgid32", "setreuid32",
    "setregid32", "setresuid32", "setresgid32", "setfsuid32", "setfsgid32", "setgroups32",
    "capget", "capset", "prctl", "getpriority", "setpriority", "sched_getaffinity",
    "sched_setaffinity", "sched_getattr", "sched_setattr", "sched_getparam", "sched_setparam",
    "sched_getscheduler", "sched_setscheduler", "sched_get_priority_max",
    "sched_get_priority_min", "sched_rr_get_interval", "sched_rr_get_interval_time64",
    "sched_yield", "getrlimit", "setrlimit", "prlimit64", "ugetrlimit", "getrusage", "times",
    "uname", "sysinfo", "getrandom", "rseq", "set_robust_list", "get_robust_list",
    "set_tid_address", "set_thread_area", "get_thread_area", "futex", "futex_time64",
    "futex_waitv", "futex_wake", "futex_wait", "futex_requeue", "ioprio_get", "ioprio_set",
    "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "process_vm_readv", "process_vm_writev",
    "process_madvise", "ptrace", "seccomp", "landlock_create_ruleset", "landlock_add_rule",
    "landlock_restrict_self", "getcpu", "set_tls", "cacheflush", "breakpoint",
    // time (reading it, sleeping, timers; never setting the clock)
    "restart_syscall", "pause", "alarm", "nanosleep", "clock_nanosleep", "clock_nanosleep_time64",
    "clock_gettime", "clock_gettime64", "clock_getres", "clock_getres_time64", "gettimeofday",
    "time", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_gettime",
    "timer_gettime64", "timer_settime", "timer_settime64", "timer_getoverrun", "timerfd_create",
    "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64",
    // signals
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigqueueinfo",
    "rt_tgsigqueueinfo", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
    "sigaction", "sigprocmask", "sigreturn", "sigpending", "sigsuspend", "sigaltstack", "signal",
    "signalfd", "signalfd4",
    // waiting for events, pipes and System V / POSIX IPC
    "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait",
    "epoll_wait_old", "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2", "poll", "ppoll",
    "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64", "pipe", "pipe2",
    "mq_open", "mq_unlink", "mq_timedsend", "mq_timedsend_time64", "mq_timedreceive",
    "mq_timedreceive_time64", "mq_notify", "mq_getsetattr", "msgget", "msgsnd", "msgrcv",
    "msgctl", "semget", "semop", "semtimedop", "semtimedop_time64", "semctl", "shmget", "shmat",
    "shmdt", "shmctl", "ipc", "io_setup", "io_destroy", "io_getevents", "io_pgetevents",
    "io_pgetevents_time64", "io_submit", "io_cancel",
    // sockets
    "socket", "socketpair", "bind", "listen", "accept", "accept4", "connect", "getsockname",
    "getpeername", "getsockopt", "setsockopt", "sendto", "sendmsg", "sendmmsg", "recvfrom",
    "recvmsg", "recvmmsg", "recvmmsg_time64", "shutdown", "socketcall", "send", "recv",
};

const std::vector<ModeGuardedCall> kModeGuarded = {
    {"chmod", 1},  {"fchmod", 1}, {"fchmodat", 2}, {"fchmodat2", 2}, {"open", 2},
    {"openat", 3}, {"creat", 1},  {"mknod", 1},    {"mknodat", 2},
};

nlohmann::json masked_eq(unsigned index, unsigned long long mask, unsigned long long value) {
  return {{"index", index}, {"value", mask}, {"valueTwo", value}, {"op", "SCMP_CMP_MASKED_EQ"}};
}

nlohmann::json rule(const std::vector<const char*>& names, const char* action,
                    nlohmann::json args = nlohmann::json::array(), int errno_ret = -1) {
  nlohmann::json r = {{"names", names}, {"action", action}, {"args", std::move(args)}};
  if (errno_ret >= 0) r["errnoRet"] = errno_ret;
  return r;
}

}  // namespace

const std::vector<const char*>& seccomp_allowed_calls() { return kAllowed; }

const std::vector<ModeGuardedCall>& seccomp_mode_guarded_calls() { return kModeGuarded; }

std::string seccomp_profile_json() {
  nlohmann::json syscalls = nlohmann::json::array();
  syscalls.push_back(rule(kAllowed, "SCMP_ACT_ALLOW"));
  // The mode-taking calls: allowed when the mode has neither bit, EPERM when
  // it has either (two rules, as seccomp can test a masked value only for
  // equality). Conditions in one rule are ANDed; rules are ORed.
  for (const auto& c : kModeGuarded) {
    syscalls.push_back(rule({c.name}, "SCMP_ACT_ALLOW",
                            nlohmann::json::array({masked_eq(c.mode_arg, kSetuid | kSetgid, 0)})));
    for (unsigned long long bit : {kSetuid, kSetgid})
      syscalls.push_back(rule({c.name}, "SCMP_ACT_ERRNO",
                              nlohmann::json::array({masked_eq(c.mode_arg, bit, bit)}),
                              static_cast<int>(kEperm)));
  }
  // Calls that programs probe and fall back from when the kernel lacks them
  // (glibc from clone3 to clone, Bun and others from io_uring): ENOSYS, said
  // per rule because some runtimes (docker 20.10) ignore defaultErrnoRet and
  // answer EPERM, which those programs take as fatal.
  syscalls.push_back(rule({"clone3", "openat2", "io_uring_setup", "io_uring_enter",
                           "io_uring_register"},
                          "SCMP_ACT_ERRNO", nlohmann::json::array(), static_cast<int>(kEnosys)));
  // clone without namespace flags (threads, fork); with them, EPERM.
  syscalls.push_back(rule({"clone"}, "SCMP_ACT_ALLOW",
                          nlohmann::json::array({masked_eq(0, kCloneNamespaceFlags, 0)})));
  // personality: only the values programs use (query, Linux, UNAME26,
  // ADDR_NO_RANDOMIZE for debuggers), as the runtimes' own profiles do.
  for (unsigned long long p : {0x0ULL, 0x8ULL, 0x20000ULL, 0x20008ULL, 0xffffffffULL})
    syscalls.push_back(
        rule({"personality"}, "SCMP_ACT_ALLOW",
             nlohmann::json::array(
                 {{{"index", 0}, {"value", p}, {"valueTwo", 0}, {"op", "SCMP_CMP_EQ"}}})));

  nlohmann::json profile = {
      {"defaultAction", "SCMP_ACT_ERRNO"},
      {"defaultErrnoRet", kEnosys},
      {"archMap",
       nlohmann::json::array(
           {{{"architecture", "SCMP_ARCH_X86_64"},
             {"subArchitectures", {"SCMP_ARCH_X86", "SCMP_ARCH_X32"}}},
            {{"architecture", "SCMP_ARCH_AARCH64"}, {"subArchitectures", {"SCMP_ARCH_ARM"}}}})},
      {"syscalls", std::move(syscalls)},
  };
  // Compact: podman and docker parse it on every run.
  return profile.dump() + "\n";
}

}  // namespace cx::runtime
