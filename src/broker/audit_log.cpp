#include "broker/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "util/iso8601.h"
#include "util/private_fs.h"
#include "util/unique_fd.h"

namespace cx::broker {

using nlohmann::json;

namespace {

constexpr size_t kMaxSummaryTarget = 80;

// How the summary names a denied connection: its host, or (the start of)
// what a malformed request named; no host has a space, so the two never mix.
std::string summary_target(const AuditEvent& e) {
  if (!e.malformed) return e.host.empty() ? "?" : e.host;
  if (e.target.empty()) return "(empty request)";
  std::string shown = e.target.substr(0, kMaxSummaryTarget);
  if (e.target.size() > kMaxSummaryTarget) shown += "...";
  return shown + " (malformed)";
}

}  // namespace

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& path, const Clock& clock) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return make_error("cannot open the audit log " + path + ": " + errno_text());
  std::FILE* f = ::fdopen(fd.get(), "a");
  if (!f) return make_error("cannot open the audit log " + path + ": " + errno_text());
  (void)fd.release();  // the FILE owns it now
  return std::unique_ptr<AuditLog>(new AuditLog(f, path, clock));
}

AuditLog::AuditLog(std::FILE* f, std::string path, const Clock& clock)
    : file_(f), path_(std::move(path)), clock_(clock) {}

AuditLog::~AuditLog() { std::fclose(file_); }

void AuditLog::write(const std::string& event, json fields) {
  json line = {{"time", format_iso8601(clock_.now())}, {"event", event}};
  for (auto& [k, v] : fields.items()) line[k] = v;
  std::string text = line.dump() + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fflush(file_);
}

void AuditLog::credentials_issued(const aws::Credentials& creds) {
  json f = {{"access_key_id", creds.access_key_id}};
  if (creds.expiration) f["expiration"] = format_iso8601(*creds.expiration);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++issued_;
  }
  write("credentials_issued", f);
}

void AuditLog::broker_event(const AuditEvent& e) {
  switch (e.kind) {
    case AuditEvent::Kind::egress: {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (e.allowed) {
          ++allowed_;
        } else {
          ++denied_;
          ++denied_hosts_[summary_target(e)];
        }
      }
      json f = {{"host", e.host},
                {"port", e.port},
                {"allowed", e.allowed},
                {"bytes_up", e.bytes_up},
                {"bytes_down", e.bytes_down},
                {"duration_ms", e.duration.count()}};
      if (e.malformed) {
        f["malformed"] = true;
        f["target"] = e.target;
      }
      if (!e.reason.empty()) f["reason"] = e.reason;
      if (!e.address.empty()) f["address"] = e.address;
      if (e.via_upstream_proxy) f["via_upstream_proxy"] = true;
      write("egress", f);
      break;
    }
    case AuditEvent::Kind::credentials: {
      json f = {{"allowed", e.allowed}};
      if (!e.access_key_id.empty()) f["access_key_id"] = e.access_key_id;
      if (e.expiration) f["expiration"] = format_iso8601(*e.expiration);
      if (!e.reason.empty()) f["reason"] = e.reason;
      write(e.allowed ? "credentials_served" : "credentials_refused", f);
      break;
    }
    case AuditEvent::Kind::error:
      write("broker_error", {{"message", e.message}});
      break;
  }
}

std::string short_duration(std::chrono::seconds s) {
  long n = static_cast<long>(s.count());
  if (n < 60) return std::to_string(n) + "s";
  if (n < 3600) return std::to_string(n / 60) + "m";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%ldh%02ldm", n / 3600, (n % 3600) / 60);
  return buf;
}

std::string AuditLog::summary(std::chrono::seconds elapsed) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string s = "session " + short_duration(elapsed);
  int refreshed = std::max(0, issued_ - 1);
  s += " \u00b7 credentials refreshed " + std::to_string(refreshed) + "\u00d7";
  s += " \u00b7 egress " + std::to_string(allowed_) + " allowed, " + std::to_string(denied_) +
       " denied";
  if (!denied_hosts_.empty()) {
    std::vector<std::pair<std::string, int>> top(denied_hosts_.begin(), denied_hosts_.end());
    std::sort(top.begin(), top.end(), [](auto& a, auto& b) { return a.second > b.second; });
    s += " (";
    for (size_t i = 0; i < top.size() && i < 3; ++i) {
      if (i) s += ", ";
      s += top[i].first + " \u00d7" + std::to_string(top[i].second);
    }
    if (top.size() > 3) s += ", ...";
    s += ")";
  }
  return s;
}

}  // namespace cx::broker
