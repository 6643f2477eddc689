# shellcheck shell=bash disable=SC2034,SC2119,SC2120
# End to end: the real Claude Code in the real image, through cx in the default modes (broker
# credentials, egress allowlist), against moto (STS) and the Bedrock stand-in. Shared by the
# e2e_*_test.sh files and scripts/demo. Source after common.sh, moto.sh, cx.sh and bedrock.sh:
#
#   moto_up; cx_image_ensure podman
#   e2e_standin_start --answer "TEXT" [--tool-sleep N --turns K] [--credential-lifetime S]
#   e2e_prepare podman ""                 # E2E_HOME, E2E_PROJ, ~/.aws and ~/.claude-exec
#   e2e_run "" 300 -p "say hi"            # RUN_OUT, RUN_ERR, RUN_RC; E2E_AUDIT = its audit log
#   e2e_assert_standin_signed_by_role; e2e_assert_egress; e2e_assert_session_clean podman ""
#
# The stand-in is started through a small launcher (written to TEST_TMP) that also logs, for each
# model request, how many messages it carries (`messages`) and the user's text blocks
# (`user_texts`, shortened): how a test sees that a conversation was resumed.

E2E_ANSWER_DEFAULT="Stand-in answer: cx end to end works (e2e-4d1c)."

# --- the stand-in --------------------------------------------------------------------------------

# e2e_standin_start [SERVER_ARGS...]: bedrock_start through the launcher that adds `messages`,
# `user_texts` and `tool_output` (the last tool result, up to 4000 characters) to each model
# request's log entry. With E2E_TOOL_COMMAND set (in the environment), a tool turn runs that
# command instead of `sleep N` ({n} in it becomes N).
e2e_standin_start() {
  local launcher="$TEST_TMP/bedrock/standin_e2e.py" server
  server=$BEDROCK_SERVER
  mkdir -p "$TEST_TMP/bedrock"
  # Quoted: the Python below is written as it is; only the server's path is filled in.
  sed "s|@SERVER@|$server|" >"$launcher" <<'EOF'
import importlib.util, json, os, sys
spec = importlib.util.spec_from_file_location("bedrock_standin", "@SERVER@")
standin = importlib.util.module_from_spec(spec)
spec.loader.exec_module(standin)
route = standin.Handler._route

def user_texts(messages):
    out = []
    for m in messages:
        if not isinstance(m, dict) or m.get("role") != "user":
            continue
        content = m.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content or []
        for b in blocks:
            if isinstance(b, dict) and b.get("type") == "text" and not b.get("text", "").startswith("<system-reminder>"):
                out.append(b["text"][:160])
    return out

def tool_output(messages):
    last = None
    for m in messages:
        content = m.get("content") if isinstance(m, dict) else None
        for b in content if isinstance(content, list) else []:
            if isinstance(b, dict) and b.get("type") == "tool_result":
                last = b.get("content")
    if isinstance(last, list):
        last = "\n".join(c.get("text", "") for c in last if isinstance(c, dict))
    return None if last is None else str(last)[:4000]

def logged_route(self, body, entry):
    try:
        request = json.loads(body or b"{}")
        if isinstance(request, dict) and isinstance(request.get("messages"), list):
            entry["messages"] = len(request["messages"])
            entry["user_texts"] = user_texts(request["messages"])
            output = tool_output(request["messages"])
            if output is not None:
                entry["tool_output"] = output
    except ValueError:
        pass
    return route(self, body, entry)

standin.Handler._route = logged_route

# Claude Code 2.1 refuses a long `sleep N` at the start of a command ("Blocked: standalone
# sleep N", "Blocked: sleep N followed by: ..."), so the tool turn sleeps in one-second steps; it
# still takes N seconds. A compound command needs permission in -p mode: such a test runs claude
# with --allowedTools Bash (CLAUDE_OPTIONS). A short sleep is left as it is.
plan_reply = standin.plan_reply

def plan_reply_that_runs(*args, **kwargs):
    blocks, stop = plan_reply(*args, **kwargs)
    for b in blocks:
        if b.get("type") == "tool_use" and b.get("name") == "Bash":
            n = b["input"]["command"].split()[1]
            template = os.environ.get("E2E_TOOL_COMMAND")
            if template is None and int(n) > 10:
                template = "for i in $(seq 1 {n}); do sleep 1; done; echo slept {n} s"
            if template is not None:
                b["input"]["command"] = template.replace("{n}", n)
    return blocks, stop

standin.plan_reply = plan_reply_that_runs
sys.exit(standin.main())
EOF
  BEDROCK_SERVER=$launcher bedrock_start "$@"
  BEDROCK_SERVER=$server
}

# e2e_model_requests [JQ_FILTER]: the stand-in's log entries for model calls (invoke and
# invoke-with-response-stream), one JSON object a line, optionally filtered.
e2e_model_requests() {
  jq -c "select(.path | test(\"^/model/[^/]+/invoke\")) | select(${1:-true})" "$BEDROCK_LOG"
}

# --- a user with cx configured -------------------------------------------------------------------

# e2e_prepare RUNTIME_CMD USER [KEY=VALUE...]: a HOME for USER (E2E_HOME) with ~/.aws/credentials
# (moto's cx-user) and ~/.claude-exec in the DEFAULT modes (no CX_CREDENTIALS, no CX_NETWORK),
# Claude Code on Bedrock at the stand-in (listed in CX_ALLOW_HOSTS, reached through the proxy),
# and a project directory E2E_PROJ (cwd afterwards). KEY=VALUE replaces or adds config keys.
e2e_prepare() {
  local rt=$1 user=$2
  shift 2
  E2E_USER=$user
  E2E_RT=$rt
  E2E_HOME=$(new_home "$user")
  moto_write_aws_credentials "$E2E_HOME"
  e2e_config RUNTIME="$rt" "$@"
  E2E_PROJ="$E2E_HOME/e2eproj$RANDOM"
  e2e_project "$E2E_PROJ"
  cd "$E2E_PROJ" || fail "cd $E2E_PROJ"
  export E2E_USER E2E_RT E2E_HOME E2E_PROJ
}

# e2e_config [KEY=VALUE...]: (re)write E2E_HOME/.claude-exec for the stand-in, in the default modes.
e2e_config() {
  cx_write_config "$E2E_HOME/.claude-exec" RUNTIME="$E2E_RT" CX_CREDENTIALS= CX_NETWORK= \
    CLAUDE_CODE_USE_BEDROCK=1 ANTHROPIC_BEDROCK_BASE_URL="$BEDROCK_URL" \
    CLAUDE_CODE_MAX_RETRIES=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 \
    DISABLE_ERROR_REPORTING=1 CX_ALLOW_HOSTS="$BEDROCK_HOST:$BEDROCK_PORT" "$@"
}

# e2e_project DIR: create a project directory with a file in it, owned by E2E_USER.
e2e_project() {
  mkdir -p "$1" || fail "mkdir $1"
  echo "# an e2e test project" >"$1/README.md"
  [ -n "$E2E_USER" ] && chown -R "$E2E_USER:" "$1"
  return 0
}

# --- running cx ----------------------------------------------------------------------------------

# e2e_run USER SECONDS [VAR=VALUE...] CX-ARGS...: run cx (in the current directory, as USER, with
# E2E_HOME) for at most SECONDS; sets RUN_OUT/RUN_ERR/RUN_RC, E2E_SECS (how long it took) and
# E2E_AUDIT (the audit log of the session it ran).
e2e_run() {
  local user=$1 secs=$2 before t0=$SECONDS
  shift 2
  local -a vars=()
  while [ $# -gt 0 ] && [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
    vars+=("$1")
    shift
  done
  before=$(ls "$E2E_HOME/.local/state/cx/sessions/"*.jsonl 2>/dev/null)
  run_capture cx_env "$user" "$E2E_HOME" "${vars[@]}" timeout -k 10 "$secs" "$CX_BIN" "$@"
  E2E_SECS=$((SECONDS - t0))
  E2E_AUDIT=$(comm -13 <(echo "$before") <(ls "$E2E_HOME/.local/state/cx/sessions/"*.jsonl 2>/dev/null) | head -n 1)
  export E2E_AUDIT E2E_SECS
}

# e2e_runtime USER RUNTIME_CMD ARGS...: run the container runtime as USER (empty: the current user).
e2e_runtime() { cx_as "$@"; }

# --- checks --------------------------------------------------------------------------------------

# e2e_assert_answer ANSWER: the last run exited 0 and printed ANSWER on stdout.
e2e_assert_answer() {
  assert_rc 0 "cx -p (exit status)"
  assert_contains "$RUN_OUT" "$1" "claude's output through cx"
}

# e2e_role_keys: the access key ids moto issued for the ClaudeCode role, one a line.
e2e_role_keys() {
  moto_role_credentials "$MOTO_ROLE_ARN" | awk '{print $1}'
}

# e2e_assert_standin_signed_by_role: every request the stand-in logged was validly signed and
# answered 200, it made at least one streaming model call, and every key that signed is one moto
# issued for the role (never cx-user's own key) and one the audit log E2E_AUDIT says cx issued.
e2e_assert_standin_signed_by_role() {
  local n keys k role_keys audit_keys
  n=$(bedrock_requests)
  [ "$n" -ge 1 ] || fail "the stand-in logged no requests"
  [ "$(bedrock_requests '.signature_ok | not')" = 0 ] ||
    fail "the stand-in refused requests: $(bedrock_log_summary)"
  [ "$(bedrock_requests '.status != 200')" = 0 ] || fail "non-200 answers: $(bedrock_log_summary)"
  [ "$(bedrock_requests '.path | test("^/model/[^/]+/invoke-with-response-stream$")')" -ge 1 ] ||
    fail "claude made no streaming model call: $(bedrock_log_summary)"
  keys=$(bedrock_access_keys)
  role_keys=$(e2e_role_keys) || fail "cannot read moto's data.json"
  audit_keys=$(jq -r 'select(.event == "credentials_issued") | .access_key_id' "$E2E_AUDIT")
  for k in $keys; do
    [ "$k" != "$(moto_key AWS_ACCESS_KEY_ID)" ] || fail "the stand-in saw cx-user's own key $k"
    grep -qxF "$k" <<<"$role_keys" || fail "key $k that signed requests is not one moto issued for $MOTO_ROLE_ARN"
    grep -qxF "$k" <<<"$audit_keys" || fail "key $k that signed requests is not one the audit log says cx issued"
  done
}

# e2e_assert_egress: the audit log E2E_AUDIT has allowed egress events to the stand-in.
e2e_assert_egress() {
  local n
  n=$(jq -c --arg h "$BEDROCK_HOST" --argjson p "$BEDROCK_PORT" \
    'select(.event == "egress" and .host == $h and .port == $p and .allowed == true)' "$E2E_AUDIT" | wc -l)
  [ "$n" -ge 1 ] || fail "the audit log $E2E_AUDIT has no allowed egress to $BEDROCK_HOST:$BEDROCK_PORT: $(grep egress "$E2E_AUDIT" | head -n 5)"
  E2E_EGRESS_ALLOWED=$n
}

# e2e_session_id: the session id of the audit log E2E_AUDIT.
e2e_session_id() {
  jq -r 'select(.event == "session_start") | .session' "$E2E_AUDIT" | head -n 1
}

# e2e_assert_session_clean [PROJECT_DIR]: after a session of E2E_AUDIT ended: it logged
# session_end, its record is gone, no container of the project is left, and no broker directory
# (TMPDIR or XDG_RUNTIME_DIR /cx-ID-*) or fresh state directory (/tmp/cx-state-ID-*) remains.
e2e_assert_session_clean() {
  local proj=${1:-$E2E_PROJ} id left uid dirs
  [ -n "$E2E_AUDIT" ] && [ -r "$E2E_AUDIT" ] || fail "no audit log for the session"
  id=$(e2e_session_id)
  [[ "$id" =~ ^[0-9a-f]{16}$ ]] || fail "no session id in $E2E_AUDIT"
  grep -q '"event":"session_end"' "$E2E_AUDIT" || fail "the audit log has no session_end"
  [ ! -e "${E2E_AUDIT%.jsonl}.json" ] || fail "the session record ${E2E_AUDIT%.jsonl}.json is left"
  cx_assert_no_containers_left "$E2E_RT" "$proj" "$E2E_USER"
  cx_assert_session_gone "$E2E_RT" "$id" "$E2E_USER"
  uid=$(id -u ${E2E_USER:+"$E2E_USER"})
  dirs=$(ls -d /tmp/cx-"$id"-* /tmp/cx-state-"$id"-* "/run/user/$uid/cx-$id"-* 2>/dev/null)
  [ -z "$dirs" ] || fail "session $id left: $dirs"
  left=$(find /tmp -maxdepth 1 -user "$uid" -name "cx-*$id*" 2>/dev/null)
  [ -z "$left" ] || fail "session $id left temp files: $left"
  E2E_SESSION_ID=$id
}

# e2e_summary_line: cx's one-line session summary from the last run's stderr.
e2e_summary_line() {
  grep '^cx: session ' <<<"$RUN_ERR" | tail -n 1
}

# --- the end-to-end check shared by the podman and docker tests ----------------------------------

# e2e_session_checks RUNTIME_CMD USER [KEY=VALUE...]: with moto up and the image in RUNTIME_CMD's storage (as
# USER; empty = the current user), `cx -p "say hi"` in the default modes must print the
# stand-in's answer (after one tool turn, `sleep 6`, during which the running container is
# examined: no process in it has static AWS keys in its environment, the endpoint variables are
# set), every Bedrock request must be validly signed by role keys that the credential endpoint
# served, the audit log must show the allowed egress, and nothing of the session may be left
# (no gate or network either). KEY=VALUE are added to the config (e.g. CX_TRANSPORT=remote).
e2e_session_checks() {
  local rt=$1 user=$2 name envs served k
  shift 2
  e2e_standin_start --answer "$E2E_ANSWER_DEFAULT" --tool-sleep 6 --turns 1
  e2e_prepare "$rt" "$user" "$@"
  local t0=$SECONDS
  cx_env "$user" "$E2E_HOME" timeout -k 10 300 "$CX_BIN" -p "say hi" \
    >"$TEST_TMP/e2e.out" 2>"$TEST_TMP/e2e.err" </dev/null &
  local cxpid=$!
  name=$(cx_wait_for_container "$rt" "$E2E_PROJ" "$user" 60) ||
    fail "no session container appeared within 60 s: $(cat "$TEST_TMP/e2e.err")"
  # Wait for the tool turn: claude is then running `sleep 6` in the container.
  local i
  for ((i = 0; i < 600; i++)); do
    [ "$(bedrock_requests '.reply == "tool_use"')" -ge 1 ] && break
    kill -0 "$cxpid" 2>/dev/null || break
    sleep 0.1
  done
  [ "$(bedrock_requests '.reply == "tool_use"')" -ge 1 ] ||
    fail "claude never reached the tool turn: $(bedrock_log_summary; cat "$TEST_TMP/e2e.err")"
  # shellcheck disable=SC2016
  envs=$(e2e_runtime "$user" "$rt" exec "$name" sh -c '
    for p in /proc/[0-9]*; do
      [ -r "$p/environ" ] || continue
      cmd=$(tr "\0" " " <"$p/cmdline" 2>/dev/null | cut -c1-40)
      for v in $(tr "\0" "\n" <"$p/environ" 2>/dev/null | sed -n "s/^\(AWS_[A-Z_]*\)=.*/\1/p"); do
        echo "${p#/proc/} $v [$cmd]"
      done
    done' | tr -d '\000') || fail "$rt exec $name failed"
  if grep -E ' AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN) ' <<<"$envs"; then
    fail "a process in the container has static AWS keys in its environment"
  fi
  grep -q ' AWS_CONTAINER_CREDENTIALS_FULL_URI \[claude' <<<"$envs" ||
    fail "claude's environment has no AWS_CONTAINER_CREDENTIALS_FULL_URI: $envs"
  pass "while claude ran its tool: no process in $name has static AWS keys; claude has AWS_CONTAINER_CREDENTIALS_FULL_URI"
  wait "$cxpid"
  RUN_RC=$?
  RUN_CMD="cx -p \"say hi\""
  RUN_OUT=$(cat "$TEST_TMP/e2e.out")
  RUN_ERR=$(cat "$TEST_TMP/e2e.err")
  E2E_AUDIT=$(ls -t "$E2E_HOME/.local/state/cx/sessions/"*.jsonl 2>/dev/null | head -n 1)
  e2e_assert_answer "$E2E_ANSWER_DEFAULT"
  pass "cx -p \"say hi\" printed the stand-in's answer and exited 0 in $((SECONDS - t0)) s: $RUN_OUT"

  e2e_assert_standin_signed_by_role
  served=$(jq -r 'select(.event == "credentials_served") | .access_key_id' "$E2E_AUDIT" | sort -u)
  for k in $(bedrock_access_keys); do
    grep -qxF "$k" <<<"$served" || fail "key $k signed requests but the credential endpoint never served it (served: $served)"
  done
  pass "all $(bedrock_requests) stand-in requests validly signed by role key(s) the endpoint served: $(bedrock_access_keys | tr '\n' ' ')"
  bedrock_log_summary | sed 's/^/    /'

  e2e_assert_egress
  pass "audit log: $E2E_EGRESS_ALLOWED allowed egress event(s) to $BEDROCK_HOST:$BEDROCK_PORT"
  pass "summary: $(e2e_summary_line)"
  e2e_assert_session_clean
  pass "session $E2E_SESSION_ID: no container, record, broker directory or temp dir left"
}
