"""CodeBuild's API on the offline endpoint: projects and builds.

Report-group and report operations live in :mod:`helpers.offline.codebuild.api_reports` and are
mixed in here. Writes run on the engine thread (``engine.call``); reads copy under the engine lock.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from helpers.offline import identity
from helpers.offline.codebuild import projects
from helpers.offline.codebuild.api_reports import ReportsApi
from helpers.offline.codebuild.models import codebuild_backends
from helpers.offline.codebuild.runner import BuildRun
from helpers.offline.services import OwnedService, Request, ServiceError

PAGE = 100


def paginate(items: list[str], params: dict[str, Any], key: str) -> dict[str, Any]:
    """One page of ``items`` under ``key``, with a numeric ``nextToken``."""
    start = int(params.get("nextToken") or 0)
    size = int(params.get("maxResults") or PAGE)
    page = {key: items[start:start + size]}
    if start + size < len(items):
        page["nextToken"] = str(start + size)
    return page


class CodeBuildService(ReportsApi, OwnedService):
    """The CodeBuild operations the emulator implements."""

    service_name = "codebuild"

    def backend(self, request: Request) -> Any:
        """The backend of the caller's account and Region."""
        return codebuild_backends[request.account_id][request.region]

    # -- projects ---------------------------------------------------------------------------------

    def create_project(self, request: Request) -> dict[str, Any]:
        backend, params = self.backend(request), request.params

        def _do() -> dict[str, Any]:
            name = params["name"]
            if name in backend.projects:
                raise ServiceError("ResourceAlreadyExistsException",
                                   f"Project already exists: {backend.arn('project', name)}")
            project = projects.build_project(params, backend, self.engine.now())
            backend.projects[name] = project
            return {"project": copy.deepcopy(project)}
        return self.engine.call(_do)

    def update_project(self, request: Request) -> dict[str, Any]:
        backend, params = self.backend(request), request.params

        def _do() -> dict[str, Any]:
            existing = backend.project(params["name"])
            project = projects.build_project(params, backend, self.engine.now(), existing)
            backend.projects[existing["name"]] = project
            return {"project": copy.deepcopy(project)}
        return self.engine.call(_do)

    def delete_project(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)

        def _do() -> dict[str, Any]:
            name = request.params["name"].rsplit("/", 1)[-1]
            backend.projects.pop(name, None)  # AWS answers success for a missing project too
            return {}
        return self.engine.call(_do)

    def batch_get_projects(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)
        with self.engine.lock:
            found, missing = [], []
            for name in request.params.get("names", []):
                key = name.rsplit("/", 1)[-1]
                if key in backend.projects:
                    found.append(copy.deepcopy(backend.projects[key]))
                else:
                    missing.append(name)
        return {"projects": found, "projectsNotFound": missing}

    def list_projects(self, request: Request) -> dict[str, Any]:
        backend, params = self.backend(request), request.params
        sort_by = {"NAME": "name", "CREATED_TIME": "created",
                   "LAST_MODIFIED_TIME": "lastModified"}[params.get("sortBy", "NAME")]
        with self.engine.lock:
            items = sorted(backend.projects.values(), key=lambda p: (p[sort_by], p["name"]),
                           reverse=params.get("sortOrder", "ASCENDING") == "DESCENDING")
            names = [p["name"] for p in items]
        return paginate(names, params, "projects")

    # -- builds -----------------------------------------------------------------------------------

    def start_build(self, request: Request) -> dict[str, Any]:
        backend, params = self.backend(request), request.params

        def _do() -> dict[str, Any]:
            project = backend.project(params["projectName"])
            build, run = self._new_build(request, backend, project, params)
            backend.builds[build["id"]] = build
            backend.runs[build["id"]] = run
            run.start()
            self.endpoint.faults.anchor("build", build["id"],
                                        {"projectName": project["name"]})
            return {"build": copy.deepcopy(build)}
        return self.engine.call(_do)

    def _new_build(self, request: Request, backend: Any, project: dict[str, Any],
                   params: dict[str, Any]) -> tuple[dict[str, Any], BuildRun]:
        name = project["name"]
        build_uuid = str(uuid.UUID(int=self.engine.random.getrandbits(128), version=4))
        build_id = f"{name}:{build_uuid}"
        source = dict(project["source"])
        if "sourceTypeOverride" in params:
            source["type"] = params["sourceTypeOverride"]
        if "sourceLocationOverride" in params:
            source["location"] = params["sourceLocationOverride"]
        if "buildspecOverride" in params:
            source["buildspec"] = params["buildspecOverride"]
        secondary = params.get("secondarySourcesOverride", project["secondarySources"])
        artifacts = projects.check_artifacts(params.get("artifactsOverride",
                                                        project["artifacts"]))
        secondary_artifacts = [projects.check_artifacts(a, "secondaryArtifactsOverride") for a
                               in params.get("secondaryArtifactsOverride",
                                             project["secondaryArtifacts"])]
        override_vars = projects.check_variables(
            params.get("environmentVariablesOverride", []), "environmentVariablesOverride")
        env = copy.deepcopy(project["environment"])
        for key, field in (("imageOverride", "image"), ("computeTypeOverride", "computeType"),
                           ("environmentTypeOverride", "type"),
                           ("privilegedModeOverride", "privilegedMode")):
            if key in params:
                env[field] = params[key]
        merged = {v["name"]: v for v in env["environmentVariables"]}
        merged.update({v["name"]: v for v in override_vars})
        env["environmentVariables"] = list(merged.values())
        timeout = params.get("timeoutInMinutesOverride", project["timeoutInMinutes"])
        projects.check_timeout(timeout, projects.TIMEOUT_RANGE, "timeoutInMinutesOverride")
        logs_config = params.get("logsConfigOverride", project.get("logsConfig", {}))
        cw = logs_config.get("cloudWatchLogs", {})
        group = cw.get("groupName") or f"/aws/codebuild/{name}"
        stream = f"{cw['streamName']}/{build_uuid}" if cw.get("streamName") else build_uuid
        label = identity.job_label(request.access_key)
        now = self.engine.now()
        build = {
            "id": build_id, "arn": backend.arn("build", build_id),
            "buildNumber": backend.next_build_number(name), "startTime": now,
            "currentPhase": "SUBMITTED", "buildStatus": "IN_PROGRESS",
            "sourceVersion": params.get("sourceVersion", project.get("sourceVersion", "")),
            "projectName": name, "phases": [], "source": source,
            "secondarySources": secondary,
            "secondarySourceVersions": params.get("secondarySourcesVersionOverride",
                                                  project.get("secondarySourceVersions", [])),
            "artifacts": {}, "secondaryArtifacts": [], "cache": project.get("cache", {}),
            "environment": env, "serviceRole": params.get("serviceRoleOverride",
                                                          project.get("serviceRole", "")),
            "logs": {
                "groupName": group, "streamName": stream,
                "deepLink": ("https://console.aws.amazon.com/cloudwatch/home?region="
                             f"{request.region}#logEvent:group={group};stream={stream}"),
                "cloudWatchLogsArn": (f"arn:aws:logs:{request.region}:{request.account_id}:"
                                      f"log-group:{group}:log-stream:{stream}"),
                "cloudWatchLogs": {"status": "ENABLED"}, "s3Logs": {"status": "DISABLED"}},
            "timeoutInMinutes": timeout,
            "queuedTimeoutInMinutes": params.get("queuedTimeoutInMinutesOverride",
                                                 project["queuedTimeoutInMinutes"]),
            "buildComplete": False,
            "initiator": label if label and label.startswith("codepipeline/") else "root",
            "encryptionKey": params.get("encryptionKeyOverride", project.get(
                "encryptionKey",
                f"arn:aws:kms:{request.region}:{request.account_id}:alias/aws/s3")),
            "reportArns": [], "fileSystemLocations": [],
        }
        run = BuildRun(self, backend, build, project, source.get("buildspec"), override_vars,
                       request.account_id, request.region)
        run.artifact_config = artifacts
        run.secondary_config = secondary_artifacts
        return build, run

    def batch_get_builds(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)
        with self.engine.lock:
            found, missing = [], []
            for build_id in request.params.get("ids", []):
                key = build_id.split(":build/", 1)[-1]
                if key in backend.builds:
                    found.append(copy.deepcopy(backend.builds[key]))
                else:
                    missing.append(build_id)
        return {"builds": found, "buildsNotFound": missing}

    def stop_build(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)

        def _do() -> dict[str, Any]:
            build = backend.build(request.params["id"])
            run = backend.runs.get(build["id"])
            if run is not None:
                run.stop()
            return {"build": copy.deepcopy(build)}
        return self.engine.call(_do)

    def retry_build(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)

        def _do() -> dict[str, Any]:
            old = backend.build(request.params["id"])
            project = backend.project(old["projectName"])
            params = {"projectName": project["name"], "sourceVersion": old["sourceVersion"]}
            build, run = self._new_build(request, backend, project, params)
            backend.builds[build["id"]] = build
            backend.runs[build["id"]] = run
            run.start()
            return {"build": copy.deepcopy(build)}
        return self.engine.call(_do)

    def batch_delete_builds(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)

        def _do() -> dict[str, Any]:
            deleted, missing = [], []
            for build_id in request.params.get("ids", []):
                key = build_id.split(":build/", 1)[-1]
                build = backend.builds.get(key)
                if build is None or not build["buildComplete"]:
                    missing.append({"id": build_id, "statusCode": (
                        "BUILD_NOT_FOUND" if build is None else "BUILD_IN_PROGRESS")})
                    continue
                del backend.builds[key]
                deleted.append(build_id)
            return {"buildsDeleted": deleted, "buildsNotDeleted": missing}
        return self.engine.call(_do)

    def list_builds(self, request: Request) -> dict[str, Any]:
        return self._list_builds(request, None)

    def list_builds_for_project(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)
        with self.engine.lock:
            name = backend.project(request.params["projectName"])["name"]
        return self._list_builds(request, name)

    def _list_builds(self, request: Request, project: str | None) -> dict[str, Any]:
        backend = self.backend(request)
        with self.engine.lock:
            ids = [b["id"] for b in backend.builds.values()
                   if project is None or b["projectName"] == project]
        # Newest first unless ASCENDING is asked for.
        if request.params.get("sortOrder", "DESCENDING") != "ASCENDING":
            ids.reverse()
        return paginate(ids, request.params, "ids")
