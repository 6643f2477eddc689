#pragma once
// docker's engine API, asked directly on its unix socket for the two facts a
// session needs before it starts (whether the daemon is rootless, and where
// it runs: `docker info`), in about a millisecond where the docker client
// takes 30-50 ms to start and answer. Anything else, or any failure (no
// socket, no permission, a tcp:// or ssh:// endpoint), falls back to the
// docker client itself.

#include <chrono>
#include <optional>
#include <string>

#include "runtime/runtime.h"
#include "util/env.h"
#include "util/result.h"

namespace cx::runtime {

// The socket docker's client would use: DOCKER_HOST=unix://PATH, the
// current context's unix:// host, or /var/run/docker.sock; nullopt when the
// endpoint is not a unix socket.
std::optional<std::string> docker_socket(const EnvLookup& env);

// GET `path` (e.g. "/info") on the socket with HTTP/1.0; the body of a 200
// answer, at most 4 MiB, within `timeout`.
Result<std::string> docker_api_get(const std::string& socket, const std::string& path,
                                   std::chrono::milliseconds timeout);

// What a session asks of `docker info`, once per process: from the API when
// the socket answers, else from the client (`docker info --format`).
struct DockerInfo {
  std::string operating_system, name, kernel;
  bool rootless = false;
};
Result<DockerInfo> docker_info(const std::string& docker, const EnvLookup& env);

// Parses the API's /info JSON.
Result<DockerInfo> parse_docker_info_json(const std::string& body);

}  // namespace cx::runtime
