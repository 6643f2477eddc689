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
// The remote transport copies the token and this file into /run/cx of the
// created container instead of mounting a directory; the entrypoint then
// relays the ports to the gate, whose name the container's /etc/hosts holds.
inline constexpr const char* kProxySecretFile = "proxy-secret";  // the proxy's Basic password
inline constexpr const char* kGateHost = "cx-gate";
inline constexpr int kProxyPort = 3128;
inline constexpr int kCredentialsPort = 9911;

}  // namespace cx::runtime
