"""helpers.functions: a function with versions and an alias, hooks, the Lambda AppSpec."""

from __future__ import annotations

from helpers import functions
from helpers.specs import appspec_compute


def test_function_versions_alias_and_weights(aws):
    """Two published versions; alias_weights splits the alias between them."""
    awslambda = aws("lambda")
    role = functions.create_execution_role(aws("iam"), "cdw-t-07-fn", [])
    functions.create_function(awslambda, "cdw-t-07-api", "def handler(e, c):\n    return 1\n",
                              role, {"cdw:run": "t"})
    assert functions.publish(awslambda, "cdw-t-07-api") == "1"
    assert functions.publish(awslambda, "cdw-t-07-api", "def handler(e, c):\n    return 2\n") \
        == "2"
    awslambda.create_alias(FunctionName="cdw-t-07-api", Name="live", FunctionVersion="1",
                           RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}})
    assert functions.alias_weights(awslambda, "cdw-t-07-api", "live") == {"1": 0.75, "2": 0.25}


def test_lambda_appspec_round_trips():
    """The AppSpec it writes parses back to the same function, alias, versions and hooks."""
    text = functions.lambda_appspec("api", "live", "1", "2", {"BeforeAllowTraffic": "h"})
    spec = appspec_compute.loads(text, "Lambda")
    assert (spec.function, spec.alias, spec.current_version, spec.target_version) == \
        ("api", "live", "1", "2")
    assert spec.hooks == {"BeforeAllowTraffic": "h"}
