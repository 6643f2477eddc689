#!/usr/bin/env bash
# The Bedrock stand-in, proven with the real Claude Code on the host (no cx, no container):
#   1. the stand-in's own unit tests (eventstream frames, SigV4 verifier against moto);
#   2. claude -p with role credentials from moto (authentication on) prints the stand-in's
#      answer, and every request the stand-in saw was validly signed by that access key;
#   3. the same with a wrong secret fails: claude reports an error, the stand-in logged 403s;
#   4. tool turns: the stand-in asks for Bash `sleep` twice, claude runs it, then prints the answer;
#   5. credentials past the stand-in's lifetime get 403 ExpiredTokenException, and claude fails.
# Claude Code's native binary is fetched once with npm into $CX_TEST_STATE/claude-code/VERSION
# (CX_TEST_CLAUDE_VERSION picks the version; default: the registry's latest, else the newest cached).
here=$(dirname "$0")
# shellcheck source=tests/integration/lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=tests/integration/lib/moto.sh
. "$here/lib/moto.sh"
# shellcheck source=tests/integration/lib/bedrock.sh
. "$here/lib/bedrock.sh"

require_cmd jq setpriv
ANSWER="Stand-in says: the signature checked out (7f3a)."
PROMPT="say hi"

# --- Claude Code -------------------------------------------------------------------------

# install_claude: set CLAUDE to the native `claude` of CX_TEST_CLAUDE_VERSION (or latest), fetched
# once with `npm pack` (the package has no install script to run) into the cache; skip if impossible.
install_claude() {
  local arch pkg cache version tmp
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) skip "no Claude Code native package for $(uname -m)" ;;
  esac
  pkg="@anthropic-ai/claude-code-linux-$arch"
  cache="${CX_TEST_STATE:-/var/tmp/cx-test}/claude-code"
  mkdir -p "$cache"
  version=${CX_TEST_CLAUDE_VERSION:-}
  if [ -z "$version" ] && command -v npm >/dev/null 2>&1; then
    version=$(timeout 60 npm view "$pkg" version 2>/dev/null | tail -n 1)
  fi
  if [ -z "$version" ]; then
    version=$(find "$cache" -mindepth 2 -maxdepth 2 -name claude -printf '%h\n' 2>/dev/null |
      xargs -r -n1 basename | sort -V | tail -n 1)
    [ -n "$version" ] || skip "npm is not installed or cannot reach the registry, and no Claude Code is cached in $cache"
  fi
  CLAUDE="$cache/$version/claude"
  if [ ! -x "$CLAUDE" ]; then
    require_cmd npm
    tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
    if ! (cd "$tmp" && timeout 600 npm pack "$pkg@$version" >npm.out 2>npm.err); then
      local why
      why=$(grep -E 'npm (error|ERR!) ' "$tmp/npm.err" | grep -vE ' code |complete log' | head -n 1)
      why=${why:-$(tail -n 1 "$tmp/npm.err")}
      rm -rf "$tmp"
      skip "npm pack $pkg@$version failed: $why"
    fi
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/claude || fail "no package/claude in $pkg@$version"
    mkdir -p "$cache/$version"
    mv "$tmp/package/claude" "$CLAUDE.partial" && mv "$CLAUDE.partial" "$CLAUDE"
    rm -rf "$tmp"
  fi
  run_capture "$CLAUDE" --version
  assert_rc 0 "claude --version"
  assert_contains "$RUN_OUT" "$version" "claude --version"
  pass "Claude Code $RUN_OUT at $CLAUDE"
}

# run_claude CREDS_FILE [VAR=VALUE...] [CLAUDE_ARGS...]: run the real claude -p "$PROMPT" against the
# stand-in in a clean environment (plus the VAR=VALUE words) with a fresh HOME; the credentials
# come from CREDS_FILE (never argv).
run_claude() {
  local creds=$1 home work
  local -a vars=()
  shift
  while [ $# -gt 0 ] && [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
    vars+=("$1")
    shift
  done
  # shellcheck disable=SC2119 # no owner: the test runs as this user
  home=$(new_home)
  work=$(mktemp -d "$TEST_TMP/project.XXXXXX")
  RUN_CMD="claude -p \"$PROMPT\" $* (Bedrock at $BEDROCK_URL, credentials from $creds)"
  # shellcheck disable=SC2016 # the inner bash expands $CREDS and $@, not this one
  (
    cd "$work" &&
      env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" LANG=C.UTF-8 CREDS="$creds" \
        CLAUDE_CODE_USE_BEDROCK=1 ANTHROPIC_BEDROCK_BASE_URL="$BEDROCK_URL" AWS_REGION=us-east-1 \
        DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 \
        DISABLE_ERROR_REPORTING=1 "${vars[@]}" \
        timeout 300 bash -c 'set -a; . "$CREDS"; set +a; unset CREDS; exec "$@"' claude \
        "$CLAUDE" -p "$PROMPT" "$@"
  ) >"$TEST_TMP/.run.out" 2>"$TEST_TMP/.run.err" </dev/null
  RUN_RC=$?
  RUN_OUT=$(cat "$TEST_TMP/.run.out")
  RUN_ERR=$(cat "$TEST_TMP/.run.err")
}

# log_since N: the stand-in's log entries after the first N lines.
log_since() {
  tail -n "+$(($1 + 1))" "$BEDROCK_LOG"
}

# --- parts ---------------------------------------------------------------------------------

part_unit_tests() {
  run_capture "$MOTO_PYTHON" "$CX_SOURCE_DIR/tests/standins/bedrock/test_server.py"
  [ "$RUN_RC" = 0 ] || fail "stand-in unit tests failed: $(printf '%s\n' "$RUN_ERR" | tail -n 20)"
  pass "stand-in unit tests: $(printf '%s\n' "$RUN_ERR" | grep -E '^Ran [0-9]+ tests' | head -n 1), OK"
}

part_valid_signatures() {
  local key keys n
  key=$(bedrock_assume_env "$TEST_TMP/role.env") || fail "AssumeRole of $MOTO_ROLE_ARN failed"
  pass "assumed $MOTO_ROLE_ARN with signed requests: access key $key"
  run_claude "$TEST_TMP/role.env"
  assert_rc 0 "claude -p with role credentials"
  assert_contains "$RUN_OUT" "$ANSWER" "claude's answer"
  pass "claude printed the stand-in's answer"
  n=$(bedrock_requests)
  [ "$n" -ge 1 ] || fail "the stand-in logged no requests"
  [ "$(bedrock_requests '.signature_ok | not')" = 0 ] ||
    fail "the stand-in refused requests of a valid run: $(bedrock_log_summary)"
  [ "$(bedrock_requests '.status != 200')" = 0 ] || fail "non-200 answers: $(bedrock_log_summary)"
  [ "$(bedrock_requests '.path | test("^/model/[^/]+/invoke-with-response-stream$")')" -ge 1 ] ||
    fail "claude made no streaming request: $(bedrock_log_summary)"
  keys=$(bedrock_access_keys)
  assert_eq "$key" "$keys" "access keys that signed the stand-in's requests"
  pass "all $n requests validly signed by $key:"
  bedrock_log_summary | sed 's/^/    /'
  jq -r '"    \(.method) \(.path) host=\(.host) ua=\(.user_agent)"' "$BEDROCK_LOG" | sort -u
}

part_wrong_secret() {
  local before n
  bedrock_assume_env "$TEST_TMP/role2.env" >/dev/null || fail "AssumeRole of $MOTO_ROLE_ARN failed"
  sed -i 's/^AWS_SECRET_ACCESS_KEY=.*/AWS_SECRET_ACCESS_KEY=wrong/' "$TEST_TMP/role2.env"
  before=$(bedrock_requests)
  # Claude Code retries a 403 with backoff (17 requests in about 4 minutes by default); one retry
  # is enough to show it is refused every time.
  local t0=$SECONDS
  run_claude "$TEST_TMP/role2.env" CLAUDE_CODE_MAX_RETRIES=1
  [ "$RUN_RC" != 0 ] || fail "claude -p with a wrong secret succeeded"
  assert_not_contains "$RUN_OUT" "$ANSWER" "claude's output with a wrong secret"
  n=$(log_since "$before" | jq -c . | wc -l)
  [ "$n" -ge 1 ] || fail "claude sent no request with the wrong secret"
  [ "$(log_since "$before" | jq -c 'select(.status != 403 or .error != "InvalidSignatureException")' | wc -l)" = 0 ] ||
    fail "a request with a wrong secret was not refused as InvalidSignatureException: $(bedrock_log_summary)"
  pass "wrong secret: claude exited $RUN_RC after $((SECONDS - t0)) s, stand-in refused all $n requests with 403 InvalidSignatureException"
  printf '%s\n%s\n' "$RUN_OUT" "$RUN_ERR" | grep -v '^$' | head -n 3 | sed 's/^/    claude: /'
}

part_tool_turns() {
  local t0 t1
  bedrock_stop
  bedrock_start --answer "$ANSWER" --tool-sleep 2 --turns 2
  bedrock_assume_env "$TEST_TMP/role3.env" >/dev/null || fail "AssumeRole of $MOTO_ROLE_ARN failed"
  run_claude "$TEST_TMP/role3.env"
  assert_rc 0 "claude -p with tool turns"
  assert_contains "$RUN_OUT" "$ANSWER" "claude's answer after the tool turns"
  [ "$(bedrock_requests '.reply == "tool_use"')" = 2 ] || fail "expected 2 tool_use replies: $(bedrock_log_summary)"
  # The final answer came after two successful tool results.
  [ "$(bedrock_requests '.reply == "end_turn" and .tool_results == 2 and (.last_tool_result.is_error | not)')" -ge 1 ] ||
    fail "no answer after two successful tool results: $(jq -c . "$BEDROCK_LOG")"
  [ "$(bedrock_requests '.signature_ok | not')" = 0 ] || fail "refused requests: $(bedrock_log_summary)"
  t0=$(jq -r 'select(.reply == "tool_use") | .time' "$BEDROCK_LOG" | head -n 1)
  t1=$(jq -r 'select(.reply == "end_turn" and .tool_results == 2) | .time' "$BEDROCK_LOG" | tail -n 1)
  local secs=$(($(date -d "$t1" +%s) - $(date -d "$t0" +%s)))
  [ "$secs" -ge 4 ] || fail "the tool turns took $secs s, expected at least 2 x sleep 2"
  pass "claude ran Bash 'sleep 2' twice (no permission flag needed in -p mode), then printed the answer ${secs}s after the first tool_use"
}

part_expired() {
  bedrock_stop
  # The stand-in judges expiry itself (moto's data.json has no Expiration): 3 s after it first saw
  # the key. moto's credentials would still be valid; the stand-in's view is what is tested here.
  bedrock_start --answer "$ANSWER" --credential-lifetime 3
  bedrock_assume_env "$TEST_TMP/role4.env" >/dev/null || fail "AssumeRole of $MOTO_ROLE_ARN failed"
  sleep 5
  run_claude "$TEST_TMP/role4.env" CLAUDE_CODE_MAX_RETRIES=1
  [ "$RUN_RC" != 0 ] || fail "claude -p with expired credentials succeeded"
  assert_not_contains "$RUN_OUT" "$ANSWER" "claude's output with expired credentials"
  [ "$(bedrock_requests)" -ge 1 ] || fail "claude sent no request with expired credentials"
  [ "$(bedrock_requests '.status != 403 or .error != "ExpiredTokenException"')" = 0 ] ||
    fail "a request with expired credentials was not refused as ExpiredTokenException: $(bedrock_log_summary)"
  pass "expired credentials: claude exited $RUN_RC, stand-in refused all $(bedrock_requests) requests with 403 ExpiredTokenException"
  printf '%s\n%s\n' "$RUN_OUT" "$RUN_ERR" | grep -v '^$' | head -n 3 | sed 's/^/    claude: /'
}

moto_up
MOTO_PYTHON=${MOTO_PYTHON:-$CX_TEST_PYTHON}
part_unit_tests
install_claude
bedrock_start --answer "$ANSWER"
pass "stand-in on $BEDROCK_URL (moto $MOTO_ENDPOINT)"
part_valid_signatures
part_wrong_secret
part_tool_turns
part_expired
