#!/usr/bin/env bash
# scripts/demo, as a newcomer runs it (as root), with the cx under test: it must end with exit 0
# after cx doctor passes, print the stand-in's answer through the real Claude Code, explain what
# happened, say plainly that STS and Bedrock were local stand-ins, and leave nothing behind.
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/cx.sh"

require_cx
[ "$(id -u)" = 0 ] || skip "scripts/demo runs as root"
require_podman
require_cmd jq

out="$TEST_TMP/demo.out"
before=$(podman ps -a --filter label=cx.session --format '{{.Names}}' | sort)
t0=$SECONDS
(cd "$CX_SOURCE_DIR" && CX_BIN="$CX_BIN" TERM=dumb bash scripts/demo) >"$out" 2>&1
rc=$?
echo "note: scripts/demo took $((SECONDS - t0)) s"
[ "$rc" = 0 ] || { tail -n 40 "$out"; fail "scripts/demo exited $rc"; }
for text in "cx doctor: all 9 checks passed" \
  "claude> Hello from the local Bedrock stand-in: your prompt reached me through cx." \
  "Role: cx assumed arn:aws:iam::" "Egress allowed: " "Egress denied: " \
  "no container, broker socket directory or session record remains" \
  "STS and Bedrock were LOCAL STAND-INS"; do
  grep -qF -- "$text" "$out" || { cat "$out"; fail "the demo's output lacks [$text]"; }
done
pass "scripts/demo: doctor passed, the answer came back, the explanation and the stand-in notice were printed"
after=$(podman ps -a --filter label=cx.session --format '{{.Names}}' | sort)
assert_eq "$before" "$after" "cx session containers before and after the demo"
pass "no container left by the demo"
