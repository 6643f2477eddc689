#include "broker/credential_server.h"

#include <asio/post.hpp>

#include "broker/client_session.h"
#include "broker/ecs_credentials.h"
#include "broker/responses.h"

namespace cx::broker {
namespace {

std::string service_unavailable(std::string_view reason) {
  const std::string body = "cx: " + std::string(reason) + "\n";
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\nRetry-After: 2\r\nConnection: close\r\n\r\n" + body;
}

class CredentialSession final : public ClientSession {
 public:
  CredentialSession(const ServerContext& ctx, const CredentialPolicy& policy, Listener& listener,
                    ClientSocket client)
      : ClientSession(ctx, listener, std::move(client), ParseMode::origin), policy_(policy) {
    event_.kind = AuditEvent::Kind::credentials;
  }

 private:
  void on_head(const RequestHead& head, std::string_view) override {
    switch (
        route_credentials(head.method, head.path, head.header("authorization"), policy_.token)) {
      case CredentialRoute::not_found:
        return reply_and_close(not_found(), "no such path");
      case CredentialRoute::method_not_allowed:
        return reply_and_close(method_not_allowed("GET, HEAD"), "method not allowed");
      case CredentialRoute::forbidden:
        return reply_and_close(forbidden("bad or missing token"), "bad or missing token");
      case CredentialRoute::serve:
        break;
    }
    // current() may wait for a renewal in progress: never on the io thread.
    const bool head_only = head.method == "HEAD";
    auto self = std::static_pointer_cast<CredentialSession>(shared_from_this());
    asio::post(ctx_.workers, [self, head_only] {
      Result<aws::Credentials> creds = make_error("no credentials");
      try {
        creds = self->policy_.vendor->current();
      } catch (const std::exception& e) {
        creds = make_error(std::string("the credential source failed: ") + e.what());
      }
      CredentialSession* session = self.get();
      asio::post(session->ctx_.io, [self = std::move(self), creds = std::move(creds), head_only] {
        if (!self->finished()) self->serve(creds, head_only);
      });
    });
  }

  void serve(const Result<aws::Credentials>& creds, bool head_only) {
    if (!creds) {
      return reply_and_close(service_unavailable("credentials are unavailable"),
                             creds.error().message);
    }
    auto body = ecs_credentials_json(*creds);
    if (!body) {
      return reply_and_close(service_unavailable("credentials are unavailable"),
                             body.error().message);
    }
    std::string response = json_ok(*body);
    if (head_only) response.resize(response.find("\r\n\r\n") + 4);
    event_.allowed = true;
    event_.access_key_id = creds->access_key_id;
    event_.expiration = creds->expiration;
    reply_and_close(std::move(response), "");
  }

  void on_finish(const std::string& reason) override {
    event_.reason = reason;
    event_.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started_);
    ctx_.emit(event_);
  }

  const CredentialPolicy& policy_;
  AuditEvent event_;
};

}  // namespace

std::shared_ptr<Connection> make_credential_session(const ServerContext& ctx,
                                                    const CredentialPolicy& policy,
                                                    Listener& listener, ClientSocket client) {
  return std::make_shared<CredentialSession>(ctx, policy, listener, std::move(client));
}

}  // namespace cx::broker
