#include "broker/client_session.h"

#include <asio/write.hpp>

#include "broker/responses.h"

namespace cx::broker {

ClientSession::ClientSession(const ServerContext& ctx, Listener& listener, ClientSocket client,
                             ParseMode mode)
    : ctx_(ctx),
      client_(std::move(client)),
      buf_(kBufferSize),
      started_(std::chrono::steady_clock::now()),
      listener_(listener),
      timer_(ctx.io),
      parser_(mode, ctx.limits.head) {}

void ClientSession::start() {
  arm_timer(ctx_.limits.head_timeout, [this] {
    if (in_head_) reply_and_close(request_timeout(), "the request head did not arrive in time");
  });
  read_head();
}

void ClientSession::read_head() {
  reading_ = true;
  client_.async_read_some(
      asio::buffer(buf_), [self = shared_from_this(), this](const asio::error_code& ec, size_t n) {
        reading_ = false;
        if (finished_) return;
        if (closing_) return ec ? finish(close_reason_) : drain();
        if (ec) return finish(in_head_ ? "the client closed before a complete request head" : "");
        const size_t used = parser_.feed(std::string_view(buf_.data(), n));
        switch (parser_.state()) {
          case HeadParser::State::incomplete:
            return read_head();
          case HeadParser::State::failed:
            in_head_ = false;
            return reply_and_close(for_head_error(parser_.error().status, parser_.error().reason),
                                   parser_.error().reason);
          case HeadParser::State::complete:
            in_head_ = false;
            cancel_timer();
            return on_head(parser_.head(), std::string_view(buf_.data() + used, n - used));
        }
      });
}

void ClientSession::reply_and_close(std::string response, std::string reason) {
  if (finished_ || closing_) return;
  in_head_ = false;
  closing_ = true;
  close_reason_ = std::move(reason);
  reply_ = std::move(response);
  arm_timer(ctx_.limits.linger + ctx_.limits.head_timeout, [this] { finish(close_reason_); });
  asio::async_write(client_, asio::buffer(reply_),
                    [self = shared_from_this(), this](const asio::error_code& ec, size_t) {
                      if (finished_) return;
                      if (ec) return finish(close_reason_);
                      asio::error_code ignored;
                      client_.shutdown(asio::socket_base::shutdown_send, ignored);
                      arm_timer(ctx_.limits.linger, [this] { finish(close_reason_); });
                      if (!reading_) drain();
                    });
}

void ClientSession::linger_and_finish(std::string reason) {
  if (finished_ || closing_) return;
  closing_ = true;
  close_reason_ = std::move(reason);
  arm_timer(ctx_.limits.linger, [this] { finish(close_reason_); });
  if (!reading_) drain();
}

void ClientSession::drain() {
  reading_ = true;
  client_.async_read_some(asio::buffer(buf_),
                          [self = shared_from_this(), this](const asio::error_code& ec, size_t) {
                            reading_ = false;
                            if (finished_) return;
                            if (ec) return finish(close_reason_);
                            drain();
                          });
}

void ClientSession::cancel_timer() {
  ++timer_generation_;
  timer_.cancel();
}

void ClientSession::finish(std::string reason) {
  if (finished_) return;
  finished_ = true;
  cancel_timer();
  asio::error_code ignored;
  client_.close(ignored);
  on_finish(reason);
  listener_.ended(this);
}

}  // namespace cx::broker
