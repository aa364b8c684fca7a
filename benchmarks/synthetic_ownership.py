"""A seeded generator of realistic ownership graphs for benchmarks (and for the batch-review benchmark).

Real corporate graphs are groups, not random graphs: each group is a tree under its head company (a parent holds
51–100 % of each member, sometimes through other members) with minority stakes among its members (keiretsu-style
cross-holdings, which make cycles), and groups are tied together by joint ventures and — a small share of holdings —
minority stakes across groups. About 60 % of groups are headed by a GX League representative participating company
(some members declared inside its organisational boundary); the rest are outsiders. Also: share ranges, sales, and
projects held by two to four companies with a first issuance at a quarter end. Holders of one entity never hold more
than 100 % of it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

QUARTER_ENDS = [date(y, m, d) for y in (2022, 2023, 2024) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]
GROUP_SIZE = 90


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.holdings: list[dict[str, Any]] = []
        self.free: dict[str, int] = {}  # basis points of each entity not yet held

    def hold(self, owner: str, owned: str, basis_points: int) -> bool:
        """Add a holding if the owned entity has capacity left; say whether one was added."""
        take = min(basis_points, self.free.get(owned, 10_000))
        if take <= 0 or owner == owned:
            return False
        self.free[owned] = self.free.get(owned, 10_000) - take
        share = Decimal(take) / 10_000
        holding: dict[str, Any] = {"owner": owner, "owned": owned, "from": self.day(2015, 2024).isoformat()}
        holding["share"] = {"min": share * Decimal("0.8"), "max": share} if self.rng.random() < 0.01 else share
        if self.rng.random() < 0.03:
            holding["to"] = self.day(2025, 2026).isoformat()
        self.holdings.append(holding)
        return True

    def fill(self, target: int, pick: Callable[[], tuple[str, str]]) -> None:
        """Add minority stakes until ``target`` holdings exist (or capacity runs out)."""
        attempts = 0
        while len(self.holdings) < target and attempts < 50 * target:
            attempts += 1
            self.hold(*pick(), self.rng.randrange(10, 1_500))

    def day(self, first: int, last: int) -> date:
        start = date(first, 1, 1)
        return start + timedelta(days=self.rng.randrange((date(last, 11, 30) - start).days))


def generate(
    entities: int = 100_000, holdings: int = 300_000, projects: int = 10_000, seed: int = 7, across: float = 0.05
) -> dict[str, Any]:
    """A gxets.ownership.v1 document as plain data; ``across`` is the share of holdings that cross groups."""
    rng = random.Random(seed)
    build = _Builder(rng)
    companies = [f"c{i:06d}" for i in range(entities - projects)]
    project_ids = [f"p{i:06d}" for i in range(projects)]
    groups = [companies[i : i + GROUP_SIZE] for i in range(0, len(companies), GROUP_SIZE)]
    heads = [group[0] for group in groups]
    participants = [head for head in heads if rng.random() < 0.6]
    boundaries = [(member, group[0]) for group in groups if group[0] in participants for member in group[1:4]]
    for group in groups:  # each member under a parent earlier in its group
        for index, member in enumerate(group[1:], start=1):
            build.hold(group[rng.randrange(index)], member, rng.randrange(5_100, 10_001))
    for company in companies:  # joint ventures: a second parent from another group
        if rng.random() < 0.05:
            build.hold(rng.choice(heads), company, rng.randrange(2_000, 4_900))
    for project in project_ids:
        for _ in range(rng.randint(2, 4)):
            build.hold(rng.choice(companies), project, rng.randrange(500, 4_000))

    def within() -> tuple[str, str]:
        group = rng.choice(groups)
        return rng.choice(group), rng.choice(group)

    build.fill(holdings - int(holdings * across), within)
    build.fill(holdings, lambda: (rng.choice(companies), rng.choice(companies)))
    return {
        "format": "gxets.ownership.v1",
        "entities": [{"id": c, "name": c, "country": "JP", "kind": "company"} for c in companies]
        + [{"id": p, "name": p, "country": "US", "kind": "project"} for p in project_ids],
        "participants": [{"entity": head, "from": "2023-04-01"} for head in participants],
        "boundaries": [{"entity": e, "representative": r, "from": "2023-04-01"} for e, r in boundaries],
        "holdings": build.holdings[:holdings],
        "projects": [
            {"entity": p, "first_issuance_completed_on": rng.choice(QUARTER_ENDS).isoformat()} for p in project_ids
        ],
        "technology": [
            {"provider": rng.choice(participants), "project": p, "from": "2024-01-01"}
            for p in project_ids
            if rng.random() < 0.05
        ],
    }
