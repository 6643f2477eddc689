#!/usr/bin/env bash
# `cx build --claude-version V` with rootful podman: the image it makes holds Claude Code V (what
# `claude --version` prints in it and what cx build reported), only the layer holding the Claude Code
# binary differs from the shared test image (everything before it comes from the build cache), and a
# version npm does not have fails the build with one cx error and leaves no image behind. On a
# terminal cx build shows one line with the step and the time; in a pipe it prints nothing until a
# failure, then the end of the runtime's output and where the whole of it is (build.log, 0600).
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/cx.sh"

require_cx
require_cmd jq npm
require_podman
cx_image_ensure podman

# The shared image's version, and the release before it (so the build cannot be a no-op).
base_version=$(podman image inspect --format '{{index .Labels "cx.claude-version"}}' "$CX_ITEST_IMAGE")
case $base_version in
  [0-9]*) ;;
  *) fail "the shared image's cx.claude-version label is [$base_version], not a release" ;;
esac
versions=$(timeout 60 npm view @anthropic-ai/claude-code versions --json 2>"$TEST_TMP/npm.err") ||
  skip "npm cannot list Claude Code releases: $(tail -n 1 "$TEST_TMP/npm.err")"
prev=$(jq -r --arg v "$base_version" 'index($v) as $i | if $i and $i > 0 then .[$i - 1] else empty end' \
  <<<"$versions")
[ -n "$prev" ] || skip "npm lists no Claude Code release before $base_version"

tag=localhost/cx-itest-version:latest
on_exit "podman rmi -f $tag >/dev/null 2>&1"
home=$(new_home)
cx_write_config "$home/.claude-exec" IMAGE_TAG="$tag"

# --- an older release, from the cache but for its own layer ----------------------------------------
t0=$SECONDS
cd "$home" || fail "cannot enter $home"
# On a terminal (script(1) gives it one): one line, rewritten in place, with the step and the time.
run_capture cx_env "" "$home" TERM=xterm timeout 900 script -qec \
  "$(printf '%q ' "$CX_BIN" build --claude-version "$prev")" /dev/null </dev/null
assert_rc 0 "cx build --claude-version $prev"
echo "note: cx build --claude-version $prev took $((SECONDS - t0)) s with the shared image's layers cached"
assert_contains "$RUN_OUT" "cx: building $tag with podman (Claude Code $prev)" "cx build on a terminal"
assert_contains "$RUN_OUT" "cx: built $tag: Claude Code $prev" "cx build's report"
pass "cx build reported Claude Code $prev"
step_re='cx: (\[[0-9]+/[0-9]+\] )?step [0-9]+/[0-9]+: '
[[ "$RUN_OUT" =~ $'\r'$step_re[^$'\r']*" ("[0-9]+s")" ]] ||
  fail "cx build on a terminal shows no progress line: $(tr '\r\033' '|~' <<<"$RUN_OUT" | tail -c 600)"
steps=$(grep -aoE $'\r'"$step_re" <<<"$RUN_OUT" | sort -u | wc -l)
[ "$steps" -ge 3 ] || fail "cx build on a terminal showed $steps distinct steps"
assert_not_contains "$RUN_OUT" "npm" "cx build on a terminal (the runtime's output stays in the log)"
log=$home/.local/state/cx/build.log
[ "$(stat -c %a "$log" 2>/dev/null)" = 600 ] || fail "no build log $log of mode 600"
assert_contains "$(cat "$log")" "STEP 1/" "the build log"
pass "on a terminal: $steps steps shown on one line, the runtime's output in $log (0600)"

in_image=$(podman run --rm --network none --entrypoint /usr/local/bin/claude "$tag" --version) ||
  fail "claude --version failed in $tag"
assert_eq "$prev" "${in_image%% *}" "claude --version in the image"
assert_eq "$prev" "$(podman image inspect --format '{{index .Labels "cx.claude-version"}}' "$tag")" \
  "the image's cx.claude-version label"
pass "the image's claude --version is $prev ($in_image)"

mapfile -t old_layers < <(podman image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$CX_ITEST_IMAGE" | sed '/^$/d')
mapfile -t new_layers < <(podman image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$tag" | sed '/^$/d')
n=${#old_layers[@]}
[ "$n" -ge 2 ] || fail "the shared image has $n layers"
assert_eq "$n" "${#new_layers[@]}" "number of layers"
for ((i = 0; i < n - 1; i++)); do
  assert_eq "${old_layers[$i]}" "${new_layers[$i]}" "layer $((i + 1)) of $n (must come from the cache)"
done
[ "${old_layers[$((n - 1))]}" != "${new_layers[$((n - 1))]}" ] ||
  fail "the last layer (the Claude Code binary) is the same for $base_version and $prev"
pass "only the last of $n layers differs from the $base_version image"

# --- a version npm does not have ---------------------------------------------------------------
podman rmi -f "$tag" >/dev/null 2>&1
run_capture cx_env "" "$home" "$CX_BIN" build --claude-version 0.0.0-cx-no-such-release
assert_rc 1 "cx build of a release npm does not have"
last=$(grep '^cx: ' <<<"$RUN_ERR" | grep -v '^cx: building ' | head -n 2)
assert_contains "$last" "cx: error: podman build failed" "the build error"
[ "$(grep -c '^cx: error: ' <<<"$RUN_ERR")" = 1 ] || fail "expected one cx: error line"
if podman image exists "$tag"; then fail "a failed build left $tag behind"; fi
pass "a release npm does not have: one cx error, exit 1, no image"
# In a pipe: no progress line; the end of the runtime's output, then the error naming the log.
assert_not_contains "$RUN_ERR" $'\r' "cx build's stderr in a pipe"
assert_not_contains "$RUN_ERR" "cx: step " "cx build's stderr in a pipe"
assert_contains "$(grep -v '^cx: ' <<<"$RUN_ERR")" "0.0.0-cx-no-such-release" "the build output's end, before the error"
assert_contains "$RUN_ERR" "all of it is in $log" "the hint"
assert_contains "$(cat "$log")" "0.0.0-cx-no-such-release" "the build log"
pass "a failed build in a pipe: no progress line, the last lines of the build output, the log's path"

# --- not a version at all: a usage error before any build --------------------------------------
run_capture cx_env "" "$home" "$CX_BIN" build --claude-version 'https://example.invalid/claude.tgz'
assert_rc 2 "cx build --claude-version URL"
cx_assert_one_error "cx build --claude-version URL"
pass "a URL as --claude-version is a usage error (exit 2)"
