#!/usr/bin/env bash
# A real terminal under tmux: `cx shell` gets a TTY (-t), the window size
# reaches the container and follows a resize, Ctrl-C interrupts the command
# inside without ending the session, and the exit status comes back.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"
. "$(dirname "$0")/lib/tmux.sh"

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

tmux_start -c "$proj" cx 100 30 HOME="$home" AWS_ENDPOINT_URL_STS="$MOTO_ENDPOINT" \
  "$CX_BIN" shell -- bash --norc --noprofile -i
tmux_wait cx '^cxprompt\$' 60

tmux_send cx 'stty size' Enter
tmux_wait cx '^30 100'
pass "the container's terminal is 30x100, the window's size"

tmux_resize cx 120 40
sleep 0.5
tmux_send cx 'clear; stty size' Enter
tmux_wait cx '^40 120'
pass "a resize reaches the container (40x120)"

tmux_send cx 'clear; sleep 100' Enter
sleep 1.5
tmux_send cx C-c
tmux_wait cx '^\^C' 10
# bash aborts the rest of an interrupted line, so the status is asked next.
tmux_send cx 'echo status-$?' Enter
tmux_wait cx '^status-130'
pass "Ctrl-C interrupts the command inside; the session goes on"

tmux_send cx 'exit 3' Enter
tmux_assert_exit cx 3 "cx's exit status after 'exit 3'"
cx_assert_no_containers_left podman "$proj"
pass "exit status passed through; no container left"
