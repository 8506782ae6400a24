"""Waits with progress bars and adaptive polling, for the states the notebooks wait on.

Offline under time scale ``max`` the first read already shows the settled state, so these return
at once; in a sandbox they poll with a progress bar (``tqdm.auto``; off when ``TQDM_DISABLE=1``).
Every function takes the boto3 client as its first argument.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

from tqdm import TqdmWarning

with warnings.catch_warnings():
    # Without ipywidgets tqdm.auto falls back to text bars, and says so on import.
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm


class WaitTimeout(TimeoutError):
    """The state was not reached in time; the message says what was seen last."""


# -- CodeBuild (notebook 03) ---------------------------------------------------------------------

def wait_for_build(codebuild: Any, build_id: str, timeout: float = 3600,
                   poll: float = 5.0) -> dict[str, Any]:
    """Wait until a build is complete and return it as ``batch_get_builds`` shows it.

    Args:
        codebuild: A boto3 CodeBuild client.
        build_id: The build's id (``project:uuid``) or ARN.
        timeout: Wall seconds to wait at most.
        poll: Seconds between reads at first (grows to 4× while the build runs).

    Raises:
        WaitTimeout: The build was still running after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    delay = poll
    with tqdm(total=None, desc=build_id.split(":")[0], unit="poll", leave=False) as bar:
        while True:
            build = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
            if build["buildComplete"]:
                return build
            bar.set_postfix_str(build["currentPhase"])
            bar.update()
            if time.monotonic() + delay > deadline:
                raise WaitTimeout(f"build {build_id} still {build['currentPhase']} after "
                                  f"{timeout:.0f} s; look at its log, or stop it with "
                                  "codebuild.stop_build(id=...)")
            time.sleep(delay)
            delay = min(delay * 1.5, poll * 4)


# -- CodeDeploy (notebook 05) --------------------------------------------------------------------

#: Statuses a deployment does not leave by itself (``Ready`` waits for continue_deployment).
DEPLOYMENT_DONE = ("Succeeded", "Failed", "Stopped")


def wait_for_deployment(codedeploy: Any, deployment_id: str, until: tuple[str, ...] | str = (),
                        timeout: float = 3600, poll: float = 5.0) -> dict[str, Any]:
    """Wait until a deployment is finished (or in one of ``until``); return its DeploymentInfo.

    The progress bar counts instances done (Succeeded, Failed or Skipped) out of the
    deployment's targets, from ``deploymentOverview``.

    Args:
        codedeploy: A boto3 CodeDeploy client.
        deployment_id: The deployment's id (``d-…``).
        until: Extra statuses to stop at, e.g. ``"Ready"`` for a blue/green deployment that
            waits for ``continue_deployment``. Succeeded, Failed and Stopped always stop.
        timeout: Wall seconds to wait at most.
        poll: Seconds between reads at first (grows to 4× while the deployment runs).

    Raises:
        WaitTimeout: The deployment was still running after ``timeout`` seconds.
    """
    stop_at = set(DEPLOYMENT_DONE) | ({until} if isinstance(until, str) else set(until))
    deadline = time.monotonic() + timeout
    delay = poll
    with tqdm(total=None, desc=deployment_id, unit="instance", leave=False) as bar:
        while True:
            info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
            if info["status"] in stop_at:
                return info
            overview = info.get("deploymentOverview") or {}
            done = sum(overview.get(k, 0) for k in ("Succeeded", "Failed", "Skipped"))
            bar.total = sum(overview.values()) or None
            bar.n = done
            bar.set_postfix_str(info["status"])
            bar.refresh()
            if time.monotonic() + delay > deadline:
                raise WaitTimeout(f"deployment {deployment_id} still {info['status']} after "
                                  f"{timeout:.0f} s ({done} instance(s) done); read its targets "
                                  "with list_deployment_targets, or stop it with "
                                  "codedeploy.stop_deployment(deploymentId=...)")
            time.sleep(delay)
            delay = min(delay * 1.5, poll * 4)
