#pragma once
// What cx and the image's entrypoint (src/runtime/image/entrypoint.sh) agree
// on: where the broker's socket directory is mounted, the sockets in it, and
// the loopback ports the in-container relays listen on. Change both together.

namespace cx::runtime {

inline constexpr const char* kBrokerMountPoint = "/run/cx";
inline constexpr const char* kProxySocket = "proxy.sock";        // egress proxy
inline constexpr const char* kCredentialsSocket = "creds.sock";  // credential endpoint
inline constexpr const char* kLifelineSocket = "lifeline.sock";  // held open while cx lives
inline constexpr const char* kTokenFile = "token";               // credential endpoint token
inline constexpr int kProxyPort = 3128;
inline constexpr int kCredentialsPort = 9911;

}  // namespace cx::runtime
