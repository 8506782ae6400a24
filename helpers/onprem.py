"""On-premises instances for CodeDeploy: an IAM identity, registration, tags (notebook 10).

A server outside AWS runs the CodeDeploy agent with credentials of an IAM identity, and is
registered under a name with that identity's ARN. Two kinds, exactly one per instance:

* an **IAM session ARN** (recommended): the server assumes a role and gets short-lived
  credentials that expire and rotate by themselves (AWS's ``codedeploy-session-helper`` does it);
  a leaked credential is worth an hour at most;
* an **IAM user ARN**: the server keeps the user's long-lived access key in its configuration
  file until someone rotates it by hand.

Offline the registered instance runs an emulated agent, like EC2 instances do; nothing here
depends on the mode.
"""

from __future__ import annotations

import json
from typing import Any

from helpers.fleet import FleetError, sibling_client

#: What an on-premises instance's identity needs: read bundles (and the agent) from S3.
ONPREM_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}


def register_on_premises(codedeploy: Any, iam: Any, name: str, tags: dict[str, str], *,
                         identity: str = "session") -> str:
    """Create an IAM identity for an on-premises server, register it, tag it; return the ARN.

    Args:
        codedeploy: A boto3 CodeDeploy client.
        iam: A boto3 IAM client.
        name: The instance name, also the IAM user or role name.
        tags: Tags for the instance (the deployment group selects on them) and the identity.
        identity: ``"session"`` (recommended): a role the server assumes with short-lived
            credentials, registered by its session ARN
            ``arn:aws:sts::<account>:assumed-role/<name>/<name>``; or ``"user"``: an IAM user
            whose long-lived access key would sit in the server's configuration file.
    """
    tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
    if identity == "session":
        account = _account_of(iam)
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "sts:AssumeRole"}]}
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=tag_list)
        iam.put_role_policy(RoleName=name, PolicyName="codedeploy-onprem",
                            PolicyDocument=json.dumps(ONPREM_POLICY))
        arn = f"arn:aws:sts::{account}:assumed-role/{name}/{name}"
        codedeploy.register_on_premises_instance(instanceName=name, iamSessionArn=arn)
    elif identity == "user":
        arn = iam.create_user(UserName=name, Tags=tag_list)["User"]["Arn"]
        iam.put_user_policy(UserName=name, PolicyName="codedeploy-onprem",
                            PolicyDocument=json.dumps(ONPREM_POLICY))
        codedeploy.register_on_premises_instance(instanceName=name, iamUserArn=arn)
    else:
        raise FleetError(f"identity={identity!r}: use 'session' (an assumed role, recommended) "
                         "or 'user' (an IAM user with an access key).")
    if tag_list:
        codedeploy.add_tags_to_on_premises_instances(instanceNames=[name], tags=tag_list)
    return arn


def deregister_on_premises(codedeploy: Any, iam: Any, name: str) -> None:
    """Deregister the instance and delete the IAM user or role :func:`register_on_premises`
    made for it."""
    info = codedeploy.get_on_premises_instance(instanceName=name)["instanceInfo"]
    if "deregisterTime" not in info:
        codedeploy.deregister_on_premises_instance(instanceName=name)
    if info.get("iamUserArn"):
        user = info["iamUserArn"].rsplit("/", 1)[-1]
        for key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
        iam.delete_user_policy(UserName=user, PolicyName="codedeploy-onprem")
        iam.delete_user(UserName=user)
    elif info.get("iamSessionArn"):
        role = info["iamSessionArn"].split("/")[1]
        iam.delete_role_policy(RoleName=role, PolicyName="codedeploy-onprem")
        iam.delete_role(RoleName=role)


def _account_of(iam: Any) -> str:
    sts = sibling_client(iam, "sts")
    return sts.get_caller_identity()["Account"]
