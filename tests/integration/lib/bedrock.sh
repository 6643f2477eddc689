# shellcheck shell=bash
# A Bedrock stand-in for integration tests (tests/standins/bedrock/server.py): it answers a fixed
# text and accepts only requests SigV4-signed with credentials moto issued by AssumeRole.
# Source after common.sh and moto.sh, and call moto_up first:
#   bedrock_start --answer "TEXT" [--tool-sleep N --turns K] [--credential-lifetime S]
#   ... point ANTHROPIC_BEDROCK_BASE_URL at "$BEDROCK_URL" ...
#   bedrock_requests; bedrock_access_keys
#
# After bedrock_start: BEDROCK_URL (http://127.0.0.2:PORT), BEDROCK_HOST, BEDROCK_PORT,
# BEDROCK_PID, BEDROCK_LOG (one JSON line per request), BEDROCK_OUT (the server's stdout/stderr).

BEDROCK_SERVER="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../standins/bedrock" && pwd)/server.py"

# _bedrock_free_port HOST: print a TCP port on HOST that nothing listens on right now.
_bedrock_free_port() {
  local host=$1 port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# bedrock_start [SERVER_ARGS...]: start the stand-in on a free port of 127.0.0.2 against
# MOTO_ENDPOINT (default answer "Hello from the Bedrock stand-in."); stopped when the test exits.
bedrock_start() {
  [ -n "${MOTO_ENDPOINT:-}" ] || fail "bedrock_start: moto is not up (call moto_up first)"
  local py=${MOTO_PYTHON:-${CX_TEST_PYTHON:-python3}} host=127.0.0.2 port i
  local -a args=("$@")
  case " $* " in *" --answer "*) ;; *) args+=(--answer "Hello from the Bedrock stand-in.") ;; esac
  port=$(_bedrock_free_port "$host") || fail "no free TCP port on $host for the Bedrock stand-in"
  mkdir -p "$TEST_TMP/bedrock"
  BEDROCK_LOG="$TEST_TMP/bedrock/requests.jsonl"
  BEDROCK_OUT="$TEST_TMP/bedrock/server.out"
  : >"$BEDROCK_LOG"
  PYTHONUNBUFFERED=1 setpriv --pdeathsig KILL "$py" "$BEDROCK_SERVER" --host "$host" --port "$port" \
    --moto "$MOTO_ENDPOINT" --log "$BEDROCK_LOG" "${args[@]}" </dev/null >"$BEDROCK_OUT" 2>&1 &
  BEDROCK_PID=$!
  BEDROCK_HOST=$host
  BEDROCK_PORT=$port
  BEDROCK_URL="http://$host:$port"
  export BEDROCK_URL BEDROCK_HOST BEDROCK_PORT BEDROCK_PID BEDROCK_LOG BEDROCK_OUT
  on_exit bedrock_stop
  for ((i = 0; i < 300; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
      return 0
    fi
    kill -0 "$BEDROCK_PID" 2>/dev/null || fail "Bedrock stand-in exited: $(tail -n 3 "$BEDROCK_OUT")"
    sleep 0.1
  done
  fail "Bedrock stand-in did not listen on $BEDROCK_URL within 30 s: $(tail -n 3 "$BEDROCK_OUT")"
}

# bedrock_stop: stop the stand-in (registered with on_exit by bedrock_start).
bedrock_stop() {
  if [ -n "${BEDROCK_PID:-}" ] && kill -0 "$BEDROCK_PID" 2>/dev/null; then
    kill "$BEDROCK_PID" 2>/dev/null
    wait "$BEDROCK_PID" 2>/dev/null
  fi
  BEDROCK_PID=
}

# bedrock_requests [JQ_FILTER]: how many requests the stand-in logged, optionally only those for
# which the jq boolean JQ_FILTER holds (e.g. '.status == 403', '.path | startswith("/model/")').
bedrock_requests() {
  jq -c "select(${1:-true})" "$BEDROCK_LOG" | wc -l
}

# bedrock_access_keys: the distinct access key ids that signed valid requests, one a line.
bedrock_access_keys() {
  jq -r 'select(.signature_ok) | .access_key' "$BEDROCK_LOG" | sort -u
}

# bedrock_log_summary: one line per logged request (status, method, path, access key, why), for
# a failure message or a test's progress output.
bedrock_log_summary() {
  jq -r '"\(.status) \(.method) \(.path) \(.access_key // "-") \(if .signature_ok then "ok" else "denied: \(.why)" end)"' \
    "$BEDROCK_LOG"
}

# bedrock_assume_env FILE [--duration SECONDS]: AssumeRole MOTO_ROLE_ARN as cx-user (signed, so
# moto checks it) and write AWS_ACCESS_KEY_ID=, AWS_SECRET_ACCESS_KEY= and AWS_SESSION_TOKEN= to
# FILE (0600, for `set -a; . FILE`); prints the new access key id. Secrets never reach argv.
bedrock_assume_env() {
  local file=$1
  shift
  local py=${MOTO_PYTHON:-${CX_TEST_PYTHON:-python3}}
  "$py" - "$MOTO_ENDPOINT" "$MOTO_CREDS_FILE" "$MOTO_ROLE_ARN" "$file" "$@" <<'EOF'
import os, sys
import boto3, botocore.config
endpoint, creds_file, role, out = sys.argv[1:5]
duration = int(sys.argv[sys.argv.index("--duration") + 1]) if "--duration" in sys.argv else 900
kv = dict(line.strip().split("=", 1) for line in open(creds_file) if "=" in line)
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id=kv["AWS_ACCESS_KEY_ID"], aws_secret_access_key=kv["AWS_SECRET_ACCESS_KEY"],
                   config=botocore.config.Config(retries={"total_max_attempts": 1}, parameter_validation=False))
c = sts.assume_role(RoleArn=role, RoleSessionName="cx-standin-test", DurationSeconds=duration)["Credentials"]
fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    f.write(f"AWS_ACCESS_KEY_ID={c['AccessKeyId']}\nAWS_SECRET_ACCESS_KEY={c['SecretAccessKey']}\n"
            f"AWS_SESSION_TOKEN={c['SessionToken']}\n")
print(c["AccessKeyId"])
EOF
}
