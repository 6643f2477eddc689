#include "aws/sts_retry.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

namespace cx::aws {

RetryHooks RetryHooks::real() {
  struct Rng {
    std::mutex mu;
    std::mt19937_64 gen{std::random_device{}()};
  };
  auto rng = std::make_shared<Rng>();
  return RetryHooks{[](Millis d) { std::this_thread::sleep_for(d); },
                    [rng] {
                      std::lock_guard lock(rng->mu);
                      return std::uniform_real_distribution<double>(0.0, 1.0)(rng->gen);
                    },
                    [] { return std::chrono::steady_clock::now(); }};
}

Millis backoff_delay(const RetryPolicy& policy, int retry, double uniform) {
  // Doubling stops well before overflow: the cap is reached long before.
  Millis ceiling = policy.base_delay;
  for (int i = 0; i < retry && ceiling < policy.max_delay; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, policy.max_delay);
  double u = std::clamp(uniform, 0.0, 1.0);
  return Millis(static_cast<Millis::rep>(u * static_cast<double>(ceiling.count())));
}

}  // namespace cx::aws
