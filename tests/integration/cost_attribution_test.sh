#!/usr/bin/env bash
# Cost attribution through an application inference profile, with the real Claude Code (podman,
# default modes) against moto and the Bedrock stand-in, whose log names each request's model:
#   cx init --inference-profile: a bad ARN (hostile ones too, under prlimit and timeout) is a usage
#     error (exit 2, one error line that does not echo it) and writes nothing; a good one writes
#     ANTHROPIC_MODEL and the four model-slot keys;
#   with ANTHROPIC_MODEL alone, cx doctor warns (a `!` line with the four lines to add, exit still 0)
#     and a session's requests do escape the profile (the control: the stand-in sees other models);
#   with init's lines, cx doctor does not warn and every model request of a session (a tool turn,
#     so more than one) names the profile ARN in its path.
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/moto.sh"
. "$here/lib/cx.sh"
. "$here/lib/bedrock.sh"
. "$here/lib/e2e.sh"

require_cx
require_cmd jq setpriv timeout prlimit sha256sum
require_podman
moto_up
cx_image_ensure podman

ARN=arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/cxcost0test1
SLOTS=(ANTHROPIC_DEFAULT_OPUS_MODEL ANTHROPIC_DEFAULT_SONNET_MODEL ANTHROPIC_DEFAULT_HAIKU_MODEL
  ANTHROPIC_SMALL_FAST_MODEL)

# --- cx init --inference-profile -------------------------------------------------------------------
home=$(new_home)
cfg="$home/.claude-exec"
mkdir -p "$TEST_TMP/initproj" && cd "$TEST_TMP/initproj" || fail "cd"
init_flags=(init --yes --runtime podman --image "$CX_ITEST_IMAGE" --role "$MOTO_ROLE_ARN")

# bounded_cx ARGS...: cx with this HOME, at most 1 GiB of address space, 10 s of CPU and 20 s.
bounded_cx() {
  run_capture cx_env "" "$home" timeout -k 5 20 prlimit --as=1073741824 --cpu=10 -- "$CX_BIN" "$@"
}

# refused WHY NEEDLE ARGS...: cx init ARGS exits 2 with one error containing NEEDLE, prints
# nothing on stdout, does not echo the ARN's marker, and leaves the home as it was.
refused() {
  local why=$1 needle=$2 before
  shift 2
  before=$(cd "$home" && find . -printf '%p %s\n' | sort | sha256sum)
  bounded_cx "${init_flags[@]}" "$@"
  assert_rc 2 "cx init with $why"
  cx_assert_one_error "cx init with $why"
  assert_contains "$(grep '^cx: error: ' <<<"$RUN_ERR")" "$needle" "the error for $why"
  [ -z "$RUN_OUT" ] || fail "cx init with $why printed on stdout: $RUN_OUT"
  assert_not_contains "$RUN_ERR" "MARK" "the error for $why"
  assert_eq "$before" "$(cd "$home" && find . -printf '%p %s\n' | sort | sha256sum)" \
    "the home after cx init with $why (nothing written, no temp file)"
}
p=arn:aws:bedrock:us-east-1:123456789012
refused "a system-defined profile" "system-defined (cross-region) inference profile" \
  --inference-profile "$p:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0"
refused "a foundation model" "a foundation model" \
  --inference-profile arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-x
refused "a model id" "is not arn:PARTITION" --inference-profile us.anthropic.claude-haiku-4-5-MARK
refused "an 11-digit account" "12 digits" \
  --inference-profile arn:aws:bedrock:us-east-1:12345678901:application-inference-profile/MARK
refused "an ISO partition" "partition must be aws, aws-cn or aws-us-gov" \
  --inference-profile arn:aws-iso:bedrock:us-iso-east-1:123456789012:application-inference-profile/x
refused "a region of another partition" "not in the partition aws" \
  --inference-profile arn:aws:bedrock:cn-north-1:123456789012:application-inference-profile/x
refused "an empty value" "is not arn:PARTITION" --inference-profile ""
refused "a line break and a terminal escape" "profile id must be" \
  --inference-profile "$p:application-inference-profile/x"$'\n\e[31mMARK'
refused "64 KiB" "longer than any such ARN" \
  --inference-profile "$p:application-inference-profile/$(head -c 65536 /dev/zero | tr '\0' M)ARK"
refused "the profile's region not the --region" "not the inference profile's region us-east-1" \
  --inference-profile "$ARN" --region eu-west-1
refused "no value" "--inference-profile" --inference-profile
pass "cx init refuses 11 bad --inference-profile values: exit 2, one error line, no echo, nothing written"

bounded_cx "${init_flags[@]}" --inference-profile "$ARN"
assert_rc 0 "cx init --inference-profile"
for key in ANTHROPIC_MODEL "${SLOTS[@]}"; do
  grep -qxF "$key=$ARN" "$cfg" || fail "$cfg has no line $key=$ARN: $(grep -v '^#' "$cfg")"
done
grep -qx 'AWS_REGION=us-east-1' "$cfg" || fail "cx init did not take the profile's region"
mapfile -t init_lines < <(grep '^ANTHROPIC_' "$cfg")
sum=$(sha256sum <"$cfg")
refused "a bad ARN over an existing file" "12 digits" --force \
  --inference-profile arn:aws:bedrock:us-east-1:1:application-inference-profile/x
assert_eq "$sum" "$(sha256sum <"$cfg")" "the config after a refused cx init --force"
pass "cx init --inference-profile wrote ANTHROPIC_MODEL and the 4 slot keys (${#init_lines[@]} lines) in the profile's region"

# --- doctor and a session, without and with the lines ----------------------------------------------
e2e_standin_start --answer "$E2E_ANSWER_DEFAULT" --tool-sleep 1 --turns 1
e2e_prepare podman "" ANTHROPIC_MODEL="$ARN"

# doctor: cx doctor with E2E_HOME's config; it passes every check (exit 0) either way.
doctor() {
  cx_run_capture "" "$E2E_HOME" doctor
  assert_rc 0 "cx doctor ($1)"
  assert_contains "$(tail -n 1 <<<"$RUN_OUT")" "all 9 checks passed" "cx doctor's summary ($1)"
}
# model_requests: for each model request (/model/ID/...), the model its path names (the stand-in
# logs ID URL-decoded) and the answer's status, one a line.
model_requests() {
  jq -r 'select(.path | startswith("/model/")) | "\(.model) \(.status)"' "$BEDROCK_LOG"
}

doctor "ANTHROPIC_MODEL alone"
warning=$(grep -A4 '^! cost: ' <<<"$RUN_OUT") || fail "cx doctor did not warn: $RUN_OUT"
assert_contains "$warning" "ANTHROPIC_MODEL is an application inference profile, but" "the warning"
assert_contains "$warning" "add to $E2E_HOME/.claude-exec:" "the warning"
mapfile -t suggested < <(sed -n 's/^    \(ANTHROPIC_[A-Z_]*=.*\)$/\1/p' <<<"$warning")
assert_eq "$(printf '%s\n' "${init_lines[@]:1}")" "$(printf '%s\n' "${suggested[@]}")" \
  "the lines doctor suggests (those cx init writes besides ANTHROPIC_MODEL)"
pass "without the lines cx doctor warns (exit 0, all checks pass) and suggests: ${suggested[*]}"

e2e_run "" 120 -p "say hi"
e2e_assert_answer "$E2E_ANSWER_DEFAULT"
escaped=$(model_requests | grep -vF "$ARN ")
[ -n "$escaped" ] || fail "the control found no request outside the profile: $(bedrock_log_summary)"
pass "without the lines a session ($E2E_SECS s) sent $(wc -l <<<"$escaped") model request(s) outside the profile: $(awk '{print $1}' <<<"$escaped" | tr '\n' ' ')"

e2e_config "${init_lines[@]}"
doctor "init's lines"
assert_not_contains "$RUN_OUT" "! cost:" "cx doctor with init's lines"
pass "with init's lines cx doctor does not warn (exit 0, all checks pass)"

: >"$BEDROCK_LOG"
e2e_run "" 120 -p "say hi"
e2e_assert_answer "$E2E_ANSWER_DEFAULT"
e2e_assert_session_clean
n=$(model_requests | wc -l)
[ "$n" -ge 2 ] || fail "the session made $n model request(s), expected the tool turn's two: $(bedrock_log_summary)"
others=$(model_requests | grep -vxF "$ARN 200")
[ -z "$others" ] || fail "model requests outside the profile (or refused): $others"
pass "with the lines all $n model requests of a session ($E2E_SECS s) name $ARN in their path"
bedrock_log_summary | sed 's/^/    /'
