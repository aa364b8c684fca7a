"""What the ledger's audit trail costs: recording submissions of 200 serial ranges each with the hash chain, and
verifying the whole chain — the figures quoted in docs/review.md.

    python benchmarks/ledger_bench.py [--submissions 300] [--ranges 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gxets_rules.app.review.claims import Claim  # noqa: E402
from gxets_rules.app.review.ledger import Ledger, SubmissionRecord  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--ranges", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Ledger(Path(folder) / "ledger.sqlite") as ledger:
        round_id = ledger.open_round(None).id
        started = time.perf_counter()
        for n in range(args.submissions):
            firm = f"firm-{n:05d}"
            record = SubmissionRecord(firm, f"{n:064d}", "rs", "1", "r" * 64, 2023, 2025, "2026-12-07", "x.yaml", {})
            claims = [
                Claim(firm, f"L{i}", "j_credit", 10, "reg", f"CERT-{n}", 10 * i, 10 * i + 9) for i in range(args.ranges)
            ]
            ledger.record(record, claims, round_id)
        recording = time.perf_counter() - started
        started = time.perf_counter()
        found = ledger.verify()
        verifying = time.perf_counter() - started
    per = 1_000 * recording / args.submissions
    print(f"record: {per:.1f} ms per submission of {args.ranges} ranges (one fsync'd transaction, chained)")
    print(f"verify: {found.rows:,} rows in {verifying:.2f} s ({found.rows / verifying:,.0f} rows/s), intact={found.ok}")


if __name__ == "__main__":
    main()
