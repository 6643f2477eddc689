#pragma once
// Signal plan: at start-up, before any thread exists, cx blocks the signals
// it forwards (so every later thread inherits the mask) and ignores SIGPIPE.
// The supervisor then takes them synchronously with sigtimedwait.

#include <csignal>

namespace cx::proc {

// Blocks SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGCHLD and ignores SIGPIPE.
// Call first thing in main.
void block_session_signals();

// The set blocked by block_session_signals().
sigset_t session_signals();

}  // namespace cx::proc
