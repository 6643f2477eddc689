#pragma once
// CredentialVendor: the role credentials the broker hands to the container,
// renewed before they expire for as long as the session lasts.
//
// One refresher thread does every STS call, so any number of concurrent
// requests cause at most one call. A failed renewal keeps the still-valid
// credentials in service, retries with backoff and warns once; credentials
// that expire within `min_validity` are never served.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "aws/credentials.h"
#include "util/clock.h"
#include "util/result.h"

namespace cx::broker {

struct VendorOptions {
  // CX_REFRESH_MARGIN: renew this long before expiry (or half-way through
  // the credentials' life, if sooner).
  std::chrono::seconds refresh_margin{900};
  std::chrono::seconds min_validity{60};     // never serve credentials closer to expiry
  std::chrono::seconds retry_base{2};        // first retry after a failed renewal
  std::chrono::seconds retry_cap{60};
};

class CredentialVendor {
 public:
  using Fetch = std::function<Result<aws::Credentials>()>;
  // Told once per failure streak, with the error; and on every renewal.
  using Warn = std::function<void(const std::string&)>;
  using Issued = std::function<void(const aws::Credentials&)>;

  CredentialVendor(Fetch fetch, aws::Credentials initial, const Clock& clock, VendorOptions opts,
                   Warn warn = {}, Issued issued = {});
  ~CredentialVendor();
  CredentialVendor(const CredentialVendor&) = delete;
  CredentialVendor& operator=(const CredentialVendor&) = delete;

  // Starts the refresher thread (tests drive step() by hand instead).
  void start();
  // Stops the refresher thread; idempotent.
  void stop();

  // The credentials to serve now, or an Error when none are valid for at
  // least min_validity (a renewal is failing). Waits up to `wait` for a
  // renewal in progress in that case.
  Result<aws::Credentials> current(std::chrono::milliseconds wait = std::chrono::seconds(10));

  // One decision of the refresher: renews if due, and returns how long to
  // wait before the next decision.
  std::chrono::milliseconds step();

  // When the credentials in service will be renewed.
  SystemTime refresh_at() const;
  int renewals() const;

 private:
  SystemTime due_time_locked() const;

  Fetch fetch_;
  const Clock& clock_;
  VendorOptions opts_;
  Warn warn_;
  Issued issued_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  aws::Credentials creds_;
  SystemTime issued_at_;
  int renewals_ = 0;
  int failures_ = 0;
  std::optional<SystemTime> retry_at_;
  bool stopping_ = false;
  bool kick_ = false;
  std::thread thread_;
};

}  // namespace cx::broker
