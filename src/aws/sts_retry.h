#pragma once
// When and how long to wait between STS attempts: capped exponential
// backoff with full jitter, within an overall deadline. Sleep, randomness and
// the monotonic clock are injected so tests run instantly.

#include <chrono>
#include <functional>

namespace cx::aws {

using Millis = std::chrono::milliseconds;

struct RetryPolicy {
  int max_attempts = 4;
  Millis base_delay{200};
  Millis max_delay{5000};
  Millis deadline{30000};         // for all attempts together
  Millis attempt_timeout{10000};  // one HTTP exchange, capped by what is left
};

struct RetryHooks {
  std::function<void(Millis)> sleep;
  std::function<double()> uniform;  // in [0, 1)
  std::function<std::chrono::steady_clock::time_point()> now;

  // The real thing: std::this_thread::sleep_for, a seeded PRNG, steady_clock.
  static RetryHooks real();
};

// Returns the wait before retry number `retry` (0 for the first retry):
// uniform in [0, min(max_delay, base_delay * 2^retry)].
Millis backoff_delay(const RetryPolicy& policy, int retry, double uniform);

}  // namespace cx::aws
