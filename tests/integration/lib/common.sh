# shellcheck shell=bash
# Helpers every integration test sources first:
#   . "$(dirname "$0")/lib/common.sh"
# ctest runs each test with bash and treats exit 77 as "skipped". A skip always
# prints its reason, so a missing tool is never mistaken for a pass.
#
# Sets: TEST_NAME, TEST_TMP (a per-test temp dir, removed on exit unless
# CX_KEEP_TMP=1), CX_SOURCE_DIR, CX_BIN (when ctest did not).

set -uo pipefail

TEST_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
CX_SOURCE_DIR=${CX_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
CX_BIN=${CX_BIN:-$CX_SOURCE_DIR/build/cx}
export CX_SOURCE_DIR CX_BIN

# Outside scripts/test (e.g. a bare `ctest`), reuse what the last run of
# scripts/test-env.sh recorded, so the same skips and paths apply.
if [ -z "${CX_TEST_ENV:-}" ] && [ -r /var/tmp/cx-test/env.sh ]; then
  # shellcheck disable=SC1091
  . /var/tmp/cx-test/env.sh
  # That file names the containers.conf of whichever checkout wrote it; use this one's.
  [ -r "$CX_SOURCE_DIR/tests/containers.conf" ] && CONTAINERS_CONF=$CX_SOURCE_DIR/tests/containers.conf
fi

# --- exit handling ---------------------------------------------------------

_cx_exit_hooks=()

# on_exit CMD: run CMD (a string, eval'ed) when the test exits; last added runs first.
on_exit() {
  _cx_exit_hooks+=("$1")
}

_cx_run_exit_hooks() {
  local rc=$? i
  for ((i = ${#_cx_exit_hooks[@]} - 1; i >= 0; i--)); do
    eval "${_cx_exit_hooks[$i]}" || true
  done
  if [ "${_cx_in_subtest:-0}" != 1 ] && [ -n "${TEST_TMP:-}" ] && [ -d "$TEST_TMP" ]; then
    if [ "${CX_KEEP_TMP:-0}" = 1 ]; then
      echo "note: kept $TEST_TMP" >&2
    else
      rm -rf "$TEST_TMP"
    fi
  fi
  exit "$rc"
}
trap _cx_run_exit_hooks EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 0711 so that an unprivileged test user can reach the homes made inside it.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cx-$TEST_NAME.XXXXXX")
chmod 0711 "$TEST_TMP"
export TEST_TMP

# subtest FUNC [ARGS...]: run FUNC in a subshell with its own on_exit hooks, so that a skip or
# fail inside it ends only FUNC; returns FUNC's exit status (77 = it skipped).
subtest() {
  (
    _cx_exit_hooks=()
    _cx_in_subtest=1
    trap _cx_run_exit_hooks EXIT
    "$@"
  )
}

# subtests_each REASON PART...: run each PART (a function and its arguments, split on spaces) as a
# subtest; the test fails if one failed, and skips with REASON if every one skipped (each skip
# prints its own reason).
subtests_each() {
  local reason=$1 part ran=0 failed=0
  shift
  for part in "$@"; do
    # shellcheck disable=SC2086
    subtest $part
    case $? in
      0) ran=1 ;;
      77) echo "note: ${part%% *} skipped (reason above)" ;;
      *) failed=1 ;;
    esac
  done
  [ "$failed" = 0 ] || exit 1
  [ "$ran" = 1 ] || skip "$reason"
}

# --- outcomes --------------------------------------------------------------

# skip REASON...: print "SKIP: REASON" and end the test as skipped (exit 77).
skip() {
  echo "SKIP: $*"
  exit 77
}

# fail MSG...: print "FAIL: MSG" (plus the last run_capture's output) and exit 1.
fail() {
  echo "FAIL: $*" >&2
  if [ -n "${RUN_CMD:-}" ]; then
    {
      echo "--- last command: $RUN_CMD (exit $RUN_RC)"
      echo "--- stdout:"
      printf '%s\n' "$RUN_OUT"
      echo "--- stderr:"
      printf '%s\n' "$RUN_ERR"
    } >&2
  fi
  exit 1
}

# wait_gone PID SECONDS [WHAT]: until process PID no longer exists; fails after SECONDS, naming
# WHAT (default "process PID").
wait_gone() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  fail "${3:-process $1} still runs $2 s later"
}

# pass MSG...: print "ok: MSG" (a progress line for the test log).
pass() {
  echo "ok: $*"
}

# --- assertions --------------------------------------------------------------

# assert_eq EXPECTED ACTUAL [WHAT]: fail unless the two strings are equal.
assert_eq() {
  [ "$1" = "$2" ] || fail "${3:-value}: expected [$1], got [$2]"
}

# assert_contains HAYSTACK NEEDLE [WHAT]: fail unless HAYSTACK contains NEEDLE.
assert_contains() {
  case "$1" in
    *"$2"*) ;;
    *) fail "${3:-output} does not contain [$2]: [$1]" ;;
  esac
}

# assert_not_contains HAYSTACK NEEDLE [WHAT]: fail if HAYSTACK contains NEEDLE.
assert_not_contains() {
  case "$1" in
    *"$2"*) fail "${3:-output} contains [$2]: [$1]" ;;
    *) ;;
  esac
}

# assert_rc EXPECTED [WHAT]: fail unless the last run_capture exited with EXPECTED.
assert_rc() {
  [ "${RUN_RC:-}" = "$1" ] || fail "${2:-exit status}: expected $1, got ${RUN_RC:-none}"
}

# --- running commands --------------------------------------------------------

# run_capture CMD [ARGS...]: run CMD without failing the test; sets RUN_OUT,
# RUN_ERR (trailing newlines stripped), RUN_RC and RUN_CMD.
run_capture() {
  local out="$TEST_TMP/.run.out" err="$TEST_TMP/.run.err"
  RUN_CMD="$*"
  if "$@" >"$out" 2>"$err" </dev/null; then RUN_RC=0; else RUN_RC=$?; fi
  RUN_OUT=$(cat "$out")
  RUN_ERR=$(cat "$err")
}

# run_as_user USER [VAR=VALUE...] CMD [ARGS...]: run CMD as USER (via runuser)
# with a clean environment: HOME, USER, LOGNAME, SHELL, PATH, LANG, plus the
# VAR=VALUE words given. Runs in the current directory, which USER must be able to enter.
run_as_user() {
  local user=$1
  shift
  local home
  home=$(getent passwd "$user" | cut -d: -f6) || fail "no such user: $user"
  local uid
  uid=$(id -u "$user")
  local -a vars=("HOME=$home" "USER=$user" "LOGNAME=$user" "SHELL=/bin/bash"
    "PATH=/usr/local/bin:/usr/bin:/bin" "LANG=C.UTF-8")
  [ -d "/run/user/$uid" ] && vars+=("XDG_RUNTIME_DIR=/run/user/$uid")
  while [ $# -gt 0 ] && [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
    vars+=("$1")
    shift
  done
  [ $# -gt 0 ] || fail "run_as_user: no command"
  runuser -u "$user" -- env -i "${vars[@]}" "$@"
}

# --- environment -------------------------------------------------------------

# require_cmd CMD...: skip unless every CMD is on PATH.
require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
  done
}

# require_cx: fail unless the cx binary under test exists (a missing build is a failure).
require_cx() {
  [ -x "$CX_BIN" ] || fail "cx binary not found at $CX_BIN (build first)"
}

_cx_require_env() {
  [ -n "${CX_TEST_ENV:-}" ] ||
    skip "test environment not set up (run scripts/test, or source scripts/test-env.sh)"
}

# require_podman: skip unless rootful podman and its base image are ready (CX_SKIP_PODMAN unset).
require_podman() {
  _cx_require_env
  [ -z "${CX_SKIP_PODMAN:-}" ] || skip "podman: $CX_SKIP_PODMAN"
  [ -n "${CONTAINERS_CONF:-}" ] || skip "podman: CONTAINERS_CONF is not set"
}

# require_rootless_podman: skip unless CX_TEST_USER can run podman with the base image.
require_rootless_podman() {
  require_podman
  require_test_user
  [ -z "${CX_SKIP_ROOTLESS_PODMAN:-}" ] || skip "rootless podman: $CX_SKIP_ROOTLESS_PODMAN"
}

# require_docker: skip unless a docker daemon answers CX_TEST_DOCKER and has the base image.
require_docker() {
  _cx_require_env
  [ -z "${CX_SKIP_DOCKER:-}" ] || skip "docker: $CX_SKIP_DOCKER"
  [ -n "${CX_TEST_DOCKER:-}" ] || skip "docker: CX_TEST_DOCKER is not set"
}

# require_test_user: skip unless the unprivileged user CX_TEST_USER exists.
require_test_user() {
  _cx_require_env
  [ -z "${CX_SKIP_USER:-}" ] || skip "test user: $CX_SKIP_USER"
  [ -n "${CX_TEST_USER:-}" ] || skip "test user: CX_TEST_USER is not set"
  [ "$(id -u)" = 0 ] || skip "running as a test user needs root"
}

# new_home [USER]: create an empty HOME (mode 0700, owned by USER if given) and print its path.
new_home() {
  local h
  h=$(mktemp -d "$TEST_TMP/home.XXXXXX")
  chmod 0700 "$h"
  if [ -n "${1:-}" ]; then
    chown "$1:" "$h"
  fi
  echo "$h"
}

# free_port: print a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  local port low
  # Below the kernel's ephemeral range: a port there can be taken by any outgoing connection
  # between this check and the bind, which is exactly when a busy test machine makes them.
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 12000 ] 2>/dev/null || low=32768
  for _ in $(seq 1 50); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  fail "no free TCP port found"
}

# wait_for_port PORT [HOST] [SECONDS]: wait until HOST:PORT accepts TCP connections (default 127.0.0.1, 30 s).
wait_for_port() {
  local port=$1 host=${2:-127.0.0.1} secs=${3:-30} i
  for ((i = 0; i < secs * 10; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
