#include "broker/lifeline.h"

#include <array>

namespace cx::broker {
namespace {

class LifelineSession final : public Connection,
                              public std::enable_shared_from_this<LifelineSession> {
 public:
  LifelineSession(Listener& listener, ClientSocket client, std::atomic<int>& count)
      : listener_(listener), client_(std::move(client)), count_(count) {}

  void start() override {
    ++count_;
    read();
  }

  void close() override { finish(); }

 private:
  void read() {
    client_.async_read_some(asio::buffer(buf_),
                            [self = shared_from_this()](const asio::error_code& ec, size_t) {
                              if (self->done_) return;
                              if (ec) return self->finish();
                              self->read();
                            });
  }

  void finish() {
    if (done_) return;
    done_ = true;
    --count_;
    asio::error_code ignored;
    client_.close(ignored);
    listener_.ended(this);
  }

  Listener& listener_;
  ClientSocket client_;
  std::atomic<int>& count_;
  std::array<char, 256> buf_{};
  bool done_ = false;
};

}  // namespace

std::shared_ptr<Connection> make_lifeline_session(Listener& listener, ClientSocket client,
                                                  std::atomic<int>& count) {
  return std::make_shared<LifelineSession>(listener, std::move(client), count);
}

}  // namespace cx::broker
