#pragma once
// The short answers the egress proxy and the credential endpoint give
// themselves: complete HTTP/1.1 responses, ready to write to the socket.
// Every error response closes the connection.

#include <string>
#include <string_view>

namespace cx::broker {

// 403 with `X-Cx-Denied: REASON` and the one-line body `cx: denied: REASON`.
std::string forbidden(std::string_view reason);

// 407 Proxy Authentication Required (Basic), for a client of the broker's TCP
// listener without the session's proxy secret.
std::string proxy_authentication_required();

// 400 Bad Request naming what was malformed.
std::string bad_request(std::string_view reason);

// 404 Not Found (the credential endpoint's answer to any other path).
std::string not_found();

// 405 Method Not Allowed, with `Allow: allowed`.
std::string method_not_allowed(std::string_view allowed);

// 408 Request Timeout, for a head that did not arrive in time.
std::string request_timeout();

// 414 URI Too Long, for an oversized request line.
std::string uri_too_long(std::string_view reason);

// 431 Request Header Fields Too Large.
std::string header_fields_too_large(std::string_view reason);

// 502 Bad Gateway, when the upstream could not be resolved or reached.
std::string bad_gateway(std::string_view reason);

// The answer to a parse failure of status 400, 414 or 431 (see http_head.h).
std::string for_head_error(int status, std::string_view reason);

// `HTTP/1.1 200 Connection established`, after which the tunnel starts.
std::string connection_established();

// 200 with a JSON body, as the credential endpoint answers.
std::string json_ok(std::string_view body);

}  // namespace cx::broker
