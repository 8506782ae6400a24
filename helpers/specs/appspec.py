"""Parse and validate an EC2/on-premises AppSpec file (``appspec.yml``), naming the place and fix.

Check an AppSpec before deploying it::

    from helpers.specs import appspec
    spec = appspec.loads(text)          # raises AppSpecError

The offline CodeDeploy agent validates with this module after DownloadBundle, so an AppSpec that
passes here passes there. The rules follow reference §A.5 (the agent's own checks) and §A.4.2
(hook timeouts). Introduced in notebook 05.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: Events an EC2/on-premises AppSpec may give scripts for, in run order (§A.4.1).
SCRIPTABLE_HOOKS = ("BeforeBlockTraffic", "AfterBlockTraffic", "ApplicationStop", "BeforeInstall",
                    "AfterInstall", "ApplicationStart", "ValidateService", "BeforeAllowTraffic",
                    "AfterAllowTraffic")
FILE_EXISTS = ("DISALLOW", "OVERWRITE", "RETAIN")
#: Default and maximum timeout of one lifecycle event, in seconds.
MAX_EVENT_SECONDS = 3600
NAMES = ("appspec.yml", "appspec.yaml")


class AppSpecError(ValueError):
    """An AppSpec the agent would reject; the message names the place and the fix."""


@dataclass
class Script:
    """One hook script."""

    location: str
    timeout: int = MAX_EVENT_SECONDS
    runas: str | None = None


@dataclass
class FileMapping:
    """One ``files`` entry: a bundle path and its destination on the instance."""

    source: str
    destination: str


@dataclass
class AppSpec:
    """A validated EC2/on-premises AppSpec."""

    os: str
    files: list[FileMapping] = field(default_factory=list)
    hooks: dict[str, list[Script]] = field(default_factory=dict)
    file_exists_behavior: str | None = None
    permissions: list[dict[str, Any]] = field(default_factory=list)


def load(path: str | Path) -> AppSpec:
    """Read and validate an AppSpec file."""
    path = Path(path)
    return loads(path.read_text(), path.name)


def load_yaml(text: str, name: str, what: str = "YAML",
              fix: str = "check the indentation (spaces, not tabs)") -> Any:
    """Parse AppSpec text (YAML, of which JSON is a subset); a syntax error becomes an
    :class:`AppSpecError` naming the file, the line and column, and ``fix``."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise AppSpecError(f"{name}: not valid {what}{where} — {fix}.") from None


def loads(text: str, name: str = "appspec.yml") -> AppSpec:
    """Validate AppSpec text; return the parsed AppSpec or raise :class:`AppSpecError`."""
    data = load_yaml(text, name)
    if not data:
        raise AppSpecError(f"{name}: the file is empty — it needs at least 'version: 0.0' and "
                           "'os: linux'.")
    if not isinstance(data, dict):
        raise AppSpecError(f"{name}: the top level must be a mapping of keys (version, os, "
                           "files, hooks …).")
    if str(data.get("version")) not in ("0.0", "0"):
        raise AppSpecError(f"{name}: version is {data.get('version')!r} — make sure your AppSpec "
                           "file specifies \"0.0\" as the version (version: 0.0).")
    os_name = data.get("os")
    if os_name not in ("linux", "windows"):
        raise AppSpecError(f"{name}: os is {os_name!r} — use 'os: linux' or 'os: windows'.")
    spec = AppSpec(os=os_name)
    behaviour = data.get("file_exists_behavior")
    if behaviour is not None:
        if str(behaviour).upper() not in FILE_EXISTS:
            raise AppSpecError(f"{name}: file_exists_behavior {behaviour!r} is invalid — use "
                               "DISALLOW, OVERWRITE or RETAIN.")
        spec.file_exists_behavior = str(behaviour).upper()
    spec.files = _files(data.get("files"), name)
    spec.permissions = _permissions(data.get("permissions"), os_name, name)
    spec.hooks = _hooks(data.get("hooks"), name)
    return spec


def _files(entries: Any, name: str) -> list[FileMapping]:
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise AppSpecError(f"{name}: files must be a list of '- source: … destination: …' items.")
    out = []
    for i, entry in enumerate(entries):
        where = f"{name}: files[{i}]"
        if not isinstance(entry, dict) or "source" not in entry or "destination" not in entry:
            raise AppSpecError(f"{where} needs both 'source' (a path in the bundle) and "
                               "'destination' (an absolute path on the instance).")
        source, dest = str(entry["source"]), str(entry["destination"])
        if not dest.startswith("/") and not (len(dest) > 1 and dest[1] == ":"):
            raise AppSpecError(f"{where}: destination {dest!r} must be a fully qualified path, "
                               "e.g. /var/www/html.")
        out.append(FileMapping(source, dest))
    return out


def _permissions(entries: Any, os_name: str, name: str) -> list[dict[str, Any]]:
    if not entries:
        return []
    if os_name == "windows":
        raise AppSpecError(f"{name}: permissions apply to Linux only — remove the permissions "
                           "section for 'os: windows'.")
    if not isinstance(entries, list):
        raise AppSpecError(f"{name}: permissions must be a list of '- object: …' items.")
    for i, entry in enumerate(entries):
        where = f"{name}: permissions[{i}]"
        if not isinstance(entry, dict) or not entry.get("object"):
            raise AppSpecError(f"{where} needs 'object' (the path the permission applies to).")
        for kind in entry.get("type") or []:
            if kind not in ("file", "directory"):
                raise AppSpecError(f"{where}: type {kind!r} is invalid — use file or directory.")
        mode = entry.get("mode")
        if mode is not None and not str(mode).isdigit():
            raise AppSpecError(f"{where}: mode {mode!r} must be numeric (e.g. 644), not u+x "
                               "syntax.")
    return list(entries)


def _hooks(hooks: Any, name: str) -> dict[str, list[Script]]:
    if hooks is None:
        return {}
    if not isinstance(hooks, dict):
        raise AppSpecError(f"{name}: hooks must map event names to lists of scripts.")
    out: dict[str, list[Script]] = {}
    for event, scripts in hooks.items():
        if event not in SCRIPTABLE_HOOKS:
            raise AppSpecError(f"{name}: hooks.{event} is not a lifecycle event you can script — "
                               f"use one of {', '.join(SCRIPTABLE_HOOKS)}.")
        if scripts is None:
            out[event] = []
            continue
        if not isinstance(scripts, list):
            raise AppSpecError(f"{name}: hooks.{event} must be a list of '- location: …' items.")
        # The 3600 s per event is a limit on the running time of all the event's scripts
        # together; the agent enforces it while running, not here (scripts default to 3600 s).
        out[event] = [_script(s, f"{name}: hooks.{event}[{i}]") for i, s in enumerate(scripts)]
    return out


def _script(entry: Any, where: str) -> Script:
    if not isinstance(entry, dict) or not entry.get("location"):
        raise AppSpecError(f"{where} has no 'location' — each script entry needs a path relative "
                           "to the bundle root.")
    timeout = entry.get("timeout", MAX_EVENT_SECONDS)
    try:
        timeout = int(timeout)
    except (TypeError, ValueError):
        raise AppSpecError(f"{where}: timeout {timeout!r} must be a whole number of seconds.") \
            from None
    if timeout <= 0:
        raise AppSpecError(f"{where}: timeout must be greater than 0 seconds.")
    return Script(str(entry["location"]), timeout, entry.get("runas"))
