"""Benchmark: what starting the command costs — ``gxets --help`` and a text-only ``gxets check``, whole processes.

Each is run --repeat times and the median wall time printed beside its floor measured in the same run: a bare Python
start (``python -c pass``) and ``import click`` for ``--help``; for ``check``, the same process's own figure for
reading and evaluating (``--format json`` to /dev/null is not asked, only the text summary). Goal: ``--help`` ≤ 0.15 s
on a 2-core machine; the load average is printed with the figures.

    .venv/bin/python benchmarks/cli_bench.py [--repeat 7] [--submission examples/acme-steel/submission.yaml]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_HELP_S = 0.15


def wall(command: list[str], repeat: int) -> float:
    """Median wall time of running ``command`` to its end (output discarded)."""
    spent = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--submission", type=Path, default=ROOT / "examples" / "acme-steel" / "submission.yaml")
    args = parser.parse_args()
    python = sys.executable
    gxets = [python, "-m", "gxets_rules.app.cli"]
    figures = {
        "python -c pass (floor)": wall([python, "-c", "pass"], args.repeat),
        "python -c 'import click' (floor)": wall([python, "-c", "import click"], args.repeat),
        "gxets --help": wall([*gxets, "--help"], args.repeat),
        "gxets check (text)": wall([*gxets, "check", str(args.submission), "--lang", "en"], args.repeat),
    }
    print(f"whole processes, median of {args.repeat} (load {os.getloadavg()[0]:.1f}):")
    for name, seconds in figures.items():
        print(f"   {name:34} {seconds:6.3f} s")
    met = figures["gxets --help"] <= GOAL_HELP_S
    print(f"goal: --help ≤ {GOAL_HELP_S} s — {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
