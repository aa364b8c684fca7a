"""Benchmark: a secretariat's batch review end to end, and the engine's per-lot eligibility against plain Python.

1. End to end: ``gxets review`` of N firms × M lots (default 1,000 × 200) with a 50,000-entity ownership graph —
   evaluation, double claims, ledger, summary workbook and page, no per-firm reports — in a subprocess, with its wall
   time, the peak resident memory of the whole process tree (sampled) and throughput. Goal: ≤ 60 s and ≤ 2 GB on a
   2-core machine. Before it, the stages of a sample of firms are timed in-process (reading, evaluating, building the
   result, encoding it), so a regression is attributed to the right stage.
2. Eligibility: every lot of a sample of firms decided by the engine (compiled rule expressions, three-valued logic,
   the fast path without traces) and by ``eligibility_bench.HandWritten`` — the same Phase-1 criteria as plain
   Python, its parameters and code lists read from the rule set once. Both must give every lot the same verdict;
   the ratio of their throughputs is printed. Goal: the engine within 2× of the hand-written function.

    .venv/bin/python benchmarks/review_bench.py [--firms 1000] [--lots 200] [--entities 50000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.eligibility_bench import FAIL, REVIEW, HandWritten  # noqa: E402
from benchmarks.synthetic_batch import generate_batch  # noqa: E402
from gxets_rules.app.pipeline import CheckRequest, SharedInputs, load_extras, load_inputs  # noqa: E402
from gxets_rules.evaluate.engine import evaluate  # noqa: E402
from gxets_rules.evaluate.fastpath import decide_lots  # noqa: E402
from gxets_rules.evaluate.result import build_result  # noqa: E402
from gxets_rules.evaluate.stdlib.ownership import OWNERSHIP_KEY  # noqa: E402
from gxets_rules.io.writers import result_bytes  # noqa: E402
from gxets_rules.model.submission import CreditLot  # noqa: E402

GOAL_S, GOAL_MB, GOAL_RATIO = 60.0, 2_048, 2.0
AS_OF = date(2026, 12, 7)


class TreeMemory(threading.Thread):
    """Samples the resident memory of a process and all its descendants (Linux /proc) and keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak_kb = max(self.peak_kb, sum(self._rss(p) for p in self._tree(self.pid)))
            time.sleep(0.05)

    def _tree(self, pid: int) -> list[int]:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [pid, *(p for child in children for p in self._tree(int(child)))]

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return 0
        return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)


def end_to_end(folder: Path, jobs: int) -> tuple[float, float, int]:
    """Run ``gxets review`` on the batch; its wall time, peak tree memory in MB, and exit code."""
    out, ledger = folder / "out", folder / "ledger.sqlite"
    command = [sys.executable, "-m", "gxets_rules.app.cli", "review", "--new-ledger", str(folder / "submissions")]
    command += ["--ownership", str(folder / "ownership.yaml"), "--ledger", str(ledger), "--out", str(out)]
    command += ["--jobs", str(jobs), "--lang", "en"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    memory = TreeMemory(process.pid)
    memory.start()
    stdout, _ = process.communicate()
    elapsed = time.perf_counter() - started
    memory.running = False
    memory.join()
    print("   " + stdout.splitlines()[0])
    return elapsed, memory.peak_kb / 1024, process.returncode


def stages(files: list[Path], shared: SharedInputs, ownership: Path) -> None:
    """Time each stage of the pipeline on a sample of firms (after one warm-up firm)."""
    totals = dict.fromkeys(("read", "evaluate", "result", "encode"), 0.0)
    for path in files:
        request = CheckRequest(path, ownership=ownership)
        t0 = time.perf_counter()
        loaded, _ = load_inputs(request, shared)
        loaded, extras = load_extras(loaded, ownership, shared=shared)
        t1 = time.perf_counter()
        try:
            evaluation = evaluate(shared.ruleset("gxets-phase1"), loaded, AS_OF, extras)
        except Exception:
            continue
        t2 = time.perf_counter()
        result = build_result(evaluation)
        t3 = time.perf_counter()
        result_bytes(result)
        t4 = time.perf_counter()
        for stage, seconds in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            totals[stage] += seconds
    per_firm = ", ".join(f"{stage} {1000 * seconds / len(files):.1f} ms" for stage, seconds in totals.items())
    print(f"   per firm (mean of {len(files)}): {per_firm}")


def eligibility(files: list[Path], shared: SharedInputs, ownership: Path) -> float:
    """Lots per second of the engine and of the hand-written function over the same lots; the ratio."""
    ruleset = shared.ruleset("gxets-phase1")
    firms = []
    for path in files:
        loaded, _ = load_inputs(CheckRequest(path), shared)
        loaded, extras = load_extras(loaded, ownership, shared=shared)
        try:
            firms.append(evaluate(ruleset, loaded, AS_OF, extras).ctx)  # also warms the graph's shared answers
        except Exception:
            continue
    hand = HandWritten(ruleset, firms[0].extras.get(OWNERSHIP_KEY))

    def verdict(lot: CreditLot) -> str:
        outcomes = hand.outcomes(lot)
        return "ineligible" if FAIL in outcomes else "needs_review" if REVIEW in outcomes else "eligible"

    lots = sum(len(ctx.submission.lots) for ctx in firms)
    started = time.perf_counter()
    engine = []
    for ctx in firms:
        env = ctx.base_env()
        engine.extend(decision.verdict for decision in decide_lots(ruleset, env, ctx.submission.lots))
    engine_s = time.perf_counter() - started
    started = time.perf_counter()
    plain = [verdict(lot) for ctx in firms for lot in ctx.submission.lots]
    plain_s = time.perf_counter() - started
    differ = sum(a != b for a, b in zip(engine, plain, strict=True))
    assert differ == 0, f"{differ} lots decided differently"
    ratio = (lots / plain_s) / (lots / engine_s)
    counts = {v: engine.count(v) for v in ("eligible", "ineligible", "needs_review")}
    print(f"   {lots:,} lots of {len(firms)} firms, the same verdict for every lot ({counts})")
    print(f"   engine {lots / engine_s:12,.0f} lots/s")
    print(f"   plain  {lots / plain_s:12,.0f} lots/s")
    print(f"   ratio  {ratio:12.1f}×  (goal ≤ {GOAL_RATIO:.0f}×)")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000)
    parser.add_argument("--lots", type=int, default=200)
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--jobs", type=int, default=2, help="Worker processes (the machine has 2 cores).")
    parser.add_argument("--sample", type=int, default=100, help="Firms timed stage by stage and for eligibility.")
    parser.add_argument("--keep", type=Path, help="Generate into this folder and keep it.")
    args = parser.parse_args()
    if args.keep:
        return run(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="gxets-review-bench-") as scratch:
        return run(args, Path(scratch))


def run(args: argparse.Namespace, folder: Path) -> int:
    """Generate the batch into ``folder``, then measure."""
    started = time.perf_counter()
    generate_batch(folder, args.firms, args.lots, args.entities)
    print(f"generated {args.firms:,} firms × {args.lots} lots, {args.entities:,} entities in {folder}")
    print(f"   (generation, not measured: {time.perf_counter() - started:.1f} s)")

    print("1. end to end: gxets review (evaluate, double claims, ledger, summary workbook and page)")
    elapsed, peak_mb, code = end_to_end(folder, args.jobs)
    lots = args.firms * args.lots
    print(f"   wall {elapsed:.1f} s (goal ≤ {GOAL_S:.0f} s) · peak memory {peak_mb:,.0f} MB (goal ≤ {GOAL_MB:,} MB)")
    print(f"   throughput {args.firms / elapsed:,.1f} firms/s · {lots / elapsed:,.0f} lots/s · exit code {code}")
    shared = SharedInputs()
    ownership = folder / "ownership.yaml"
    started = time.perf_counter()
    shared.ownership(ownership)
    print(f"   reading the ownership graph (once per batch): {time.perf_counter() - started:.1f} s")
    sample = sorted((folder / "submissions").glob("*.yaml"))[: args.sample]
    stages(sample, shared, ownership)

    print("2. per-lot eligibility: the engine against hand-written Python (same criteria, same verdicts)")
    ratio = eligibility(sample, shared, ownership)
    met = elapsed <= GOAL_S and peak_mb <= GOAL_MB and ratio <= GOAL_RATIO
    print(f"goals {'met' if met else 'NOT all met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
