#!/usr/bin/env python3
"""A stand-in for the IAM Identity Center portal's GetRoleCredentials, for the credential tests.

  sso_portal.py --port-file FILE --log FILE --token TOKEN --account ID --role NAME --creds JSON_FILE

Answers GET /federation/credentials?account_id=ID&role_name=NAME that carries the header
x-amz-sso_bearer_token: TOKEN with 200 and
  {"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken", "expiration" (epoch ms)}}
taken from JSON_FILE (as creds_fixture.py assume-json writes it: real role-session credentials
from moto, so that cx can sign its AssumeRole with them). Like the real portal it answers 401
{"message": "Session token not found or invalid"} to a missing or wrong token, 403 to an
account/role that is not assigned, and 404 to any other path. --port-file gets the listening
port; --log gets one line per request: "METHOD PATH STATUS token=ok|bad|none".
"""

import argparse
import http.server
import json
import os
import sys
import threading
import urllib.parse


class Portal(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, args):
        super().__init__(("127.0.0.1", 0), Handler)
        self.args = args
        self.lock = threading.Lock()

    def record(self, line):
        with self.lock:
            with open(self.args.log, "a", encoding="utf-8") as f:
                f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, doc, token_state):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.record(f"{self.command} {self.path} {status} token={token_state}")

    def do_GET(self):
        args = self.server.args
        url = urllib.parse.urlsplit(self.path)
        token = self.headers.get("x-amz-sso_bearer_token")
        token_state = "none" if token is None else ("ok" if token == args.token else "bad")
        if url.path != "/federation/credentials":
            return self.reply(404, {"message": "not found"}, token_state)
        if token_state != "ok":
            return self.reply(401, {"message": "Session token not found or invalid"}, token_state)
        q = urllib.parse.parse_qs(url.query)
        if q.get("account_id") != [args.account] or q.get("role_name") != [args.role]:
            return self.reply(403, {"message": "No access"}, token_state)
        with open(args.creds, encoding="utf-8") as f:
            c = json.load(f)
        self.reply(200, {"roleCredentials": {
            "accessKeyId": c["AccessKeyId"],
            "secretAccessKey": c["SecretAccessKey"],
            "sessionToken": c["SessionToken"],
            "expiration": c["ExpirationMs"],
        }}, token_state)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("--port-file", "--log", "--token", "--account", "--role", "--creds"):
        p.add_argument(name, required=True)
    args = p.parse_args()
    server = Portal(args)
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
