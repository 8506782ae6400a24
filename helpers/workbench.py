"""The workbench: the one place that knows which mode a notebook runs in (ARCHITECTURE §1, §4).

``wb = workbench.start()`` is every notebook's first code cell. It reads ``CDW_MODE``:

* ``offline`` (the default): attach to ``CDW_ENDPOINT`` if set, else start an endpoint in the
  kernel (one per kernel). The kernel and everything it starts (``!aws`` cells) get the endpoint
  URL, region ``us-east-1`` and fake credentials; the learner's real credentials are removed from
  the environment so they are never sent anywhere.
* ``sandbox``: the normal credential chain, but only for an account listed in
  ``CDW_SANDBOX_ACCOUNTS``; ``sts.get_caller_identity`` is the only call made before the check.

Importing this module does nothing: no endpoint, no AWS call, no environment change.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from helpers import naming
from helpers.control import Clock, Control, Faults

log = logging.getLogger(__name__)

MODES = ("offline", "sandbox")
OFFLINE_REGION = "us-east-1"
#: Fake credentials for the offline endpoint; they identify no one and open nothing.
OFFLINE_ACCESS_KEY = "CDWOFFLINE0000000000"
OFFLINE_SECRET_KEY = "cdw-offline-secret"
#: Environment variables that carry an identity or point a client elsewhere: removed offline.
_SCRUBBED_PREFIXES = ("AWS_", "BOTO_", "BOTOCORE_")

_local_endpoint: Any = None  # the kernel's own endpoint, started on first use
_run_id: str | None = None  # one run id per kernel


class WorkbenchError(RuntimeError):
    """The workbench cannot start as configured; the message says how to fix it."""


class SandboxRefused(WorkbenchError):
    """The account the credentials belong to is not allow-listed for sandbox mode."""


class SandboxTime:
    """Stands in for ``wb.clock`` and ``wb.faults`` in a sandbox, where AWS owns time."""

    def __init__(self, what: str) -> None:
        self._what = what

    def __getattr__(self, name: str) -> Any:
        raise WorkbenchError(
            f"wb.{self._what}.{name} works offline only: time runs at AWS's pace in a sandbox. "
            "Faults there go through the public API (e.g. cloudwatch.set_alarm_state, "
            "codedeploy.stop_deployment).")

    def __repr__(self) -> str:
        return f"<wb.{self._what}: not available in a sandbox; time runs at AWS's pace>"


@dataclass
class Workbench:
    """What ``start()`` returns: the mode, where calls go, names and tags, clock and faults."""

    mode: str
    region: str
    account: str
    endpoint: str | None
    participant: str
    notebook: str
    run: str
    session: Any = field(repr=False)
    clock: Any = field(repr=False)
    faults: Any = field(repr=False)

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` in this workbench's account and region."""
        kwargs.setdefault("region_name", self.region)
        if self.endpoint is not None:
            kwargs.setdefault("endpoint_url", self.endpoint)
        return self.session.client(service, **kwargs)

    def name(self, suffix: str) -> str:
        """The deterministic name ``cdw-<participant>-<notebook>-<suffix>``."""
        return naming.resource_name(self.participant, self.notebook, suffix)

    @property
    def prefix(self) -> str:
        """The prefix of every name this notebook creates: ``cdw-<participant>-<notebook>-``."""
        return f"{naming.participant_prefix(self.participant)}{self.notebook}-"

    @property
    def tags(self) -> dict[str, str]:
        """``{"cdw:run": …, "cdw:participant": …, "cdw:notebook": …}``."""
        return naming.tags(self.run, self.participant, self.notebook)

    @property
    def tag_list(self) -> list[dict[str, str]]:
        """The tags as AWS's ``[{"Key": …, "Value": …}]`` list."""
        return naming.tag_list(self.tags)

    def scope(self, everything: bool = False) -> Any:
        """The cleanup scope: this notebook's run, or (``everything``) all the participant's."""
        from helpers.cleanup.base import Scope

        if everything:
            return Scope(prefix=naming.participant_prefix(self.participant),
                         tags={"cdw:participant": self.participant})
        return Scope(prefix=self.prefix, tags={"cdw:participant": self.participant,
                                               "cdw:run": self.run})

    def cleanup(self, everything: bool = False) -> Any:
        """Delete what this notebook created (see :mod:`helpers.cleanup`) and return the report."""
        from helpers import cleanup

        return cleanup.run(self, self.scope(everything))

    def _time_scale(self) -> str:
        if self.mode == "sandbox":
            return "AWS's own pace"
        try:
            return str(self.clock.scale)
        except Exception as exc:  # noqa: BLE001 - a repr must not raise
            return f"unknown ({exc})"

    def _rows(self) -> list[tuple[str, str]]:
        return [("mode", self.mode), ("endpoint", self.endpoint or "AWS"),
                ("account", self.account), ("region", self.region),
                ("time scale", self._time_scale()),
                ("names", f"{self.prefix}…"), ("cdw:run", self.run)]

    def __repr__(self) -> str:
        return "Workbench(" + ", ".join(f"{k}={v}" for k, v in self._rows()) + ")"

    def _repr_markdown_(self) -> str:
        lines = ["| workbench | |", "|---|---|"]
        lines += [f"| {k} | `{v}` |" for k, v in self._rows()]
        return "\n".join(lines)


def start(mode: str | None = None, notebook: str | None = None) -> Workbench:
    """Start the workbench: an offline endpoint or an allow-listed sandbox account.

    Args:
        mode: ``"offline"`` or ``"sandbox"``; ``None`` reads ``CDW_MODE`` (default offline).
            Sandbox mode is never chosen implicitly.
        notebook: The notebook's id in names and tags, e.g. ``"00"``; ``None`` reads
            ``CDW_NOTEBOOK`` (default ``"scratch"``).

    Raises:
        WorkbenchError: The mode, participant or endpoint is not usable; the message says why.
        SandboxRefused: Sandbox mode with an account that is not allow-listed.
    """
    mode = (mode or os.environ.get("CDW_MODE") or "offline").strip().lower()
    if mode not in MODES:
        raise WorkbenchError(
            f"CDW_MODE={mode!r} is not a mode: use 'offline' (the default, no AWS account) or "
            "'sandbox' (a real account listed in CDW_SANDBOX_ACCOUNTS).")
    participant = os.environ.get("CDW_PARTICIPANT") or "learner"
    notebook = notebook or os.environ.get("CDW_NOTEBOOK") or "scratch"
    try:
        naming.check_part(participant, "CDW_PARTICIPANT",
                          "Set it to something like 'ana' or 'team-2'.")
        naming.check_part(notebook, "notebook", "Pass start(notebook='05') or set CDW_NOTEBOOK.")
    except naming.InvalidNameError as exc:
        raise WorkbenchError(str(exc)) from None
    _use_this_python_first()
    if mode == "offline":
        wb = _start_offline(participant, notebook)
    else:
        wb = _start_sandbox(participant, notebook)
    log.info("workbench started: %r", wb)
    return wb


def _kernel_run_id() -> str:
    global _run_id
    deterministic = os.environ.get("CDW_DETERMINISTIC") == "1"
    if deterministic:
        return naming.new_run_id(True)
    if _run_id is None:
        _run_id = os.environ.get("CDW_RUN") or naming.new_run_id(False)
    return _run_id


def _use_this_python_first() -> None:
    """Put this Python's bin directory first on PATH, so ``!aws`` runs the pinned CLI."""
    bindir = os.path.dirname(sys.executable)
    path = os.environ.get("PATH", "").split(os.pathsep)
    if path[:1] != [bindir]:
        os.environ["PATH"] = os.pathsep.join([bindir, *[p for p in path if p != bindir]])


# -- offline ----------------------------------------------------------------------------------

def offline_environment(url: str) -> dict[str, str]:
    """The AWS variables the kernel gets offline (everything else ``AWS_*`` is removed)."""
    return {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": OFFLINE_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": OFFLINE_SECRET_KEY,
        "AWS_DEFAULT_REGION": OFFLINE_REGION,
        "AWS_REGION": OFFLINE_REGION,
        # No config or credentials file, and no instance metadata: nothing real can be found.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def _scrub() -> None:
    """Remove every variable that could carry the learner's identity (before anything reads it)."""
    removed = sorted(k for k in os.environ if k.startswith(_SCRUBBED_PREFIXES))
    for key in removed:
        del os.environ[key]
    if removed:
        log.info("offline: removed %s from the environment", ", ".join(removed))
    os.environ.update({k: v for k, v in offline_environment("").items()
                       if k != "AWS_ENDPOINT_URL"})
    _forget_default_session()


def _forget_default_session() -> None:
    # boto3's default session caches credentials; make the next boto3.client() see the new env.
    import boto3

    boto3.DEFAULT_SESSION = None


def _start_offline(participant: str, notebook: str) -> Workbench:
    import boto3

    _scrub()
    url = os.environ.get("CDW_ENDPOINT")
    if url:
        control = Control(url, timeout=10)
        try:
            control.call("GET", "health")
        except Exception as exc:  # noqa: BLE001 - turned into one clear message
            raise WorkbenchError(
                f"CDW_ENDPOINT={url} does not answer GET /_cdw/health: {exc}. Start a shared "
                "endpoint with `python -m helpers serve`, or unset CDW_ENDPOINT to run one in "
                "the kernel.") from None
        control.timeout = 60.0
    else:
        url = _kernel_endpoint().url
        control = Control(url)
    os.environ.update(offline_environment(url))
    session = boto3.Session(aws_access_key_id=OFFLINE_ACCESS_KEY,
                            aws_secret_access_key=OFFLINE_SECRET_KEY, region_name=OFFLINE_REGION)
    sts = session.client("sts", endpoint_url=url)
    account = sts.get_caller_identity()["Account"]
    return Workbench("offline", OFFLINE_REGION, account, url, participant, notebook,
                     _kernel_run_id(), session, Clock(control), Faults(control))


def _kernel_endpoint() -> Any:
    """The kernel's own endpoint: started on the first call, reused afterwards."""
    global _local_endpoint
    if _local_endpoint is None:
        from helpers.offline.endpoint import Endpoint

        _local_endpoint = Endpoint(port=0).start()
    return _local_endpoint


# -- sandbox ----------------------------------------------------------------------------------

def allowed_accounts() -> list[str]:
    """The account ids in ``CDW_SANDBOX_ACCOUNTS`` (comma separated), checked to be 12 digits."""
    raw = os.environ.get("CDW_SANDBOX_ACCOUNTS", "")
    accounts = [a.strip() for a in raw.split(",") if a.strip()]
    bad = [a for a in accounts if not (a.isdigit() and len(a) == 12)]
    if bad:
        raise WorkbenchError(
            f"CDW_SANDBOX_ACCOUNTS has {bad}, which are not 12-digit account ids. "
            "Example: CDW_SANDBOX_ACCOUNTS=111122223333,444455556666")
    return accounts


def _start_sandbox(participant: str, notebook: str) -> Workbench:
    import boto3

    allowed = allowed_accounts()
    # A leftover endpoint URL (from an offline start in this kernel) would send calls elsewhere.
    for key in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL")]:
        log.warning("sandbox: ignoring %s=%s", key, os.environ.pop(key))
    _forget_default_session()
    session = boto3.Session()
    region = os.environ.get("CDW_REGION") or session.region_name
    if not region:
        raise WorkbenchError(
            "sandbox mode needs a region: set CDW_REGION (e.g. CDW_REGION=eu-west-1) or a "
            "region in your AWS profile.")
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    if account not in allowed:
        listed = ", ".join(allowed) if allowed else "nothing (CDW_SANDBOX_ACCOUNTS is not set)"
        raise SandboxRefused(
            f"refusing sandbox mode: your credentials belong to account {account}, and the "
            f"allow-list CDW_SANDBOX_ACCOUNTS holds {listed}. If {account} is a sandbox you may "
            f"create and delete resources in, add it: export CDW_SANDBOX_ACCOUNTS={account} "
            "(comma-separate several) and restart the kernel. Otherwise switch to a sandbox "
            "profile (AWS_PROFILE=…) or use offline mode (unset CDW_MODE).")
    os.environ["AWS_DEFAULT_REGION"] = region
    os.environ["AWS_REGION"] = region
    return Workbench("sandbox", region, account, None, participant, notebook, _kernel_run_id(),
                     boto3.Session(region_name=region), SandboxTime("clock"), SandboxTime("faults"))
