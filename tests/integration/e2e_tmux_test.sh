#!/usr/bin/env bash
# shellcheck disable=SC2119
# Interactive `cx` under tmux (a real terminal), podman, default modes, the real Claude Code:
#   1. the claude UI starts straight at its prompt: no onboarding, theme or trust question;
#   2. a typed prompt + Enter gets the stand-in's answer on screen;
#   3. a window resize reaches claude: its full-width rule redraws at the new width;
#   4. /exit ends the session with status 0, the container removed, nothing left;
#   5. a second session: Ctrl-C twice at the empty prompt ends it the same way.
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/moto.sh"
. "$here/lib/cx.sh"
. "$here/lib/bedrock.sh"
. "$here/lib/e2e.sh"
. "$here/lib/tmux.sh"

require_cx
require_cmd tmux jq setpriv
require_podman
moto_up
cx_image_ensure podman
e2e_standin_start --answer "$E2E_ANSWER_DEFAULT"
e2e_prepare podman ""

# rule_width: the length of the longest run of box-drawing rule characters on screen.
rule_width() {
  local line m=0 LC_ALL=C.UTF-8
  while IFS= read -r line; do
    [ "${#line}" -gt "$m" ] && m=${#line}
  done < <(tmux_screen cx | grep -o '─*')
  echo "$m"
}
# start_cx W H: run interactive cx in a new terminal (session cx) of W x H, its stderr to
# $TEST_TMP/cx.err.
start_cx() {
  tmux_start -c "$E2E_PROJ" -i -2 "$TEST_TMP/cx.err" cx "$1" "$2" HOME="$E2E_HOME" USER="$(id -un)" \
    PATH="$CX_ITEST_PATH" LANG=C.UTF-8 TERM=xterm-256color CONTAINERS_CONF="$CONTAINERS_CONF" \
    AWS_ENDPOINT_URL_STS="$MOTO_ENDPOINT" "$CX_BIN"
}
# the audit log of the newest session.
newest_audit() {
  ls -t "$E2E_HOME/.local/state/cx/sessions/"*.jsonl | head -n 1
}

# --- 1. the UI starts at its prompt ------------------------------------------------------------
t0=$SECONDS
start_cx 100 30
tmux_wait cx 'Claude Code v[0-9]' 60
tmux_wait cx '^❯' 30
pass "the claude UI is up after $((SECONDS - t0)) s: $(tmux_screen cx | grep -o 'Claude Code v[0-9.]*' | head -n 1), $(tmux_screen cx | grep -o '[A-Za-z0-9. ]*· Amazon Bedrock' | head -n 1)"
if tmux_screen cx | grep -Eiq 'choose the text style|dark mode|light mode|trust the files|do you trust|security notes|select login method|api key'; then
  tmux_show cx
  fail "a first-run question is on screen"
fi
pass "no onboarding, theme or trust question on screen"

# --- 2. prompt and answer ------------------------------------------------------------------------
tmux_send cx -l 'say hi from tmux'
sleep 0.3
tmux_send cx Enter
tmux_wait cx "$(sed 's/[.()]/\\&/g' <<<"$E2E_ANSWER_DEFAULT")" 60
[ "$(e2e_model_requests '.user_texts | index(["say hi from tmux"])' | wc -l)" -ge 1 ] ||
  fail "the stand-in never got the typed prompt: $(bedrock_log_summary)"
pass "typed prompt + Enter: the stand-in's answer is on screen"

# --- 3. resize -----------------------------------------------------------------------------------
w=$(rule_width)
if [ "$w" -lt 90 ] || [ "$w" -gt 100 ]; then
  tmux_show cx
  fail "claude's rule is $w wide in a 100-column window"
fi
tmux_resize cx 140 40
for ((i = 0; i < 50; i++)); do
  [ "$(rule_width)" -gt 100 ] && break
  sleep 0.1
done
w2=$(rule_width)
if [ "$w2" -lt 130 ] || [ "$w2" -gt 140 ]; then
  tmux_show cx
  fail "after resize-window to 140x40, claude's rule is $w2 wide (was $w)"
fi
pass "a resize reaches claude: its rule redrew from $w to $w2 columns"

# --- 4. /exit ------------------------------------------------------------------------------------
tmux_send cx -l '/exit'
sleep 0.5
tmux_send cx Enter
tmux_assert_exit cx 0 "cx's exit status after /exit"
E2E_AUDIT=$(newest_audit)
e2e_assert_egress
e2e_assert_session_clean
pass "/exit: cx exited 0, container and session files gone ($(grep '^cx: session' "$TEST_TMP/cx.err"))"
denied=$(jq -r 'select(.event == "egress" and .allowed == false) | "\(.host):\(.port)"' "$E2E_AUDIT" | sort -u | tr '\n' ' ')
[ -z "$denied" ] || echo "    egress the proxy refused during the interactive session: $denied"

# --- 5. Ctrl-C -----------------------------------------------------------------------------------
start_cx 100 30
tmux_wait cx '^❯' 60
tmux_send cx C-c
sleep 0.5
tmux_send cx C-c
tmux_assert_exit cx 0 "cx's exit status after Ctrl-C Ctrl-C"
E2E_AUDIT=$(newest_audit)
e2e_assert_session_clean
pass "Ctrl-C twice at the prompt: cx exited 0, container and session files gone"
