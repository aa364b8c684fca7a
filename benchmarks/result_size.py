"""Print what a result weighs per lot, in gxets.result.v2 and (in the same run) in the former gxets.result.v1.

Two submissions: the ACME Steel example (five lots) and a 10,000-lot submission from ``synthetic_batch`` (one firm,
lots in CSV, an ownership graph of 2,000 entities; seed 7). For each: the whole file per lot, the lots' part per lot,
and the median eligible lot — the figure of issue 13's goal (≤ 1 KB for a typical eligible lot). v1 is the v1 builder
kept as the test oracle (tests/v1_support.py) on the same evaluation, encoded as v1 was (indented canonical JSON).

    .venv/bin/python benchmarks/result_size.py [--lots 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_batch import generate_batch  # noqa: E402
from gxets_rules.app.pipeline import CheckRequest, run_evaluation  # noqa: E402
from gxets_rules.evaluate.result import build_result  # noqa: E402
from gxets_rules.io.writers import canonical_json, result_bytes  # noqa: E402
from tests.v1_support import v1_result  # noqa: E402

GOAL_BYTES = 1024


def _size(data: Any, indent: int | None) -> int:
    return len(canonical_json(data, indent=indent).encode("utf-8")) - 1


def _timed(run: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    found = run()
    return found, time.perf_counter() - started


def measure(title: str, submission: Path) -> bool:
    evaluation = run_evaluation(CheckRequest(submission), today=date(2026, 12, 7))
    result, built = _timed(lambda: build_result(evaluation))
    encoded, encoding = _timed(lambda: result_bytes(result))
    old = v1_result(evaluation)
    old_text = canonical_json(old)  # v1 was written indented
    lots = len(result.lots)
    # a lot's weight in its file: the lot as encoded there (v1 indented at the depth of a lot in the list)
    new_lots = [_size(lot, None) for lot in result.lots]
    old_lots = [len(canonical_json(lot).encode("utf-8")) + canonical_json(lot).count("\n") * 4 for lot in old["lots"]]
    eligible = [i for i, lot in enumerate(result.lots) if lot.verdict == "eligible"]
    median_new = statistics.median(new_lots[i] for i in eligible) if eligible else 0
    median_old = statistics.median(old_lots[i] for i in eligible) if eligible else 0
    print(f"{title}: {lots:,} lots ({len(eligible):,} eligible); v2 built {built:.2f} s, encoded {encoding:.2f} s")
    print(f"  {'':28} {'v1 (before)':>14} {'v2 (after)':>14}")
    print(f"  {'whole result':28} {len(old_text.encode()):>14,} {len(encoded):>14,} bytes")
    print(f"  {'whole result per lot':28} {len(old_text.encode()) / lots:>14,.0f} {len(encoded) / lots:>14,.0f} bytes")
    print(f"  {'lots part per lot':28} {sum(old_lots) / lots:>14,.0f} {sum(new_lots) / lots:>14,.0f} bytes")
    print(f"  {'median eligible lot':28} {median_old:>14,.0f} {median_new:>14,.0f} bytes")
    return median_new <= GOAL_BYTES


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="Generate the large submission into this folder and keep it.")
    args = parser.parse_args()
    met = measure("ACME Steel (examples/acme-steel)", ROOT / "examples" / "acme-steel" / "submission.yaml")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        generate_batch(folder, 1, args.lots, 2_000, across=0, within=0, excess=0, link_ownership=True)
        met = measure(f"synthetic, {args.lots:,} lots", folder / "submissions" / "firm-00000.yaml") and met
    print(f"goal: a typical (median) eligible lot ≤ {GOAL_BYTES:,} bytes — {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
