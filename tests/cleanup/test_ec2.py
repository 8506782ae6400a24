"""Cleanup of fleets: instances by tag or Name prefix, instance profiles by prefix, IAM users."""

from __future__ import annotations

from helpers import fleet, onprem
from helpers.cleanup import run
from helpers.cleanup.base import Scope
from helpers.cleanup.registry import resource_types


def test_cleanup_terminates_fleets_and_deletes_profiles_roles_users(aws):
    """What launch_fleet and register_on_premises made goes; other instances stay."""
    ec2, iam, codedeploy = aws("ec2"), aws("iam"), aws("codedeploy")
    made = fleet.launch_fleet(ec2, iam, "cdw-me-05-web", 3, {"cdw:participant": "me"})
    other = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    onprem.register_on_premises(codedeploy, iam, "cdw-me-10-rack", {}, identity="user")
    scope = Scope(prefix="cdw-me-", tags={"cdw:participant": "me"})
    report = run(aws, scope, [t for t in resource_types()
                              if t.service in ("ec2", "iam", "codedeploy")])
    assert report.ok, report
    deleted = {(kind, ident) for kind, ident in report.deleted}
    assert {("EC2 instance", i) for i in made.instance_ids} <= deleted
    assert ("IAM instance profile", "cdw-me-05-web") in deleted
    assert ("IAM role", "cdw-me-05-web") in deleted
    assert ("IAM user", "cdw-me-10-rack") in deleted
    assert fleet.fleet_instances(ec2, {"cdw:participant": "me"}) == []
    state = ec2.describe_instances(InstanceIds=[other["InstanceId"]])[
        "Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "running"
