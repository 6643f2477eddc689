#include "broker/responses.h"

namespace cx::broker {
namespace {

// A reason goes into a header and a one-line body: anything but printable
// ASCII becomes `?`, so no byte of it can end the header or start another.
std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  return out;
}

std::string response(int status, std::string_view phrase, std::string_view extra_headers,
                     std::string_view body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(phrase) + "\r\n";
  out += extra_headers;
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  out += body;
  return out;
}

std::string plain(int status, std::string_view phrase, std::string_view reason) {
  return response(status, phrase, "", "cx: " + one_line(reason) + "\n");
}

}  // namespace

std::string forbidden(std::string_view reason) {
  const std::string r = one_line(reason);
  return response(403, "Forbidden", "X-Cx-Denied: " + r + "\r\n", "cx: denied: " + r + "\n");
}

std::string proxy_authentication_required() {
  return response(407, "Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"cx\"\r\n",
                  "cx: denied: proxy authentication required\n");
}

std::string bad_request(std::string_view reason) { return plain(400, "Bad Request", reason); }

std::string not_found() { return plain(404, "Not Found", "no such path"); }

std::string method_not_allowed(std::string_view allowed) {
  return response(405, "Method Not Allowed", "Allow: " + one_line(allowed) + "\r\n",
                  "cx: method not allowed\n");
}

std::string request_timeout() {
  return plain(408, "Request Timeout", "the request head did not arrive in time");
}

std::string uri_too_long(std::string_view reason) { return plain(414, "URI Too Long", reason); }

std::string header_fields_too_large(std::string_view reason) {
  return plain(431, "Request Header Fields Too Large", reason);
}

std::string bad_gateway(std::string_view reason) { return plain(502, "Bad Gateway", reason); }

std::string for_head_error(int status, std::string_view reason) {
  if (status == 414) return uri_too_long(reason);
  if (status == 431) return header_fields_too_large(reason);
  return bad_request(reason);
}

std::string connection_established() { return "HTTP/1.1 200 Connection established\r\n\r\n"; }

std::string json_ok(std::string_view body) {
  std::string out = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Cache-Control: no-store\r\nConnection: close\r\n\r\n";
  out += body;
  return out;
}

}  // namespace cx::broker
