#pragma once
// The part the egress proxy and the credential endpoint share: read one
// request head from a unix-socket client under a deadline, answer the
// broker's own errors, and close gracefully (shut down sending, then discard
// what the client still sends for a moment, so that closing with unread
// bytes does not reset the connection before the client read the answer).

#include <asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "broker/http_head.h"
#include "broker/listener.h"

namespace cx::broker {

class ClientSession : public Connection, public std::enable_shared_from_this<ClientSession> {
 public:
  // Arms the head deadline and starts reading.
  void start() override;
  // Ends the session now.
  void close() override { finish("the broker stopped"); }

 protected:
  static constexpr size_t kBufferSize = 64 * 1024;

  ClientSession(const ServerContext& ctx, Listener& listener, ClientSocket client, ParseMode mode);

  // The head is complete; `rest` is what followed it in the same read.
  virtual void on_head(const RequestHead& head, std::string_view rest) = 0;
  // The session has ended with `reason` (empty: cleanly): close what the
  // subclass owns and report. Called once.
  virtual void on_finish(const std::string& reason) = 0;

  // Writes the broker's own `response`, then closes gracefully; `reason` is
  // what on_finish receives.
  void reply_and_close(std::string response, std::string reason);
  // Ends the session: closes the client, cancels the timer, calls on_finish.
  void finish(std::string reason);
  // The answer is complete and the client's sending side is shut down:
  // discards what the client still sends for the linger time, then finishes.
  void linger_and_finish(std::string reason);
  // Arms the shared timer; `fired` runs only if it is not re-armed or
  // cancelled first.
  template <class F>
  void arm_timer(std::chrono::steady_clock::duration after, F fired);
  void cancel_timer();

  bool finished() const { return finished_; }
  // The head parser, for what a head that never completed named.
  const HeadParser& parser() const { return parser_; }

  const ServerContext& ctx_;
  ClientSocket client_;
  std::vector<char> buf_;  // reads from the client
  std::chrono::steady_clock::time_point started_;

 private:
  void read_head();
  void drain();

  Listener& listener_;
  asio::steady_timer timer_;
  unsigned timer_generation_ = 0;
  HeadParser parser_;
  bool in_head_ = true;
  bool reading_ = false;  // a base-class read of the client is outstanding
  bool closing_ = false;
  bool finished_ = false;
  std::string reply_;
  std::string close_reason_;
};

template <class F>
void ClientSession::arm_timer(std::chrono::steady_clock::duration after, F fired) {
  const unsigned generation = ++timer_generation_;
  timer_.expires_after(after);
  timer_.async_wait([self = shared_from_this(), generation,
                     fired = std::move(fired)](const asio::error_code& ec) mutable {
    // A handler already queued when the timer was re-armed still runs with
    // success: the generation tells it that it is stale.
    if (ec || self->timer_generation_ != generation || self->finished_) return;
    fired();
  });
}

}  // namespace cx::broker
