"""Benchmark: ``gxets check`` of one large submission, with its reports, against the floor of reading its input.

For each size (--lots, comma-separated; default 1,000 and 10,000) and each form (lots in a CSV file, lots inline in
the YAML), a submission from ``synthetic_check.py`` is checked in a subprocess with ``--out`` and ``--report`` (default
html,xlsx): wall time, peak memory of the process, time per lot and the result file's size. Beside each, in the same
run, the floor: reading and validating the same lots (the CSV reader, or the strict YAML loader on the submission).
Goals (issue 18): CSV lots ≤ 2 s at 10,000 lots; YAML ≤ its parse time + 1.5 s; ≤ 1 GiB and a flat time per lot up
to 100,000 lots.

    .venv/bin/python benchmarks/check_bench.py [--lots 1000,10000] [--report html,xlsx] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_check import generate_check  # noqa: E402

FLOOR = """
import sys, time
from pathlib import Path
from gxets_rules.io.lots_csv import read_lots_csv
from gxets_rules.io.vocabulary import words_of
from gxets_rules.ruleset.strict_yaml import read_yaml_file
path = Path(sys.argv[1])
words = words_of()("gxets-phase1")  # the rule set's words, read before the clock starts
started = time.perf_counter()
if sys.argv[2] == "csv":
    read_lots_csv(next(path.parent.glob("*.lots.csv")), words)
else:
    read_yaml_file(path, max_bytes=1 << 34)
print(time.perf_counter() - started)
"""


def run_check(submission: Path, out: Path, reports: str) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of ``gxets check`` with the reports, in a fresh process."""
    command = [sys.executable, "-m", "gxets_rules.app.cli", "check", str(submission), "--out", str(out)]
    command += ["--lang", "en", "--max-bytes", str(1 << 34)] + (["--report", reports] if reports else [])
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak resident memory (KiB)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"gxets check exited {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def floor(submission: Path, form: str) -> float:
    """Seconds to read and validate the lots (CSV) or to parse the submission (YAML), in a fresh process."""
    found = subprocess.run(
        [sys.executable, "-c", FLOOR, str(submission), form], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(found.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", default="1000,10000", help="Sizes, comma-separated.")
    parser.add_argument("--forms", default="csv,yaml")
    parser.add_argument("--report", default="html,xlsx", help="Reports to write ('' for none).")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"gxets check --report {args.report or '(none)'}, medians of {args.repeat} (load {os.getloadavg()[0]:.1f}):")
    print(f"   {'lots':>8} {'form':5} {'check s':>8} {'floor s':>8} {'µs/lot':>7} {'peak MiB':>9} {'result MB':>9}")
    with tempfile.TemporaryDirectory(prefix="gxets-check-bench-") as scratch:
        for lots in (int(n) for n in args.lots.split(",")):
            for form in args.forms.split(","):
                folder = Path(scratch) / f"{form}-{lots}"
                submission = generate_check(folder, lots, form)
                runs = [run_check(submission, folder / "out", args.report) for _ in range(args.repeat)]
                seconds = statistics.median(r[0] for r in runs)
                peak = max(r[1] for r in runs)
                base = statistics.median(floor(submission, form) for _ in range(args.repeat))
                size = (folder / "out" / "result.json").stat().st_size / 1e6
                per_lot = 1e6 * seconds / lots
                print(f"   {lots:8,} {form:5} {seconds:8.2f} {base:8.2f} {per_lot:7.0f} {peak:9,.0f} {size:9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
