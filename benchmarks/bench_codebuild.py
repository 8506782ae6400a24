"""A four-phase build with 20 trivial commands on the emulator vs the same commands in one bash.

Run: ``python benchmarks/bench_codebuild.py``. Prints figures; asserts nothing.
The build is timed from ``start_build`` until ``batch_get_builds`` answers with the finished
build (under time scale ``max``: the virtual phases cost nothing, the real work is the commands,
the log and event writes and the engine's round trips). The baseline pipes the same commands
into one ``bash`` process. The ratio is the emulator's overhead per build.
"""

from __future__ import annotations

import statistics
import subprocess
import time

import boto3

from helpers.offline.endpoint import Endpoint

RUNS = 10
PHASES = ("install", "pre_build", "build", "post_build")
COMMANDS = [f"echo step-{i}" for i in range(20)]


def buildspec() -> str:
    """Four phases, five commands each."""
    text = "version: 0.2\nphases:\n"
    for n, phase in enumerate(PHASES):
        text += f"  {phase}:\n    commands:\n"
        text += "".join(f"      - {c}\n" for c in COMMANDS[n * 5:(n + 1) * 5])
    return text


def time_builds(endpoint: Endpoint) -> list[float]:
    """Wall seconds of each build, start_build to finished describe."""
    codebuild = boto3.client("codebuild", endpoint_url=endpoint.url, region_name="us-east-1",
                             aws_access_key_id="bench", aws_secret_access_key="bench")
    codebuild.create_project(
        name="bench", source={"type": "NO_SOURCE", "buildspec": buildspec()},
        artifacts={"type": "NO_ARTIFACTS"}, serviceRole="arn:aws:iam::123456789012:role/r",
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL"})
    out = []
    for _ in range(RUNS + 1):  # the first build warms moto's Logs and EventBridge up
        started = time.perf_counter()
        build_id = codebuild.start_build(projectName="bench")["build"]["id"]
        build = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
        out.append(time.perf_counter() - started)
        assert build["buildStatus"] == "SUCCEEDED", build["buildStatus"]
    return out[1:]


def time_bash() -> list[float]:
    """Wall seconds of the same commands in one bash process."""
    script = "\n".join(COMMANDS) + "\n"
    out = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(["bash", "-s"], input=script, text=True, capture_output=True, check=True)
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    """Measure both and print medians and the ratio."""
    endpoint = Endpoint(port=0).start()
    try:
        builds = time_builds(endpoint)
    finally:
        endpoint.stop()
    bash = time_bash()
    build_ms, bash_ms = statistics.median(builds) * 1000, statistics.median(bash) * 1000
    print(f"four-phase build, 20 commands, emulator: median {build_ms:7.1f} ms "
          f"(min {min(builds) * 1000:.1f}, max {max(builds) * 1000:.1f}, {RUNS} runs)")
    print(f"same 20 commands in one bash process:   median {bash_ms:7.1f} ms "
          f"(min {min(bash) * 1000:.1f}, max {max(bash) * 1000:.1f})")
    print(f"overhead ratio (emulator / bash): {build_ms / bash_ms:.1f}x")


if __name__ == "__main__":
    main()
