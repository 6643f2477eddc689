#!/usr/bin/env bash
# web_identity_token_file against moto_server with authentication on: the profile's token file is
# exchanged with AssumeRoleWithWebIdentity (an unsigned call) for HopRole credentials, which then
# assume AWS_IAM_ROLE ClaudeCode (role chaining: a 7200 s request is capped to 3600 with a notice).
# A missing token file is one clear error, exit 1, and nothing cached.
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/moto.sh"
. "$here/lib/cx.sh"
. "$here/lib/creds.sh"

creds_require
moto_up
creds_hop_role

PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ" && cd "$PROJ" || fail "cannot make $PROJ"
HOME_DIR=$(creds_home AWS_PROFILE=ci AWS_SESSION_DURATION=7200)
printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.\n' >"$HOME_DIR/oidc-token"
# ClaudeCode trusts HopRole sessions named cx-hop (see lib/creds_fixture.py).
creds_aws_config "$HOME_DIR" "[profile ci]
role_arn = $MOTO_HOP_ROLE_ARN
web_identity_token_file = $HOME_DIR/oidc-token
role_session_name = cx-hop
region = $MOTO_REGION"

# Real STS takes AssumeRoleWithWebIdentity unsigned; moto with authentication on answers an
# unsigned request with HTTP 500. So exactly one request goes unauthenticated: cx's web identity
# call. The AssumeRole that follows is signed and checked.
moto_set_no_auth_count 1
creds_run "$HOME_DIR" creds --format json
assert_rc 0 "cx creds (web identity)"
key=$(creds_json_field AccessKeyId)
creds_assert_issued_for "$key" "$MOTO_ROLE_ARN" "AccessKeyId"
[ -n "$(moto_role_credentials "$MOTO_HOP_ROLE_ARN")" ] || fail "moto issued nothing for $MOTO_HOP_ROLE_ARN"
grep -q '^cx: notice: .*capped to 3600' <<<"$RUN_ERR" || fail "no role-chaining notice: [$RUN_ERR]"
left=$(creds_seconds_left "$(creds_json_field Expiration)")
[ "$left" -le 3600 ] || fail "the duration was not capped: $left s left"
pass "web identity -> HopRole -> ClaudeCode key $key (capped: ${left} s left)"

rm -f "$HOME_DIR/oidc-token"
rm -rf "$(creds_cache_dir "$HOME_DIR")"
creds_run "$HOME_DIR" creds --format json
assert_rc 1 "cx creds with a missing token file"
cx_assert_one_error "missing web identity token file"
assert_contains "$RUN_ERR" "web_identity_token_file" "the error"
[ -z "$(creds_cache_files "$HOME_DIR")" ] || fail "something was cached after a failure"
pass "a missing web identity token file -> one error, exit 1, nothing cached"
