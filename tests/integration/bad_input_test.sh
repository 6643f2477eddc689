#!/usr/bin/env bash
# Bad input gives one clear error and the right exit status: every malformed config line kind
# (named FILE:LINE:COL), a missing config file, an unknown or absent runtime, a missing image, STS
# AccessDenied, an unreachable STS, a wrong secret key, refused settings and CX_MOUNTS entries that
# are missing or go over cx's own mount points, root on a rootful runtime without CX_ALLOW_ROOT=1 exit 125 (a session that could not start); usage
# errors exit 2. Every stderr is only `cx: error:` / `cx: hint:` /
# `cx: warning:` lines (one error), with no crash and no secret.
here=$(dirname "$0")
# shellcheck source=tests/integration/lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=tests/integration/lib/moto.sh
. "$here/lib/moto.sh"
# shellcheck source=tests/integration/lib/cx.sh
. "$here/lib/cx.sh"

require_cx
skipped=()
part() {
  local rc
  subtest "$@"
  rc=$?
  case $rc in
    0) ;;
    77) skipped+=("$1") ;;
    *) exit "$rc" ;;
  esac
}

HOME_DIR=$(new_home)
PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ" && cd "$PROJ" || fail "cannot make $PROJ"

# expect_error RC NEEDLE [VAR=VALUE...] CX-ARGS...: run cx (clean env, HOME_DIR), expect exit RC,
# one `cx: error:` line containing NEEDLE (case-insensitive; empty: any), clean stderr.
expect_error() {
  local rc=$1 needle=$2 what
  shift 2
  cx_run_capture "" "$HOME_DIR" "$@"
  what="cx $*"
  assert_rc "$rc" "$what"
  cx_assert_one_error "$what: stderr"
  if [ -n "$needle" ]; then
    grep -i '^cx: error: ' <<<"$RUN_ERR" | grep -qiF -- "$needle" ||
      fail "$what: the error does not mention [$needle]"
  fi
  [ -z "$RUN_OUT" ] || fail "$what: unexpected stdout"
}

# --- malformed config lines ---------------------------------------------------------------------

config_lines() {
  local file="$TEST_TMP/bad.conf" name line cols n col
  # name|line|acceptable columns (the offending character; some kinds may point at either of two)
  local -a cases=(
    'command substitution|FOO=$(id)|5 6'
    'command substitution in quotes|FOO="x$(id)"|7 8'
    'backticks|FOO=`id`|5'
    'semicolon|FOO=a;b|6'
    'pipe|FOO=a|b|6'
    'array|FOO=(a b)|5'
    'indexed array|FOO[1]=x|4'
    'line without =|just some words|1 6'
    'unterminated double quote|FOO="abc|5'
    'unterminated single quote|FOO='"'"'abc|5'
  )
  local c
  for c in "${cases[@]}"; do
    name=${c%%|*}
    cols=${c##*|}
    line=${c#*|}
    line=${line%|*}
    cx_write_config "$file" IMAGE_TAG="$CX_TEST_IMAGE_PODMAN"
    printf '%s\n' "$line" >>"$file"
    n=$(wc -l <"$file")
    cx_run_capture "" "$HOME_DIR" ENV_FILE="$file" shell -- true
    assert_rc 125 "config with $name"
    cx_assert_one_error "config with $name"
    col=$(sed -n "s|^cx: error: $file:$n:\([0-9]*\): .*|\1|p" <<<"$RUN_ERR")
    [ -n "$col" ] || fail "config with $name: the error does not name $file:$n:COL: [$RUN_ERR]"
    [[ " $cols " == *" $col "* ]] || fail "config with $name [$line]: column $col, expected one of: $cols"
    pass "$name [$line] -> 125, $(head -n 1 <<<"$RUN_ERR")"
  done
}
part config_lines

# --- config content and files -----------------------------------------------------------------------

config_files() {
  local file="$TEST_TMP/c.conf"
  expect_error 125 "$TEST_TMP/nonexistent.conf" ENV_FILE="$TEST_TMP/nonexistent.conf" shell -- true
  pass "missing ENV_FILE -> 125"
  expect_error 125 ".claude-exec" shell -- true
  pass "no ~/.claude-exec -> 125 ($(head -n 1 <<<"$RUN_ERR"))"
  expect_error 125 ".claude-exec" 
  pass "bare cx with no config -> 125"

  cx_write_config "$file" RUNTIME=rkt
  expect_error 125 "rkt" ENV_FILE="$file" shell -- true
  pass "RUNTIME=rkt -> 125"
  cx_write_config "$file" RUNTIME="$TEST_TMP/no/such/podman"
  expect_error 125 "$TEST_TMP/no/such/podman" ENV_FILE="$file" shell -- true
  pass "RUNTIME=/missing/path/podman -> 125"
  mkdir -p "$TEST_TMP/emptybin"
  cx_write_config "$file" RUNTIME=podman
  expect_error 125 "podman" ENV_FILE="$file" PATH="$TEST_TMP/emptybin" shell -- true
  pass "RUNTIME=podman not on PATH -> 125"

  cx_write_config "$file" AWS_IAM_ROLE=arn:aws:iam::12345:role/x
  expect_error 125 "AWS_IAM_ROLE" ENV_FILE="$file" shell -- true
  pass "malformed AWS_IAM_ROLE -> 125"
  cx_write_config "$file" AWS_IAM_ROLE=
  expect_error 125 "AWS_IAM_ROLE" ENV_FILE="$file" shell -- true
  pass "missing AWS_IAM_ROLE -> 125"
  cx_write_config "$file" AWS_SESSION_DURATION=50000
  expect_error 125 "AWS_SESSION_DURATION" ENV_FILE="$file" shell -- true
  pass "AWS_SESSION_DURATION=50000 -> 125"
  cx_write_config "$file" AWS_SECRET_ACCESS_KEY=placeholderplaceholder
  expect_error 125 "AWS_SECRET_ACCESS_KEY" ENV_FILE="$file" shell -- true
  assert_not_contains "$RUN_ERR" placeholderplaceholder "stderr"
  pass "AWS_SECRET_ACCESS_KEY in the config -> 125, value not echoed"
  cx_write_config "$file" CX_NETWROK=open
  expect_error 125 "CX_NETWROK" ENV_FILE="$file" shell -- true
  assert_contains "$RUN_ERR" "CX_NETWORK" "suggestion for CX_NETWROK"
  pass "unknown CX_NETWROK -> 125, suggests CX_NETWORK"

  # A malformed egress allowlist entry stops the session before anything starts.
  cx_write_config "$file" CX_NETWORK= "CX_ALLOW_HOSTS=example.com:99999"
  expect_error 125 "example.com:99999" ENV_FILE="$file" shell -- true
  pass "CX_ALLOW_HOSTS entry with a bad port -> 125"
}
part config_files

# --- image and STS (need podman for the runtime and moto for STS) -------------------------------

sts_and_image() {
  require_podman
  moto_up
  local file="$TEST_TMP/s.conf" secret
  secret=$(moto_key AWS_SECRET_ACCESS_KEY)
  moto_write_aws_credentials "$HOME_DIR"

  # CX_MOUNTS: a missing host path, and container paths cx mounts itself.
  mkdir -p "$TEST_TMP/data"
  cx_write_config "$file" IMAGE_TAG="$CX_TEST_IMAGE_PODMAN" "CX_MOUNTS=$TEST_TMP/nope:/data"
  expect_error 125 "$TEST_TMP/nope" ENV_FILE="$file" shell -- true
  pass "CX_MOUNTS with a missing host path -> 125"
  local target
  for target in /src /src/ /run/cx /run/cx/token /home/claude/.claude; do
    cx_write_config "$file" IMAGE_TAG="$CX_TEST_IMAGE_PODMAN" "CX_MOUNTS=$TEST_TMP/data:$target"
    expect_error 125 "mounts over $target" ENV_FILE="$file" shell -- true
    pass "CX_MOUNTS over $target -> 125 ($(grep '^cx: error: ' <<<"$RUN_ERR"))"
  done

  # Never mounted, --allow-home or not: a runtime's socket, cx's own cache and state.
  mkdir -p "$HOME_DIR/.local/state/cx" "$HOME_DIR/.cache/cx"
  local host
  for host in /var/run/docker.sock /run "$HOME_DIR/.local/state/cx" "$HOME_DIR/.cache"; do
    [ -e "$host" ] || continue
    cx_write_config "$file" IMAGE_TAG="$CX_TEST_IMAGE_PODMAN" "CX_MOUNTS=$host:/data"
    expect_error 125 "refusing to mount" ENV_FILE="$file" shell --allow-home -- true
    pass "CX_MOUNTS of $host -> 125 even with --allow-home ($(grep '^cx: error: ' <<<"$RUN_ERR"))"
  done

  cx_write_config "$file" IMAGE_TAG=localhost/cx-itest-missing:nope
  expect_error 125 "localhost/cx-itest-missing:nope" ENV_FILE="$file" shell -- true
  grep -q '^cx: hint: .*cx build' <<<"$RUN_ERR" || fail "missing image: no hint with cx build: [$RUN_ERR]"
  pass "missing image -> 125, hint cx build"

  # With cached credentials nothing is asked before the container starts, so cx leaves the image
  # check to the runtime (--pull=never): the runtime's own line, then cx's error and hint, 125,
  # nothing pulled, nothing left.
  cx_run_capture "" "$HOME_DIR" ENV_FILE="$file" creds --format env
  assert_rc 0 "cx creds (fills the credential cache)"
  cx_run_capture "" "$HOME_DIR" ENV_FILE="$file" shell -- true
  assert_rc 125 "missing image, cached credentials"
  [ "$(grep -c '^cx: error: ' <<<"$RUN_ERR")" = 1 ] || fail "missing image, cached: not one cx: error line: [$RUN_ERR]"
  assert_contains "$RUN_ERR" "cx: error: image localhost/cx-itest-missing:nope not found in podman" "missing image, cached"
  assert_contains "$RUN_ERR" "cx: hint: build it: cx build" "missing image, cached"
  [ "$(grep -vc '^cx: ' <<<"$RUN_ERR")" -le 1 ] || fail "missing image, cached: more than the runtime's one line: [$RUN_ERR]"
  [ -z "$(podman ps -a --filter label=cx.session --filter "label=cx.project=$PWD" --format '{{.Names}}')" ] ||
    fail "missing image, cached: a container was left"
  podman image exists localhost/cx-itest-missing:nope && fail "missing image, cached: the runtime pulled an image"
  pass "missing image with cached credentials -> the runtime's line, cx's error and hint, 125"
  rm -rf "$HOME_DIR/.cache/cx"  # the cases below need STS to be asked

  # An image that exists, so that STS is what fails.
  cx_write_config "$file" IMAGE_TAG="$CX_TEST_IMAGE_PODMAN" AWS_IAM_ROLE="$MOTO_DENIED_ROLE_ARN"
  expect_error 125 "$MOTO_DENIED_ROLE_ARN" ENV_FILE="$file" shell -- true
  assert_contains "$RUN_ERR" "trust policy" "AccessDenied error and hint"
  assert_not_contains "$RUN_ERR" "$secret" "AccessDenied stderr"
  pass "STS AccessDenied -> 125, mentions the trust policy"

  cx_write_config "$file" IMAGE_TAG="$CX_TEST_IMAGE_PODMAN"
  local t0=$SECONDS
  expect_error 125 "" ENV_FILE="$file" AWS_ENDPOINT_URL_STS=http://127.0.0.1:1 shell -- true
  [ $((SECONDS - t0)) -le 90 ] || fail "unreachable STS took $((SECONDS - t0)) s to fail"
  pass "unreachable STS -> 125 in $((SECONDS - t0)) s ($(head -n 1 <<<"$RUN_ERR"))"

  local wrong="$TEST_TMP/wrong-home"
  mkdir -m 0700 "$wrong"
  moto_write_aws_credentials "$wrong"
  sed -i "s|^aws_secret_access_key = .*|aws_secret_access_key = ${secret%????}WXYZ|" "$wrong/.aws/credentials"
  cx_run_capture "" "$wrong" ENV_FILE="$file" shell -- true
  assert_rc 125 "wrong secret key"
  cx_assert_one_error "wrong secret key"
  assert_not_contains "$RUN_ERR" "${secret%????}" "wrong-secret stderr"
  pass "wrong secret key -> 125 ($(head -n 1 <<<"$RUN_ERR"))"

  # A profile that does not exist.
  expect_error 125 "nosuchprofile" ENV_FILE="$file" AWS_PROFILE=nosuchprofile shell -- true
  pass "unknown AWS_PROFILE -> 125"

  # Root on a rootful podman, without the opt-in: the agent would be host root in /src.
  if [ "$(id -u)" = 0 ]; then
    cx_write_config "$file" IMAGE_TAG="$CX_TEST_IMAGE_PODMAN" CX_ALLOW_ROOT=
    expect_error 125 "running as root" ENV_FILE="$file" shell -- true
    grep -q '^cx: hint: .*CX_ALLOW_ROOT=1' <<<"$RUN_ERR" || fail "root refusal: no hint naming CX_ALLOW_ROOT=1: [$RUN_ERR]"
    cx_assert_no_containers_left podman "$PROJ"
    pass "root on rootful podman without CX_ALLOW_ROOT=1 -> 125, nothing started"
  fi
}
part sts_and_image

# --- usage errors -------------------------------------------------------------------------------------

usage() {
  local -a cmds=("run --network wide" "build --fast" "run --persist nowhere" "creds --format xml"
    "symlink a b" "shell --network" "unlink --bogus")
  local c
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    expect_error 2 "" $c
    pass "cx $c -> 2 ($(head -n 1 <<<"$RUN_ERR"))"
  done
}
part usage

if [ ${#skipped[@]} -gt 0 ]; then
  skip "parts skipped: ${skipped[*]} (reasons above)"
fi
echo "bad_input_test: all cases give one error line and the right exit status"
