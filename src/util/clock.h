#pragma once
// Clock: wall-clock time behind an interface, so expiry logic is testable.

#include <chrono>

namespace cx {

using SystemTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SystemTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SystemTime now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace cx
