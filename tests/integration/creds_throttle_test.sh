#!/usr/bin/env bash
# STS retries against moto_server with authentication on, through lib/throttle_proxy.py, which
# answers the first N requests with a fault and forwards the rest to moto verbatim (so moto still
# checks cx's signature, made over the proxy's Host). N=2 Throttling (HTTP 400): `cx creds`
# succeeds on the 3rd attempt. N=2 ServiceUnavailable (503): the same. N=10: it gives up with one
# clear throttling error, exit 1, in bounded time, and nothing is cached.
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

# The proxy itself is sound: a request through it with no faults is signed, forwarded and accepted.
creds_proxy_start proxy0
H=$(creds_home)
moto_write_aws_credentials "$H"
creds_run "$H" AWS_ENDPOINT_URL_STS="$PROXY_ENDPOINT" creds --format json
assert_rc 0 "cx creds through the proxy, no faults"
creds_assert_issued_for "$(creds_json_field AccessKeyId)" "$MOTO_ROLE_ARN"
assert_eq 1 "$(creds_proxy_count '^AssumeRole forwarded 200$')" "AssumeRole requests the proxy forwarded"
pass "through the proxy without faults: moto accepts cx's signature (Host forwarded as signed)"

# --- N=2, then success ------------------------------------------------------------------------------
for status in 400 503; do
  creds_proxy_start "proxy2-$status" --throttle 2 --status "$status"
  H=$(creds_home)
  moto_write_aws_credentials "$H"
  t0=$(date +%s%N)
  creds_run "$H" AWS_ENDPOINT_URL_STS="$PROXY_ENDPOINT" creds --format json
  ms=$((($(date +%s%N) - t0) / 1000000))
  assert_rc 0 "cx creds with 2 faults ($status)"
  [ -z "$RUN_ERR" ] || fail "stderr after retries that succeeded: [$RUN_ERR]"
  creds_assert_issued_for "$(creds_json_field AccessKeyId)" "$MOTO_ROLE_ARN"
  assert_eq 2 "$(creds_proxy_count "^AssumeRole throttled $status\$")" "faulted attempts ($status)"
  assert_eq 1 "$(creds_proxy_count '^AssumeRole forwarded 200$')" "forwarded attempts ($status)"
  assert_eq 3 "$(creds_proxy_count .)" "attempts at the proxy ($status)"
  pass "2 x HTTP $status then success: 3 attempts, ClaudeCode credentials, ${ms} ms"
done

# --- N=10: give up -------------------------------------------------------------------------------------
creds_proxy_start proxy10 --throttle 10
H=$(creds_home)
moto_write_aws_credentials "$H"
t0=$SECONDS
creds_run "$H" AWS_ENDPOINT_URL_STS="$PROXY_ENDPOINT" creds --format json
secs=$((SECONDS - t0))
assert_rc 1 "cx creds with 10 Throttling answers"
cx_assert_one_error "persistent throttling"
grep '^cx: error: ' <<<"$RUN_ERR" | grep -qi 'thrott' || fail "the error does not say STS throttled: [$RUN_ERR]"
creds_assert_no_secret
[ -z "$RUN_OUT" ] || fail "stdout on failure: [$RUN_OUT]"
[ "$secs" -le 40 ] || fail "giving up took $secs s (the retry deadline is 30 s)"
attempts=$(creds_proxy_count .)
[ "$attempts" -ge 2 ] && [ "$attempts" -le 10 ] || fail "$attempts attempts at the proxy (expected a few retries, fewer than 10)"
assert_eq 0 "$(creds_proxy_count forwarded)" "requests forwarded to moto"
left=$(find "$(creds_cache_dir "$H")" -type f 2>/dev/null)
[ -z "$left" ] || fail "files written to the cache after the failure: $left"
pass "10 x Throttling: gave up after $attempts attempts in ${secs} s, exit 1: $(grep '^cx: error:' <<<"$RUN_ERR")"

echo "creds_throttle_test: retries on Throttling and 503, bounded give-up"
