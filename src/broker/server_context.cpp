#include "broker/server_context.h"

namespace cx::broker {

void ServerContext::emit(const AuditEvent& event) const {
  if (!audit) return;
  try {
    audit(event);
  } catch (...) {  // NOLINT(bugprone-empty-catch): the sink's failure is not the broker's
  }
}

void ServerContext::error(std::string message) const {
  AuditEvent e;
  e.kind = AuditEvent::Kind::error;
  e.message = std::move(message);
  emit(e);
}

}  // namespace cx::broker
