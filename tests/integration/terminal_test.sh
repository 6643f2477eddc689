#!/usr/bin/env bash
# A real terminal under tmux: `cx shell` gets a TTY (-t), the window size
# reaches the container and follows a resize, Ctrl-C interrupts the command
# inside without ending the session, and the exit status comes back.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"

require_cx
require_cmd tmux
require_podman
moto_up
cx_image_ensure podman

home=$(new_home)
moto_write_aws_credentials "$home"
cx_write_config "$home/.claude-exec" "PS1='cxprompt\$ '"
proj="$TEST_TMP/proj"
mkdir -p "$proj"

sock="cx-term-$$"
t() { tmux -L "$sock" "$@"; }
on_exit "tmux -L $sock kill-server 2>/dev/null"

screen() { t capture-pane -p -t cx; }
# wait_screen REGEX [SECS]: wait until the pane shows REGEX.
wait_screen() {
  local i
  for ((i = 0; i < ${2:-30} * 10; i++)); do
    screen | grep -Eq -- "$1" && return 0
    sleep 0.1
  done
  echo "--- pane:"; screen; fail "the terminal never showed /$1/"
}
prompts() { screen | grep -c '^cxprompt\$' || true; }

t new-session -d -s cx -x 100 -y 30 \
  "cd '$proj' && env HOME='$home' AWS_ENDPOINT_URL_STS='$MOTO_ENDPOINT' '$CX_BIN' shell -- bash --norc --noprofile -i; echo CXEXIT=\$? > '$TEST_TMP/exit'; sleep 60"
wait_screen '^cxprompt\$' 60

t send-keys -t cx 'stty size' Enter
wait_screen '^30 100'
pass "the container's terminal is 30x100, the window's size"

t resize-window -t cx -x 120 -y 40
sleep 0.5
t send-keys -t cx 'clear; stty size' Enter
wait_screen '^40 120'
pass "a resize reaches the container (40x120)"

t send-keys -t cx 'clear; sleep 100' Enter
sleep 1.5
t send-keys -t cx C-c
wait_screen '^\^C' 10
# bash aborts the rest of an interrupted line, so the status is asked next.
t send-keys -t cx 'echo status-$?' Enter
wait_screen '^status-130'
pass "Ctrl-C interrupts the command inside; the session goes on"

t send-keys -t cx 'exit 3' Enter
for ((i = 0; i < 300; i++)); do [ -s "$TEST_TMP/exit" ] && break; sleep 0.1; done
assert_eq "CXEXIT=3" "$(cat "$TEST_TMP/exit" 2>/dev/null)" "cx's exit status after 'exit 3'"
cx_assert_no_containers_left podman "$proj"
pass "exit status passed through; no container left"
