#include "cli/sessions.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/iso8601.h"
#include "util/private_fs.h"

namespace cx::cli {

using nlohmann::json;

std::string broker_base(const EnvLookup& env) {
  if (auto x = env_value(env, "XDG_RUNTIME_DIR"); x && ::access(x->c_str(), W_OK) == 0) return *x;
  return {};
}

std::string sessions_dir(const EnvLookup& env) {
  return xdg_cx_dir(env, "XDG_STATE_HOME", ".local/state") + "/sessions";
}

std::string record_path(const std::string& dir, const std::string& id) {
  return dir + "/" + id + ".json";
}

Status write_record(const std::string& dir, const SessionRecord& r) {
  if (auto ok = ensure_private_dir(dir, "sessions directory"); !ok) return ok;
  json j = {{"id", r.id},
            {"pid", r.pid},
            {"started", format_iso8601(r.started)},
            {"project", r.project},
            {"role", r.role},
            {"runtime", r.runtime},
            {"container", r.container},
            {"broker_dir", r.broker_dir},
            {"gate", r.gate},
            {"network", r.network}};
  if (r.expiration) j["expiration"] = format_iso8601(*r.expiration);
  // Lives as long as the session: no flush to disk (util/private_fs.h).
  return write_private_file(record_path(dir, r.id), j.dump() + "\n", /*durable=*/false);
}

void remove_record(const std::string& dir, const std::string& id) {
  std::error_code ec;
  std::filesystem::remove(record_path(dir, id), ec);
}

std::vector<SessionRecord> read_records(const std::string& dir) {
  std::vector<SessionRecord> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    json j = json::parse(ss.str(), nullptr, false);
    if (!j.is_object()) continue;
    try {
      SessionRecord r;
      r.id = j.at("id").get<std::string>();
      r.pid = j.at("pid").get<pid_t>();
      r.started = parse_iso8601(j.at("started").get<std::string>()).value_or(SystemTime{});
      r.project = j.value("project", "");
      r.role = j.value("role", "");
      r.runtime = j.value("runtime", "");
      r.container = j.value("container", "");
      r.broker_dir = j.value("broker_dir", "");
      r.gate = j.value("gate", "");
      r.network = j.value("network", "");
      if (j.contains("expiration"))
        r.expiration = parse_iso8601(j["expiration"].get<std::string>());
      out.push_back(std::move(r));
    } catch (const json::exception&) {
      continue;  // not a record of ours
    }
  }
  return out;
}

bool process_alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

}  // namespace cx::cli
