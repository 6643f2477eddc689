#!/usr/bin/env bash
# The cx commands that need no container: version, help (per command), typos answered with "did
# you mean" while claude's own commands pass through, colour only on a terminal, symlink/unlink (link target, PATH
# warning, refusing to remove what is not cx's link), build --print, and run --dry-run (secrets
# shown as <redacted>, never in the output, nothing started).
here=$(dirname "$0")
# shellcheck source=tests/integration/lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=tests/integration/lib/moto.sh
. "$here/lib/moto.sh"
# shellcheck source=tests/integration/lib/cx.sh
. "$here/lib/cx.sh"

require_cx
HOME_DIR=$(new_home)
cd "$TEST_TMP" || fail "cd $TEST_TMP"

# --- version and help ---------------------------------------------------------------------------
for a in version --version; do
  cx_run_capture "" "$HOME_DIR" $a
  assert_rc 0 "cx $a"
  [[ "$RUN_OUT" =~ ^cx\ [0-9]+\.[0-9]+\.[0-9]+\ \(image\ recipe\ [0-9a-f]{16}\)$ ]] ||
    fail "cx $a prints no version and image recipe: [$RUN_OUT]"
  [ -z "$RUN_ERR" ] || fail "cx $a wrote to stderr: [$RUN_ERR]"
done
version_out=$RUN_OUT
pass "cx version / --version: $version_out"
for a in help --help -h; do
  cx_run_capture "" "$HOME_DIR" $a
  assert_rc 0 "cx $a"
  for w in shell build symlink; do assert_contains "$RUN_OUT" "$w" "cx $a"; done
done
pass "cx help / --help / -h exit 0 and list the commands"

# Help per command: `cx help doctor` and `cx doctor --help` print doctor's own usage, not the general help.
cx_run_capture "" "$HOME_DIR" help doctor
assert_rc 0 "cx help doctor"
help_doctor=$RUN_OUT
assert_contains "$help_doctor" "usage: cx doctor" "cx help doctor"
assert_not_contains "$help_doctor" "usage: cx build" "cx help doctor"
cx_run_capture "" "$HOME_DIR" doctor --help
assert_rc 0 "cx doctor --help"
assert_eq "$help_doctor" "$RUN_OUT" "cx doctor --help and cx help doctor"
pass "cx help doctor and cx doctor --help print doctor's usage"

# A typo of a cx command is a usage error with "did you mean"; claude's own commands still pass to claude.
for typo in doctr:doctor biuld:build; do
  cx_run_capture "" "$HOME_DIR" "${typo%%:*}"
  assert_rc 2 "cx ${typo%%:*}"
  cx_assert_one_error "cx ${typo%%:*}"
  assert_contains "$RUN_ERR" "did you mean ${typo#*:}?" "cx ${typo%%:*}"
done
cx_run_capture "" "$HOME_DIR" mcp list
# Handed to a session (which needs the config file this home lacks), not refused as a typo.
assert_rc 125 "cx mcp list"
assert_not_contains "$RUN_ERR" "unknown command" "cx mcp list"
assert_contains "$RUN_ERR" "cannot read config file" "cx mcp list"
pass "cx doctr / cx biuld: exit 2 with did you mean; cx mcp list goes to claude's session"

# Colour only on a terminal: escapes under a pty (script), none with NO_COLOR or in a pipe.
if command -v script >/dev/null; then
  on_tty() { # on_tty ENV... : cx doctr on a pty, its bytes on stdout
    env -i PATH="$PATH" HOME="$HOME_DIR" TERM=xterm "$@" \
      timeout 20 script -qec "$(printf '%q' "$CX_BIN") doctr" /dev/null </dev/null
  }
  esc=$'\033['
  assert_contains "$(on_tty)" "${esc}1;31mcx: error:" "cx doctr on a terminal"
  assert_not_contains "$(on_tty NO_COLOR=1)" "$esc" "cx doctr on a terminal with NO_COLOR=1"
  assert_not_contains "$(on_tty TERM=dumb)" "$esc" "cx doctr on a terminal with TERM=dumb"
  cx_run_capture "" "$HOME_DIR" doctr
  assert_not_contains "$RUN_ERR" "$esc" "cx doctr in a pipe"
  pass "cx: error: is red on a terminal only (not with NO_COLOR, TERM=dumb or in a pipe)"
else
  echo "note: no script(1): the colour check on a terminal is not run"
fi

# --- symlink / unlink ---------------------------------------------------------------------------
bin_real=$(readlink -f "$CX_BIN")
dir="$TEST_TMP/bin-not-on-path"
mkdir -p "$dir"
cx_run_capture "" "$HOME_DIR" symlink "$dir"
assert_rc 0 "cx symlink DIR"
[ -L "$dir/cx" ] || fail "cx symlink did not create $dir/cx as a symlink"
assert_eq "$bin_real" "$(readlink -f "$dir/cx")" "target of $dir/cx"
grep -q '^cx: warning: .*PATH' <<<"$RUN_ERR" || fail "no PATH warning for a DIR not on PATH: [$RUN_ERR]"
cx_assert_clean_stderr "cx symlink stderr"
pass "cx symlink DIR -> $dir/cx points at the binary, warns that DIR is not on PATH"

cx_run_capture "" "$HOME_DIR" symlink "$dir"
assert_rc 0 "cx symlink DIR again (idempotent)"
assert_eq "$bin_real" "$(readlink -f "$dir/cx")" "target after a second symlink"

on_path="$TEST_TMP/bin-on-path"
mkdir -p "$on_path"
cx_run_capture "" "$HOME_DIR" PATH="$on_path:$CX_ITEST_PATH" symlink "$on_path"
assert_rc 0 "cx symlink DIR on PATH"
assert_eq "$bin_real" "$(readlink -f "$on_path/cx")" "target of $on_path/cx"
assert_not_contains "$RUN_ERR" "warning" "cx symlink stderr for a DIR on PATH"
pass "no warning when DIR is on PATH"

cx_run_capture "" "$HOME_DIR" unlink "$dir"
assert_rc 0 "cx unlink DIR"
[ ! -e "$dir/cx" ] && [ ! -L "$dir/cx" ] || fail "cx unlink left $dir/cx"
pass "cx unlink DIR removes the link"

echo "not cx" >"$dir/cx"
cx_run_capture "" "$HOME_DIR" unlink "$dir"
[ "$RUN_RC" != 0 ] || fail "cx unlink removed or accepted a regular file that is not its link"
[ "$(cat "$dir/cx" 2>/dev/null)" = "not cx" ] || fail "cx unlink destroyed $dir/cx, which was not its link"
cx_assert_one_error "cx unlink of a foreign file"
rm -f "$dir/cx"
pass "cx unlink refuses a DIR/cx that is not its link (exit $RUN_RC)"

cx_run_capture "" "$HOME_DIR" PATH="$HOME_DIR/.local/bin:$CX_ITEST_PATH" symlink
assert_rc 0 "cx symlink (default dir)"
assert_eq "$bin_real" "$(readlink -f "$HOME_DIR/.local/bin/cx")" "target of ~/.local/bin/cx"
cx_run_capture "" "$HOME_DIR" unlink
assert_rc 0 "cx unlink (default dir)"
[ ! -L "$HOME_DIR/.local/bin/cx" ] || fail "cx unlink left ~/.local/bin/cx"
pass "cx symlink / unlink default to ~/.local/bin"

# --- build --print ------------------------------------------------------------------------------
cx_write_config "$HOME_DIR/.claude-exec"
cx_run_capture "" "$HOME_DIR" build --print
assert_rc 0 "cx build --print"
grep -q '^FROM ' <<<"$RUN_OUT" || fail "cx build --print: no FROM line"
grep -q '^ENTRYPOINT ' <<<"$RUN_OUT" || fail "cx build --print: no ENTRYPOINT line"
assert_contains "$RUN_OUT" "CLAUDE_CODE_VERSION" "cx build --print"
assert_contains "$RUN_OUT" "bookworm-slim" "cx build --print (default base)"
pass "cx build --print writes the Containerfile ($(wc -l <<<"$RUN_OUT") lines)"

# --- run --dry-run ------------------------------------------------------------------------------
dry_run() {
  require_podman
  moto_up
  moto_write_aws_credentials "$HOME_DIR"
  cx_write_config "$HOME_DIR/.claude-exec" IMAGE_TAG="$CX_TEST_IMAGE_PODMAN" FOO_FORWARDED=bar
  local proj="$TEST_TMP/dryproj"
  mkdir -p "$proj" && cd "$proj" || fail "cd $proj"
  cx_run_capture "" "$HOME_DIR" run --dry-run -- -p hello
  assert_rc 0 "cx run --dry-run"
  cx_assert_clean_stderr "cx run --dry-run stderr"
  assert_contains "$RUN_OUT" "<redacted>" "cx run --dry-run output"
  local -a secrets=("$(moto_key AWS_SECRET_ACCESS_KEY)")
  local ck cs ct
  while read -r ck cs ct; do
    [ -n "$cs" ] && secrets+=("$cs" "$ct")
  done <<<"$(moto_role_credentials "$MOTO_ROLE_ARN")"
  local s
  for s in "${secrets[@]}"; do
    assert_not_contains "$RUN_OUT$RUN_ERR" "$s" "cx run --dry-run output (a secret)"
  done
  for s in "$CX_TEST_IMAGE_PODMAN" --rm --init "--cap-drop=ALL" "no-new-privileges" "/src" \
    "cx.session" "FOO_FORWARDED" "hello"; do
    assert_contains "$RUN_OUT" "$s" "cx run --dry-run output"
  done
  cx_assert_no_containers_left podman "$proj"
  pass "cx run --dry-run prints the command with <redacted> secrets, no known secret (${#secrets[@]} checked), starts nothing"
}
subtest dry_run
rc=$?
[ "$rc" = 0 ] || exit "$rc"
echo "cli_test: all checks pass"
