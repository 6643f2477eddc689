#!/usr/bin/env bash
# `cx init` and `cx doctor` for real. init: with flags and --yes (a 0600 file that cx reads back and
# doctor passes), an existing file kept unless --force, bad values and a missing --role without a
# terminal are usage errors that write nothing, and the questions on a real terminal (tmux), a bad
# answer asked again. doctor: all checks pass against rootful podman, moto and the Bedrock stand-in
# (exit 0); a missing image, a role the source identity may not assume, an egress host not in
# CX_ALLOW_HOSTS, no CLAUDE_CODE_USE_BEDROCK and no config each give their ✗ line with the fix
# (exit 1), and no secret is printed.
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/moto.sh"
. "$here/lib/cx.sh"
. "$here/lib/bedrock.sh"
. "$here/lib/tmux.sh"

require_cx
require_cmd sha256sum
ROLE=arn:aws:iam::123456789012:role/ClaudeCode

# --- init without a terminal ---------------------------------------------------------------------
home=$(new_home)
cfg="$home/.claude-exec"
proj="$TEST_TMP/proj"
mkdir -p "$proj" && cd "$proj" || fail "cannot make $proj"

cx_run_capture "" "$home" init --yes
assert_rc 2 "cx init --yes without --role"
cx_assert_one_error "cx init --yes without --role"
assert_contains "$RUN_ERR" "--role" "the error"
[ ! -e "$cfg" ] || fail "cx init without --role wrote $cfg"
pass "no --role and no terminal: exit 2, nothing written"

cx_run_capture "" "$home" init --runtime podman --image localhost/cx-init:1 --region eu-west-1 \
  --role "$ROLE" --yes
assert_rc 0 "cx init --yes"
assert_contains "$RUN_OUT" "cx: wrote $cfg (mode 0600)" "cx init's report"
assert_eq 600 "$(stat -c %a "$cfg")" "the config file's mode"
for line in RUNTIME=podman IMAGE_TAG=localhost/cx-init:1 AWS_IAM_ROLE="$ROLE" AWS_REGION=eu-west-1 \
  CLAUDE_CODE_USE_BEDROCK=1; do
  grep -qxF "$line" "$cfg" || fail "$cfg has no line $line: $(grep -v '^#' "$cfg")"
done
[ "$(grep -c '^#' "$cfg")" -ge 20 ] || fail "$cfg is not commented"
# cx itself reads it back: a dry run shows the settings.
cx_run_capture "" "$home" run --dry-run
assert_rc 0 "cx run --dry-run with the written config"
assert_contains "$RUN_OUT" "localhost/cx-init:1" "the dry run"
assert_contains "$RUN_OUT" "AWS_REGION=eu-west-1" "the dry run"
pass "cx init --yes: a commented 0600 file that cx reads back"

sum=$(sha256sum <"$cfg")
cx_run_capture "" "$home" init --role "$ROLE" --yes
assert_rc 1 "cx init over an existing file"
cx_assert_one_error "cx init over an existing file"
assert_contains "$RUN_ERR" "--force" "the hint"
for bad in "--role arn:aws:iam::1:role/x" "--runtime rkt" "--image -bad" "--region mars" "--bogus"; do
  # shellcheck disable=SC2086
  cx_run_capture "" "$home" init --role "$ROLE" --yes --force $bad
  assert_rc 2 "cx init $bad"
  cx_assert_one_error "cx init $bad"
done
assert_eq "$sum" "$(sha256sum <"$cfg")" "the config after refused inits"
pass "an existing file is kept without --force; bad values are usage errors (exit 2); the file is unchanged"

cx_run_capture "" "$home" init --role "$ROLE" --yes --force
assert_rc 0 "cx init --force"
grep -qx 'IMAGE_TAG=cx:latest' "$cfg" || fail "--force did not write the defaults: $(grep -v '^#' "$cfg")"
pass "--force replaces the file (defaults: IMAGE_TAG=cx:latest)"

# --- init on a real terminal ---------------------------------------------------------------------
interactive_init() {
  require_cmd tmux
  local ihome
  ihome=$(new_home)
  # start_init: cx init in a new terminal (a fresh tmux server; the one before is gone first).
  start_init() {
    tmux_start -c "$ihome" -i init 150 40 HOME="$ihome" PATH="$CX_ITEST_PATH" LANG=C.UTF-8 \
      TERM=xterm "$CX_BIN" init
  }
  start_init
  tmux_wait init 'Container runtime .*\[(podman|docker|nerdctl)\]:' 10
  tmux_send init Enter
  tmux_wait init 'Image to build and run \[cx:latest\]:' 10
  tmux_send init -l 'localhost/cx-tty:2'
  tmux_send init Enter
  tmux_wait init 'AWS profile that assumes the role \[default\]:' 10
  tmux_send init Enter
  tmux_wait init 'Bedrock region \[us-east-1\]:' 10
  tmux_send init -l 'eu-central-1'
  tmux_send init Enter
  tmux_wait init 'ARN of the IAM role the agent gets:' 10
  tmux_send init -l 'not-an-arn'
  tmux_send init Enter
  tmux_wait init 'AWS_IAM_ROLE' 10
  tmux_send init -l "$ROLE"
  tmux_send init Enter
  tmux_assert_exit init 0 "interactive cx init" 10
  for line in IMAGE_TAG=localhost/cx-tty:2 AWS_REGION=eu-central-1 AWS_IAM_ROLE="$ROLE"; do
    grep -qxF "$line" "$ihome/.claude-exec" || fail "interactive init: no line $line"
  done
  assert_eq 600 "$(stat -c %a "$ihome/.claude-exec")" "the mode of the file written on a terminal"
  pass "cx init on a terminal: defaults on Enter, typed values kept, a bad ARN asked again"

  # A second run asks before replacing; "n" keeps the file.
  sum=$(sha256sum <"$ihome/.claude-exec")
  start_init
  tmux_wait init 'already exists\. Replace it\? \[y/N\]:' 10
  tmux_send init -l n
  tmux_send init Enter
  tmux_assert_exit init 1 "cx init answered n" 10
  assert_eq "$sum" "$(sha256sum <"$ihome/.claude-exec")" "the file after answering n"
  pass "cx init on a terminal asks before replacing a file; n keeps it (exit 1)"
}
subtest interactive_init
rc=$?
[ "$rc" = 0 ] || [ "$rc" = 77 ] || exit "$rc"

# --- doctor ----------------------------------------------------------------------------------------
require_podman
moto_up
cx_image_ensure podman
bedrock_start
secret=$(moto_key AWS_SECRET_ACCESS_KEY)
moto_write_aws_credentials "$home"

good=(CX_CREDENTIALS= CX_NETWORK= CLAUDE_CODE_USE_BEDROCK=1 ANTHROPIC_BEDROCK_BASE_URL="$BEDROCK_URL"
  CX_ALLOW_HOSTS="$BEDROCK_HOST:$BEDROCK_PORT")

# doctor_run [KEY=VALUE...]: write the config with the good settings and these, run cx doctor.
doctor_run() {
  cx_write_config "$cfg" "${good[@]}" "$@"
  cx_run_capture "" "$home" doctor
  assert_not_contains "$RUN_OUT$RUN_ERR" "$secret" "cx doctor's output"
}
# doctor_line CHECK: the line of that check.
doctor_line() { grep -E "^(✓|✗|-) $1: " <<<"$RUN_OUT"; }

doctor_run
assert_rc 0 "cx doctor with everything in place"
for check in config runtime transport image project "session files" credentials bedrock egress; do
  doctor_line "$check" | grep -q '^✓ ' || fail "cx doctor: [$check] did not pass: $RUN_OUT"
done
assert_contains "$(tail -n 1 <<<"$RUN_OUT")" "all 9 checks passed" "cx doctor's summary"
assert_contains "$(doctor_line transport)" "✓ transport: local: the engine runs on this host" "the transport line"
assert_contains "$(doctor_line image)" "built by this cx" "the image line"
assert_contains "$(doctor_line credentials)" "$ROLE" "the credentials line"
assert_contains "$(doctor_line egress)" "$BEDROCK_HOST:$BEDROCK_PORT is allowed and reachable" "the egress line"
pass "cx doctor: all 9 checks pass (exit 0): $(doctor_line runtime); $(doctor_line transport); $(doctor_line image)"
doctor_run CX_TRANSPORT=remote
assert_rc 0 "cx doctor with CX_TRANSPORT=remote"
assert_contains "$(doctor_line transport)" "✓ transport: remote: CX_TRANSPORT=remote (the engine runs on this host" "the transport line (remote)"
assert_contains "$(doctor_line transport)" "the broker listens on" "the transport line (remote)"
pass "cx doctor names the forced remote transport: $(doctor_line transport)"

# each_failure CHECK NEEDLE KEY=VALUE...: with those settings, CHECK fails naming NEEDLE, exit 1.
each_failure() {
  local check=$1 needle=$2
  shift 2
  doctor_run "$@"
  assert_rc 1 "cx doctor with $*"
  doctor_line "$check" | grep -q '^✗ ' || fail "cx doctor with $*: [$check] is not ✗: $RUN_OUT"
  assert_contains "$(doctor_line "$check")" "$needle" "the $check line with $*"
  assert_contains "$(doctor_line "$check")" " — fix: " "the $check line with $*"
  pass "$* -> $(doctor_line "$check")"
}
each_failure image "cx build" IMAGE_TAG=localhost/cx-itest-missing:nope
each_failure credentials "trust policy" AWS_IAM_ROLE="$MOTO_DENIED_ROLE_ARN"
each_failure egress "add $BEDROCK_HOST:$BEDROCK_PORT to CX_ALLOW_HOSTS" CX_ALLOW_HOSTS=
each_failure bedrock "CLAUDE_CODE_USE_BEDROCK=1" CLAUDE_CODE_USE_BEDROCK=
doctor_line egress | grep -q '^- egress: not checked' || fail "egress was checked without Bedrock settings"
dead=$(_bedrock_free_port 127.0.0.2) || fail "no free port on 127.0.0.2"
each_failure egress "cannot reach 127.0.0.2:$dead" ANTHROPIC_BEDROCK_BASE_URL="http://127.0.0.2:$dead" \
  CX_ALLOW_HOSTS="127.0.0.2:$dead"
each_failure runtime "" RUNTIME="$TEST_TMP/no/such/podman"
doctor_line transport | grep -q '^- transport: not checked' || fail "the transport was checked without a runtime"
each_failure config ".claude-exec:" CX_ALLOW_HOSTS="'github.com *.internal'"
assert_contains "$(doctor_line config)" 'CX_ALLOW_HOSTS entry "*.internal"' "the config line"
doctor_line image | grep -q '^- image: not checked' || fail "the image was checked without a runtime"

docker_doctor() {
  require_docker
  cx_image_ensure docker
  doctor_run RUNTIME="$CX_TEST_DOCKER"
  assert_rc 0 "cx doctor with docker"
  assert_contains "$(doctor_line runtime)" "✓ runtime: docker " "the docker runtime line"
  assert_contains "$(doctor_line image)" "built by this cx" "the docker image line"
  pass "cx doctor with docker: $(doctor_line runtime)"
}
subtest docker_doctor
rc=$?
[ "$rc" = 0 ] || [ "$rc" = 77 ] || exit "$rc"

rm -f "$cfg"
cx_run_capture "" "$home" doctor
assert_rc 1 "cx doctor without a config"
doctor_line config | grep -q '^✗ config: .* — fix: .*cx init' || fail "no config: $RUN_OUT"
[ "$(grep -c '^- ' <<<"$RUN_OUT")" -ge 5 ] || fail "checks after a missing config should be 'not checked': $RUN_OUT"
pass "no config: ✗ config with the fix, the checks that need it not run (exit 1)"
