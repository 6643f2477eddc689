#!/usr/bin/env bash
# The assumed-role cache against moto_server with authentication on: a second `cx creds` makes no
# STS call (requests counted at moto); CX_CACHE=0 makes one each time and writes nothing; the cache
# directory is 0700 and the entry 0600; a corrupt entry, one readable by others (0644) and one owned
# by another user are ignored, never trusted: a call is made and the entry replaced; nothing is
# written when STS refuses (AccessDenied on the Denied role).
here=$(dirname "$0")
# shellcheck source=tests/integration/lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=tests/integration/lib/moto.sh
. "$here/lib/moto.sh"
# shellcheck source=tests/integration/lib/cx.sh
. "$here/lib/cx.sh"
# shellcheck source=tests/integration/lib/creds.sh
. "$here/lib/creds.sh"

creds_require
moto_up

PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ" && cd "$PROJ" || fail "cannot make $PROJ"
H=$(creds_home)
moto_write_aws_credentials "$H"
CACHE=$(creds_cache_dir "$H")

# run_counted WHAT [VAR=VALUE...]: cx creds --format json; sets CALLS (AWS requests moto served
# during the run) and KEY; fails unless it succeeded with a key moto issued for ClaudeCode.
run_counted() {
  local what=$1 before
  shift
  before=$(moto_request_count)
  creds_run "$H" "$@" creds --format json
  assert_rc 0 "$what"
  [ -z "$RUN_ERR" ] || fail "$what: stderr [$RUN_ERR]"
  CALLS=$(($(moto_request_count) - before))
  KEY=$(creds_json_field AccessKeyId)
  creds_assert_issued_for "$KEY" "$MOTO_ROLE_ARN" "$what: AccessKeyId"
}

# the_entry: print the single cache entry, failing unless there is exactly one.
the_entry() {
  local files n
  files=$(creds_cache_files "$H")
  n=$(grep -c . <<<"$files")
  [ "$n" = 1 ] || fail "expected one cache entry, found $n: [$files]"
  echo "$files"
}

# assert_valid_entry FILE KEY: FILE is a 0600 entry of ours holding KEY.
assert_valid_entry() {
  assert_eq "600 $(id -u)" "$(stat -c '%a %u' "$1")" "mode and owner of $1"
  local k
  k=$("$MOTO_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKeyId"])' "$1" 2>/dev/null)
  assert_eq "$2" "$k" "AccessKeyId in the cache entry"
}

# --- first and second run ----------------------------------------------------------------------------
run_counted "first cx creds"
assert_eq 1 "$CALLS" "STS requests of the first run"
first=$KEY
entry=$(the_entry)
assert_eq 700 "$(stat -c %a "$CACHE")" "mode of $CACHE"
assert_valid_entry "$entry" "$first"
pass "first run: 1 AssumeRole, cache dir 0700, entry 0600 ($(basename "$entry"))"

run_counted "second cx creds"
assert_eq 0 "$CALLS" "STS requests of the second run"
assert_eq "$first" "$KEY" "AccessKeyId of the second run"
pass "second run: no STS request, same credentials from the cache"

# --- CX_CACHE=0 ----------------------------------------------------------------------------------------
# CX_CACHE is a config key (docs/contract.md §Keys), read from the file, not from the environment.
cx_write_config "$H/nocache.conf" RUNTIME=podman IMAGE_TAG=x CX_CACHE=0
sum=$(sha256sum "$entry")
run_counted "CX_CACHE=0 run 1" ENV_FILE="$H/nocache.conf"
assert_eq 1 "$CALLS" "STS requests with CX_CACHE=0 (1)"
k1=$KEY
run_counted "CX_CACHE=0 run 2" ENV_FILE="$H/nocache.conf"
assert_eq 1 "$CALLS" "STS requests with CX_CACHE=0 (2)"
[ "$k1" != "$KEY" ] && [ "$k1" != "$first" ] || fail "CX_CACHE=0 returned a reused key"
assert_eq "$sum" "$(sha256sum "$entry")" "cache entry after CX_CACHE=0 runs (must be untouched)"
assert_eq 1 "$(creds_cache_files "$H" | grep -c .)" "cache entries after CX_CACHE=0 runs"
pass "CX_CACHE=0: one AssumeRole per run, cache untouched"

# --- entries that must not be trusted -------------------------------------------------------------------
# expect_replaced WHAT: the next run makes one call, and the entry is again a valid one of ours.
expect_replaced() {
  run_counted "$1"
  assert_eq 1 "$CALLS" "STS requests with $1"
  [ "$KEY" != "$first" ] || fail "$1: the old cached key was used"
  assert_valid_entry "$(the_entry)" "$KEY"
  first=$KEY
}

printf 'garbage{{{ not json\n' >"$entry"
expect_replaced "a corrupt cache entry"
pass "corrupt entry -> ignored, one AssumeRole, replaced by a valid 0600 entry"

: >"$entry"
expect_replaced "an empty cache entry"
pass "empty entry -> ignored and replaced"

# A well-formed entry with another key, readable by others: it must not be used.
"$MOTO_PYTHON" - "$entry" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["AccessKeyId"] = "ASIAPLANTEDBYOTHERS0"
json.dump(doc, open(sys.argv[1], "w"))
EOF
chmod 0644 "$entry"
expect_replaced "a 0644 cache entry"
[ "$KEY" != ASIAPLANTEDBYOTHERS0 ] || fail "the 0644 entry was trusted"
pass "0644 entry (well-formed, planted key) -> ignored, one AssumeRole, replaced by a 0600 entry"

if [ "$(id -u)" = 0 ] && [ -n "${CX_TEST_USER:-}" ] && id "$CX_TEST_USER" >/dev/null 2>&1; then
  "$MOTO_PYTHON" - "$entry" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["AccessKeyId"] = "ASIAPLANTEDBYCXTEST0"
json.dump(doc, open(sys.argv[1], "w"))
EOF
  chmod 0600 "$entry"
  chown "$CX_TEST_USER:" "$entry"
  expect_replaced "a cache entry owned by $CX_TEST_USER"
  [ "$KEY" != ASIAPLANTEDBYCXTEST0 ] || fail "the foreign-owned entry was trusted"
  pass "entry owned by $CX_TEST_USER (0600, well-formed) -> ignored, one AssumeRole, replaced by our own"

  # A cache directory that others may write into is not trusted either.
  chmod 0777 "$CACHE"
  expect_replaced "a 0777 cache directory"
  assert_eq 700 "$(stat -c %a "$CACHE")" "mode of $CACHE after a run"
  pass "0777 cache directory -> not trusted (one AssumeRole), made 0700 again"
else
  echo "note: not root or no CX_TEST_USER: the foreign-owner case is not run"
fi

# --- nothing cached when STS fails ----------------------------------------------------------------------
H2=$(creds_home AWS_IAM_ROLE="$MOTO_DENIED_ROLE_ARN")
moto_write_aws_credentials "$H2"
creds_run "$H2" creds --format json
assert_rc 1 "cx creds for the Denied role"
cx_assert_one_error "AccessDenied"
assert_contains "$RUN_ERR" "$MOTO_DENIED_ROLE_ARN" "the AccessDenied error"
creds_assert_no_secret
left=$(find "$(creds_cache_dir "$H2")" -type f 2>/dev/null)
[ -z "$left" ] || fail "files written to the cache when STS failed: $left"
pass "AccessDenied -> exit 1, nothing written to the cache ($(head -n 1 <<<"$RUN_ERR"))"

echo "creds_cache_test: reuse, CX_CACHE=0, permissions, untrusted entries, no entry on failure"
