#!/usr/bin/env bash
# Claude's state between runs (CX_PERSIST) with the real Claude Code, podman, default modes:
#   project (default): `cx -p FIRST` then `cx --continue -p SECOND` in the same project resumes:
#     the stand-in sees FIRST in the second run's conversation; another project does not;
#   none: nothing is kept (no state directory is created), --continue finds nothing;
#   shared: one state for every project, so --continue in another project resumes.
# The stand-in logs each model request's user texts (lib/e2e.sh), which is what is checked.
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/moto.sh"
. "$here/lib/cx.sh"
. "$here/lib/bedrock.sh"
. "$here/lib/e2e.sh"

require_cx
require_cmd jq setpriv timeout
require_podman
moto_up
cx_image_ensure podman
e2e_standin_start --answer "$E2E_ANSWER_DEFAULT"
e2e_prepare podman ""
states="$E2E_HOME/.local/state/cx/claude"

# run_in DIR CX-ARGS...: e2e_run in project DIR (created if needed); MARK = the stand-in log's
# length before the run, for texts_since.
run_in() {
  local dir=$1
  shift
  [ -d "$dir" ] || e2e_project "$dir"
  MARK=$(wc -l <"$BEDROCK_LOG")
  cd "$dir" || fail "cd $dir"
  e2e_run "" 120 "$@"
}

# texts_since: the user texts of the main conversation (streaming model calls) since MARK, one
# JSON array a line, e.g. ["first ...","second ..."].
texts_since() {
  tail -n "+$((MARK + 1))" "$BEDROCK_LOG" |
    jq -c 'select(.path | test("invoke-with-response-stream$")) | .user_texts'
}

# last_main_request_since: "MESSAGES USER_TEXTS" of the last streaming model call since MARK.
last_main_request_since() {
  tail -n "+$((MARK + 1))" "$BEDROCK_LOG" |
    jq -c 'select(.path | test("invoke-with-response-stream$")) | "\(.messages) \(.user_texts)"' -r | tail -n 1
}

# --- project (default) ---------------------------------------------------------------------------
A=$E2E_PROJ
run_in "$A" -p "first: the password is walrus-7"
e2e_assert_answer "$E2E_ANSWER_DEFAULT"
e2e_assert_session_clean "$A"
n_states=$(find "$states/projects" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l)
assert_eq 1 "$n_states" "state directories under $states/projects after the first run"
pass "run 1 in project A answered in $E2E_SECS s; its state: $(ls "$states/projects")"
# Claude would say `claude --resume ID`; cx says how to do that through cx, and ID is the
# conversation this run saved.
hint=$(grep '^cx: to resume this conversation: cx --resume ' <<<"$RUN_ERR")
resume_id=${hint##* }
[[ "$resume_id" =~ ^[0-9a-f-]{36}$ ]] || fail "no resume hint with a conversation ID after run 1: $RUN_ERR"
[ -f "$states/projects/$(ls "$states/projects")/projects/-src/$resume_id.jsonl" ] ||
  fail "the hint's conversation $resume_id is not in project A's state"
pass "cx printed: $hint"

run_in "$A" --continue -p "second: what was the password?"
e2e_assert_answer "$E2E_ANSWER_DEFAULT"
e2e_assert_session_clean "$A"
last=$(last_main_request_since)
echo "    the second run's last request: $last"
assert_contains "$last" "first: the password is walrus-7" "the second run's conversation"
assert_contains "$last" "second: what was the password?" "the second run's conversation"
[ "${last%% *}" -ge 3 ] || fail "the resumed conversation has only ${last%% *} messages"
pass "cx --continue in project A resumed: the stand-in got ${last%% *} messages, the first run's prompt among them"

B="$E2E_HOME/other-project"
run_in "$B" --continue -p "third: in another project"
e2e_assert_answer "$E2E_ANSWER_DEFAULT"
assert_contains "$(texts_since)" "third: in another project" "project B's requests"
if texts_since | grep -q walrus; then
  fail "project B's --continue saw project A's conversation: $(texts_since)"
fi
e2e_assert_session_clean "$B"
n_states=$(find "$states/projects" -mindepth 1 -maxdepth 1 -type d | wc -l)
assert_eq 2 "$n_states" "state directories under $states/projects after a run in project B"
pass "cx --continue in project B did not see project A's conversation (its own state: 2 project states now)"

# --- none ----------------------------------------------------------------------------------------
e2e_config CX_PERSIST=none
C="$E2E_HOME/ephemeral-project"
before=$(find "$states" -mindepth 1 | sort)
run_in "$C" -p "fourth: the colour is teal-3"
e2e_assert_answer "$E2E_ANSWER_DEFAULT"
e2e_assert_session_clean "$C"
run_in "$C" --continue -p "fifth: what colour?"
e2e_assert_answer "$E2E_ANSWER_DEFAULT"
e2e_assert_session_clean "$C"
assert_contains "$(texts_since)" "fifth: what colour?" "the second CX_PERSIST=none run's requests"
if texts_since | grep -q teal-3; then
  fail "CX_PERSIST=none: --continue saw the previous run's conversation: $(texts_since)"
fi
assert_eq "$before" "$(find "$states" -mindepth 1 | sort)" "the state directories after two CX_PERSIST=none runs"
! grep -q 'to resume this conversation' <<<"$RUN_ERR" ||
  fail "CX_PERSIST=none: cx offered to resume a conversation it did not keep: $RUN_ERR"
pass "CX_PERSIST=none: no state directory created or changed, --continue did not see the previous run (exit $RUN_RC)"

# --- shared --------------------------------------------------------------------------------------
e2e_config CX_PERSIST=shared
D="$E2E_HOME/shared-one"
E="$E2E_HOME/shared-two"
run_in "$D" -p "sixth: the number is 4242"
e2e_assert_answer "$E2E_ANSWER_DEFAULT"
e2e_assert_session_clean "$D"
[ -d "$states/shared" ] || fail "CX_PERSIST=shared: no $states/shared"
run_in "$E" --continue -p "seventh: what number?"
e2e_assert_answer "$E2E_ANSWER_DEFAULT"
e2e_assert_session_clean "$E"
last=$(last_main_request_since)
echo "    project E's last request: $last"
assert_contains "$last" "sixth: the number is 4242" "the shared conversation seen from project E"
assert_eq 2 "$(find "$states/projects" -mindepth 1 -maxdepth 1 -type d | wc -l)" "project states after the shared runs"
pass "CX_PERSIST=shared: --continue in project E resumed project D's conversation (${last%% *} messages)"
