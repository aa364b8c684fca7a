"""Load test of gxets serve on the loopback address: pre-check uploads of the ACME workbook from concurrent clients.

    .venv/bin/python benchmarks/web_load.py [--uploads 200] [--clients 8] [--time-limit 600]

Starts `gxets serve` as its own process on 127.0.0.1 (a free port), lets each client fetch the page (its session
cookie and CSRF token) and then upload the workbook until the uploads are shared out, and checks every answer: status
200 and 77,500 t in the verdict. Bounded in count and time: it stops at the count, or at the time limit, and stops the
server. Prints the latency percentiles, the throughput and the server's peak memory (VmHWM); exits 1 on any error.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "examples" / "acme-steel" / "submission.xlsx"
EXPECTED = "77,500"
HOST = "127.0.0.1"  # loopback only: this script sends nothing anywhere else


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def memory_kib(pid: int, field: str) -> int:
    """A memory figure of a process from /proc (VmRSS now, VmHWM its peak resident size), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def wait_until_up(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx2.get(base + "/", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start in time")


def client_loop(base: str, remaining: list[int], lock: threading.Lock, deadline: float, out: dict) -> None:
    """One client: a session, then uploads while any are left and time remains."""
    data = WORKBOOK.read_bytes()
    with httpx2.Client(base_url=base, timeout=60) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                response = client.post(
                    "/check",
                    data={"csrf": token, "lang": "en"},
                    files={"submission": (WORKBOOK.name, data, "application/octet-stream")},
                )
                elapsed = time.perf_counter() - started
                verdict = response.text[response.text.find('<section id="verdict"') :][:4000]
                ok = response.status_code == 200 and EXPECTED in verdict
            except httpx2.HTTPError as exc:
                elapsed, ok = time.perf_counter() - started, False
                response = exc
            with lock:
                out["latencies"].append(elapsed)
                if not ok:
                    out["errors"].append(str(getattr(response, "status_code", response)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=600, help="Seconds before the test stops, done or not.")
    args = parser.parse_args()
    port = free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, "-m", "gxets_rules.app.cli", "serve", "--host", HOST, "--port", str(port)]
        command += ["--data", str(Path(scratch) / "data"), "--users", str(Path(scratch) / "users.json")]
        server = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + args.time_limit
            wait_until_up(base, min(deadline, time.monotonic() + 60))
            idle_kib = memory_kib(server.pid, "VmRSS")
            remaining, lock = [args.uploads], threading.Lock()
            results: dict = {"latencies": [], "errors": []}
            started = time.perf_counter()
            threads = [
                threading.Thread(target=client_loop, args=(base, remaining, lock, deadline, results))
                for _ in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
            peak_kib = memory_kib(server.pid, "VmHWM")
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    latencies = sorted(results["latencies"])
    done, errors = len(latencies), results["errors"]
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if done >= 2 else latencies * 99
    print(f"web load: {done} of {args.uploads} pre-check uploads of {WORKBOOK.name} from {args.clients} clients")
    print(f"  errors: {len(errors)}{' (' + ', '.join(sorted(set(errors))) + ')' if errors else ''}")
    print(f"  latency: p50 {cuts[49] * 1000:.0f} ms · p95 {cuts[94] * 1000:.0f} ms · max {latencies[-1] * 1000:.0f} ms")
    print(f"  throughput: {done / wall:.1f} uploads/s over {wall:.1f} s ({os.cpu_count()} CPUs)")
    print(f"  server memory: {idle_kib / 1024:.0f} MiB idle · peak {peak_kib / 1024:.0f} MiB (VmHWM)")
    if errors or done < args.uploads:
        sys.exit(1)


if __name__ == "__main__":
    main()
