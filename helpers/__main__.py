"""Command line: ``python -m helpers serve | run | cleanup``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading


def _serve(args: argparse.Namespace) -> int:
    from helpers.offline.endpoint import Endpoint

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    endpoint = Endpoint(port=args.port, scale=args.time_scale).start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    sys.stdout.write(f"Offline endpoint ready at {endpoint.url} (time scale {args.time_scale})\n")
    sys.stdout.flush()
    stop.wait()
    endpoint.stop()
    return 0


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from helpers import notebooks

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    paths = [Path(p) for p in args.paths] or notebooks.default_paths(Path.cwd())
    if not paths:
        sys.stderr.write("no notebooks found (looked for notebooks/*.ipynb and "
                         "labs/solutions/*.ipynb under the current directory)\n")
        return 1
    for path in paths:
        if not path.is_file():
            sys.stderr.write(f"{path}: no such notebook\n")
            return 1
        sys.stdout.write(f"running {path}\n")
        sys.stdout.flush()
        notebooks.execute(path, timeout=args.timeout)
    return 0


def _cleanup(args: argparse.Namespace) -> int:
    from helpers import cleanup, workbench

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
    wb = workbench.start(notebook=args.notebook)
    scope = wb.scope(everything=True)
    if args.notebook:
        scope = cleanup.Scope(prefix=wb.prefix, tags={**scope.tags, "cdw:notebook": wb.notebook})
    if args.run:
        scope = cleanup.Scope(prefix=scope.prefix, tags={**scope.tags, "cdw:run": args.run})
    sys.stdout.write(f"cleaning up in {wb.mode} mode, account {wb.account}, region {wb.region}: "
                     f"names {scope.prefix}*, tags {dict(scope.tags)}\n")
    report = cleanup.run(wb, scope)
    sys.stdout.write(f"{report}\n")
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m helpers")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the offline endpoint on 127.0.0.1")
    serve.add_argument("--port", type=int, default=4566, help="port (0 picks a free one)")
    serve.add_argument("--time-scale", default="max",
                       help="'max' (jump to the next event) or virtual seconds per wall second")
    serve.set_defaults(func=_serve)
    run = sub.add_parser("run", help="re-execute notebooks in place, deterministically")
    run.add_argument("paths", nargs="*",
                     help="notebooks (default: notebooks/*.ipynb and labs/solutions/*.ipynb)")
    run.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    run.set_defaults(func=_run)
    clean = sub.add_parser("cleanup", help="delete what the workbook created, then verify")
    clean.add_argument("--notebook", help="only this notebook's resources, e.g. 05")
    clean.add_argument("--run", help="only resources tagged with this cdw:run")
    clean.set_defaults(func=_cleanup)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
