#!/usr/bin/env bash
# Bad AWS profiles: a missing AWS_PROFILE, a source_profile that does not exist, a source_profile
# loop (two profiles, and three), a role profile with neither source_profile nor
# credential_source, a credential_process that cannot be started. Each is one `cx: error:` line
# naming what is wrong, no crash, exit 1 for `cx creds` and 125 for `cx shell` (a session that
# could not start: needs podman and its base image, else that part skips), no STS request (counted
# at moto) and nothing written to the cache.
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

# bad_home PROFILE CONFIG_TEXT [KEY=VALUE...]: a HOME with cx-user's keys as [default], CONFIG_TEXT
# appended to ~/.aws/config, and AWS_PROFILE=PROFILE.
bad_home() {
  local p=$1 text=$2 h
  shift 2
  h=$(creds_home AWS_PROFILE="$p" "$@")
  moto_write_aws_credentials "$h"
  creds_aws_config "$h" "$text"
  echo "$h"
}

# expect_bad RC NEEDLE HOME CX-ARGS...: exit RC, one error line that contains NEEDLE, no STS
# request, nothing in the cache, no stdout.
expect_bad() {
  local rc=$1 needle=$2 h=$3 before what
  shift 3
  what="cx $* ($needle)"
  before=$(moto_request_count)
  creds_run "$h" "$@"
  assert_rc "$rc" "$what"
  cx_assert_one_error "$what"
  grep '^cx: error: ' <<<"$RUN_ERR" | grep -qiF -- "$needle" || fail "$what: the error does not mention [$needle]: [$RUN_ERR]"
  creds_assert_no_secret
  [ -z "$RUN_OUT" ] || fail "$what: stdout [$RUN_OUT]"
  assert_eq "$before" "$(moto_request_count)" "$what: STS requests"
  local left
  left=$(find "$(creds_cache_dir "$h")" -type f 2>/dev/null)
  [ -z "$left" ] || fail "$what: files written to the cache: $left"
}

# name|AWS_PROFILE|config text|what the error must mention
cases=(
  "missing profile|nosuchprofile||nosuchprofile"
  "missing source_profile|hop|[profile hop]
role_arn = $MOTO_ROLE_ARN
source_profile = gone|gone"
  "two-profile loop|a|[profile a]
role_arn = $MOTO_ROLE_ARN
source_profile = b
[profile b]
role_arn = $MOTO_ROLE_ARN
source_profile = a|loop"
  "three-profile loop|x|[profile x]
role_arn = $MOTO_ROLE_ARN
source_profile = y
[profile y]
role_arn = $MOTO_ROLE_ARN
source_profile = z
[profile z]
role_arn = $MOTO_ROLE_ARN
source_profile = x|loop"
  "role without a source|lonely|[profile lonely]
role_arn = $MOTO_ROLE_ARN|lonely"
  "credential_process not found|proc|[profile proc]
credential_process = $TEST_TMP/no/such/helper|proc"
)

declare -A HOMES=()
for c in "${cases[@]}"; do
  IFS='|' read -r -d '' name prof text needle <<<"$c" || true
  needle=${needle%$'\n'}
  h=$(bad_home "$prof" "$text")
  HOMES[$name]="$h|$prof|$needle"
  expect_bad 1 "$needle" "$h" creds --format json
  pass "$name -> cx creds exit 1: $(grep '^cx: error:' <<<"$RUN_ERR")"
done

# The same through `cx shell`: 125, before any container runs (the base image only has to exist).
shell_cases() {
  require_podman
  podman image exists "$CX_TEST_IMAGE_PODMAN" 2>/dev/null || skip "podman has no $CX_TEST_IMAGE_PODMAN"
  local name h prof needle
  for name in "missing profile" "two-profile loop" "credential_process not found"; do
    IFS='|' read -r h prof needle <<<"${HOMES[$name]}"
    cx_write_config "$h/.claude-exec" RUNTIME=podman IMAGE_TAG="$CX_TEST_IMAGE_PODMAN" AWS_PROFILE="$prof"
    expect_bad 125 "$needle" "$h" shell -- true
    pass "$name -> cx shell exit 125: $(grep '^cx: error:' <<<"$RUN_ERR")"
  done
}
subtest shell_cases
rc=$?
case $rc in
  0) ;;
  77) skip "cx creds cases passed; the cx shell (125) cases skipped (reason above)" ;;
  *) exit "$rc" ;;
esac

echo "creds_bad_input_test: bad profiles give one error, exit 1 (creds) / 125 (shell), no STS call, no cache"
