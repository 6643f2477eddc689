#pragma once
// The credential endpoint on creds.sock: the ECS container-credentials
// protocol (route, token and body in ecs_credentials.h), serving what the
// CredentialVendor holds. One request per connection: every answer carries
// `Connection: close`, which the AWS SDKs handle, and which keeps the server
// free of keep-alive state.

#include <memory>
#include <string>

#include "broker/credential_vendor.h"
#include "broker/listener.h"

namespace cx::broker {

struct CredentialPolicy {
  CredentialVendor* vendor = nullptr;  // never null here
  std::string token;
};

// Returns the connection handler for one client of creds.sock.
std::shared_ptr<Connection> make_credential_session(const ServerContext& ctx,
                                                    const CredentialPolicy& policy,
                                                    Listener& listener, ClientSocket client);

}  // namespace cx::broker
