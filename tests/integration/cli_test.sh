#!/usr/bin/env bash
# The cx commands that need no container: version, help, symlink/unlink (link target, PATH
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
