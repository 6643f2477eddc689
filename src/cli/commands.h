#pragma once
// One function per cx command. Each returns the process exit status and
// throws cx::Fatal to stop.

#include "cli/args.h"

namespace cx::cli {

int cmd_help(const Invocation& inv);
int cmd_version();
int cmd_symlink(const Invocation& inv);
int cmd_unlink(const Invocation& inv);
int cmd_build(const Invocation& inv);
int cmd_creds(const Invocation& inv);
int cmd_ps();
int cmd_gc();
int cmd_doctor();
int cmd_init(const Invocation& inv);
int cmd_completion(const Invocation& inv);
// `cx`, `cx run` and `cx shell`.
int cmd_session(const Invocation& inv);

}  // namespace cx::cli
