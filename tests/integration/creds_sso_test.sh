#!/usr/bin/env bash
# IAM Identity Center (SSO) profiles against a stand-in portal (lib/sso_portal.py, reached through
# AWS_ENDPOINT_URL_SSO) and moto_server with authentication on: the portal's GetRoleCredentials
# answer is a real HopRole session from moto (moto refuses a user key sent with a session token, so
# the user's own keys would not do), and cx assumes ClaudeCode with it. Both profile forms:
# `sso_session` + `[sso-session NAME]` (token cache ~/.aws/sso/cache/sha1(NAME).json) and the legacy
# `sso_start_url` (sha1(URL).json). An expired token gives the hint exactly
# `run: aws sso login --profile P`; a truncated cache file and a token the portal refuses are the
# same kind of error; each exits 1 with one `cx: error:` line and writes nothing to the cache.
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
require_cmd sha1sum
moto_up
creds_hop_role
ROLE_JSON="$TEST_TMP/sso-role.json"
creds_assume_json "$MOTO_HOP_ROLE_ARN" "$ROLE_JSON" 3600 >/dev/null || fail "cannot get a HopRole session from moto"
TOKEN="sso-access-token-$RANDOM$RANDOM"
creds_portal_start "$TOKEN" "$MOTO_ACCOUNT_ID" Developer "$ROLE_JSON"

PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ" && cd "$PROJ" || fail "cannot make $PROJ"
SESSION=corp
START_URL=https://corp-test.awsapps.com/start
LEGACY_URL=https://legacy-test.awsapps.com/start
FUTURE=$(date -u -d '+8 hours' +%Y-%m-%dT%H:%M:%SZ)

# sso_home PROFILE_FORM [KEY=VALUE...]: a HOME with profile "sso" (sso_session form) or "legacy"
# (sso_start_url form), AWS_PROFILE set to it.
sso_home() {
  local form=$1 h
  shift
  h=$(creds_home AWS_PROFILE="$form" "$@")
  if [ "$form" = sso ]; then
    creds_aws_config "$h" "[profile sso]
sso_session = $SESSION
sso_account_id = $MOTO_ACCOUNT_ID
sso_role_name = Developer
region = $MOTO_REGION

[sso-session $SESSION]
sso_start_url = $START_URL
sso_region = $MOTO_REGION
sso_registration_scopes = sso:account:access"
  else
    creds_aws_config "$h" "[profile legacy]
sso_start_url = $LEGACY_URL
sso_region = $MOTO_REGION
sso_account_id = $MOTO_ACCOUNT_ID
sso_role_name = Developer
region = $MOTO_REGION"
  fi
  mkdir -p "$h/.aws/sso/cache"
  echo "$h"
}

# token_file HOME KEY: the path `aws sso login` writes the token of KEY (session name or URL) to.
token_file() {
  echo "$1/.aws/sso/cache/$(printf '%s' "$2" | sha1sum | cut -d' ' -f1).json"
}

# write_token HOME KEY EXPIRES_AT [TOKEN]: a token cache file as `aws sso login` writes it.
write_token() {
  local f
  f=$(token_file "$1" "$2")
  (umask 077 && printf '{"startUrl": "%s", "region": "%s", "accessToken": "%s", "expiresAt": "%s"}\n' \
    "$START_URL" "$MOTO_REGION" "${4:-$TOKEN}" "$3" >"$f")
}

portal_ok() { grep -c "^GET /federation/credentials?account_id=$MOTO_ACCOUNT_ID&role_name=Developer 200 token=ok\$" "$PORTAL_LOG"; }

# expect_sso_error WHAT HOME PROFILE: exit 1, one error, hint exactly `run: aws sso login --profile
# PROFILE`, no secret, nothing cached.
expect_sso_error() {
  local what=$1 h=$2 p=$3
  creds_run "$h" AWS_ENDPOINT_URL_SSO="$PORTAL_ENDPOINT" creds --format json
  assert_rc 1 "$what"
  cx_assert_one_error "$what"
  assert_eq "cx: hint: run: aws sso login --profile $p" "$(grep '^cx: hint: ' <<<"$RUN_ERR")" "$what: hint"
  assert_not_contains "$RUN_ERR" "$TOKEN" "$what: stderr (the SSO access token)"
  creds_assert_no_secret
  [ -z "$RUN_OUT" ] || fail "$what: stdout [$RUN_OUT]"
  local left
  left=$(find "$(creds_cache_dir "$h")" -type f 2>/dev/null)
  [ -z "$left" ] || fail "$what: files written to the cache: $left"
}

# --- sso_session form -------------------------------------------------------------------------------
H=$(sso_home sso)
write_token "$H" "$SESSION" "$FUTURE"
creds_run "$H" AWS_ENDPOINT_URL_SSO="$PORTAL_ENDPOINT" creds --format json
assert_rc 0 "cx creds with an sso_session profile"
[ -z "$RUN_ERR" ] || fail "stderr: [$RUN_ERR]"
creds_assert_issued_for "$(creds_json_field AccessKeyId)" "$MOTO_ROLE_ARN" "AccessKeyId"
assert_eq 1 "$(portal_ok)" "GetRoleCredentials calls with the cached token"
pass "sso_session profile -> portal (token from sha1(\"$SESSION\").json) -> ClaudeCode credentials from moto"

# SSO credentials are a role session: a longer duration is capped (role chaining).
H3=$(sso_home sso AWS_SESSION_DURATION=7200)
write_token "$H3" "$SESSION" "$FUTURE"
creds_run "$H3" AWS_ENDPOINT_URL_SSO="$PORTAL_ENDPOINT" creds --format json
assert_rc 0 "sso profile with AWS_SESSION_DURATION=7200"
assert_eq 1 "$(grep -c '^cx: notice: .*3600' <<<"$RUN_ERR")" "role-chaining notice lines"
left=$(creds_seconds_left "$(creds_json_field Expiration)")
[ "$left" -gt 3300 ] && [ "$left" -le 3600 ] || fail "capped duration from SSO: $left s left"
pass "SSO source + AWS_SESSION_DURATION=7200 -> capped to 3600 with one notice"

# --- legacy sso_start_url form -----------------------------------------------------------------------
HL=$(sso_home legacy)
write_token "$HL" "$LEGACY_URL" "$FUTURE"
creds_run "$HL" AWS_ENDPOINT_URL_SSO="$PORTAL_ENDPOINT" creds --format json
assert_rc 0 "cx creds with a legacy sso_start_url profile"
[ -z "$RUN_ERR" ] || fail "stderr: [$RUN_ERR]"
creds_assert_issued_for "$(creds_json_field AccessKeyId)" "$MOTO_ROLE_ARN" "AccessKeyId (legacy)"
pass "legacy sso_start_url profile -> token from sha1(URL).json -> ClaudeCode credentials"

# --- errors ---------------------------------------------------------------------------------------------
calls=$(grep -c . "$PORTAL_LOG")
H=$(sso_home sso)
write_token "$H" "$SESSION" "2020-01-01T00:00:00Z"
expect_sso_error "expired SSO token" "$H" sso
assert_eq "$calls" "$(grep -c . "$PORTAL_LOG")" "portal requests with an expired token"
pass "expired token -> exit 1, no portal request, $(grep '^cx: error:' <<<"$RUN_ERR")"

H=$(sso_home legacy)
write_token "$H" "$LEGACY_URL" "2020-01-01T00:00:00Z"
expect_sso_error "expired legacy SSO token" "$H" legacy
pass "expired legacy token -> hint names profile legacy"

H=$(sso_home sso)
write_token "$H" "$SESSION" "$FUTURE"
f=$(token_file "$H" "$SESSION")
head -c 40 "$f" >"$f.cut" && mv "$f.cut" "$f"
expect_sso_error "truncated SSO token cache file" "$H" sso
pass "truncated token cache file -> exit 1, $(grep '^cx: error:' <<<"$RUN_ERR")"

H=$(sso_home sso)
expect_sso_error "no SSO token cache file" "$H" sso
pass "no token cache file -> exit 1, $(grep '^cx: error:' <<<"$RUN_ERR")"

H=$(sso_home sso)
write_token "$H" "$SESSION" "$FUTURE" "a-token-the-portal-does-not-know"
expect_sso_error "token refused by the portal" "$H" sso
assert_contains "$(tail -n 1 "$PORTAL_LOG")" "401 token=bad" "the portal's last answer"
pass "token refused by the portal (401) -> exit 1, $(grep '^cx: error:' <<<"$RUN_ERR")"

echo "creds_sso_test: sso_session and legacy profiles via the portal stand-in; expired, truncated, missing, refused tokens"
