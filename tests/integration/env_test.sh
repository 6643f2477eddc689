#!/usr/bin/env bash
# Sanity test of the environment the other integration tests rely on: moto
# really authenticates and authorizes, rootful podman and docker (as the
# unprivileged test user) run the local base image. Each part skips with the
# reason scripts/test-env.sh recorded when it is unavailable; any part that is
# available and does not work fails the test.
here=$(dirname "$0")
# shellcheck source=tests/integration/lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=tests/integration/lib/moto.sh
. "$here/lib/moto.sh"

skipped=()

# Run PART as a subtest so a skip there does not end the whole test.
check() {
  local part=$1 rc
  subtest "$part"
  rc=$?
  case $rc in
    0) ;;
    77) skipped+=("$part") ;;
    *) exit "$rc" ;;
  esac
}

check_moto() {
  moto_up
  pass "moto_server on $MOTO_ENDPOINT, auth after $MOTO_NO_AUTH_COUNT requests"
  [ "$(stat -c %a "$MOTO_CREDS_FILE")" = 600 ] || fail "$MOTO_CREDS_FILE is not 0600"

  # First request after the fixture: if the no-auth count were too high, this one would pass.
  run_capture moto_assume "$MOTO_ROLE_ARN" --wrong-secret
  assert_rc 1 "AssumeRole with a wrong secret"
  case "$RUN_ERR" in
    SignatureDoesNotMatch | InvalidClientTokenId) ;;
    *) fail "AssumeRole with a wrong secret: expected SignatureDoesNotMatch, got [$RUN_ERR]" ;;
  esac
  pass "a wrong secret gets $RUN_ERR"

  run_capture moto_assume "$MOTO_DENIED_ROLE_ARN"
  assert_rc 1 "AssumeRole Denied"
  assert_eq AccessDenied "$RUN_ERR" "AssumeRole Denied error"
  pass "AssumeRole $MOTO_DENIED_ROLE_ARN gets AccessDenied"

  run_capture moto_assume "$MOTO_ROLE_ARN"
  assert_rc 0 "AssumeRole ClaudeCode with the right keys"
  assert_contains "$RUN_OUT" "ASIA" "new AccessKeyId"
  pass "AssumeRole $MOTO_ROLE_ARN with cx-user's keys succeeds"

  # The same through the AWS CLI, reading the keys from a temp ~/.aws like cx would.
  if command -v aws >/dev/null 2>&1; then
    local home
    home=$(new_home)
    moto_write_aws_credentials "$home"
    run_capture env -i PATH="$PATH" HOME="$home" aws sts assume-role --endpoint-url "$MOTO_ENDPOINT" \
      --role-arn "$MOTO_ROLE_ARN" --role-session-name env-test --query Credentials.AccessKeyId \
      --output text
    assert_rc 0 "aws sts assume-role"
    assert_contains "$RUN_OUT" "ASIA" "aws sts assume-role output"
    pass "aws CLI assumes the role with ~/.aws/credentials"
  fi

  local json
  json=$(moto_data_json) || fail "GET /moto-api/data.json failed"
  assert_contains "$json" '"AssumedRole"' "/moto-api/data.json"
  local n
  n=$(moto_request_count 'POST / ')
  [ "$n" -ge $((MOTO_NO_AUTH_COUNT + 3)) ] || fail "moto_request_count: $n POST requests, expected at least $((MOTO_NO_AUTH_COUNT + 3))"
  pass "moto served $(moto_request_count) requests; data.json lists the assumed roles"

  # Extra unauthenticated setup is possible after the fixture, then auth is back on.
  moto_set_no_auth_count 1
  run_capture "$MOTO_PYTHON" -c 'import boto3,sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="AKIANOBODY0000000000", aws_secret_access_key="x")
iam.create_user(UserName="extra")
try:
    iam.create_user(UserName="extra2")
except Exception as e:
    print(type(e).__name__, e)' "$MOTO_ENDPOINT"
  assert_rc 0 "extra setup"
  assert_contains "$RUN_OUT" "InvalidClientTokenId" "second unauthenticated request"
  pass "moto_set_no_auth_count 1 lets exactly one more request through"
}

check_podman() {
  require_podman
  run_capture podman run --rm --network none "$CX_TEST_IMAGE_PODMAN" true
  assert_rc 0 "podman run --network none"
  pass "podman runs $CX_TEST_IMAGE_PODMAN (CONTAINERS_CONF=$CONTAINERS_CONF)"
}

check_rootless_podman() {
  require_rootless_podman
  local dir
  dir=$(new_home "$CX_TEST_USER")
  cd "$dir" || fail "cd $dir"
  run_capture run_as_user "$CX_TEST_USER" CONTAINERS_CONF="$CONTAINERS_CONF" podman run --rm \
    --network none --userns=keep-id -v "$dir:/w" "$CX_TEST_IMAGE_PODMAN" sh -c 'id -u > /w/id'
  assert_rc 0 "rootless podman run"
  assert_eq "$CX_TEST_USER" "$(stat -c %U "$dir/id")" "owner of a file written in the bind mount"
  pass "rootless podman runs as $CX_TEST_USER with --userns=keep-id"
}

check_docker() {
  require_docker
  require_test_user
  run_capture run_as_user "$CX_TEST_USER" "$CX_TEST_DOCKER" run --rm --network none \
    "$CX_TEST_IMAGE_DOCKER" true
  assert_rc 0 "docker run as $CX_TEST_USER"
  pass "docker ($CX_TEST_DOCKER) runs $CX_TEST_IMAGE_DOCKER as $CX_TEST_USER"
}

check_ca() {
  _cx_require_env
  [ -n "${CX_TEST_CA:-}" ] || skip "CX_TEST_CA is not set"
  grep -q 'BEGIN CERTIFICATE' "$CX_TEST_CA" || fail "$CX_TEST_CA holds no certificate"
  pass "CX_TEST_CA=$CX_TEST_CA"
}

check check_moto
check check_podman
check check_rootless_podman
check check_docker
check check_ca

if [ ${#skipped[@]} -gt 0 ]; then
  skip "parts unavailable: ${skipped[*]} (reasons above)"
fi
echo "env_test: all parts work"
