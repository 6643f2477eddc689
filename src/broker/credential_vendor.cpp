#include "broker/credential_vendor.h"

#include <algorithm>

namespace cx::broker {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

CredentialVendor::CredentialVendor(Fetch fetch, aws::Credentials initial, const Clock& clock,
                                   VendorOptions opts, Warn warn, Issued issued)
    : fetch_(std::move(fetch)),
      clock_(clock),
      opts_(opts),
      warn_(std::move(warn)),
      issued_(std::move(issued)),
      creds_(std::move(initial)),
      issued_at_(clock.now()) {}

CredentialVendor::~CredentialVendor() { stop(); }

void CredentialVendor::start() {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      milliseconds wait = step();
      lock.lock();
      if (stopping_) break;
      changed_.wait_for(lock, wait, [this] { return stopping_ || kick_; });
      kick_ = false;
    }
  });
}

void CredentialVendor::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SystemTime CredentialVendor::due_time_locked() const {
  if (!creds_.expiration) return SystemTime::max();
  // Renew `refresh_margin` before expiry, or half-way through the
  // credentials' life if that comes first (so a long margin never leaves
  // short-lived credentials unrenewed), and always before they become
  // unservable.
  auto life = *creds_.expiration - issued_at_;
  SystemTime by_margin = *creds_.expiration - opts_.refresh_margin;
  SystemTime halfway = issued_at_ + life / 2;
  SystemTime unservable = *creds_.expiration - opts_.min_validity;
  return std::min({by_margin, halfway, unservable});
}

SystemTime CredentialVendor::refresh_at() const {
  std::lock_guard<std::mutex> lock(mu_);
  return due_time_locked();
}

int CredentialVendor::renewals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return renewals_;
}

milliseconds CredentialVendor::step() {
  SystemTime now = clock_.now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    SystemTime due = due_time_locked();
    if (retry_at_ && now < *retry_at_) return duration_cast<milliseconds>(*retry_at_ - now);
    if (!retry_at_ && now < due) {
      // Wake at least every minute: the wall clock may jump (suspend).
      return std::min(duration_cast<milliseconds>(due - now), milliseconds(60000));
    }
  }
  auto fresh = fetch_();  // outside the lock: requests keep being served
  std::lock_guard<std::mutex> lock(mu_);
  now = clock_.now();
  if (fresh.ok() && fresh->expiration && *fresh->expiration - now <= opts_.min_validity) {
    // Credentials that could not be served at all (AWS_SESSION_DURATION
    // too short): a failure, retried with backoff, never a tight loop.
    fresh = make_error("STS issued credentials that expire within " +
                       std::to_string(opts_.min_validity.count()) +
                       " s; AWS_SESSION_DURATION is too short for the broker");
  }
  if (fresh.ok()) {
    creds_ = *fresh;
    issued_at_ = now;
    ++renewals_;
    failures_ = 0;
    retry_at_.reset();
    changed_.notify_all();
    if (issued_) issued_(creds_);
    return std::min(duration_cast<milliseconds>(due_time_locked() - now), milliseconds(60000));
  }
  if (failures_++ == 0 && warn_)
    warn_("cannot renew the session's credentials (will keep trying): " + fresh.error().message);
  auto delay = opts_.retry_base * (1 << std::min(failures_ - 1, 10));
  if (delay > opts_.retry_cap) delay = opts_.retry_cap;
  retry_at_ = now + delay;
  return duration_cast<milliseconds>(delay);
}

Result<aws::Credentials> CredentialVendor::current(milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  auto usable = [this] {
    return !creds_.expiration || *creds_.expiration - clock_.now() > opts_.min_validity;
  };
  if (!usable()) {
    kick_ = true;  // wake the refresher now rather than at its next decision
    changed_.notify_all();
    changed_.wait_for(lock, wait, [&] { return usable() || stopping_; });
  }
  if (!usable())
    return make_error("the session's credentials expire within " +
                      std::to_string(opts_.min_validity.count()) + " s and could not be renewed");
  return creds_;
}

}  // namespace cx::broker
