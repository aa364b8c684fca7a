"""Benchmark: the largest inputs a submitter may send, each run as `gxets check` in its own process.

For each input it prints the exit code, the wall and CPU time and the peak resident memory of the process (from the
kernel, ``wait4``), and for the lots CSV the cost per lot at several sizes, so that "time proportional to size" is a
measured slope, not a claim. The inputs:

- a lots CSV of N lots (default 75,000, 150,000 and 300,000): a submission's largest legitimate input. Goal (issue 12):
  the 300,000-lot check within 2 GB; reading the CSV alone is timed too (``read_lots_csv`` in-process);
- an 11.8 MB workbook whose shared-strings part unpacks to 99 MB (refused from the zip directory) and one whose
  shared strings are just under --max-bytes (read);
- a 21 MB YAML file (refused by its size before parsing) and a YAML nested 3,000 levels deep (refused when met).

    .venv/bin/python benchmarks/hostile_sizes.py [--lots 75000,150000,300000]
"""

from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_batch import generate_batch  # noqa: E402
from gxets_rules.io.lots_csv import read_lots_csv  # noqa: E402
from gxets_rules.io.vocabulary import words_of  # noqa: E402
from gxets_rules.ruleset.strict_yaml import DEFAULT_MAX_BYTES  # noqa: E402
from tests.hostile import generated  # noqa: E402

GOAL_MB = 2_048
TIME = "/usr/bin/time"


def measured(args: list[str]) -> tuple[int, float, float, float]:
    """(exit code, wall s, CPU s, peak MB) of ``gxets ARGS`` in a process of its own, measured by GNU time.

    Not by this process's ``wait4``: Linux carries a forked child's memory high-water mark over from the parent, so a
    benchmark that has grown would be charged to every command it runs.
    """
    command = [TIME, "-f", "%x %e %U %S %M", sys.executable, "-m", "gxets_rules.app.cli", *args]
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    code, wall, user, system, peak_kb = proc.stderr.strip().splitlines()[-1].split()
    return int(code), float(wall), float(user) + float(system), int(peak_kb) / 1024


def report(name: str, figures: tuple[int, float, float, float], per: int | None = None) -> None:
    code, wall, cpu, peak = figures
    slope = f"  {cpu / per * 1e6:6.1f} µs CPU/lot  {peak / per * 1024:5.1f} KB/lot" if per else ""
    goal = "" if peak <= GOAL_MB else "  (over the 2 GB goal)"
    print(f"{name:46} exit {code}  wall {wall:7.1f} s  CPU {cpu:7.1f} s  peak {peak:7.0f} MB{slope}{goal}")


def strings_at_the_limit(folder: Path) -> Path:
    """A workbook whose shared-strings part is just under --max-bytes: read, every string held at once."""
    big = generated.make("bad_workbooks/shared-strings-95mb", folder)
    with zipfile.ZipFile(big) as archive:
        strings = archive.read("xl/sharedStrings.xml")
    head, _, _ = strings.partition(b"<si>")
    entry = len(b"<si><t>0000000</t></si>")
    count = (DEFAULT_MAX_BYTES - len(head) - 16) // entry
    sst = head + b"".join(b"<si><t>%07d</t></si>" % n for n in range(count)) + b"</sst>"
    out = io.BytesIO()
    with zipfile.ZipFile(big) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = sst if info.filename == "xl/sharedStrings.xml" else src.read(info.filename)
            dst.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
    path = folder / "shared-strings-at-the-limit.xlsx"
    path.write_bytes(out.getvalue())
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lots", default="75000,150000,300000", help="Comma-separated lot counts of the lots CSV.")
    sizes = [int(n) for n in parser.parse_args().lots.split(",")]
    words = words_of()("gxets-phase1")  # the rule set's words, read before the clock starts
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for lots in sizes:
            batch = folder / f"lots-{lots}"
            generate_batch(batch, firms=1, lots=lots, entities=0, across=0, within=0, excess=0)
            submission = batch / "submissions" / "firm-00000.yaml"
            csv = batch / "submissions" / "firm-00000.lots.csv"
            before = resource.getrusage(resource.RUSAGE_SELF)
            read_lots_csv(csv, words)
            after = resource.getrusage(resource.RUSAGE_SELF)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            print(f"read_lots_csv {lots:,} lots ({csv.stat().st_size / 1e6:.0f} MB): CPU {cpu:.1f} s")
            report(f"check, lots CSV of {lots:,} lots", measured(["check", str(submission)]), per=lots)
            out = str(batch / "out")
            report(f"check --out, lots CSV of {lots:,} lots", measured(["check", str(submission), "--out", out]), lots)
        samples = folder / "samples"
        for case in ("bad_workbooks/shared-strings-95mb", "bad_submissions/over-max-bytes"):
            path = generated.make(case, samples)
            report(f"{path.name} ({path.stat().st_size / 1e6:.1f} MB)", measured(["check", str(path)]))
        path = strings_at_the_limit(samples)
        report(f"{path.name} ({path.stat().st_size / 1e6:.1f} MB)", measured(["check", str(path)]))
        path = generated.make("bad_submissions/nesting-3000-mappings", samples)
        report(f"{path.name}", measured(["check", str(path)]))


if __name__ == "__main__":
    main()
