#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of moto_server, for the credential tests.

  throttle_proxy.py --upstream http://127.0.0.1:MOTO_PORT --port-file FILE --log FILE
                    [--throttle N] [--status 400|503] [--session-token-creds JSON_FILE]

It listens on a free loopback port (written to --port-file once it accepts connections). The
client points AWS_ENDPOINT_URL_STS at it. The first N requests (--throttle, default 0) get a fault
instead of reaching moto:
  --status 400 (default): HTTP 400 <ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>
                          <Message>Rate exceeded</Message></Error></ErrorResponse>, as STS sends;
  --status 503:           HTTP 503 with Code ServiceUnavailable.
Every later request is forwarded verbatim: same method, path, query, headers (Host included, which
the client signed and moto checks the signature over) and body; moto's status, headers and body
come back unchanged.

--session-token-creds FILE: a GetSessionToken that moto answered with 200 gets the Credentials of
FILE ({"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}) instead of moto's. moto
authenticated the request itself, but its answer is a fixed example key that its own IAM does not
know, so nothing could be signed with it; FILE holds real role-session credentials from moto.

--log FILE gets one line per request: "ACTION throttled|forwarded STATUS", so a test can count
attempts per STS action (moto's own log shows only "POST /"); a forwarded GetSessionToken line
ends with " SerialNumber=... TokenCode=..." as sent.
"""

import argparse
import html
import http.client
import http.server
import json
import os
import re
import sys
import threading
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate"}


def fault_body(code, message, sender):
    return (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<Error><Type>{'Sender' if sender else 'Receiver'}</Type><Code>{code}</Code>"
        f"<Message>{message}</Message></Error>"
        "<RequestId>c0ffee00-0000-4000-8000-000000000000</RequestId></ErrorResponse>"
    ).encode()


def action_of(path, body):
    query = urllib.parse.urlsplit(path).query
    for source in (body.decode("utf-8", "replace"), query):
        values = urllib.parse.parse_qs(source).get("Action")
        if values:
            return values[0]
    return "-"


def mfa_params(path, body):
    """For GetSessionToken: " SerialNumber=... TokenCode=..." as sent (test values, not secrets)."""
    params = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    params.update(urllib.parse.parse_qs(urllib.parse.urlsplit(path).query))
    return "".join(f" {k}={params[k][0]}" for k in ("SerialNumber", "TokenCode") if k in params)


def replace_credentials(body, creds):
    text = body.decode("utf-8")
    for tag in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
        value = html.escape(creds[tag])
        text, n = re.subn(f"<{tag}>[^<]*</{tag}>", f"<{tag}>{value}</{tag}>", text, count=1)
        if n != 1:
            raise ValueError(f"no <{tag}> in the GetSessionToken answer")
    return text.encode("utf-8")


class Proxy(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, args):
        super().__init__(("127.0.0.1", 0), Handler)
        up = urllib.parse.urlsplit(args.upstream)
        self.upstream = (up.hostname, up.port or 80)
        self.throttle_left = args.throttle
        self.status = args.status
        self.session_creds = None
        if args.session_token_creds:
            with open(args.session_token_creds, encoding="utf-8") as f:
                self.session_creds = json.load(f)
        self.log_path = args.log
        self.lock = threading.Lock()

    def record(self, line):
        with self.lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def take_fault(self):
        with self.lock:
            if self.throttle_left > 0:
                self.throttle_left -= 1
                return True
            return False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # the --log file is the log
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        action = action_of(self.path, body)
        if self.server.take_fault():
            if self.server.status == 503:
                status, payload = 503, fault_body("ServiceUnavailable", "Service unavailable", False)
            else:
                status, payload = 400, fault_body("Throttling", "Rate exceeded", True)
            self.send_response(status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.server.record(f"{action} throttled {status}")
            return

        conn = http.client.HTTPConnection(*self.server.upstream, timeout=30)
        # skip_host/skip_accept_encoding: send exactly the client's headers, Host included.
        conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() not in HOP_BY_HOP:
                conn.putheader(name, value)
        conn.endheaders(body if body else None)
        resp = conn.getresponse()
        payload = resp.read()
        headers = [(k, v) for k, v in resp.getheaders()
                   if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
        conn.close()
        if action == "GetSessionToken" and resp.status == 200 and self.server.session_creds:
            payload = replace_credentials(payload, self.server.session_creds)
        self.send_response(resp.status, resp.reason)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        extra = mfa_params(self.path, body) if action == "GetSessionToken" else ""
        self.server.record(f"{action} forwarded {resp.status}{extra}")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--upstream", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--throttle", type=int, default=0)
    p.add_argument("--status", type=int, choices=(400, 503), default=400)
    p.add_argument("--session-token-creds")
    args = p.parse_args()
    server = Proxy(args)
    open(args.log, "a", encoding="utf-8").close()
    with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
