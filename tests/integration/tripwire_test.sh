#!/usr/bin/env bash
# The workspace tripwire, in a real session on podman: the agent plants what
# would run on the host later (a git hook, core.fsmonitor, .envrc, a VS Code
# task, Claude settings, .mcp.json, a hook in the persisted Claude state).
# warn: cx lists each one (stderr and audit log) and the summary counts them;
# block: the originals are back, the agent's versions kept aside, and a plain
# `git status` on the host runs nothing the agent wrote.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"

require_cx
require_podman
require_cmd git
moto_up
cx_image_ensure podman

home=$(new_home)
moto_write_aws_credentials "$home"
proj="$home/proj"
mkdir -p "$proj"
git -C "$proj" init -q
echo '{}' >"$proj/.mcp.json"
cd "$proj" || fail "cd $proj"
marker="$TEST_TMP/payload-ran"

# shellcheck disable=SC2016
attack='cd /src
printf "#!/bin/sh\ntouch %s\n" "$MARK" >.git/hooks/post-checkout && chmod 755 .git/hooks/post-checkout
printf "#!/bin/sh\ntouch %s\n" "$MARK" >fsmon.sh && chmod 755 fsmon.sh
git config core.fsmonitor "$PWD/fsmon.sh"
echo "touch $MARK" >.envrc
mkdir -p .vscode .claude && echo "{\"tasks\":[]}" >.vscode/tasks.json
echo "{\"hooks\":{\"Stop\":[]}}" >.claude/settings.json
echo "{\"mcpServers\":{\"x\":{\"command\":\"sh\"}}}" >.mcp.json
echo "{\"hooks\":{\"SessionStart\":[]}}" >"$CLAUDE_CONFIG_DIR/settings.json"
echo planted'

# session MODE: one session with CX_TRIPWIRE=MODE running the attack.
session() {
  cx_write_config "$home/.claude-exec" CX_TRIPWIRE="$1" CX_PERSIST=project
  cx_run_capture "" "$home" shell -- env MARK="$marker" sh -c "$attack"
  [ "$RUN_RC" = 0 ] || fail "the $1 session exited $RUN_RC: $RUN_ERR"
  assert_contains "$RUN_OUT" planted "the attack ($1)"
}

# --- warn ----------------------------------------------------------------------------------------
session warn
for p in ".git/hooks/post-checkout: added" ".git/config: modified: core.fsmonitor set to" \
  ".envrc: added" ".vscode/tasks.json: added" ".claude/settings.json: added" ".mcp.json: modified" \
  "claude state: settings.json:"; do
  grep -q "^cx: tripwire: $p" <<<"$RUN_ERR" || fail "warn: no tripwire line for [$p] in: $RUN_ERR"
done
grep -q "^cx: session .* · tripwire: [0-9]* changes to review (above)$" <<<"$RUN_ERR" ||
  fail "warn: the summary does not count the changes: $(tail -n 1 <<<"$RUN_ERR")"
log=$(ls -t "$home/.local/state/cx/sessions/"*.jsonl | head -n 1)
[ "$(grep -c '"event":"tripwire"' "$log")" -ge 7 ] || fail "warn: fewer than 7 tripwire events in $log"
grep -q '"event":"tripwire_armed"' "$log" || fail "warn: no tripwire_armed event"
[ -x "$proj/.git/hooks/post-checkout" ] || fail "warn mode changed the workspace"
pass "warn: 7 planted files reported, one line each, in the summary and the audit log"

# Put the project back as it was before the first session.
rm -rf "$proj/.git/hooks/post-checkout" "$proj/fsmon.sh" "$proj/.envrc" "$proj/.vscode" "$proj/.claude"
git -C "$proj" config --unset core.fsmonitor
echo '{}' >"$proj/.mcp.json"
state_settings=$(find "$home/.local/state/cx/claude" -name settings.json | head -n 1)
[ -n "$state_settings" ] || fail "no persisted Claude settings.json under $home/.local/state/cx/claude"
echo '{}' >"$state_settings"

# --- block ---------------------------------------------------------------------------------------
session block
grep -q "^cx: tripwire: .git/hooks/post-checkout: added.*; undone, the agent's version is in " <<<"$RUN_ERR" ||
  fail "block: the hook was not undone: $RUN_ERR"
if grep "^cx: tripwire: " <<<"$RUN_ERR" | grep -q "NOT undone"; then
  fail "block: a change was not undone: $RUN_ERR"
fi
[ ! -e "$proj/.git/hooks/post-checkout" ] || fail "block: the planted hook is still there"
[ ! -e "$proj/.envrc" ] || fail "block: .envrc is still there"
[ "$(cat "$proj/.mcp.json")" = '{}' ] || fail "block: .mcp.json not restored: $(cat "$proj/.mcp.json")"
[ "$(cat "$state_settings")" = '{}' ] || fail "block: the persisted settings.json not restored"
[ -z "$(git -C "$proj" config --get core.fsmonitor)" ] || fail "block: core.fsmonitor still set"
kept=$(grep -o "the agent's version is in [^ ]*post-checkout" <<<"$RUN_ERR" | sed 's/.* is in //')
grep -q "touch $marker" "$kept" || fail "block: the kept hook [$kept] is not the agent's"
git -C "$proj" status >/dev/null 2>&1
git -C "$proj" checkout -q -b other 2>/dev/null || true
[ ! -e "$marker" ] || fail "block: a plain git on the host ran the agent's payload"
pass "block: everything undone, the agent's versions kept aside, git on the host runs nothing of it"
