#pragma once
// The seccomp profile cx gives every session container
// (`--security-opt seccomp=FILE`, the JSON format docker, podman and
// nerdctl read). It is a deny-by-default allowlist in the spirit of the
// runtimes' own default profiles, with one addition that matters for a
// sandbox whose /src is a host directory: no call can give a file the
// setuid or setgid bit. chmod, fchmod, fchmodat, fchmodat2, open, openat,
// creat, mknod and mknodat are allowed only when their mode argument has
// neither S_ISUID nor S_ISGID, and fail with EPERM when it has either;
// openat2 (whose mode is in memory, out of seccomp's reach) and io_uring
// (which opens files without a system call) are not available. Without
// this, an agent could `chmod 4755 /src/py` and leave a setuid program in
// the user's project, owned by the user (or by root, with CX_ALLOW_ROOT=1).
//
// Calls not in the list fail with ENOSYS (clone3, openat2 and io_uring say
// so in rules of their own, for runtimes that ignore the default errno), so
// programs fall back from newer interfaces as they do on an older kernel.

#include <string>
#include <vector>

namespace cx::runtime {

// The profile as JSON text (deterministic: the same bytes every time).
std::string seccomp_profile_json();

// The system calls the profile allows unconditionally, for tests.
const std::vector<const char*>& seccomp_allowed_calls();

// The system calls allowed only when their mode argument (0-based index
// `mode_arg`) carries no S_ISUID/S_ISGID.
struct ModeGuardedCall {
  const char* name;
  unsigned mode_arg;
};
const std::vector<ModeGuardedCall>& seccomp_mode_guarded_calls();

}  // namespace cx::runtime
