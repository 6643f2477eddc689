#!/usr/bin/env bash
# shellcheck disable=SC2119
# The proof that credential refresh works with the real client: one `cx -p` whose Bedrock
# requests spread over more than two credential lifetimes. moto issues credentials for
# AWS_SESSION_DURATION seconds (E2E_LIFETIME, default 90; cx accepts < 900 only with a custom STS
# endpoint), the stand-in treats them as expired after the same time, the broker renews at
# min(expiry - CX_REFRESH_MARGIN, half-way), and the stand-in makes claude run `sleep` E2E_TURNS
# times (default 3 x E2E_SLEEP = 70 s) between requests. Passes only if claude prints the answer,
# the stand-in saw no ExpiredTokenException (nor any other refusal), and more than one access key
# signed requests. On failure it prints the timeline: which key signed which request when, and
# when the endpoint served which key.
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/moto.sh"
. "$here/lib/cx.sh"
. "$here/lib/bedrock.sh"
. "$here/lib/e2e.sh"

LIFETIME=${E2E_LIFETIME:-90}
SLEEP=${E2E_SLEEP:-70}
TURNS=${E2E_TURNS:-3}
ANSWER="Stand-in answer after a long session (e2e-long-9b2e)."

require_cx
require_cmd jq setpriv timeout
require_podman
moto_up
cx_image_ensure podman

# timeline: every stand-in request and every credential event of the audit log, in time order,
# in seconds since the session started.
timeline() {
  local start
  start=$(jq -r 'select(.event == "session_start") | .time' "$E2E_AUDIT" | head -n 1)
  {
    jq -r '"\(.time) stand-in \(.status) \(.method) \(.path | sub("\\?.*"; "")) key=\(.access_key // "-") \(if .signature_ok then "ok" else "\(.error): \(.why)" end)\(if .reply then " reply=\(.reply) tool_results=\(.tool_results)" else "" end)"' "$BEDROCK_LOG"
    jq -r 'select(.event | test("^credentials")) | "\(.time) cx \(.event) key=\(.access_key_id // "-") expires=\(.expiration // "-")"' "$E2E_AUDIT"
  } | while read -r t rest; do
    printf '  +%6.1fs %s\n' "$(awk -v a="$(date -d "$start" +%s.%N)" -v b="$(date -d "$t" +%s.%N)" 'BEGIN { print b - a }')" "$rest"
  done | sort -t+ -k2 -n
}

e2e_standin_start --answer "$ANSWER" --tool-sleep "$SLEEP" --turns "$TURNS" --credential-lifetime "$LIFETIME"
# The stand-in's long tool turn is a loop of short sleeps (lib/e2e.sh), which -p mode runs only
# with permission.
e2e_prepare podman "" AWS_SESSION_DURATION="$LIFETIME" CX_REFRESH_MARGIN=60 \
  "CLAUDE_OPTIONS='--allowedTools Bash'"
echo "lifetime ${LIFETIME}s, refresh margin 60 s, $TURNS tool turns of sleep ${SLEEP}s (about $((TURNS * SLEEP)) s)"
e2e_run "" $((TURNS * SLEEP + 240)) -p "run the stand-in's tool turns, then say hi"
echo "--- timeline (stand-in requests and the broker's credential events)"
timeline
echo "--- claude: $(printf '%s' "$RUN_OUT" | head -c 300)"
echo "--- cx stderr:"
printf '%s\n' "$RUN_ERR" | sed 's/^/  /'

e2e_assert_answer "$ANSWER"
pass "claude printed the answer after $E2E_SECS s and exited 0"
expired=$(bedrock_requests '.error == "ExpiredTokenException"')
[ "$expired" = 0 ] || fail "the stand-in refused $expired request(s) with ExpiredTokenException: claude used expired credentials"
[ "$(bedrock_requests '.signature_ok | not')" = 0 ] || fail "the stand-in refused requests: $(bedrock_log_summary)"
pass "no ExpiredTokenException and no other refusal in $(bedrock_requests) stand-in requests"
[ "$(e2e_model_requests '.reply == "end_turn" and .tool_results == '"$TURNS")" != "" ] ||
  fail "no final answer after $TURNS tool results"
first=$(e2e_model_requests | head -n 1 | jq -r .time)
last=$(e2e_model_requests | tail -n 1 | jq -r .time)
span=$(($(date -d "$last" +%s) - $(date -d "$first" +%s)))
[ "$span" -gt $((2 * LIFETIME)) ] || fail "model requests spanned only $span s, not more than two lifetimes ($((2 * LIFETIME)) s)"
pass "model requests spanned $span s (> 2 x $LIFETIME s)"
keys=$(bedrock_access_keys)
nkeys=$(wc -l <<<"$keys")
[ "$nkeys" -gt 1 ] || fail "only one access key signed requests ($keys): claude did not take refreshed credentials"
e2e_assert_standin_signed_by_role
pass "$nkeys distinct role keys signed requests: $(echo "$keys" | tr '\n' ' ')"
refreshed=$(jq -c 'select(.event == "credentials_issued")' "$E2E_AUDIT" | wc -l)
pass "cx issued $refreshed credentials in the session; $(e2e_summary_line)"
e2e_assert_egress
e2e_assert_session_clean
pass "session $E2E_SESSION_ID: nothing left"
