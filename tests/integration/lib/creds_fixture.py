#!/usr/bin/env python3
"""Extra moto resources and credentials for the credential-chain tests (creds_*_test.sh).

Runs after moto_fixture.py's setup, against the same moto_server.

  creds_fixture.py hop-count
        print how many unauthenticated requests `hop-role` needs (the caller first lets that many
        through with POST /moto-api/reset-auth)
  creds_fixture.py hop-role ENDPOINT
        create role HopRole (role A of a two-hop chain): cx-user may assume it, it may assume
        ClaudeCode, and ClaudeCode's trust policy admits it; prints MOTO_HOP_ROLE_ARN=...
  creds_fixture.py assume-json ENDPOINT CREDS_FILE ROLE_ARN OUT_FILE [DURATION]
        AssumeRole as cx-user (signed, authenticated) and write the role's credentials to OUT_FILE
        (0600) as {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration" (ISO-8601),
        "ExpirationMs"}; prints the AccessKeyId
  creds_fixture.py caller ENDPOINT PROFILE
        sts get-caller-identity with boto3 through a named profile of the shared files (so a
        credential_process can be checked the way the SDKs read it); prints the caller ARN

Why a second role: moto issues GetSessionToken credentials that are a fixed example key unknown to
its own IAM (so they cannot sign a later request), and it refuses a user key sent with a session
token. Real role-session credentials from moto (ASIA..., with their token) are what the tests hand
to cx wherever a source produces temporary credentials (SSO portal, MFA session).
"""

import json
import os
import sys

import boto3
import botocore.config
import botocore.exceptions

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
USER_NAME = "cx-user"
HOP_ROLE_NAME = "HopRole"
HOP_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/{HOP_ROLE_NAME}"
CLAUDE_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/ClaudeCode"
USER_ARN = f"arn:aws:iam::{ACCOUNT_ID}:user/{USER_NAME}"

HOP_STEPS = ["iam:CreateRole HopRole", "iam:PutRolePolicy HopRole", "iam:PutUserPolicy cx-user",
             "iam:UpdateAssumeRolePolicy ClaudeCode"]
# Sessions of HopRole that assume ClaudeCode: cx's own hop of a profile named "hop", and the
# credentials that assume-json hands out (via the SSO portal or as an MFA session).
HOP_SESSION_NAMES = ["cx-hop", "cx-creds-fixture"]


def client(service, endpoint, key_id, secret, token=None):
    config = botocore.config.Config(retries={"total_max_attempts": 1}, parameter_validation=False)
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
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


def statement(action, resource):
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}


def hop_role(endpoint):
    sent = []
    iam = client("iam", endpoint, "AKIAFIXTURESETUP0000", "fixture-setup")
    iam.meta.events.register("before-send", lambda **kw: sent.append(kw["request"].url))
    trust = {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Principal": {"AWS": USER_ARN},
                            "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName=HOP_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust),
                    MaxSessionDuration=43200)
    iam.put_role_policy(RoleName=HOP_ROLE_NAME, PolicyName="hop-to-claude",
                        PolicyDocument=json.dumps(statement("sts:AssumeRole", CLAUDE_ROLE_ARN)))
    iam.put_user_policy(UserName=USER_NAME, PolicyName="assume-hop",
                        PolicyDocument=json.dumps(statement("sts:AssumeRole", HOP_ROLE_ARN)))
    # moto (5.2) checks the trust policy by exact principal ARN: it does not see a session
    # arn:aws:sts::ACCOUNT:assumed-role/HopRole/NAME as the role arn:aws:iam::ACCOUNT:role/HopRole,
    # as real IAM does. So ClaudeCode trusts the role and, for moto, each session by name.
    principals = [USER_ARN, HOP_ROLE_ARN] + [
        f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{HOP_ROLE_NAME}/{n}" for n in HOP_SESSION_NAMES]
    claude_trust = {"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"AWS": principals},
                                   "Action": "sts:AssumeRole"}]}
    iam.update_assume_role_policy(RoleName="ClaudeCode", PolicyDocument=json.dumps(claude_trust))
    if len(sent) != len(HOP_STEPS):
        sys.exit(f"creds_fixture: sent {len(sent)} requests, expected {len(HOP_STEPS)}")
    print(f"MOTO_HOP_ROLE_ARN={HOP_ROLE_ARN}")


def assume_json(endpoint, creds_file, role_arn, out_file, duration):
    key_id, secret = read_creds(creds_file)
    sts = client("sts", endpoint, key_id, secret)
    try:
        c = sts.assume_role(RoleArn=role_arn, RoleSessionName="cx-creds-fixture",
                            DurationSeconds=duration)["Credentials"]
    except botocore.exceptions.ClientError as e:
        print(e.response["Error"]["Code"], file=sys.stderr)
        return 1
    exp = c["Expiration"]
    doc = {
        "AccessKeyId": c["AccessKeyId"],
        "SecretAccessKey": c["SecretAccessKey"],
        "SessionToken": c["SessionToken"],
        "Expiration": exp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ExpirationMs": int(exp.timestamp() * 1000),
    }
    fd = os.open(out_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    print(c["AccessKeyId"])
    return 0


def caller(endpoint, profile):
    session = boto3.session.Session(profile_name=profile, region_name=REGION)
    sts = session.client("sts", endpoint_url=endpoint,
                         config=botocore.config.Config(retries={"total_max_attempts": 1}))
    try:
        print(sts.get_caller_identity()["Arn"])
    except botocore.exceptions.ClientError as e:
        print(e.response["Error"]["Code"], file=sys.stderr)
        return 1
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "hop-count":
        print(len(HOP_STEPS))
        return 0
    if len(argv) == 3 and argv[1] == "hop-role":
        hop_role(argv[2])
        return 0
    if len(argv) in (6, 7) and argv[1] == "assume-json":
        return assume_json(argv[2], argv[3], argv[4], argv[5], int(argv[6]) if len(argv) == 7 else 3600)
    if len(argv) == 4 and argv[1] == "caller":
        return caller(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
