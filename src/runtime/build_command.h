#pragma once
// `cx build`: the build context written from the Containerfile compiled into
// cx, and the runtime's `build` command line.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/runtime.h"
#include "util/result.h"

namespace cx::runtime {

inline constexpr const char* kDefaultBaseImage = "docker.io/library/debian:bookworm-slim";

// Whether the build fetches the base image from its registry.
enum class PullPolicy {
  Missing,  // only if it is not present locally (podman's default); no flag for docker/nerdctl
  Never,    // use the local image or fail: podman `--pull=never`, nerdctl `--pull=false`
  Always,   // always refresh: podman `--pull=always`, docker `--pull`, nerdctl `--pull=true`
};

struct BuildSpec {
  std::string tag;          // IMAGE_TAG
  std::string context_dir;  // written by write_build_context()
  std::string base_image = kDefaultBaseImage;
  // An npm version or dist-tag. A tag such as "latest" lets the runtime reuse
  // a cached layer built from an older release; pass a resolved version to
  // be sure to get the newest.
  std::string claude_version = "latest";
  bool no_cache = false;
  PullPolicy pull = PullPolicy::Missing;
  // Recorded as the image's cx.image-recipe label (image_recipe()).
  std::string recipe;
};

// The label key that records which recipe an image was built from, and the
// recipe of this cx: a digest of its Containerfile and entrypoint. An image
// whose label differs was built by another cx and may not match what this
// one expects inside the container (sockets, ports, paths).
inline constexpr const char* kRecipeLabel = "cx.image-recipe";
std::string image_recipe();
// The recipe formula: the first 16 hex digits of SHA-256 over the hex
// SHA-256 of each file cx builds the image from, joined by newlines.
std::string image_recipe_of(std::string_view containerfile, std::string_view entrypoint,
                            std::string_view relay_source);

// Fills `dir` (an existing private directory) with Containerfile,
// entrypoint.sh (0755) and extra-ca/, which holds the certificates of
// `extra_ca_bundle` (CX_EXTRA_CA_CERTS) one per .crt file, or nothing.
Status write_build_context(const std::string& dir,
                           const std::optional<std::string>& extra_ca_bundle);

// Returns the full argv (runtime binary first) of `RUNTIME build` for `spec`.
std::vector<std::string> build_argv(const Runtime& rt, const BuildSpec& spec);

// Splits a PEM bundle into its certificates (each BEGIN..END block, with a
// final newline); text outside the blocks is dropped.
std::vector<std::string> split_pem_certificates(const std::string& bundle);

}  // namespace cx::runtime
