#!/usr/bin/env python3
"""AWS fixture for the integration tests, served by a real moto_server.

moto authenticates every request after the first INITIAL_NO_AUTH_ACTION_COUNT
ones. `setup` spends exactly those first requests creating an IAM user with an
access key and two roles, so everything a test does afterwards is checked for
a valid SigV4 signature and for IAM permission, like real STS.

  moto_fixture.py count                      print how many setup requests `setup` makes
  moto_fixture.py setup ENDPOINT CREDS_FILE  create the fixture; CREDS_FILE (0600) gets the
                                             user's AWS_ACCESS_KEY_ID=/AWS_SECRET_ACCESS_KEY=;
                                             stdout gets MOTO_*=VALUE lines (no secrets)
  moto_fixture.py assume ENDPOINT CREDS_FILE ROLE_ARN [--wrong-secret] [--duration N]
                                             AssumeRole signed with the user's keys; prints
                                             the new AccessKeyId, or the AWS error code on
                                             stderr (exit 1)
"""

import json
import os
import sys

import boto3
import botocore.config
import botocore.exceptions

ACCOUNT_ID = "123456789012"  # moto's DEFAULT_ACCOUNT_ID
REGION = "us-east-1"
USER_NAME = "cx-user"
ROLE_NAME = "ClaudeCode"
DENIED_ROLE_NAME = "Denied"
USER_ARN = f"arn:aws:iam::{ACCOUNT_ID}:user/{USER_NAME}"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/{ROLE_NAME}"
DENIED_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/{DENIED_ROLE_NAME}"

# One entry per request `setup` sends; moto_server must be started with
# INITIAL_NO_AUTH_ACTION_COUNT equal to its length.
SETUP_STEPS = [
    "iam:CreateUser",
    "iam:CreateAccessKey",
    "iam:CreatePolicy",
    "iam:AttachUserPolicy",
    "iam:CreateRole ClaudeCode",
    "iam:PutRolePolicy ClaudeCode",
    "iam:CreateRole Denied",
]

# The user may assume ClaudeCode only. Denied trusts the whole account, so it
# is the user's own policy that refuses it, as in real IAM.
USER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE_ARN},
        {"Effect": "Allow", "Action": ["sts:GetSessionToken", "sts:GetCallerIdentity"], "Resource": "*"},
    ],
}


def trust_policy(principal):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
        ],
    }


# What a session under ClaudeCode may do: call Bedrock and list buckets (a
# harmless call a test can make from inside the container).
ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["bedrock:*", "s3:ListAllMyBuckets"], "Resource": "*"}
    ],
}


def client(service, endpoint, key_id, secret):
    # No retries: every request must be counted exactly once.
    config = botocore.config.Config(
        retries={"total_max_attempts": 1}, parameter_validation=False
    )
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=config,
    )


def read_creds(path):
    creds = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, sep, value = line.strip().partition("=")
            if sep:
                creds[key] = value
    return creds["AWS_ACCESS_KEY_ID"], creds["AWS_SECRET_ACCESS_KEY"]


def setup(endpoint, creds_file):
    sent = []
    # Before authentication starts any key is accepted; these are placeholders.
    iam = client("iam", endpoint, "AKIAFIXTURESETUP0000", "fixture-setup")
    iam.meta.events.register("before-send", lambda **kw: sent.append(kw["request"].url))

    iam.create_user(UserName=USER_NAME)
    key = iam.create_access_key(UserName=USER_NAME)["AccessKey"]
    policy_arn = iam.create_policy(
        PolicyName="cx-user-assume", PolicyDocument=json.dumps(USER_POLICY)
    )["Policy"]["Arn"]
    iam.attach_user_policy(UserName=USER_NAME, PolicyArn=policy_arn)
    iam.create_role(
        RoleName=ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps(trust_policy(USER_ARN)),
        MaxSessionDuration=43200,
    )
    iam.put_role_policy(
        RoleName=ROLE_NAME, PolicyName="cx-session", PolicyDocument=json.dumps(ROLE_POLICY)
    )
    iam.create_role(
        RoleName=DENIED_ROLE_NAME,
        AssumeRolePolicyDocument=json.dumps(trust_policy(f"arn:aws:iam::{ACCOUNT_ID}:root")),
    )
    if len(sent) != len(SETUP_STEPS):
        sys.exit(f"moto_fixture: sent {len(sent)} setup requests, expected {len(SETUP_STEPS)}")

    fd = os.open(creds_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"AWS_ACCESS_KEY_ID={key['AccessKeyId']}\n")
        f.write(f"AWS_SECRET_ACCESS_KEY={key['SecretAccessKey']}\n")
    print(f"MOTO_ACCOUNT_ID={ACCOUNT_ID}")
    print(f"MOTO_REGION={REGION}")
    print(f"MOTO_USER_ARN={USER_ARN}")
    print(f"MOTO_ACCESS_KEY_ID={key['AccessKeyId']}")
    print(f"MOTO_ROLE_ARN={ROLE_ARN}")
    print(f"MOTO_DENIED_ROLE_ARN={DENIED_ROLE_ARN}")
    print(f"MOTO_POLICY_ARN={policy_arn}")


def assume(endpoint, creds_file, role_arn, args):
    key_id, secret = read_creds(creds_file)
    if "--wrong-secret" in args:
        secret = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    duration = 900
    if "--duration" in args:
        duration = int(args[args.index("--duration") + 1])
    sts = client("sts", endpoint, key_id, secret)
    try:
        resp = sts.assume_role(
            RoleArn=role_arn, RoleSessionName="cx-fixture", DurationSeconds=duration
        )
    except botocore.exceptions.ClientError as e:
        print(e.response["Error"]["Code"], file=sys.stderr)
        return 1
    print(resp["Credentials"]["AccessKeyId"])
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "count":
        print(len(SETUP_STEPS))
        return 0
    if len(argv) == 4 and argv[1] == "setup":
        setup(argv[2], argv[3])
        return 0
    if len(argv) >= 5 and argv[1] == "assume":
        return assume(argv[2], argv[3], argv[4], argv[5:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
