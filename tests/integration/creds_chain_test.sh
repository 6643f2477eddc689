#!/usr/bin/env bash
# A two-hop role chain against moto_server with authentication on: cx-user's static keys (profile
# base) -> HopRole (profile hop: role_arn + source_profile) -> AWS_IAM_ROLE ClaudeCode. `cx creds`
# prints ClaudeCode credentials that moto issued, in the json, env and process shapes; the process
# shape is accepted by the AWS CLI as credential_process output. The role-chaining cap:
# AWS_SESSION_DURATION=7200 through a role hop becomes 3600 with one notice, while from plain user
# keys 7200 is kept.
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
creds_hop_role

PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ" && cd "$PROJ" || fail "cannot make $PROJ"
HOME_DIR=$(creds_home AWS_PROFILE=hop)
creds_user_keys_profile "$HOME_DIR" base
creds_aws_config "$HOME_DIR" "[profile hop]
role_arn = $MOTO_HOP_ROLE_ARN
source_profile = base
region = $MOTO_REGION"

# --- json: the chain works, and the key is one moto issued for ClaudeCode ---------------------------
creds_run "$HOME_DIR" creds --format json
assert_rc 0 "cx creds --format json (two-hop chain)"
[ -z "$RUN_ERR" ] || fail "cx creds printed on stderr: [$RUN_ERR]"
key=$(creds_json_field AccessKeyId)
secret=$(creds_json_field SecretAccessKey)
token=$(creds_json_field SessionToken)
expiration=$(creds_json_field Expiration)
creds_assert_issued_for "$key" "$MOTO_ROLE_ARN" "json AccessKeyId"
[ -n "$(moto_role_credentials "$MOTO_HOP_ROLE_ARN")" ] || fail "moto issued nothing for $MOTO_HOP_ROLE_ARN: the hop was skipped"
match=$(moto_role_credentials "$MOTO_ROLE_ARN" | awk -v k="$key" '$1 == k { print $2 " " $3 }')
[ "$match" = "$secret $token" ] || fail "SecretAccessKey/SessionToken differ from what moto issued for $key"
left=$(creds_seconds_left "$expiration")
[ "$left" -gt 3300 ] && [ "$left" -le 3600 ] || fail "default duration: $left s left, expected about 3600 ($expiration)"
pass "two-hop chain -> ClaudeCode key $key issued by moto, secret and token match, ${left} s left"

# --- env ----------------------------------------------------------------------------------------------
creds_run "$HOME_DIR" creds --format env
assert_rc 0 "cx creds --format env"
for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_REGION; do
  grep -q "^export $v=" <<<"$RUN_OUT" || fail "env format has no 'export $v=' line"
done
bad=$(grep -v '^export AWS_[A-Z_]*=' <<<"$RUN_OUT")
[ -z "$bad" ] || fail "env format has other lines: [$bad]"
# The lines are shell: evaluate them in a clean shell and read the values back.
got=$(env -i bash -c "$RUN_OUT"'
printf "%s\n" "$AWS_ACCESS_KEY_ID" "$AWS_REGION" "$AWS_CREDENTIAL_EXPIRATION"
[ "$AWS_SECRET_ACCESS_KEY" = "$1" ] && [ "$AWS_SESSION_TOKEN" = "$2" ] && echo same' _ "$secret" "$token")
assert_eq "$key
$MOTO_REGION
$expiration
same" "$got" "env format evaluated by bash (key, region, expiration, secret+token)"
pass "env format: export lines that bash evaluates to the same credentials (second run: from the cache)"

# --- process: valid credential_process output for the AWS CLI -------------------------------------------
creds_run "$HOME_DIR" creds --format process
assert_rc 0 "cx creds --format process"
version=$(creds_json_field Version)
assert_eq 1 "$version" "process format Version"
assert_eq "$key" "$(creds_json_field AccessKeyId)" "process AccessKeyId"
assert_eq "$expiration" "$(creds_json_field Expiration)" "process Expiration"
printf '%s\n' "$RUN_OUT" >"$TEST_TMP/process.json"
chmod 0600 "$TEST_TMP/process.json"
printf '[profile fromcx]\ncredential_process = cat %s\nregion = %s\n' "$TEST_TMP/process.json" \
  "$MOTO_REGION" >"$TEST_TMP/cli-config"
if command -v aws >/dev/null 2>&1; then
  run_capture env -i PATH="$PATH" HOME="$TEST_TMP" AWS_CONFIG_FILE="$TEST_TMP/cli-config" \
    AWS_SHARED_CREDENTIALS_FILE=/dev/null aws sts get-caller-identity --profile fromcx \
    --endpoint-url "$MOTO_ENDPOINT" --query Arn --output text
  assert_rc 0 "aws sts get-caller-identity with credential_process = cat (cx creds --format process)"
  assert_contains "$RUN_OUT" ":assumed-role/ClaudeCode/" "caller identity seen by the AWS CLI"
  pass "the AWS CLI ($(aws --version 2>&1 | cut -d' ' -f1)) signs with the process output: $RUN_OUT"
else
  echo "note: no aws CLI; checking the process output with boto3 instead"
fi
run_capture env -i PATH="$PATH" HOME="$TEST_TMP" AWS_CONFIG_FILE="$TEST_TMP/cli-config" \
  AWS_SHARED_CREDENTIALS_FILE=/dev/null "$MOTO_PYTHON" "$CREDS_FIXTURE" caller "$MOTO_ENDPOINT" fromcx
assert_rc 0 "boto3 get_caller_identity with credential_process = cat (cx creds --format process)"
assert_contains "$RUN_OUT" ":assumed-role/ClaudeCode/" "caller identity seen by boto3"
pass "boto3 accepts the process output as credential_process and moto accepts its signature"

# --- the role-chaining cap ------------------------------------------------------------------------------
cx_write_config "$HOME_DIR/.claude-exec" RUNTIME=podman IMAGE_TAG=x AWS_PROFILE=hop AWS_SESSION_DURATION=7200 CX_CACHE=0
creds_run "$HOME_DIR" creds --format json
assert_rc 0 "AWS_SESSION_DURATION=7200 through a role hop"
n=$(grep -c '^cx: notice: ' <<<"$RUN_ERR")
assert_eq 1 "$n" "notice lines for the capped duration"
assert_contains "$RUN_ERR" "3600" "the notice"
other=$(grep -v '^cx: notice: ' <<<"$RUN_ERR")
[ -z "$other" ] || fail "stderr has more than the notice: [$other]"
capkey=$(creds_json_field AccessKeyId)
creds_assert_issued_for "$capkey" "$MOTO_ROLE_ARN" "capped AccessKeyId"
left=$(creds_seconds_left "$(creds_json_field Expiration)")
[ "$left" -gt 3300 ] && [ "$left" -le 3600 ] || fail "capped duration: $left s left, expected about 3600"
pass "7200 through a role hop -> one notice ($(head -n 1 <<<"$RUN_ERR")), ${left} s left"

cx_write_config "$HOME_DIR/.claude-exec" RUNTIME=podman IMAGE_TAG=x AWS_PROFILE=base AWS_SESSION_DURATION=7200 CX_CACHE=0
creds_run "$HOME_DIR" creds --format json
assert_rc 0 "AWS_SESSION_DURATION=7200 from user keys"
[ -z "$RUN_ERR" ] || fail "stderr from user keys with 7200: [$RUN_ERR]"
left=$(creds_seconds_left "$(creds_json_field Expiration)")
[ "$left" -gt 6900 ] && [ "$left" -le 7200 ] || fail "from user keys: $left s left, expected about 7200"
creds_assert_issued_for "$(creds_json_field AccessKeyId)" "$MOTO_ROLE_ARN" "user-keys AccessKeyId"
pass "7200 from plain user keys is kept (${left} s left), no notice"

echo "creds_chain_test: two-hop chain, three output formats, role-chaining cap"
