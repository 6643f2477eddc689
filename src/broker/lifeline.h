#pragma once
// The lifeline on lifeline.sock: every connection is held open and whatever
// arrives is discarded. Nothing is ever sent. When cx exits, even by
// SIGKILL, the kernel closes these connections, and the container's
// entrypoint, blocked reading its end, stops the command.

#include <atomic>
#include <memory>

#include "broker/listener.h"

namespace cx::broker {

// Returns the handler for one lifeline client; `count` holds the number of
// connected clients (read from any thread).
std::shared_ptr<Connection> make_lifeline_session(Listener& listener, ClientSocket client,
                                                  std::atomic<int>& count);

}  // namespace cx::broker
