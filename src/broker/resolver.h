#pragma once
// Name resolution for the egress proxy, behind an interface so that a test
// can prove a denied name is never looked up, and can make an allowed name
// resolve to any address.

#include <memory>
#include <string>
#include <vector>

#include "broker/address_policy.h"
#include "util/result.h"

namespace cx::broker {

class Resolver {
 public:
  virtual ~Resolver() = default;
  // Returns every address of `name` (a canonical DNS name, never an IP
  // literal). Blocking: the broker calls it on a worker thread, concurrently.
  virtual Result<std::vector<IpAddress>> resolve(const std::string& name) = 0;
};

// Resolves with getaddrinfo (A and AAAA, the host's resolver configuration).
class SystemResolver : public Resolver {
 public:
  Result<std::vector<IpAddress>> resolve(const std::string& name) override;
};

}  // namespace cx::broker
