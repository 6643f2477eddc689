#!/usr/bin/env bash
# mfa_serial against moto_server with authentication on, with the code typed on a real
# pseudo-terminal (lib/pty_feed.py): cx asks on /dev/tty, does not echo the code, calls
# GetSessionToken (SerialNumber + TokenCode) once, and reuses the cached MFA session on the next
# run without asking. Without a terminal it fails with one clear error. An expired cached MFA
# session is not used: cx asks again (terminal) or fails clearly (no terminal).
#
# moto behaviours this test works around (moto 5.2): GetSessionToken does not check the MFA code
# (any 6 digits pass, and the device need not exist), and it answers with a fixed example key that
# moto's own IAM does not know, so nothing could be signed with it afterwards. So STS is reached
# through lib/throttle_proxy.py, which forwards every request to moto (moto authenticates the
# GetSessionToken signed with cx-user's keys) and replaces only the credentials in moto's
# GetSessionToken answer by a real HopRole session from moto; cx then assumes ClaudeCode with them.
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
command -v setsid >/dev/null 2>&1 || skip "setsid (util-linux) is not installed"
moto_up
creds_hop_role
SESSION_JSON="$TEST_TMP/mfa-session.json"
creds_assume_json "$MOTO_HOP_ROLE_ARN" "$SESSION_JSON" 43200 >/dev/null ||
  fail "cannot get a HopRole session from moto"
creds_proxy_start proxy --session-token-creds "$SESSION_JSON"

PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ" && cd "$PROJ" || fail "cannot make $PROJ"
SERIAL="arn:aws:iam::$MOTO_ACCOUNT_ID:mfa/cx-user"
CODE=864209  # not 123456: that is part of moto's account id, which cx prints

# mfa_home: a HOME with profile "mfa": cx-user's keys and mfa_serial.
mfa_home() {
  local h
  h=$(creds_home AWS_PROFILE=mfa)
  moto_write_aws_credentials "$h" mfa
  creds_aws_config "$h" "mfa_serial = $SERIAL"
  echo "$h"
}

# drop_role_entries HOME: remove every cache entry but the MFA session's, so that the next run
# must assume the role again (and so needs the MFA session).
drop_role_entries() {
  local keep f
  keep=$(creds_mfa_cache_file "$1" mfa "$SERIAL")
  while read -r f; do
    [ -n "$f" ] && [ "$f" != "$keep" ] && rm -f "$f"
  done <<<"$(creds_cache_files "$1")"
}

gst_count() { creds_proxy_count '^GetSessionToken forwarded 200'; }
ar_count() { creds_proxy_count '^AssumeRole forwarded 200$'; }

# assert_success WHAT TRANSCRIPT: the run printed ClaudeCode credentials, with nothing on stderr
# and the code nowhere in the output or on the terminal.
assert_success() {
  assert_rc 0 "$1"
  [ -z "$RUN_ERR" ] || fail "$1: stderr [$RUN_ERR]"
  creds_assert_issued_for "$(creds_json_field AccessKeyId)" "$MOTO_ROLE_ARN" "$1: AccessKeyId"
  assert_not_contains "$RUN_OUT" "$CODE" "$1: stdout"
  assert_not_contains "$(cat "$2")" "$CODE" "$1: what the terminal showed (the code must not be echoed)"
}

H=$(mfa_home)
T="$TEST_TMP/tty1.txt"

# --- first run: asked on the terminal -----------------------------------------------------------------
creds_pty_run "$T" "$H" --expect "Enter MFA code" --send "$CODE\n" -- \
  AWS_ENDPOINT_URL_STS="$PROXY_ENDPOINT" creds --format json
assert_contains "$(cat "$T")" "Enter MFA code for $SERIAL" "the terminal"
assert_success "first run with an MFA code typed on the terminal" "$T"
assert_eq 1 "$(gst_count)" "GetSessionToken calls"
assert_eq 1 "$(creds_proxy_count "^GetSessionToken forwarded 200 SerialNumber=$SERIAL TokenCode=$CODE\$")" \
  "GetSessionToken with SerialNumber and TokenCode as typed"
assert_eq 1 "$(ar_count)" "AssumeRole calls"
MFA_FILE=$(creds_mfa_cache_file "$H" mfa "$SERIAL")
[ -f "$MFA_FILE" ] || fail "no MFA session cache entry $MFA_FILE: $(creds_cache_files "$H")"
assert_eq 600 "$(stat -c %a "$MFA_FILE")" "mode of the MFA session cache entry"
pass "prompt on /dev/tty, code not echoed, one GetSessionToken (SerialNumber, TokenCode), session cached 0600"

# --- second run: the cached MFA session, no prompt -------------------------------------------------------
drop_role_entries "$H"
T="$TEST_TMP/tty2.txt"
creds_pty_run "$T" "$H" -- AWS_ENDPOINT_URL_STS="$PROXY_ENDPOINT" creds --format json
assert_success "second run (cached MFA session)" "$T"
assert_not_contains "$(cat "$T")" "Enter MFA code" "the terminal on the second run"
assert_eq 1 "$(gst_count)" "GetSessionToken calls after the second run"
assert_eq 2 "$(ar_count)" "AssumeRole calls after the second run"
pass "second run: no prompt, no GetSessionToken, the role assumed with the cached MFA session"

# --- no terminal ---------------------------------------------------------------------------------------------
H2=$(mfa_home)
creds_no_tty_run "$H2" AWS_ENDPOINT_URL_STS="$PROXY_ENDPOINT" creds --format json
assert_rc 1 "no terminal, no cached MFA session"
cx_assert_one_error "no terminal"
grep '^cx: error: ' <<<"$RUN_ERR" | grep -qi 'terminal' || fail "the error does not say there is no terminal: [$RUN_ERR]"
creds_assert_no_secret
assert_eq 1 "$(gst_count)" "GetSessionToken calls (none without a code)"
[ -z "$(creds_cache_files "$H2")" ] || fail "cache entries written without a terminal"
pass "no terminal -> exit 1: $(grep '^cx: error:' <<<"$RUN_ERR")"

# --- an expired cached MFA session -----------------------------------------------------------------------------
drop_role_entries "$H"
"$MOTO_PYTHON" - "$MFA_FILE" <<'EOF' || fail "cannot edit $MFA_FILE"
import json, sys
doc = json.load(open(sys.argv[1]))
doc["Expiration"] = "2020-01-01T00:00:00Z"
json.dump(doc, open(sys.argv[1], "w"))
EOF
creds_no_tty_run "$H" AWS_ENDPOINT_URL_STS="$PROXY_ENDPOINT" creds --format json
assert_rc 1 "expired cached MFA session, no terminal"
cx_assert_one_error "expired MFA session, no terminal"
creds_assert_no_secret
assert_eq 1 "$(gst_count)" "GetSessionToken calls"
assert_eq 2 "$(ar_count)" "AssumeRole calls (the expired session must not be used)"
pass "expired MFA session, no terminal -> not used, exit 1: $(grep '^cx: error:' <<<"$RUN_ERR")"

T="$TEST_TMP/tty3.txt"
creds_pty_run "$T" "$H" --expect "Enter MFA code" --send "$CODE\n" -- \
  AWS_ENDPOINT_URL_STS="$PROXY_ENDPOINT" creds --format json
assert_contains "$(cat "$T")" "Enter MFA code" "the terminal (asked again)"
assert_success "expired MFA session, on a terminal" "$T"
assert_eq 2 "$(gst_count)" "GetSessionToken calls after the expired session"
exp=$("$MOTO_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["Expiration"])' "$MFA_FILE")
[ "$(creds_seconds_left "$exp")" -gt 3600 ] || fail "the MFA cache entry was not replaced (Expiration $exp)"
pass "expired MFA session on a terminal -> asked again, a new GetSessionToken, cache entry replaced"

echo "creds_mfa_test: MFA code on a pty, cached MFA session, no terminal, expired session"
