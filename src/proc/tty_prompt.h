#pragma once
// Asking for an MFA code on the controlling terminal. It reads /dev/tty, not
// stdin (which may be a pipe), with echo off; the terminal settings are put
// back on every path. cx blocks SIGINT and friends and handles them in the
// supervisor, so the read never waits unbounded: it has a timeout and gives
// up as soon as one of those signals is pending (leaving it pending).

#include <chrono>
#include <string>

#include "util/result.h"

namespace cx::proc {

struct TtyPromptOptions {
  std::string device = "/dev/tty";  // a test passes a pseudo-terminal's slave
  std::chrono::milliseconds timeout{std::chrono::minutes(3)};  // per attempt
  int attempts = 3;  // bad codes (not 6 digits) are asked again this often
};

// Prints "Enter MFA code for MFA_SERIAL: " and returns the 6 digits typed; `profile` names errors.
Result<std::string> ask_mfa_code(const std::string& profile, const std::string& mfa_serial,
                                 const TtyPromptOptions& opts = {});

// True when `device` opens as a terminal.
bool have_tty(const std::string& device = "/dev/tty");

// Prints `prompt` on the terminal and returns the line typed (echoed, trimmed, up to 4096
// bytes). Interrupts (Ctrl-C), a timeout and end of input are Errors.
Result<std::string> ask_line(const std::string& prompt, const TtyPromptOptions& opts = {});

// Returns true when `code` is exactly six ASCII digits.
bool valid_mfa_code(const std::string& code);

}  // namespace cx::proc
