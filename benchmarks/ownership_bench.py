"""Benchmark: participant status (※1) for 100,000 entities and 300,000 holdings, then involvement (※2–※4) for 10,000
projects. Prints each stage's wall time and the peak memory of the process. Goal: status + involvement under 10 s and
the whole run under 1 GB on a 2-core machine.

    python benchmarks/ownership_bench.py [--entities N] [--holdings N] [--projects N]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_ownership import generate

from gxets_rules.evaluate.ownership.graph import OwnershipGraph, Thresholds, involvement
from gxets_rules.model.ownership import Ownership

RULES = Thresholds(control=Fraction(1, 2), joint=Fraction(51, 100), joint_ventures_count=False)
AS_OF = date(2026, 12, 7)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--holdings", type=int, default=300_000)
    parser.add_argument("--projects", type=int, default=10_000)
    args = parser.parse_args()

    started = time.perf_counter()
    data = generate(args.entities, args.holdings, args.projects)
    generated = time.perf_counter()
    ownership = Ownership.model_validate(data)
    validated = time.perf_counter()
    graph = OwnershipGraph(ownership)
    built = time.perf_counter()
    graph.prepare_windows(AS_OF, False, RULES)  # as involvement() does on its first question
    status = graph.status_on(AS_OF, RULES)
    statused = time.perf_counter()
    verdicts: Counter[str] = Counter()
    for facts in ownership.projects:
        start = facts.first_issuance_completed_on - timedelta(days=1)  # type: ignore[operator]
        found = involvement(graph, facts.entity, start, AS_OF, RULES)
        assert found.direct_counted is not None
        least = Fraction(1, 5)  # as the rule set decides: look-through is read only when the direct figure fails
        if found.direct_counted.lo >= least or found.technology:
            verdicts["direct ≥ 20% or technology"] += 1
            continue
        through = found.look_through_counted
        assert through is not None
        if through.lo >= least:
            verdicts["look-through only"] += 1
        elif found.direct_counted.hi >= least or through.hi >= least:
            verdicts["range straddles 20% (review)"] += 1
        else:
            verdicts["below 20%"] += 1
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    sizes = (len(ownership.entities), len(ownership.holdings), len(ownership.projects))
    print("entities {:,} · holdings {:,} · projects {:,}".format(*sizes))
    print(f"generate (not measured against the goal)  {generated - started:7.2f} s")
    print(f"validate (pydantic model)                 {validated - generated:7.2f} s")
    print(f"build graph (holding indexes)             {built - validated:7.2f} s")
    print(
        f"participant status at {len(graph._status)} dates              {statused - built:7.2f} s   "
        f"(at {AS_OF}: {len(status.certain):,} participants etc., "
        f"{len(status.possible) - len(status.certain):,} only possibly)"
    )
    print(f"involvement for {len(ownership.projects):,} projects            {done - statused:7.2f} s")
    print(f"status + involvement                      {done - built:7.2f} s   (goal < 10 s)")
    print(f"peak memory                               {peak_mb:7.0f} MB  (goal < 1,024 MB)")
    print("projects: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(verdicts.items())))


if __name__ == "__main__":
    main()
