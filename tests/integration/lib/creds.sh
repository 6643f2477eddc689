# shellcheck shell=bash disable=SC2034
# Helpers for the credential-chain tests (creds_*_test.sh): `cx creds` against moto_server with
# authentication on, through the AWS profile shapes of docs/contract.md §Source credentials.
# Source after common.sh, moto.sh and cx.sh:
#   . "$here/lib/common.sh"; . "$here/lib/moto.sh"; . "$here/lib/cx.sh"; . "$here/lib/creds.sh"
#
# A test HOME from creds_home has ~/.claude-exec (RUNTIME=podman, IMAGE_TAG=x: `cx creds` needs no
# image), and cx's cache is HOME/.cache/cx (cx_env gives cx only HOME, so XDG_CACHE_HOME is unset).

CREDS_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CREDS_FIXTURE="$CREDS_LIB/creds_fixture.py"

# creds_home [KEY=VALUE...]: print a new HOME with ~/.claude-exec for `cx creds` (the moto role,
# RUNTIME=podman, IMAGE_TAG=x, plus the KEY=VALUE given) and an empty ~/.aws (0700).
creds_home() {
  local h
  h=$(new_home)
  cx_write_config "$h/.claude-exec" RUNTIME=podman IMAGE_TAG=x "$@"
  mkdir -m 0700 "$h/.aws"
  echo "$h"
}

# creds_cache_dir HOME: print cx's cache directory for HOME.
creds_cache_dir() {
  echo "$1/.cache/cx"
}

# creds_cache_files HOME: print the cache entries (*.json, not temp files), one path a line, sorted.
creds_cache_files() {
  local d
  d=$(creds_cache_dir "$1")
  [ -d "$d" ] || return 0
  find "$d" -maxdepth 1 -type f -name '*.json' | sort
}

# creds_cache_key FIELD...: print cx's cache key of FIELDs (sha256 of "LEN:FIELD;" each, as
# src/aws/cache.cpp's cache_key), to find one entry among several.
creds_cache_key() {
  local f joined=""
  for f in "$@"; do joined+="${#f}:$f;"; done
  printf '%s' "$joined" | sha256sum | cut -d' ' -f1
}

# creds_mfa_cache_file HOME PROFILE SERIAL: print the path of the MFA session's cache entry.
creds_mfa_cache_file() {
  echo "$(creds_cache_dir "$1")/$(creds_cache_key mfa-session "$2" "$3").json"
}

# creds_aws_config HOME TEXT: append TEXT to HOME/.aws/config (0600).
creds_aws_config() {
  (umask 077 && printf '%s\n' "$2" >>"$1/.aws/config")
}

# creds_user_keys_profile HOME PROFILE: write cx-user's static keys as PROFILE in
# HOME/.aws/credentials (and its region in HOME/.aws/config).
creds_user_keys_profile() {
  moto_write_aws_credentials "$1" "$2"
}

# creds_hop_role: create HopRole in moto (cx-user may assume it, it may assume ClaudeCode),
# spending exactly the unauthenticated requests it needs; exports MOTO_HOP_ROLE_ARN.
creds_hop_role() {
  local n out
  n=$("$MOTO_PYTHON" "$CREDS_FIXTURE" hop-count) || fail "creds_fixture.py hop-count failed"
  moto_set_no_auth_count "$n"
  out=$("$MOTO_PYTHON" "$CREDS_FIXTURE" hop-role "$MOTO_ENDPOINT") ||
    fail "creds_fixture.py hop-role failed: $(tail -n 3 "$MOTO_LOG")"
  [[ "$out" =~ ^MOTO_HOP_ROLE_ARN=arn:aws:iam::[0-9]+:role/HopRole$ ]] || fail "hop-role printed [$out]"
  export "${out?}"
  # Authentication is back on: the next request must be refused without a valid signature.
  moto_set_no_auth_count 0
}

# creds_assume_json ROLE_ARN OUT_FILE [DURATION]: AssumeRole as cx-user (authenticated); writes
# the credentials as JSON to OUT_FILE (0600); prints the AccessKeyId.
creds_assume_json() {
  "$MOTO_PYTHON" "$CREDS_FIXTURE" assume-json "$MOTO_ENDPOINT" "$MOTO_CREDS_FILE" "$@"
}

# creds_run HOME [VAR=VALUE...] CX-ARGS...: cx_run_capture as the current user with HOME.
creds_run() {
  local home=$1
  shift
  cx_run_capture "" "$home" "$@"
}

# creds_json_field FIELD: print Credentials.FIELD (json format) or FIELD (process format) of the
# last run's stdout; empty if absent or if stdout is not JSON.
creds_json_field() {
  "$MOTO_PYTHON" -c '
import json, sys
try:
    doc = json.loads(sys.stdin.read())
except ValueError:
    sys.exit(0)
body = doc.get("Credentials", doc) if isinstance(doc, dict) else {}
v = body.get(sys.argv[1], "") if isinstance(body, dict) else ""
print(v if isinstance(v, str) else json.dumps(v))
' "$1" <<<"$RUN_OUT"
}

# creds_seconds_left ISO8601: print the seconds from now until ISO8601.
creds_seconds_left() {
  local t
  t=$(date -u -d "$1" +%s 2>/dev/null) || fail "not a time: [$1]"
  echo $((t - $(date -u +%s)))
}

# creds_assert_issued_for KEY_ID ROLE_ARN [WHAT]: fail unless moto issued KEY_ID for ROLE_ARN.
creds_assert_issued_for() {
  local key=$1 role=$2 what=${3:-access key} k rest found=0
  [ -n "$key" ] || fail "$what: empty AccessKeyId"
  while read -r k rest; do
    [ "$k" = "$key" ] && found=1
  done <<<"$(moto_role_credentials "$role")"
  [ "$found" = 1 ] || fail "$what [$key] is not a key moto issued for $role"
}

# creds_assert_no_secret [SECRET...]: fail if the last run's stderr contains cx-user's secret key or
# one of the SECRETs given.
creds_assert_no_secret() {
  local s
  for s in "$(moto_key AWS_SECRET_ACCESS_KEY)" "$@"; do
    [ -n "$s" ] || continue
    case "$RUN_ERR" in *"$s"*) fail "stderr contains a secret" ;; esac
  done
}

# _creds_start_server NAME SCRIPT ARGS...: start a python server that writes its port to a file;
# sets CREDS_SERVER_PORT; stopped when the test exits (and dies with it).
_creds_start_server() {
  local name=$1 script=$2 pid i
  shift 2
  local dir="$TEST_TMP/$name"
  mkdir -p "$dir"
  rm -f "$dir/port"
  PYTHONUNBUFFERED=1 setpriv --pdeathsig KILL "$MOTO_PYTHON" "$CREDS_LIB/$script" \
    --port-file "$dir/port" "$@" </dev/null >"$dir/server.log" 2>&1 &
  pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  for ((i = 0; i < 100; i++)); do
    if [ -s "$dir/port" ]; then
      CREDS_SERVER_PORT=$(cat "$dir/port")
      wait_for_port "$CREDS_SERVER_PORT" 127.0.0.1 5 && return 0
    fi
    kill -0 "$pid" 2>/dev/null || fail "$script exited: $(tail -n 3 "$dir/server.log")"
    sleep 0.1
  done
  fail "$script did not start within 10 s: $(tail -n 3 "$dir/server.log")"
}

# creds_proxy_start NAME [throttle_proxy.py ARGS...]: start throttle_proxy.py in front of moto;
# sets PROXY_ENDPOINT and PROXY_LOG (one line per request: "ACTION throttled|forwarded STATUS").
creds_proxy_start() {
  local name=$1
  shift
  PROXY_LOG="$TEST_TMP/$name/requests.log"
  mkdir -p "$TEST_TMP/$name"
  _creds_start_server "$name" throttle_proxy.py --upstream "$MOTO_ENDPOINT" --log "$PROXY_LOG" "$@"
  PROXY_ENDPOINT="http://127.0.0.1:$CREDS_SERVER_PORT"
}

# creds_proxy_count [REGEX]: how many requests the proxy logged (matching REGEX, e.g. "^AssumeRole ").
creds_proxy_count() {
  grep -cE -- "${1:-.}" "$PROXY_LOG"
}

# creds_portal_start TOKEN ACCOUNT ROLE CREDS_JSON: start sso_portal.py; sets PORTAL_ENDPOINT and
# PORTAL_LOG ("METHOD PATH STATUS token=ok|bad|none" per request).
creds_portal_start() {
  PORTAL_LOG="$TEST_TMP/portal/requests.log"
  mkdir -p "$TEST_TMP/portal"
  _creds_start_server portal sso_portal.py --log "$PORTAL_LOG" --token "$1" --account "$2" \
    --role "$3" --creds "$4"
  PORTAL_ENDPOINT="http://127.0.0.1:$CREDS_SERVER_PORT"
}

# creds_pty_run TRANSCRIPT HOME [--expect TEXT --send TEXT] -- [VAR=VALUE...] CX-ARGS...: run cx
# (clean env as cx_env) with a pseudo-terminal as its controlling terminal, via pty_feed.py;
# stdout and stderr are captured as by run_capture, what cx showed on the terminal goes to
# TRANSCRIPT.
creds_pty_run() {
  local transcript=$1 home=$2
  shift 2
  local -a feed=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    feed+=("$1")
    shift
  done
  shift
  local -a vars=()
  while [ $# -gt 0 ] && [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
    vars+=("$1")
    shift
  done
  run_capture "$MOTO_PYTHON" "$CREDS_LIB/pty_feed.py" --transcript "$transcript" "${feed[@]}" \
    -- env -i USER="$(id -un)" LOGNAME="$(id -un)" "HOME=$home" "PATH=$CX_ITEST_PATH" LANG=C.UTF-8 \
    "AWS_ENDPOINT_URL_STS=$MOTO_ENDPOINT" "${vars[@]}" "$CX_BIN" "$@"
}

# creds_no_tty_run HOME [VAR=VALUE...] CX-ARGS...: run cx as cx_env does, in a new session without
# a controlling terminal (setsid), stdin /dev/null: /dev/tty cannot be opened.
creds_no_tty_run() {
  local home=$1
  shift
  local -a vars=()
  while [ $# -gt 0 ] && [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
    vars+=("$1")
    shift
  done
  run_capture setsid -w env -i USER="$(id -un)" LOGNAME="$(id -un)" "HOME=$home" \
    "PATH=$CX_ITEST_PATH" LANG=C.UTF-8 "AWS_ENDPOINT_URL_STS=$MOTO_ENDPOINT" "${vars[@]}" \
    "$CX_BIN" "$@"
}

# creds_require: fail without the cx binary; skip (with the reason) without moto or python.
creds_require() {
  require_cx
  _moto_python
  command -v setpriv >/dev/null 2>&1 || skip "setpriv (util-linux) is not installed"
}
