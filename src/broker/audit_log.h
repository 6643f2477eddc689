#pragma once
// AuditLog: the session's record of what the agent got and where it went,
// as JSON lines in $XDG_STATE_HOME/cx/sessions/ID.jsonl (0600): start,
// credentials issued (access key id and expiry, never the secret), each
// egress decision, errors the broker survived, and the end with the exit
// status. It also keeps the counts for the one-line summary at exit.

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "aws/credentials.h"
#include "broker/audit_event.h"
#include "util/clock.h"
#include "util/result.h"

namespace cx::broker {

class AuditLog {
 public:
  // Opens (appends to) `path`, creating it 0600; its directory must exist.
  static Result<std::unique_ptr<AuditLog>> open(const std::string& path, const Clock& clock);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Writes one event line; `fields` are added to {"time", "event"}. Safe
  // from any thread.
  void write(const std::string& event, nlohmann::json fields = nlohmann::json::object());

  // The session's credentials were issued (first) or renewed.
  void credentials_issued(const aws::Credentials& creds);
  // An event from the broker's io thread.
  void broker_event(const AuditEvent& e);

  // `cx: session 42m · credentials refreshed 2× · egress 118 allowed, 3
  // denied (statsig.anthropic.com ×3)`.
  std::string summary(std::chrono::seconds elapsed) const;

  const std::string& path() const { return path_; }

 private:
  AuditLog(std::FILE* f, std::string path, const Clock& clock);

  std::FILE* file_;
  std::string path_;
  const Clock& clock_;
  mutable std::mutex mu_;
  int issued_ = 0;
  int allowed_ = 0;
  int denied_ = 0;
  std::map<std::string, int> denied_hosts_;
};

// Formats a duration the way the summary does: 45s, 42m, 1h05m.
std::string short_duration(std::chrono::seconds s);

}  // namespace cx::broker
