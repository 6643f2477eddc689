#!/usr/bin/env python3
"""A Bedrock stand-in for cx's tests: checks every SigV4 signature for real.

  server.py --host 127.0.0.2 --port P --moto http://127.0.0.1:MOTOPORT --answer TEXT
            [--log FILE.jsonl] [--tool-sleep N --turns K] [--credential-lifetime S]

Serves what Claude Code sends to Bedrock when ANTHROPIC_BEDROCK_BASE_URL points here:
  GET  /inference-profiles                        a listing of system-defined profiles
  POST /model/{id}/invoke                         an Anthropic Messages response (JSON)
  POST /model/{id}/invoke-with-response-stream    the same as application/vnd.amazon.eventstream
  POST /model/{id}/count-tokens                   a token estimate

A request is answered only if it is signed (SigV4, service bedrock) with credentials that moto
issued by AssumeRole (moto's /moto-api/data.json, sts.AssumedRole), with the matching session
token. The signature is recomputed with botocore's SigV4Auth, independently of cx's C++ signer.
Otherwise the answer is a 403 shaped like Bedrock's (x-amzn-ErrorType, {"message": ...}).

moto's data.json does not include a credential's Expiration (it drops datetime fields), so
expiry is judged as: the moment this server first saw the key in data.json (polled every second,
so at most about a second after moto issued it) plus --credential-lifetime seconds (default 3600,
AssumeRole's default). Give the DurationSeconds the client asked for when a test relies on it.

With --tool-sleep N --turns K, a request that offers the Bash tool and carries fewer than K
tool results gets a tool_use of Bash `sleep N`; after K results the fixed answer follows. The
state is in the conversation itself, so side requests (titles, quota checks) do not disturb it.

Each request is logged as one JSON line (no secrets: neither signatures nor tokens).
"""

import argparse
import base64
import binascii
import datetime
import hashlib
import hmac
import json
import re
import struct
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.auth
import botocore.awsrequest
import botocore.credentials

SERVICE = "bedrock"
MAX_SKEW = datetime.timedelta(minutes=5)  # what AWS allows between X-Amz-Date and its clock
EVENTSTREAM = "application/vnd.amazon.eventstream"

# --- eventstream framing -----------------------------------------------------------------

HEADER_TYPE_STRING = 7


def encode_headers(headers):
    """Encode (name, value) string pairs as eventstream headers (type 7, string)."""
    out = bytearray()
    for name, value in headers:
        n = name.encode("utf-8")
        v = value.encode("utf-8")
        if len(n) > 255 or len(v) > 0xFFFF:
            raise ValueError(f"eventstream header too long: {name}")
        out += struct.pack(">B", len(n)) + n + struct.pack(">BH", HEADER_TYPE_STRING, len(v)) + v
    return bytes(out)


def encode_frame(headers, payload):
    """One eventstream message: prelude (total length, headers length, CRC32), headers,
    payload, and the CRC32 of everything before it."""
    h = encode_headers(headers)
    total = 4 + 4 + 4 + len(h) + len(payload) + 4
    prelude = struct.pack(">II", total, len(h))
    prelude += struct.pack(">I", binascii.crc32(prelude) & 0xFFFFFFFF)
    body = prelude + h + payload
    return body + struct.pack(">I", binascii.crc32(body) & 0xFFFFFFFF)


def chunk_frame(event):
    """A Bedrock `chunk` event carrying one Anthropic stream event (a dict)."""
    data = json.dumps(event, separators=(",", ":")).encode("utf-8")
    payload = json.dumps({"bytes": base64.b64encode(data).decode("ascii")}).encode("utf-8")
    headers = [
        (":event-type", "chunk"),
        (":content-type", "application/json"),
        (":message-type", "event"),
    ]
    return encode_frame(headers, payload)


# --- Anthropic messages ------------------------------------------------------------------


def _estimate_tokens(obj):
    return max(1, len(json.dumps(obj)) // 4)


def tool_results_in(request):
    """How many tool_result blocks the conversation in an Anthropic request carries."""
    count = 0
    for message in request.get("messages", []):
        content = message.get("content")
        if isinstance(content, list):
            count += sum(1 for b in content if isinstance(b, dict) and b.get("type") == "tool_result")
    return count


def last_tool_result(request):
    """The last tool_result block of the conversation, shortened for the log (None if none)."""
    last = None
    for message in request.get("messages", []):
        content = message.get("content")
        if isinstance(content, list):
            for b in content:
                if isinstance(b, dict) and b.get("type") == "tool_result":
                    last = b
    if last is None:
        return None
    text = last.get("content")
    if isinstance(text, list):
        text = " ".join(c.get("text", "") for c in text if isinstance(c, dict))
    return {"is_error": bool(last.get("is_error")), "content": str(text)[:200]}


def offers_tool(request, name):
    return any(isinstance(t, dict) and t.get("name") == name for t in request.get("tools", []) or [])


def plan_reply(request, answer, tool_sleep, turns):
    """The content blocks and stop reason to answer REQUEST with."""
    if turns > 0 and offers_tool(request, "Bash") and tool_results_in(request) < turns:
        n = tool_results_in(request) + 1
        block = {
            "type": "tool_use",
            "id": "toolu_standin" + uuid.uuid4().hex[:16],
            "name": "Bash",
            "input": {"command": f"sleep {tool_sleep}", "description": f"Stand-in tool turn {n} of {turns}"},
        }
        return [block], "tool_use"
    return [{"type": "text", "text": answer}], "end_turn"


def message_json(model, blocks, stop_reason, input_tokens):
    """A complete (non-streaming) Anthropic Messages response."""
    return {
        "id": "msg_standin" + uuid.uuid4().hex[:20],
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": blocks,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": _estimate_tokens(blocks)},
    }


def stream_events(model, blocks, stop_reason, input_tokens):
    """The Anthropic streaming events for a reply: message_start, then per block
    content_block_start / deltas / content_block_stop, then message_delta and message_stop."""
    msg = message_json(model, [], None, input_tokens)
    msg["usage"]["output_tokens"] = 1
    events = [{"type": "message_start", "message": msg}]
    for i, block in enumerate(blocks):
        if block["type"] == "text":
            events.append({"type": "content_block_start", "index": i, "content_block": {"type": "text", "text": ""}})
            text = block["text"]
            # Split in two deltas so a client must concatenate them.
            cut = len(text) // 2
            for part in (text[:cut], text[cut:]):
                if part:
                    events.append({"type": "content_block_delta", "index": i,
                                   "delta": {"type": "text_delta", "text": part}})
        elif block["type"] == "tool_use":
            events.append({"type": "content_block_start", "index": i,
                           "content_block": {"type": "tool_use", "id": block["id"], "name": block["name"],
                                             "input": {}}})
            js = json.dumps(block["input"])
            cut = len(js) // 2
            for part in (js[:cut], js[cut:]):
                events.append({"type": "content_block_delta", "index": i,
                               "delta": {"type": "input_json_delta", "partial_json": part}})
        else:
            raise ValueError(f"unsupported block type {block['type']}")
        events.append({"type": "content_block_stop", "index": i})
    events.append({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                   "usage": {"output_tokens": _estimate_tokens(blocks)}})
    events.append({"type": "message_stop",
                   "amazon-bedrock-invocationMetrics": {"inputTokenCount": input_tokens,
                                                        "outputTokenCount": _estimate_tokens(blocks),
                                                        "invocationLatency": 5, "firstByteLatency": 2}})
    return events


def inference_profiles(region):
    """A plausible ListInferenceProfiles answer for REGION."""
    now = "2025-01-01T00:00:00Z"
    out = []
    for pid, name in [
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "US Claude Sonnet 4.5"),
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "US Claude Haiku 4.5"),
        ("us.anthropic.claude-opus-4-1-20250805-v1:0", "US Claude Opus 4.1"),
        ("us.anthropic.claude-3-5-haiku-20241022-v1:0", "US Claude 3.5 Haiku"),
    ]:
        base = pid.split(".", 1)[1]
        out.append({
            "inferenceProfileName": name,
            "description": f"Routes requests to {name} in us-east-1, us-east-2 and us-west-2.",
            "createdAt": now,
            "updatedAt": now,
            "inferenceProfileArn": f"arn:aws:bedrock:{region}:123456789012:inference-profile/{pid}",
            "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/{base}"}
                       for r in ("us-east-1", "us-east-2", "us-west-2")],
            "inferenceProfileId": pid,
            "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
        })
    return {"inferenceProfileSummaries": out}


# --- credentials and signatures ----------------------------------------------------------


class Credential:
    def __init__(self, access_key, secret, token, seen_at):
        self.access_key = access_key
        self.secret = secret
        self.token = token
        self.seen_at = seen_at  # when this server first saw it in moto's data


class CredentialStore:
    """The credentials moto issued by AssumeRole, from its /moto-api/data.json."""

    def __init__(self, moto_url, clock=time.time):
        self._url = moto_url.rstrip("/") + "/moto-api/data.json"
        self._clock = clock
        self._lock = threading.Lock()
        self._creds = {}
        self._last_error = None

    def refresh(self):
        """Fetch moto's data and add any credential not seen before. Returns False on error."""
        try:
            with urllib.request.urlopen(self._url, timeout=5) as resp:
                data = json.load(resp)
        except (OSError, ValueError) as e:
            self._last_error = str(e)
            return False
        now = self._clock()
        with self._lock:
            for role in data.get("sts", {}).get("AssumedRole", []):
                key = role.get("access_key_id")
                if key and key not in self._creds:
                    self._creds[key] = Credential(key, role.get("secret_access_key"),
                                                  role.get("session_token"), now)
        return True

    def get(self, access_key):
        """The credential for ACCESS_KEY, refreshing from moto once if it is unknown."""
        with self._lock:
            cred = self._creds.get(access_key)
        if cred is None and self.refresh():
            with self._lock:
                cred = self._creds.get(access_key)
        return cred

    def poll(self, interval, stop):
        """Refresh every INTERVAL seconds until STOP is set (keeps seen_at close to issue time)."""
        while not stop.wait(interval):
            self.refresh()


class Verdict:
    def __init__(self, ok, status=200, error_type=None, message=None, access_key=None, why=None):
        self.ok = ok
        self.status = status
        self.error_type = error_type  # x-amzn-ErrorType
        self.message = message  # body message, as Bedrock words it
        self.access_key = access_key
        self.why = why  # for the log: what exactly was wrong


def _deny(error_type, message, why, access_key=None):
    return Verdict(False, 403, error_type, message, access_key, why)


BAD_SIGNATURE = ("The request signature we calculated does not match the signature you provided. "
                 "Check your AWS Secret Access Key and signing method. Consult the service "
                 "documentation for details.")
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"

AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request,\s*"
    r"SignedHeaders=([a-z0-9;\-]+),\s*Signature=([0-9a-f]{64})$")


class _ReceivedSigner(botocore.auth.SigV4Auth):
    """botocore's SigV4 signer, told which headers the client signed (botocore would otherwise
    pick its own set, e.g. it never signs some hop-by-hop headers a client may have signed)."""

    def __init__(self, credentials, region, signed):
        super().__init__(credentials, SERVICE, region)
        self._signed = signed

    def headers_to_sign(self, request):
        headers = botocore.awsrequest.HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or []:
                headers[name] = value
        return headers


class Verifier:
    """Checks a received request's SigV4 signature against moto-issued credentials."""

    def __init__(self, store, lifetime, clock=time.time):
        self._store = store
        self._lifetime = lifetime
        self._clock = clock

    def verify(self, method, raw_path, headers, body):
        """HEADERS: list of (name, value) as received; RAW_PATH: path and query as sent."""
        hmap = botocore.awsrequest.HTTPHeaders()
        for name, value in headers:
            hmap[name.lower()] = value
        auth = hmap.get("authorization")
        if not auth:
            return _deny("MissingAuthenticationTokenException", "Missing Authentication Token",
                         "no Authorization header")
        m = AUTH_RE.match(auth.strip())
        if not m:
            return _deny("IncompleteSignatureException", "Authorization header is malformed.",
                         "Authorization header does not parse as AWS4-HMAC-SHA256")
        access_key, scope_date, region, service, signed_list, signature = m.groups()
        signed = signed_list.split(";")
        if service != SERVICE:
            return _deny("InvalidSignatureException", BAD_SIGNATURE,
                         f"credential scope names service {service}, not {SERVICE}", access_key)
        if "host" not in signed:
            return _deny("InvalidSignatureException", BAD_SIGNATURE, "host header is not signed", access_key)
        amz_date = hmap.get("x-amz-date")
        if not amz_date or "x-amz-date" not in signed:
            return _deny("IncompleteSignatureException", "Authorization header requires signed X-Amz-Date.",
                         "no signed X-Amz-Date", access_key)
        try:
            when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
        except ValueError:
            return _deny("IncompleteSignatureException", "X-Amz-Date is malformed.", "bad X-Amz-Date", access_key)
        if scope_date != amz_date[:8]:
            return _deny("InvalidSignatureException", BAD_SIGNATURE,
                         "credential scope date differs from X-Amz-Date", access_key)
        now = datetime.datetime.fromtimestamp(self._clock(), datetime.timezone.utc)
        if abs(now - when) > MAX_SKEW:
            return _deny("InvalidSignatureException", "Signature expired: " + amz_date + " is now earlier or "
                         "later than 5 minutes from the current time.", "X-Amz-Date too far from now",
                         access_key)
        missing = [h for h in signed if h not in hmap]
        if missing:
            return _deny("InvalidSignatureException", BAD_SIGNATURE,
                         f"signed header(s) not present: {','.join(missing)}", access_key)

        cred = self._store.get(access_key)
        if cred is None:
            return _deny("UnrecognizedClientException", INVALID_TOKEN,
                         "access key was not issued by moto's AssumeRole", access_key)
        token = hmap.get("x-amz-security-token")
        if token is None or not hmac.compare_digest(token, cred.token or ""):
            return _deny("UnrecognizedClientException", INVALID_TOKEN,
                         "X-Amz-Security-Token missing or not the key's session token", access_key)
        if self._clock() >= cred.seen_at + self._lifetime:
            return _deny("ExpiredTokenException", EXPIRED_TOKEN,
                         f"credential older than {self._lifetime} s", access_key)

        # botocore uses X-Amz-Content-SHA256 verbatim when present: it must be the body's hash.
        body_hash = hashlib.sha256(body).hexdigest()
        claimed = hmap.get("x-amz-content-sha256")
        if claimed is not None and claimed != body_hash:
            return _deny("InvalidSignatureException", BAD_SIGNATURE,
                         "X-Amz-Content-SHA256 is not the body's hash", access_key)

        path, _, query = raw_path.partition("?")
        request = botocore.awsrequest.AWSRequest(method=method, url="http://" + hmap["host"] + path,
                                                 data=body)
        for name in signed:
            for value in hmap.get_all(name):
                request.headers[name] = value
        # The canonical query string encodes decoded names and values (the SigV4 rule), not
        # whatever escaping the client happened to put on the wire.
        request.params = urllib.parse.parse_qsl(query, keep_blank_values=True)
        request.context["timestamp"] = amz_date
        signer = _ReceivedSigner(botocore.credentials.Credentials(access_key, cred.secret, cred.token),
                                 region, signed)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected, signature):
            return _deny("InvalidSignatureException", BAD_SIGNATURE, "signature differs", access_key)
        return Verdict(True, access_key=access_key, why=f"region {region}")


# --- HTTP ---------------------------------------------------------------------------------

MODEL_RE = re.compile(r"^/model/([^/]+)/(invoke|invoke-with-response-stream|count-tokens|converse|converse-stream)$")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "BedrockStandin/1"

    def log_message(self, fmt, *args):  # the JSON log replaces http.server's stderr lines
        pass

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body, content_type="application/json", extra=()):
        # Logged before the answer leaves, so a client that has its answer finds it in the log.
        self._entry["status"] = status
        self.server.cfg.write_log(self._entry)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status, obj, extra=()):
        self._send(status, json.dumps(obj).encode("utf-8"), extra=extra)

    def _handle(self):
        cfg = self.server.cfg
        body = self._read_body()
        verdict = cfg.verifier.verify(self.command, self.path, list(self.headers.items()), body)
        entry = {
            "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
            "method": self.command,
            "path": self.path,
            "host": self.headers.get("Host"),
            "user_agent": self.headers.get("User-Agent"),
            "headers": sorted({k.lower() for k in self.headers.keys()}),
            "access_key": verdict.access_key,
            "signature_ok": verdict.ok,
            "why": verdict.why,
        }
        self._entry = entry
        if not verdict.ok:
            entry["error"] = verdict.error_type
            # Bedrock appends the error type's namespace; clients split at the colon.
            self._send_json(verdict.status, {"message": verdict.message},
                            extra=[("x-amzn-ErrorType", verdict.error_type + ":")])
            return
        try:
            self._route(body, entry)
        except Exception as e:  # a stand-in bug: say so in the log and to the client
            if "status" in entry:  # the answer was already on its way (e.g. the client left)
                raise
            entry["error"] = f"stand-in error: {e!r}"
            self._send_json(500, {"message": "stand-in error"}, extra=[("x-amzn-ErrorType", "InternalServerException:")])

    def _route(self, body, entry):
        cfg = self.server.cfg
        path = urllib.parse.urlsplit(self.path).path
        if self.command == "GET" and path == "/inference-profiles":
            self._send_json(200, inference_profiles(cfg.region))
            return
        m = MODEL_RE.match(path)
        if self.command == "POST" and m:
            model = urllib.parse.unquote(m.group(1))
            action = m.group(2)
            entry["model"] = model
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                self._send_json(400, {"message": "Malformed input request, please reformat your input and try again."},
                                extra=[("x-amzn-ErrorType", "ValidationException:")])
                return
            input_tokens = _estimate_tokens(request)
            if action == "count-tokens":
                self._send_json(200, {"inputTokens": input_tokens})
                return
            if action not in ("invoke", "invoke-with-response-stream"):
                self._send_json(400, {"message": f"{action} is not served by this stand-in"},
                                extra=[("x-amzn-ErrorType", "ValidationException:")])
                return
            blocks, stop = plan_reply(request, cfg.answer, cfg.tool_sleep, cfg.turns)
            entry["reply"] = stop
            entry["tool_results"] = tool_results_in(request)
            if entry["tool_results"]:
                entry["last_tool_result"] = last_tool_result(request)
            entry["anthropic_beta"] = request.get("anthropic_beta")
            if action == "invoke":
                self._send_json(200, message_json(model, blocks, stop, input_tokens),
                                extra=[("X-Amzn-Bedrock-Input-Token-Count", str(input_tokens))])
                return
            frames = b"".join(chunk_frame(e) for e in stream_events(model, blocks, stop, input_tokens))
            self._send(200, frames, content_type=EVENTSTREAM,
                       extra=[("X-Amzn-Bedrock-Content-Type", "application/json")])
            return
        self._send_json(404, {"message": f"Unknown operation {self.command} {path}"},
                        extra=[("x-amzn-ErrorType", "UnknownOperationException:")])

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class Config:
    def __init__(self, args, verifier):
        self.answer = args.answer
        self.tool_sleep = args.tool_sleep
        self.turns = args.turns
        self.region = args.region
        self.verifier = verifier
        self._log = open(args.log, "a", encoding="utf-8") if args.log else None
        self._lock = threading.Lock()

    def close(self):
        if self._log is not None:
            self._log.close()
            self._log = None

    def write_log(self, entry):
        if self._log is None:
            return
        with self._lock:
            self._log.write(json.dumps(entry) + "\n")
            self._log.flush()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.2")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--moto", required=True, help="moto_server endpoint, e.g. http://127.0.0.1:5000")
    p.add_argument("--answer", required=True, help="the text every final reply carries")
    p.add_argument("--log", help="append one JSON line per request to this file")
    p.add_argument("--tool-sleep", type=int, default=0, help="seconds of `sleep` each tool turn asks for")
    p.add_argument("--turns", type=int, default=0, help="tool turns before the final answer")
    p.add_argument("--credential-lifetime", type=float, default=3600.0,
                   help="seconds a credential is valid after moto issued it (default 3600)")
    p.add_argument("--region", default="us-east-1", help="region named in the inference profile ARNs")
    args = p.parse_args(argv)
    if args.turns and args.tool_sleep <= 0:
        p.error("--turns needs --tool-sleep N (N > 0)")

    store = CredentialStore(args.moto)
    if not store.refresh():
        print(f"bedrock stand-in: cannot read {args.moto}/moto-api/data.json", file=sys.stderr)
        return 1
    stop = threading.Event()
    threading.Thread(target=store.poll, args=(1.0, stop), daemon=True).start()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.cfg = Config(args, Verifier(store, args.credential_lifetime))
    print(f"bedrock stand-in listening on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
