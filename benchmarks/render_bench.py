"""Render a synthetic result of many lots to HTML and xlsx and print the wall time of each format.

The result is the bundled ACME Steel check with its five lots repeated under new ids until there are --lots of them
(default 10,000): real criteria, messages and citations, at the size of a large holding. Goal: each format under
10 s on a 2-core machine.

    .venv/bin/python benchmarks/render_bench.py [--lots 10000] [--lang ja] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gxets_rules.app.pipeline import CheckRequest, run_check  # noqa: E402
from gxets_rules.model.result import Result  # noqa: E402
from gxets_rules.render.html import render_html  # noqa: E402
from gxets_rules.render.xlsx import render_xlsx  # noqa: E402

GOAL_S = 10.0


def synthetic_result(lots: int) -> Result:
    """The ACME result with ``lots`` lots: its own five repeated, each copy under a new id (allocations as its own)."""
    result = run_check(CheckRequest(ROOT / "examples" / "acme-steel" / "submission.yaml"), today=date(2026, 12, 7))
    template = result.lots
    copies = [
        template[index % len(template)].model_copy(update={"id": f"LOT-{index + 1:06d}"}) for index in range(lots)
    ]
    return result.model_copy(update={"lots": copies})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", type=int, default=10_000)
    parser.add_argument("--lang", choices=["ja", "en"], default="ja")
    parser.add_argument("--out", type=Path, help="Keep the reports in this folder.")
    args = parser.parse_args()
    result = synthetic_result(args.lots)
    criteria = sum(len(lot.criteria) for lot in result.lots)
    print(f"synthetic result: {args.lots:,} lots, {criteria:,} criteria outcomes")
    slowest = 0.0
    for name, render in (
        ("html", lambda: render_html(result, args.lang).encode("utf-8")),
        ("xlsx", lambda: render_xlsx(result, args.lang)),
    ):
        started, cpu = time.perf_counter(), time.process_time()
        data = render()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        slowest = max(slowest, elapsed)
        print(f"{name:5} {elapsed:6.2f} s wall  {cpu:6.2f} s cpu  {len(data) / 1e6:7.1f} MB")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"report.{name}").write_bytes(data)
    print(f"goal: each under {GOAL_S:.0f} s — {'met' if slowest < GOAL_S else 'MISSED'}")
    return 0 if slowest < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
