#pragma once
// Result<T>: the value of an operation that can fail with a message a user
// can act on. Leaf code returns it; only the top of a command turns a failed
// Result into `cx: error: ...` (see util/fatal.h).

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace cx {

struct Error {
  std::string message;  // one sentence, no "error:" prefix, no trailing period needed
  std::string hint;     // optional second line, printed as "cx: hint: ..."
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;

inline Error make_error(std::string message, std::string hint = {}) {
  return Error{std::move(message), std::move(hint)};
}

}  // namespace cx
