# shellcheck shell=bash disable=SC2119,SC2120
# A real AWS peer for integration tests: moto_server on a free loopback port,
# with authentication on after the fixture's own setup requests.
# Source after common.sh:
#   . "$(dirname "$0")/lib/common.sh"; . "$(dirname "$0")/lib/moto.sh"
#   moto_up                      # server + fixture; stopped when the test exits
#   moto_write_aws_credentials "$home"
#
# After moto_up: MOTO_ENDPOINT (http://127.0.0.1:PORT), MOTO_PORT, MOTO_PID,
# MOTO_LOG, MOTO_NO_AUTH_COUNT, MOTO_CREDS_FILE (0600, AWS_ACCESS_KEY_ID= and
# AWS_SECRET_ACCESS_KEY= of user cx-user), MOTO_ACCESS_KEY_ID, MOTO_USER_ARN,
# MOTO_ROLE_ARN (ClaudeCode, assumable by cx-user), MOTO_DENIED_ROLE_ARN (Denied,
# not assumable), MOTO_POLICY_ARN, MOTO_ACCOUNT_ID (123456789012), MOTO_REGION.

MOTO_FIXTURE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/moto_fixture.py"

# _moto_python: set MOTO_PYTHON to a python3 that imports moto and boto3 (installing them with pip
# if needed), or skip the test.
_moto_python() {
  [ -z "${CX_SKIP_MOTO:-}" ] || skip "moto: $CX_SKIP_MOTO"
  MOTO_PYTHON=${CX_TEST_PYTHON:-$(command -v python3 2>/dev/null)}
  [ -n "$MOTO_PYTHON" ] || skip "moto: python3 is not installed"
  if ! "$MOTO_PYTHON" -c 'import moto, boto3' >/dev/null 2>&1; then
    "$MOTO_PYTHON" -m pip install -q 'moto[server]' boto3 >"$TEST_TMP/pip.log" 2>&1 ||
      skip "moto: cannot import moto and boto3, and pip install failed: $(tail -n 1 "$TEST_TMP/pip.log")"
  fi
}

# moto_start [EXTRA_NO_AUTH]: start moto_server on a free port; authentication starts
# after the fixture's setup requests plus EXTRA_NO_AUTH more (default 0).
moto_start() {
  local extra=${1:-0} port i
  _moto_python
  MOTO_NO_AUTH_COUNT=$(($("$MOTO_PYTHON" "$MOTO_FIXTURE" count) + extra))
  port=$(free_port) || fail "no free TCP port for moto_server"
  mkdir -p "$TEST_TMP/moto"
  MOTO_LOG="$TEST_TMP/moto/server.log"
  # pdeathsig: the server dies with this test even if the test is SIGKILLed (ctest timeout).
  INITIAL_NO_AUTH_ACTION_COUNT=$MOTO_NO_AUTH_COUNT PYTHONUNBUFFERED=1 \
    setpriv --pdeathsig KILL "$MOTO_PYTHON" -m moto.server -H 127.0.0.1 -p "$port" \
    </dev/null >"$MOTO_LOG" 2>&1 &
  MOTO_PID=$!
  MOTO_PORT=$port
  MOTO_ENDPOINT="http://127.0.0.1:$port"
  export MOTO_PID MOTO_PORT MOTO_ENDPOINT MOTO_LOG MOTO_NO_AUTH_COUNT
  on_exit moto_stop
  # /moto-api/ requests are not AWS actions: they do not use up the no-auth count.
  for ((i = 0; i < 300; i++)); do
    if curl -sf -o /dev/null "$MOTO_ENDPOINT/moto-api/data.json"; then
      return 0
    fi
    kill -0 "$MOTO_PID" 2>/dev/null || fail "moto_server exited: $(tail -n 3 "$MOTO_LOG")"
    sleep 0.1
  done
  fail "moto_server did not answer on $MOTO_ENDPOINT within 30 s: $(tail -n 3 "$MOTO_LOG")"
}

# moto_fixture: create user cx-user (with an access key) and roles ClaudeCode and Denied, using
# exactly the no-auth requests; sets MOTO_CREDS_FILE and the MOTO_*_ARN variables.
moto_fixture() {
  local out line n expected
  MOTO_CREDS_FILE="$TEST_TMP/moto/cx-user.env"
  out=$("$MOTO_PYTHON" "$MOTO_FIXTURE" setup "$MOTO_ENDPOINT" "$MOTO_CREDS_FILE") ||
    fail "moto fixture setup failed: $(tail -n 3 "$MOTO_LOG")"
  while IFS= read -r line; do
    [[ "$line" =~ ^MOTO_[A-Z_]+=[^[:space:]]*$ ]] || fail "moto fixture printed [$line]"
    export "${line?}"
  done <<<"$out"
  export MOTO_CREDS_FILE
  # The fixture counts what it sent; the server's log must agree, or auth would start early or late.
  expected=$("$MOTO_PYTHON" "$MOTO_FIXTURE" count)
  for ((n = 0; n < 20; n++)); do
    [ "$(moto_request_count)" -ge "$expected" ] && break
    sleep 0.1
  done
  assert_eq "$expected" "$(moto_request_count)" "setup requests moto received"
}

# moto_up [EXTRA_NO_AUTH]: moto_start then moto_fixture.
moto_up() {
  moto_start "${1:-0}"
  moto_fixture
}

# moto_stop: stop the server (registered with on_exit by moto_start).
moto_stop() {
  if [ -n "${MOTO_PID:-}" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null
    wait "$MOTO_PID" 2>/dev/null
  fi
  MOTO_PID=
}

# moto_key NAME: print AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY of cx-user (for files, never argv).
moto_key() {
  sed -n "s/^$1=//p" "$MOTO_CREDS_FILE"
}

# moto_write_aws_credentials HOME [PROFILE]: write HOME/.aws/credentials (0600) with cx-user's keys
# and HOME/.aws/config with the region, under PROFILE (default "default"); owned like HOME.
moto_write_aws_credentials() {
  local home=$1 profile=${2:-default} owner section
  mkdir -p "$home/.aws"
  chmod 0700 "$home/.aws"
  section=$profile
  [ "$profile" = default ] || section="profile $profile"
  (
    umask 077
    {
      echo "[$profile]"
      echo "aws_access_key_id = $(moto_key AWS_ACCESS_KEY_ID)"
      echo "aws_secret_access_key = $(moto_key AWS_SECRET_ACCESS_KEY)"
    } >>"$home/.aws/credentials"
    {
      echo "[$section]"
      echo "region = $MOTO_REGION"
    } >>"$home/.aws/config"
  )
  owner=$(stat -c %U:%G "$home")
  chown -R "$owner" "$home/.aws"
}

# moto_assume ROLE_ARN [--wrong-secret] [--duration SECONDS]: AssumeRole as cx-user with boto3;
# prints the new AccessKeyId, or the AWS error code on stderr and returns 1.
moto_assume() {
  "$MOTO_PYTHON" "$MOTO_FIXTURE" assume "$MOTO_ENDPOINT" "$MOTO_CREDS_FILE" "$@"
}

# moto_request_count [REGEX]: how many AWS requests moto has served (from its log, /moto-api/
# excluded), optionally only those whose request line ("POST /path HTTP/1.1") matches REGEX.
moto_request_count() {
  grep -E '"(GET|POST|PUT|DELETE|HEAD|PATCH) [^"]* HTTP/[0-9.]+"' "$MOTO_LOG" |
    grep -v '"[A-Z]* /moto-api/' | grep -cE -- "${1:-.}"
}

# moto_data_json: print moto's state (GET /moto-api/data.json), e.g. every sts.AssumedRole issued.
moto_data_json() {
  curl -sf "$MOTO_ENDPOINT/moto-api/data.json"
}

# moto_set_no_auth_count N: let the next N AWS requests through unauthenticated (extra setup),
# then authenticate again; 0 authenticates everything from now on.
moto_set_no_auth_count() {
  curl -sf -o /dev/null -X POST -H "Content-Type: text/plain" --data "$1" "$MOTO_ENDPOINT/moto-api/reset-auth" ||
    fail "moto: POST /moto-api/reset-auth failed"
}
