#!/usr/bin/env bash
# credential_process against moto_server with authentication on: a helper that prints cx-user's
# keys as Version 1 JSON is the source of the AssumeRole of ClaudeCode. Bad helpers: one that
# prints garbage (the error does not echo what it printed: it may be a secret), one that exits 1
# (the error names the profile, the helper's own stderr passes through), one whose credentials
# have expired; each is one `cx: error:` line, exit 1, and nothing written to the cache.
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
BIN="$TEST_TMP/bin"
mkdir -m 0700 "$BIN"

# A helper that reads the keys from a 0600 file (never from its argv) and prints them.
cat >"$BIN/good-helper" <<EOF
#!/bin/sh
. "$MOTO_CREDS_FILE"
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}\n' "\$AWS_ACCESS_KEY_ID" "\$AWS_SECRET_ACCESS_KEY"
EOF
# Garbage that contains the secret key: an error must not quote it.
cat >"$BIN/garbage-helper" <<EOF
#!/bin/sh
. "$MOTO_CREDS_FILE"
echo "Version=1 key \$AWS_SECRET_ACCESS_KEY this is not JSON {"
EOF
cat >"$BIN/failing-helper" <<'EOF'
#!/bin/sh
echo "failing-helper: the vault is locked (test message)" >&2
exit 1
EOF
cat >"$BIN/expired-helper" <<EOF
#!/bin/sh
. "$MOTO_CREDS_FILE"
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "Expiration": "2020-01-01T00:00:00Z"}\n' "\$AWS_ACCESS_KEY_ID" "\$AWS_SECRET_ACCESS_KEY"
EOF
chmod 0700 "$BIN"/*

# home_for PROFILE HELPER: a HOME whose AWS_PROFILE=PROFILE runs HELPER as its credential_process.
home_for() {
  local h
  h=$(creds_home AWS_PROFILE="$1")
  creds_aws_config "$h" "[profile $1]
credential_process = $BIN/$2
region = $MOTO_REGION"
  echo "$h"
}

# --- a good helper --------------------------------------------------------------------------------
H=$(home_for proc good-helper)
creds_run "$H" creds --format json
assert_rc 0 "cx creds with credential_process"
[ -z "$RUN_ERR" ] || fail "stderr: [$RUN_ERR]"
creds_assert_issued_for "$(creds_json_field AccessKeyId)" "$MOTO_ROLE_ARN" "AccessKeyId"
pass "credential_process printing cx-user's keys -> ClaudeCode credentials from moto ($(creds_json_field AccessKeyId))"

# --- garbage ----------------------------------------------------------------------------------------
H=$(home_for proc-garbage garbage-helper)
creds_run "$H" creds --format json
assert_rc 1 "credential_process printing garbage"
cx_assert_one_error "garbage helper"
assert_contains "$RUN_ERR" '"proc-garbage"' "the error (names the profile)"
assert_not_contains "$RUN_ERR" "not JSON" "the error (must not echo the helper's output)"
creds_assert_no_secret
[ -z "$RUN_OUT" ] || fail "stdout on failure: [$RUN_OUT]"
[ -z "$(creds_cache_files "$H")" ] || fail "cache entries written after a failure: $(creds_cache_files "$H")"
pass "garbage -> exit 1, $(head -n 1 <<<"$RUN_ERR")"

# --- exit 1, with its own stderr ---------------------------------------------------------------------
H=$(home_for proc-fail failing-helper)
creds_run "$H" creds --format json
assert_rc 1 "credential_process exiting 1"
assert_contains "$RUN_ERR" "failing-helper: the vault is locked (test message)" "stderr (the helper's own message passes through)"
helper_lines=$(grep -c '^failing-helper: ' <<<"$RUN_ERR")
assert_eq 1 "$helper_lines" "the helper's stderr line, exactly once"
RUN_ERR=$(grep -v '^failing-helper: ' <<<"$RUN_ERR")
cx_assert_one_error "failing helper (its own line removed)"
assert_contains "$RUN_ERR" '"proc-fail"' "the error (names the profile)"
assert_contains "$RUN_ERR" "exit status 1" "the error"
[ -z "$(creds_cache_files "$H")" ] || fail "cache entries written after a failure"
pass "exit 1 -> exit 1, helper's stderr passed through, $(grep '^cx: error:' <<<"$RUN_ERR")"

# --- expired credentials --------------------------------------------------------------------------------
H=$(home_for proc-expired expired-helper)
creds_run "$H" creds --format json
assert_rc 1 "credential_process printing expired credentials"
cx_assert_one_error "expired helper"
assert_contains "$RUN_ERR" "expired" "the error"
creds_assert_no_secret
[ -z "$(creds_cache_files "$H")" ] || fail "cache entries written after a failure"
pass "expired Expiration -> exit 1, $(head -n 1 <<<"$RUN_ERR")"

echo "creds_process_test: credential_process works against moto; garbage, exit 1, expiry are clear errors"
