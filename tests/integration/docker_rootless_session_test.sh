#!/usr/bin/env bash
# A cx session on a rootless docker daemon (the test user's, reached through DOCKER_HOST), in the
# default modes: cx asks the daemon, runs the agent as the user namespace's root (which is the user
# on the host), so a file written in /src belongs to the user; the credential endpoint answers with
# the role's keys, the proxy refuses a host not on the allowlist, cx doctor says "rootless", and no
# container is left.
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/moto.sh"
. "$here/lib/cx.sh"

require_cx
require_docker
require_test_user
[ -n "${CX_TEST_DOCKER_ROOTLESS_HOST:-}" ] ||
  skip "no rootless docker daemon: ${CX_SKIP_ROOTLESS_DOCKER:-scripts/test-env.sh did not set one up}"
run_as_user "$CX_TEST_USER" test -x "$CX_BIN" ||
  skip "$CX_TEST_USER cannot execute $CX_BIN (a parent directory is not searchable)"
moto_up
cx_image_ensure rootless-docker

user=$CX_TEST_USER
host=$CX_TEST_DOCKER_ROOTLESS_HOST
home=$(new_home "$user")
moto_write_aws_credentials "$home"
chown -R "$user:" "$home"
cx_write_config "$home/.claude-exec" RUNTIME="$CX_TEST_DOCKER" CX_CREDENTIALS= CX_NETWORK=
proj="$home/proj"
mkdir -p "$proj" && chown "$user:" "$proj"
cd "$proj" || fail "cannot enter $proj"

script='echo "uid=$(id -u)"
touch /src/written-by-agent
echo "creds=$(curl -s -H "Authorization: $(cat "$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" | jq -r .AccessKeyId)"
echo "denied=$(curl -s -o /dev/null -w "%{http_connect}" --max-time 10 https://example.com/)"'
cx_run_capture "$user" "$home" DOCKER_HOST="$host" shell -- sh -c "$script"
assert_rc 0 "cx shell on rootless docker"
assert_contains "$RUN_OUT" "uid=0" "the agent's uid (the namespace's root)"
owner=$(stat -c %U "$proj/written-by-agent" 2>/dev/null) || fail "the agent's file is not in $proj"
assert_eq "$user" "$owner" "the owner of the file the agent wrote in /src"
pass "rootless docker: the agent is the namespace's root, and its file in /src belongs to $user"
key=$(sed -n 's/^creds=//p' <<<"$RUN_OUT")
[[ "$key" == ASIA* ]] || fail "the credential endpoint gave [$key], not temporary role keys"
assert_contains "$RUN_OUT" "denied=403" "CONNECT to a host not on the allowlist"
pass "the credential endpoint served $key; the proxy refused example.com (403)"

left=$(cd / && run_as_user "$user" DOCKER_HOST="$host" "$CX_TEST_DOCKER" ps -a --filter label=cx.session \
  --filter "label=cx.project=$proj" --format '{{.Names}}')
[ -z "$left" ] || fail "containers left on the rootless daemon: $left"
pass "no container left on the rootless daemon"

cx_run_capture "$user" "$home" DOCKER_HOST="$host" doctor
grep -q '^✓ runtime: docker .*, rootless)' <<<"$RUN_OUT" || fail "cx doctor does not say rootless: $RUN_OUT"
pass "cx doctor: $(grep '^✓ runtime' <<<"$RUN_OUT")"
