# shellcheck shell=bash
# The broker's checks against a real runtime, shared by broker_podman_test.sh and
# broker_docker_test.sh. Source after common.sh, moto.sh and cx.sh.
#
# broker_session_checks RUNTIME_CMD USER [KEY=VALUE...]: with moto up and the session image in
# RUNTIME_CMD's storage, runs sessions in the DEFAULT modes (CX_CREDENTIALS=broker,
# CX_NETWORK=allowlist) as USER (empty = the current user), with the KEY=VALUE given added to each
# config (e.g. CX_TRANSPORT=remote), and checks, from inside the container: egress to an allowed stand-in
# works through the proxy (absolute-form and CONNECT), any other host gets 403, the metadata
# service and an unlisted host-loopback service are refused, a direct connection has no route; the
# AWS SDK in the image takes the role's credentials from the endpoint; the served key changes while
# the session runs (AWS_SESSION_DURATION=900, CX_REFRESH_MARGIN=890); no secret or token in
# `RUNTIME inspect` (of the gate too, on the remote transport); kill -9 of cx stops and removes
# the container (remote: the gate and the network as well) within 5 s.

broker_session_checks() {
  local rt=$1 user=$2
  local -a extra=("${@:3}")
  local home proj out
  home=$(new_home "$user")
  moto_write_aws_credentials "$home"

  # A stand-in "allowed host" on another loopback address of the host.
  local port
  port=$(free_port)
  mkdir -p "$TEST_TMP/www"
  echo "hello from the allowed host" >"$TEST_TMP/www/hello.txt"
  (cd "$TEST_TMP/www" && exec python3 -m http.server --bind 127.0.0.2 "$port") >"$TEST_TMP/www.log" 2>&1 &
  local www=$!
  on_exit "kill $www 2>/dev/null"
  wait_for_port "$port" 127.0.0.2 10 || fail "the stand-in web server did not start"

  cx_write_config "$home/.claude-exec" RUNTIME="$rt" CX_CREDENTIALS= CX_NETWORK= \
    "CX_ALLOW_HOSTS=127.0.0.2:$port,localhost" "${extra[@]}"
  proj="$home/cxbroker$RANDOM"
  mkdir "$proj" || fail "mkdir $proj"
  [ -n "$user" ] && chown -R "$user:" "$proj"
  cd "$proj" || fail "cd $proj"

  # shellcheck disable=SC2016
  local script='
    echo "allowed_plain=$(curl -sS --max-time 10 http://127.0.0.2:'$port'/hello.txt)"
    echo "allowed_connect=$(curl -sS --max-time 10 --proxytunnel http://127.0.0.2:'$port'/hello.txt)"
    echo "denied=$(curl -sS -o /dev/null -w "%{http_code}" --max-time 10 http://example.com/)"
    echo "denied_connect=$(curl -sS --max-time 10 https://example.com/ 2>&1 | tr -d "\n")"
    echo "imds=$(curl -sS -o /dev/null -w "%{http_code}" --max-time 10 http://169.254.169.254/latest/meta-data/)"
    echo "loopback=$(curl -sS -o /dev/null -w "%{http_code}" --max-time 10 --noproxy "" http://127.0.0.1:'"$MOTO_PORT"'/)"
    echo "named_loopback=$(curl -sS --max-time 10 --noproxy "" https://localhost/ 2>&1 | tr -d "\n")"
    echo "direct=$(curl -sS --max-time 5 --noproxy "*" http://127.0.0.2:'$port'/hello.txt >/dev/null 2>&1; echo $?)"
    echo "direct_ip=$(curl -sS --max-time 5 --noproxy "*" http://1.1.1.1/ >/dev/null 2>&1; echo $?)"
    echo "token_in_env=${AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE:+file}"
    echo "static_keys=${AWS_ACCESS_KEY_ID:-none}"
    echo agent > /src/by-agent && echo "wrote=yes"
    echo "sdk_key=$(aws configure export-credentials --format process 2>&1 | sed -n "s/.*\"AccessKeyId\": *\"\([^\"]*\)\".*/\1/p")"
  '
  cx_run_capture "$user" "$home" shell -- sh -c "$script"
  assert_rc 0 "cx shell (egress checks)"
  out=$RUN_OUT
  _bk() { sed -n "s/^$1=//p" <<<"$out" | head -n 1; }
  assert_eq "hello from the allowed host" "$(_bk allowed_plain)" "plain HTTP to the allowed host"
  assert_eq "hello from the allowed host" "$(_bk allowed_connect)" "CONNECT to the allowed host"
  pass "egress to an allowed host works through the proxy (absolute-form and CONNECT)"
  assert_eq 403 "$(_bk denied)" "plain HTTP to example.com"
  assert_contains "$(_bk denied_connect)" "403" "CONNECT to example.com"
  pass "any other host gets 403"
  assert_eq 403 "$(_bk imds)" "the instance metadata service"
  assert_eq 403 "$(_bk loopback)" "an unlisted service on the host's loopback"
  assert_contains "$(_bk named_loopback)" "403" "a listed name that resolves to loopback"
  pass "metadata service, host loopback and a name resolving to loopback are refused"
  [ "$(_bk direct)" != 0 ] || fail "a direct connection to the allowed host worked without the proxy"
  [ "$(_bk direct_ip)" != 0 ] || fail "a direct connection to 1.1.1.1 worked"
  pass "no route without the proxy (curl exit $(_bk direct), $(_bk direct_ip))"
  assert_eq none "$(_bk static_keys)" "static AWS keys in broker mode"
  local key creds found=0 ck cs ct
  key=$(_bk sdk_key)
  creds=$(moto_role_credentials "$MOTO_ROLE_ARN") || fail "cannot read moto's data.json"
  while read -r ck cs ct; do [ "$ck" = "$key" ] && found=1; done <<<"$creds"
  [ "$found" = 1 ] || fail "the AWS CLI in the container did not get role credentials from the endpoint: [$key]"
  pass "the AWS SDK in the container takes the role's credentials from the endpoint ($key)"
  assert_eq yes "$(_bk wrote)" "writing to /src"
  assert_eq "$(id -u ${user:+"$user"}):$(id -g ${user:+"$user"})" "$(stat -c %u:%g "$proj/by-agent")" \
    "owner of a file the agent wrote in /src"
  pass "a file the agent wrote in /src belongs to ${user:-$(id -un)}"

  # The audit log recorded the decisions.
  local log
  log=$(ls -t "$home"/.local/state/cx/sessions/*.jsonl 2>/dev/null | head -n 1)
  [ -n "$log" ] || fail "no audit log under $home/.local/state/cx/sessions"
  grep -q '"event":"egress".*"host":"example.com".*"allowed":false\|"allowed":false.*"host":"example.com"' "$log" ||
    fail "the audit log has no denied egress to example.com"
  grep -q '"event":"session_end"' "$log" || fail "the audit log has no session_end"
  if grep -q "$(moto_role_credentials "$MOTO_ROLE_ARN" | awk '{print $2}' | head -n 1)" "$log"; then
    fail "a secret is in the audit log"
  fi
  grep -q '^cx: session .* egress .* allowed, .* denied' <<<"$RUN_ERR" || fail "no summary line on stderr: [$RUN_ERR]"
  pass "audit log and summary: $(grep '^cx: session' <<<"$RUN_ERR")"
  cx_assert_no_containers_left "$rt" "$proj" "$user"
  local transport sid
  transport=$(grep -o '"transport":"[a-z]*"' "$log" | head -n 1 | cut -d'"' -f4)
  sid=$(basename "$log" .jsonl)
  cx_assert_session_gone "$rt" "$sid" "$user"
  pass "transport $transport: nothing of session $sid is left (containers, networks)"

  # Refresh: short credentials and a long margin renew every 10 s. The agent asks every 2 s
  # for up to 30 s, and stops at the first key that differs from the first one it saw.
  cx_write_config "$home/.claude-exec" RUNTIME="$rt" CX_CREDENTIALS= CX_NETWORK= \
    AWS_SESSION_DURATION=900 CX_REFRESH_MARGIN=890 "${extra[@]}"
  # shellcheck disable=SC2016
  script='
    first=
    for i in $(seq 1 15); do
      key=$(curl -sS -H "Authorization: $(cat "$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")" \
        "$AWS_CONTAINER_CREDENTIALS_FULL_URI" | tr "," "\n" | sed -n "s/.*\"AccessKeyId\":\"\([^\"]*\)\".*/\1/p")
      echo "key=$key"
      [ -n "$first" ] || first=$key
      [ -n "$key" ] && [ "$key" != "$first" ] && break
      sleep 2
    done
  '
  cx_run_capture "$user" "$home" shell -- sh -c "$script"
  assert_rc 0 "cx shell (refresh)"
  local keys
  keys=$(sed -n 's/^key=//p' <<<"$RUN_OUT" | sort -u | wc -l)
  [ "$keys" -ge 2 ] || fail "the served access key did not change within 30 s: $(sed -n 's/^key=//p' <<<"$RUN_OUT" | uniq | tr '\n' ' ')"
  grep -q '^cx: session .* credentials refreshed [1-9]' <<<"$RUN_ERR" || fail "summary does not count refreshes: [$RUN_ERR]"
  pass "the served access key changed while the session ran ($keys keys in 30 s)"

  # inspect and kill -9, on one running session.
  cx_write_config "$home/.claude-exec" RUNTIME="$rt" CX_CREDENTIALS= CX_NETWORK= "${extra[@]}"
  local cxpid name inspect i record tokenfile secret
  cx_env "$user" "$home" "$CX_BIN" shell -- sleep 300 >"$TEST_TMP/s.out" 2>"$TEST_TMP/s.err" </dev/null &
  cxpid=$!
  name=$(cx_wait_for_container "$rt" "$proj" "$user" 60) || fail "no container: $(cat "$TEST_TMP/s.err")"
  sleep 1
  if [ -n "$user" ]; then
    inspect=$(cd / && run_as_user "$user" CONTAINERS_CONF="${CONTAINERS_CONF:-}" "$rt" inspect "$name")
  else
    inspect=$("$rt" inspect "$name")
  fi
  [ -n "$inspect" ] || fail "$rt inspect $name printed nothing"
  record=$(ls "$home"/.local/state/cx/sessions/*.json | head -n 1)
  sid=$(basename "$record" .json)
  tokenfile=$(sed -n 's/.*"broker_dir":"\([^"]*\)".*/\1/p' "$record")/token
  local -a secrets=()
  local s
  if [ "$transport" = remote ]; then
    # The secrets exist only inside the container (copied in); the gate's inspect counts too.
    local gate
    for s in token proxy-secret; do
      secrets+=("$(cx_as "$user" "$rt" exec "$name" cat "/run/cx/$s")")
      [ -n "${secrets[-1]}" ] || fail "no /run/cx/$s in the container"
    done
    [ ! -e "$tokenfile" ] || fail "the remote transport wrote the token on the host: $tokenfile"
    gate=$(cx_as "$user" "$rt" ps -a --filter "label=cx.session=$sid" --filter label=cx.role=gate --format '{{.Names}}')
    [ -n "$gate" ] || fail "no gate container for session $sid"
    inspect+=$(cx_as "$user" "$rt" inspect "$gate")
  else
    [ -s "$tokenfile" ] || fail "no token file at $tokenfile"
    secrets+=("$(cat "$tokenfile")")
  fi
  for s in "${secrets[@]}"; do
    assert_not_contains "$inspect" "$s" "$rt inspect output (the endpoint token or proxy secret)"
  done
  while read -r ck cs ct; do
    [ -n "$cs" ] || continue
    assert_not_contains "$inspect" "$cs" "$rt inspect output (a secret key)"
    assert_not_contains "$inspect" "$ct" "$rt inspect output (a session token)"
  done <<<"$(moto_role_credentials "$MOTO_ROLE_ARN")"
  pass "no secret key, session token or endpoint token in $rt inspect"

  # $! is the subshell that runs cx_env; the cx process itself is in the container's label.
  local realpid
  if [ -n "$user" ]; then
    realpid=$(cd / && run_as_user "$user" CONTAINERS_CONF="${CONTAINERS_CONF:-}" "$rt" inspect \
      --format '{{index .Config.Labels "cx.pid"}}' "$name")
  else
    realpid=$("$rt" inspect --format '{{index .Config.Labels "cx.pid"}}' "$name")
  fi
  [[ "$realpid" =~ ^[0-9]+$ ]] && grep -q cx "/proc/$realpid/cmdline" 2>/dev/null ||
    fail "label cx.pid [$realpid] is not the cx process"
  # cx and its host-side reaper both die at once (the OOM killer, a crash): the entrypoint's own
  # watcher still stops the container, and `cx gc` cleans what the reaper would have
  # (lifeline_test.sh covers the reaper alone, against an agent that disarms the watcher).
  if [ "$transport" = remote ]; then
    # Remote: no watcher inside; the host-side reaper is the lifeline. The agent cannot reach it.
    kill -KILL "$realpid"
    local took
    took=$(cx_until_empty 5 cx_session_leftovers "$rt" "$sid" "$user") ||
      fail "5 s after kill -9 of cx still there: $(cx_session_leftovers "$rt" "$sid" "$user" | tr '\n' ' ')"
    pass "kill -9 of cx: the agent's container, the gate and the network were removed in ${took} s"
    wait "$cxpid" 2>/dev/null
    for ((i = 0; i < 50; i++)); do [ -e "$record" ] || break; sleep 0.1; done
    [ ! -e "$record" ] || fail "the reaper left the session record $record"
    [ ! -e "$(dirname "$tokenfile")" ] || fail "the reaper left the broker directory $(dirname "$tokenfile")"
    pass "the reaper removed the record and the broker directory"
    # cx and its reaper both die (the OOM killer): nothing inside stops the container on this
    # transport; `cx gc` removes the container, the gate and the network.
    cx_env "$user" "$home" "$CX_BIN" shell -- sleep 300 >"$TEST_TMP/s2.out" 2>"$TEST_TMP/s2.err" </dev/null &
    cxpid=$!
    cx_wait_for_container "$rt" "$proj" "$user" 60 >/dev/null || fail "no container: $(cat "$TEST_TMP/s2.err")"
    record=$(ls "$home"/.local/state/cx/sessions/*.json | head -n 1)
    sid=$(basename "$record" .json)
    realpid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$record")
    local reaper
    reaper=$(pgrep -P "$realpid" -x cx-reaper | head -n 1)
    [ -n "$reaper" ] || fail "cx $realpid has no cx-reaper child"
    for ((i = 0; i < 100; i++)); do
      [ "$(cx_session_leftovers "$rt" "$sid" "$user" | wc -l)" -ge 3 ] && break
      sleep 0.1
    done
    kill -KILL "$reaper" "$realpid"
    wait "$cxpid" 2>/dev/null
    sleep 1
    [ -n "$(cx_session_leftovers "$rt" "$sid" "$user")" ] || fail "the session was gone without the reaper"
    cx_run_capture "$user" "$home" gc
    assert_rc 0 "cx gc"
    assert_contains "$RUN_OUT" "removed session $sid" "cx gc output"
    cx_assert_session_gone "$rt" "$sid" "$user"
    pass "cx and its reaper killed: cx gc removed the container, the gate and the network"
    return 0
  fi
  local reaper
  reaper=$(pgrep -P "$realpid" -x cx-reaper | head -n 1)
  [ -n "$reaper" ] || fail "cx $realpid has no cx-reaper child"
  kill -KILL "$reaper" "$realpid"
  local took
  took=$(cx_until_empty 5 cx_session_containers "$rt" "$proj" "$user") ||
    fail "the container was still there 5 s after kill -9 of cx"
  pass "kill -9 of cx and its reaper: the container stopped and was removed in ${took} s"
  wait "$cxpid" 2>/dev/null
  # What that cx left behind is for `cx gc`.
  cx_run_capture "$user" "$home" gc
  assert_rc 0 "cx gc"
  assert_contains "$RUN_OUT" "removed session" "cx gc output"
  [ ! -e "$(dirname "$tokenfile")" ] || fail "cx gc left the broker directory $(dirname "$tokenfile")"
  pass "cx gc removed the dead session's record and socket directory"
}
