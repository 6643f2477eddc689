#!/usr/bin/env bash
# The original claude-exec's session start, rebuilt from its description
# (docs/original.md §A session, step by step) for bench/run to compare cx against: bash
# sources the config, `aws sts assume-role ... --output json`, three `jq -r`,
# then the runtime's `run`. It is a measuring stick, not a tool: like the
# original it puts the credentials in the runtime's argv, which is one of the
# things cx exists to fix.
# Usage: ENV_FILE=CONFIG bench/original.sh
set -e
source "${ENV_FILE:-$HOME/.claude-exec}"
: "${RUNTIME:?RUNTIME is not set}" "${IMAGE_TAG:?IMAGE_TAG is not set}"
: "${AWS_IAM_ROLE:?AWS_IAM_ROLE is not set}"
creds=$(aws sts assume-role --profile "${AWS_PROFILE:-default}" --role-arn "$AWS_IAM_ROLE" \
  --role-session-name ClaudeCodeSession --duration-seconds "${AWS_SESSION_DURATION:-3600}" \
  --output json)
AWS_ACCESS_KEY_ID=$(echo "$creds" | jq -r .Credentials.AccessKeyId)
AWS_SECRET_ACCESS_KEY=$(echo "$creds" | jq -r .Credentials.SecretAccessKey)
AWS_SESSION_TOKEN=$(echo "$creds" | jq -r .Credentials.SessionToken)
"$RUNTIME" run --interactive --rm --volume "$(pwd):/src" \
  --volume "$HOME/.local/share/cx:/root/.claude" --env-file "$ENV_FILE" \
  --env AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" --env AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
  --env AWS_SESSION_TOKEN="$AWS_SESSION_TOKEN" "$IMAGE_TAG" /root/.local/bin/claude $CLAUDE_OPTIONS
