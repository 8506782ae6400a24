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


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m helpers")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the offline endpoint on 127.0.0.1")
    serve.add_argument("--port", type=int, default=4566, help="port (0 picks a free one)")
    serve.add_argument("--time-scale", default="max",
                       help="'max' (jump to the next event) or virtual seconds per wall second")
    serve.set_defaults(func=_serve)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
