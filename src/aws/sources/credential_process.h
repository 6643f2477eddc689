#pragma once
// credential_process: a helper command (granted, 1Password, Vault, aws-vault)
// that prints credentials as JSON on stdout, run the way the AWS CLI v2 runs
// it: split with POSIX shell-word rules (Python's shlex.split), no shell;
// stderr goes to the user's terminal, so helpers can talk to the user.

#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/profile/chain.h"
#include "aws/sources/context.h"
#include "util/result.h"

namespace cx::aws::sources {

// Runs the profile's command (timeout ctx.process_timeout) and returns the credentials it printed.
Result<Credentials> fetch(const profile::CredentialProcess& source, const SourceContext& ctx);

// Splits a command line into words like shlex.split: quotes, backslashes, no expansion.
Result<std::vector<std::string>> split_command_line(const std::string& command);

// Parses the helper's stdout (Version 1 JSON); `profile` is named in errors, the output never is.
Result<Credentials> parse_process_output(const std::string& profile, const std::string& out,
                                         const Clock& clock);

}  // namespace cx::aws::sources
