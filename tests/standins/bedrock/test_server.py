#!/usr/bin/env python3
"""Tests of the Bedrock stand-in (server.py): its eventstream frames, decoded by botocore's own
parser, and its signature verifier, fed requests that botocore signed with credentials a real
moto_server issued.

  python3 test_server.py        (needs botocore; the verifier tests need moto, else they skip)
"""

import base64
import binascii
import datetime
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import unittest.mock
import urllib.request

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.eventstream

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server  # noqa: E402

MODEL = "us.anthropic.claude-opus-5-5"


def decode_all(data):
    """Every message in DATA, via botocore's EventStreamBuffer (checks both CRCs)."""
    buf = botocore.eventstream.EventStreamBuffer()
    buf.add_data(data)
    return list(buf)


def anthropic_events(data):
    out = []
    for msg in decode_all(data):
        assert msg.headers[":event-type"] == "chunk"
        out.append(json.loads(base64.b64decode(json.loads(msg.payload)["bytes"])))
    return out


class FrameTest(unittest.TestCase):
    def test_frame_decodes_with_botocore(self):
        frame = server.encode_frame([(":event-type", "chunk"), ("x", "yz")], b'{"a":1}')
        (msg,) = decode_all(frame)
        self.assertEqual(msg.headers, {":event-type": "chunk", "x": "yz"})
        self.assertEqual(msg.payload, b'{"a":1}')

    def test_prelude_fields_and_crcs(self):
        frame = server.encode_frame([("k", "v")], b"payload")
        total, hlen, pcrc = struct.unpack(">III", frame[:12])
        self.assertEqual(total, len(frame))
        self.assertEqual(hlen, 1 + 1 + 1 + 2 + 1)
        self.assertEqual(pcrc, binascii.crc32(frame[:8]))
        self.assertEqual(struct.unpack(">I", frame[-4:])[0], binascii.crc32(frame[:-4]))
        # name length, name, type 7 (string), 2-byte value length, value
        self.assertEqual(frame[12:12 + hlen], b"\x01k\x07\x00\x01v")

    def test_corrupt_payload_fails_message_crc(self):
        frame = bytearray(server.encode_frame([("k", "v")], b"payload"))
        frame[-6] ^= 0x01
        with self.assertRaises(botocore.eventstream.ChecksumMismatch):
            decode_all(bytes(frame))

    def test_corrupt_prelude_fails_prelude_crc(self):
        frame = bytearray(server.encode_frame([("k", "v")], b"payload"))
        frame[7] ^= 0x01
        with self.assertRaises(botocore.eventstream.ChecksumMismatch):
            decode_all(bytes(frame))

    def test_chunk_frame_headers_and_payload(self):
        event = {"type": "message_stop"}
        (msg,) = decode_all(server.chunk_frame(event))
        self.assertEqual(msg.headers, {":event-type": "chunk", ":content-type": "application/json",
                                       ":message-type": "event"})
        self.assertEqual(json.loads(base64.b64decode(json.loads(msg.payload)["bytes"])), event)

    def test_text_stream_sequence(self):
        blocks, stop = server.plan_reply({"messages": []}, "Hello from the stand-in", 0, 0)
        data = b"".join(server.chunk_frame(e) for e in server.stream_events(MODEL, blocks, stop, 10))
        events = anthropic_events(data)
        types = [e["type"] for e in events]
        self.assertEqual(types, ["message_start", "content_block_start", "content_block_delta",
                                 "content_block_delta", "content_block_stop", "message_delta", "message_stop"])
        self.assertEqual(events[0]["message"]["model"], MODEL)
        self.assertEqual(events[0]["message"]["content"], [])
        self.assertEqual("".join(e["delta"]["text"] for e in events if e["type"] == "content_block_delta"),
                         "Hello from the stand-in")
        self.assertEqual(events[5]["delta"]["stop_reason"], "end_turn")

    def test_tool_turns_then_answer(self):
        tools = [{"name": "Bash", "input_schema": {}}]
        req = {"tools": tools, "messages": [{"role": "user", "content": "hi"}]}
        blocks, stop = server.plan_reply(req, "done", 3, 2)
        self.assertEqual(stop, "tool_use")
        self.assertEqual(blocks[0]["input"]["command"], "sleep 3")
        events = server.stream_events(MODEL, blocks, stop, 10)
        start = events[1]
        self.assertEqual(start["content_block"]["type"], "tool_use")
        self.assertEqual(start["content_block"]["name"], "Bash")
        partial = "".join(e["delta"]["partial_json"] for e in events if e["type"] == "content_block_delta")
        self.assertEqual(json.loads(partial), blocks[0]["input"])
        self.assertEqual(events[-2]["delta"]["stop_reason"], "tool_use")
        # After two tool results the answer comes; without the Bash tool it comes at once.
        result = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": ""}]}
        req2 = {"tools": tools, "messages": [req["messages"][0], {"role": "assistant", "content": blocks},
                                             result, {"role": "assistant", "content": blocks}, result]}
        self.assertEqual(server.tool_results_in(req2), 2)
        self.assertEqual(server.plan_reply(req2, "done", 3, 2), ([{"type": "text", "text": "done"}], "end_turn"))
        self.assertEqual(server.plan_reply({"messages": []}, "done", 3, 2)[1], "end_turn")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def moto_python():
    try:
        import moto  # noqa: F401
        import boto3  # noqa: F401
    except ImportError:
        return False
    return True


class FakeClock:
    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


@unittest.skipUnless(moto_python(), "moto and boto3 are not importable")
class MotoCase(unittest.TestCase):
    """A real moto_server (no authentication) that issues the credentials."""

    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.endpoint = f"http://127.0.0.1:{cls.port}"
        cls.moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(cls.port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                urllib.request.urlopen(cls.endpoint + "/moto-api/data.json", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            cls.moto.kill()
            raise RuntimeError("moto_server did not start")

    @classmethod
    def tearDownClass(cls):
        cls.moto.kill()
        cls.moto.wait()

    def assume(self):
        import boto3
        sts = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                           aws_access_key_id="AKIAEXAMPLESETUP0000", aws_secret_access_key="x")
        c = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/ClaudeCode",
                            RoleSessionName="standin-test")["Credentials"]
        return botocore.credentials.Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])

    def setUp(self):
        self.clock = FakeClock()
        self.store = server.CredentialStore(self.endpoint, clock=self.clock)
        self.creds = self.assume()
        # As the server's poller does: the key is seen (its lifetime starts) right after issue.
        self.assertTrue(self.store.refresh())
        self.verifier = server.Verifier(self.store, 900, clock=self.clock)


class VerifierTest(MotoCase):
    def signed(self, creds=None, path="/model/us.anthropic.claude-opus-5-5:0/invoke", body=b'{"x":1}',
               method="POST", region="us-east-1", service="bedrock", host="127.0.0.2:4000"):
        """A request as botocore signs it: (method, raw path, header list, body)."""
        req = botocore.awsrequest.AWSRequest(method=method, url=f"http://{host}{path}", data=body,
                                             headers={"Content-Type": "application/json"})
        # Signed at the fake clock's time, so a test can move time forward and sign again.
        now = datetime.datetime.fromtimestamp(self.clock.now, datetime.timezone.utc).replace(tzinfo=None)
        with unittest.mock.patch("botocore.auth.get_current_datetime", return_value=now):
            botocore.auth.SigV4Auth(creds or self.creds, service, region).add_auth(req)
        return [method, path, list(req.headers.items()) + [("Host", host)], body]

    def verify(self, request):
        return self.verifier.verify(*request)

    def test_botocore_signed_request_passes(self):
        v = self.verify(self.signed())
        self.assertTrue(v.ok, v.why)
        self.assertEqual(v.access_key, self.creds.access_key)

    def test_escaped_path_and_query_pass(self):
        self.assertTrue(self.verify(self.signed(path="/model/a%3Ab/invoke-with-response-stream")).ok)
        v = self.verify(self.signed(method="GET", path="/inference-profiles?type=SYSTEM_DEFINED&maxResults=5",
                                    body=b""))
        self.assertTrue(v.ok, v.why)

    def test_key_issued_after_first_fetch_is_found(self):
        later = self.assume()  # moto issued it after setUp's refresh
        self.assertTrue(self.verify(self.signed(creds=later)).ok)

    def test_tampered_body_fails(self):
        r = self.signed()
        r[3] = b'{"x":2}'
        v = self.verify(r)
        self.assertFalse(v.ok)
        self.assertEqual((v.status, v.error_type), (403, "InvalidSignatureException"))

    def test_body_with_matching_content_sha256_header_still_fails(self):
        r = self.signed()
        r[3] = b'{"x":2}'
        r[2] = [(k, v) for k, v in r[2] if k.lower() != "x-amz-content-sha256"]
        r[2].append(("X-Amz-Content-SHA256", hashlib.sha256(r[3]).hexdigest()))
        v = self.verify(r)
        self.assertFalse(v.ok)
        self.assertEqual(v.error_type, "InvalidSignatureException")

    def test_tampered_signed_header_fails(self):
        r = self.signed()
        r[2] = [(k, "text/plain" if k.lower() == "content-type" else v) for k, v in r[2]]
        self.assertEqual(self.verify(r).error_type, "InvalidSignatureException")

    def test_tampered_path_fails(self):
        r = self.signed()
        r[1] = "/model/other/invoke"
        self.assertEqual(self.verify(r).error_type, "InvalidSignatureException")

    def test_other_host_fails(self):
        r = self.signed()
        r[2] = [(k, "127.0.0.2:4001" if k.lower() == "host" else v) for k, v in r[2]]
        self.assertEqual(self.verify(r).error_type, "InvalidSignatureException")

    def test_wrong_secret_fails(self):
        c = self.creds
        bad = botocore.credentials.Credentials(c.access_key, "wrong", c.token)
        v = self.verify(self.signed(creds=bad))
        self.assertEqual((v.ok, v.error_type, v.why), (False, "InvalidSignatureException", "signature differs"))

    def test_wrong_service_fails(self):
        self.assertEqual(self.verify(self.signed(service="sts")).error_type, "InvalidSignatureException")

    def test_wrong_or_missing_token_fails(self):
        c = self.creds
        other = self.assume()
        v = self.verify(self.signed(creds=botocore.credentials.Credentials(c.access_key, c.secret_key, other.token)))
        self.assertEqual(v.error_type, "UnrecognizedClientException")
        v = self.verify(self.signed(creds=botocore.credentials.Credentials(c.access_key, c.secret_key)))
        self.assertEqual(v.error_type, "UnrecognizedClientException")

    def test_unknown_key_fails(self):
        fake = botocore.credentials.Credentials("ASIANOTISSUEDBYMOTO0", "secret", "token")
        v = self.verify(self.signed(creds=fake))
        self.assertEqual((v.status, v.error_type), (403, "UnrecognizedClientException"))

    def test_missing_authorization_fails(self):
        r = self.signed()
        r[2] = [(k, v) for k, v in r[2] if k.lower() != "authorization"]
        self.assertEqual(self.verify(r).error_type, "MissingAuthenticationTokenException")

    def test_expired_credentials_fail(self):
        self.clock.now += 899
        self.assertTrue(self.verify(self.signed()).ok)  # still valid 1 s before expiry
        self.clock.now += 1
        v = self.verify(self.signed())
        self.assertEqual((v.status, v.error_type, v.message),
                         (403, "ExpiredTokenException", "The security token included in the request is expired"))

    def test_old_signature_date_fails(self):
        self.verifier = server.Verifier(self.store, 3600, clock=self.clock)
        r = self.signed()
        self.clock.now += 301
        v = self.verify(r)
        self.assertEqual(v.error_type, "InvalidSignatureException")
        self.assertIn("Signature expired", v.message)


class HttpTest(MotoCase):
    """The server over HTTP, called by boto3's own Bedrock clients."""

    def setUp(self):
        super().setUp()
        self.log = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False).name
        args = server.argparse.Namespace(answer="STAND-IN ANSWER", tool_sleep=0, turns=0, region="us-east-1",
                                         log=self.log)
        self.httpd = server.ThreadingHTTPServer(("127.0.0.1", 0), server.Handler)
        self.httpd.cfg = server.Config(args, server.Verifier(self.store, 900))
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def tearDown(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.httpd.cfg.close()
        os.unlink(self.log)

    def client(self, service, creds):
        import boto3
        import botocore.config
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                            aws_session_token=creds.token,
                            config=botocore.config.Config(retries={"total_max_attempts": 1}))

    def log_entries(self):
        with open(self.log, encoding="utf-8") as f:
            return [json.loads(line) for line in f]

    def test_boto3_clients_get_answers(self):
        rt = self.client("bedrock-runtime", self.creds)
        body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10,
                           "messages": [{"role": "user", "content": "hi"}]})
        out = json.loads(rt.invoke_model(modelId=MODEL + ":0", body=body)["body"].read())
        self.assertEqual(out["content"], [{"type": "text", "text": "STAND-IN ANSWER"}])
        resp = rt.invoke_model_with_response_stream(modelId=MODEL, body=body)
        events = [json.loads(e["chunk"]["bytes"]) for e in resp["body"]]  # boto3 decodes base64 itself
        self.assertEqual("".join(e["delta"].get("text", "") for e in events if e["type"] == "content_block_delta"),
                         "STAND-IN ANSWER")
        self.assertEqual(events[-1]["type"], "message_stop")
        profiles = self.client("bedrock", self.creds).list_inference_profiles(typeEquals="SYSTEM_DEFINED")
        self.assertTrue(profiles["inferenceProfileSummaries"])
        entries = self.log_entries()
        self.assertEqual([e["status"] for e in entries], [200, 200, 200])
        self.assertTrue(all(e["signature_ok"] and e["access_key"] == self.creds.access_key for e in entries))
        with open(self.log, encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn(self.creds.secret_key, text)
        self.assertNotIn(self.creds.token, text)

    def test_wrong_secret_gets_403_invalid_signature(self):
        import botocore.exceptions
        c = self.creds
        rt = self.client("bedrock-runtime", botocore.credentials.Credentials(c.access_key, "wrong", c.token))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            rt.invoke_model(modelId=MODEL, body="{}")
        err = cm.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(err["Error"]["Code"], "InvalidSignatureException")
        (entry,) = self.log_entries()
        self.assertEqual((entry["status"], entry["signature_ok"], entry["why"]), (403, False, "signature differs"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
