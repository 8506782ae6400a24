"""Endpoint start-up: ours vs a bare ThreadedMotoServer, and the cost of `import helpers`.

Run: ``python benchmarks/bench_endpoint.py``. Prints figures; asserts nothing.
Each start is measured in a fresh interpreter (imports included) until the first request answers.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

RUNS = 5

OURS = """
import time, urllib.request
t = time.perf_counter()
from helpers.offline.endpoint import Endpoint
ep = Endpoint(port=0).start()
urllib.request.urlopen(ep.url + "/_cdw/health").read()
print(time.perf_counter() - t)
ep.stop()
"""

BARE = """
import time, urllib.request
t = time.perf_counter()
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
urllib.request.urlopen(f"http://{host}:{port}/moto-api/data.json").read()
print(time.perf_counter() - t)
server.stop()
"""

IMPORT = "import time; t = time.perf_counter(); import helpers; print(time.perf_counter() - t)"
IMPORT_ALL = ("import time; t = time.perf_counter(); import helpers.offline.endpoint; "
              "print(time.perf_counter() - t)")


def measure(code: str) -> list[float]:
    """Run ``code`` in fresh interpreters and collect the seconds it prints."""
    out = []
    for _ in range(RUNS):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True)
        out.append(float(result.stdout.strip().splitlines()[-1]))
    return out


def row(name: str, values: list[float]) -> str:
    """One line of the table: median, min, max in milliseconds."""
    ms = [v * 1000 for v in values]
    return (f"{name:<42} median {statistics.median(ms):8.1f} ms   "
            f"min {min(ms):8.1f}   max {max(ms):8.1f}   (n={len(ms)})")


def main() -> None:
    """Print the figures."""
    print(row("offline endpoint start (ours, to 1st answer)", measure(OURS)))
    print(row("bare ThreadedMotoServer start (to 1st answer)", measure(BARE)))
    print(row("import helpers", measure(IMPORT)))
    print(row("import helpers.offline.endpoint", measure(IMPORT_ALL)))


if __name__ == "__main__":
    main()
