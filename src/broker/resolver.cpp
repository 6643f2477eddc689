#include "broker/resolver.h"

#include <netdb.h>

#include <algorithm>

namespace cx::broker {

Result<std::vector<IpAddress>> SystemResolver::resolve(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &list);
  if (rc != 0) {
    return make_error("cannot resolve " + name + ": " + gai_strerror(rc),
                      "check the host's DNS configuration");
  }
  std::vector<IpAddress> out;
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    auto addr = IpAddress::from_sockaddr(ai->ai_addr, ai->ai_addrlen);
    // getaddrinfo repeats an address once per socket type it could serve.
    if (addr && std::find(out.begin(), out.end(), *addr) == out.end()) out.push_back(*addr);
  }
  freeaddrinfo(list);
  if (out.empty()) return make_error("cannot resolve " + name + ": no addresses");
  return out;
}

}  // namespace cx::broker
