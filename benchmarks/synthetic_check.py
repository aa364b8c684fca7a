"""A seeded generator of one large submission: a firm of N credit lots, in CSV (``lots_csv:``) or inline in YAML.

The lots are those of ``synthetic_batch`` (every kind and verdict; overseas voluntary lots on projects of a small
ownership graph the submission names), for one firm. ``check_bench.py`` times ``gxets check`` on it; the hash test
(``scripts/result_hashes.py``) checks its result byte for byte at a small size.

    python benchmarks/synthetic_check.py OUT [--lots 10000] [--form csv|yaml]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_batch import generate_batch  # noqa: E402

WHOLE = ("quantity_t", "vintage", "serial_start", "serial_end", "cancelled_for_fy")
DAYS = ("status_date", "project.registration_applied_on")


def _typed(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as the YAML form writes it: numbers and dates typed, dotted columns nested, empty cells left out."""
    lot: dict[str, Any] = {}
    for column, text in row.items():
        if text == "":
            continue
        value: Any = int(text) if column in WHOLE else date.fromisoformat(text) if column in DAYS else text
        head, _, rest = column.partition(".")
        if rest:
            lot.setdefault(head, {})[rest] = value
        else:
            lot[column] = value
    return lot


def generate_check(folder: Path, lots: int = 10_000, form: str = "csv", entities: int = 2_000, seed: int = 11) -> Path:
    """Write the submission (and its lots CSV and ownership graph) into ``folder``; return the submission's path."""
    generate_batch(folder / "batch", 1, lots, entities, seed, across=0, within=0, excess=0, link_ownership=True)
    source = next((folder / "batch" / "submissions").glob("*.yaml"))
    submission = yaml.safe_load(source.read_text(encoding="utf-8"))
    shutil.move(folder / "batch" / "ownership.yaml", folder / "ownership.yaml")
    submission["ownership"] = "ownership.yaml"
    csv_path = source.with_name(submission["lots_csv"])
    if form == "csv":
        shutil.move(csv_path, folder / csv_path.name)
    else:
        with csv_path.open(encoding="utf-8", newline="") as rows:
            submission["lots"] = [_typed(row) for row in csv.DictReader(rows)]
        del submission["lots_csv"]
    shutil.rmtree(folder / "batch")
    path = folder / "submission.yaml"
    path.write_text(yaml.dump(submission, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lots", type=int, default=10_000)
    parser.add_argument("--form", choices=["csv", "yaml"], default="csv")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(generate_check(args.out, args.lots, args.form))


if __name__ == "__main__":
    main()
