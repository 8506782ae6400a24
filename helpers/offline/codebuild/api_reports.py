"""CodeBuild report groups and reports (mixed into the service class)."""

from __future__ import annotations

import copy
import re
from typing import Any

from helpers.offline.codebuild import reports
from helpers.offline.services import Request, ServiceError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_]{1,127}$")


class ReportsApi:
    """Report-group and report operations; the service class supplies ``backend``/``engine``."""

    def _page(self, items: list[str], params: dict[str, Any], key: str) -> dict[str, Any]:
        from helpers.offline.codebuild.responses import paginate

        return paginate(items, params, key)

    def create_report_group(self, request: Request) -> dict[str, Any]:
        backend, params = self.backend(request), request.params

        def _do() -> dict[str, Any]:
            name = params["name"]
            if not _NAME.match(name):
                raise ServiceError("InvalidInputException", f"Report group name {name!r} must "
                                   "be 2–128 letters, digits, '-' or '_'")
            if params.get("type", "TEST") not in ("TEST", "CODE_COVERAGE"):
                raise ServiceError("InvalidInputException", "type must be TEST or CODE_COVERAGE")
            arn = backend.report_group_arn(name)
            if arn in backend.report_groups:
                raise ServiceError("ResourceAlreadyExistsException",
                                   f"Report group already exists: {arn}")
            group = reports.new_group(arn, name, self.engine.now(), params.get("tags"))
            group["type"] = params.get("type", "TEST")
            group["exportConfig"] = params.get("exportConfig", group["exportConfig"])
            backend.report_groups[arn] = group
            return {"reportGroup": copy.deepcopy(group)}
        return self.engine.call(_do)

    def update_report_group(self, request: Request) -> dict[str, Any]:
        backend, params = self.backend(request), request.params

        def _do() -> dict[str, Any]:
            group = self._group(backend, params["arn"])
            for key in ("exportConfig", "tags"):
                if key in params:
                    group[key] = params[key]
            group["lastModified"] = self.engine.now()
            return {"reportGroup": copy.deepcopy(group)}
        return self.engine.call(_do)

    def delete_report_group(self, request: Request) -> dict[str, Any]:
        backend, params = self.backend(request), request.params

        def _do() -> dict[str, Any]:
            arn = params["arn"]
            owned = [a for a, r in backend.reports.items() if r["reportGroupArn"] == arn]
            if owned and not params.get("deleteReports"):
                raise ServiceError("InvalidInputException", "The report group has reports; "
                                   "delete them first or pass deleteReports=True")
            for report_arn in owned:
                backend.reports.pop(report_arn, None)
                backend.test_cases.pop(report_arn, None)
            backend.report_groups.pop(arn, None)
            return {}
        return self.engine.call(_do)

    @staticmethod
    def _group(backend: Any, arn: str) -> dict[str, Any]:
        if arn not in backend.report_groups:
            raise ServiceError("ResourceNotFoundException", f"Report group {arn} does not exist")
        return backend.report_groups[arn]

    def batch_get_report_groups(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)
        with self.engine.lock:
            arns = request.params.get("reportGroupArns", [])
            return {"reportGroups": [copy.deepcopy(backend.report_groups[a]) for a in arns
                                     if a in backend.report_groups],
                    "reportGroupsNotFound": [a for a in arns if a not in backend.report_groups]}

    def list_report_groups(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)
        with self.engine.lock:
            arns = sorted(backend.report_groups)
        return self._page(arns, request.params, "reportGroups")

    def batch_get_reports(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)
        with self.engine.lock:
            arns = request.params.get("reportArns", [])
            return {"reports": [copy.deepcopy(backend.reports[a]) for a in arns
                                if a in backend.reports],
                    "reportsNotFound": [a for a in arns if a not in backend.reports]}

    def list_reports(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)
        with self.engine.lock:
            arns = list(backend.reports)
        if request.params.get("sortOrder", "DESCENDING") != "ASCENDING":
            arns.reverse()
        return self._page(arns, request.params, "reports")

    def list_reports_for_report_group(self, request: Request) -> dict[str, Any]:
        backend, params = self.backend(request), request.params
        with self.engine.lock:
            self._group(backend, params["reportGroupArn"])
            arns = [a for a, r in backend.reports.items()
                    if r["reportGroupArn"] == params["reportGroupArn"]
                    and (not params.get("filter", {}).get("status")
                         or r["status"] == params["filter"]["status"])]
        if params.get("sortOrder", "DESCENDING") != "ASCENDING":
            arns.reverse()
        return self._page(arns, params, "reports")

    def describe_test_cases(self, request: Request) -> dict[str, Any]:
        backend, params = self.backend(request), request.params
        with self.engine.lock:
            if params["reportArn"] not in backend.reports:
                raise ServiceError("ResourceNotFoundException",
                                   f"Report {params['reportArn']} does not exist")
            cases = copy.deepcopy(backend.test_cases.get(params["reportArn"], []))
        wanted = params.get("filter", {}).get("status")
        cases = [c for c in cases if not wanted or c["status"] == wanted]
        start = int(params.get("nextToken") or 0)
        size = int(params.get("maxResults") or 100)
        page: dict[str, Any] = {"testCases": cases[start:start + size]}
        if start + size < len(cases):
            page["nextToken"] = str(start + size)
        return page

    def delete_report(self, request: Request) -> dict[str, Any]:
        backend = self.backend(request)

        def _do() -> dict[str, Any]:
            backend.reports.pop(request.params["arn"], None)
            backend.test_cases.pop(request.params["arn"], None)
            return {}
        return self.engine.call(_do)
