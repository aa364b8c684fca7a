"""Holdings that make ownership undefined: an entity holding itself, and rings of entities that hold all of one another.

The look-through share solves ``x = inflow + A·x`` over cross-holding cycles; it has one solution only when some of
every ring's shares is held from outside it. An entity that holds itself, or a ring whose members hold 100 % of one
another (A holds all of B, B all of A) with nobody outside owning any of them, describes no real company: treasury
shares are not holdings, and such a ring is a data error. The ownership loader reports both with the holding's
line, so the solver never meets them (a ring that is closed only at the upper end of ranged shares is bounded by the
solver instead: ``graph.py``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from gxets_rules.evaluate.ownership.graph import components_holders_first, lowest_shares
from gxets_rules.model.ownership import Holding, Ownership


def cycle_problems(
    ownership: Ownership, lowest_scaled: tuple[int, list[int]] | None = None
) -> list[tuple[int, str, dict[str, Any]]]:
    """(holding index, problem-catalogue key, its arguments) for every self-holding and every closed ring (shares as
    integers over their common denominator: ``lowest_scaled``, :func:`lowest_shares` if the caller has it already)."""
    scale, lowest = lowest_scaled or lowest_shares(ownership)
    problems = [
        (index, "ownership.self_holding", {"entity": h.owner})
        for index, h in enumerate(ownership.holdings)
        if h.owner == h.owned
    ]
    holds: dict[str, list[str]] = {}
    for h, low in zip(ownership.holdings, lowest, strict=True):
        if h.owner != h.owned and low > 0:
            holds.setdefault(h.owner, []).append(h.owned)
            holds.setdefault(h.owned, [])
    ring_of: dict[str, int] = {}
    members: list[frozenset[str]] = []
    for ring in components_holders_first(holds):
        if len(ring) > 1:
            ring_of.update(dict.fromkeys(ring, len(members)))
            members.append(frozenset(ring))
    inside: dict[int, list[tuple[int, Holding, int]]] = defaultdict(list)
    for index, h in enumerate(ownership.holdings):
        ring_id = ring_of.get(h.owner)
        if ring_id is not None and ring_of.get(h.owned) == ring_id:
            inside[ring_id].append((index, h, lowest[index]))
    for ring_id, closed in enumerate(members):
        found = _closed_on(closed, inside[ring_id], scale)
        if found is not None:
            problems.append(found)
    return problems


def _closed_on(
    ring: frozenset[str], inside: list[tuple[int, Holding, int]], scale: int
) -> tuple[int, str, dict[str, Any]] | None:
    """The first day on which the ring's members hold all of one another, reported at the holding that closed it.

    One sweep over the days holdings start and end (a ring can only close on a day a holding starts), so a large
    ring of many dated holdings costs the sort of its holdings, not holdings × days. A ring some member of which is
    not fully held even with every inside holding counted at once cannot close on any day and is skipped outright.
    """
    ever: dict[str, int] = defaultdict(int)
    for _, holding, lowest in inside:
        ever[holding.owned] += lowest
    if any(ever[member] < scale for member in ring):
        return None
    changes: dict[date, list[tuple[str, int]]] = defaultdict(list)
    starts: dict[date, int] = {}
    for index, holding, lowest in inside:
        changes[holding.from_].append((holding.owned, lowest))
        starts[holding.from_] = max(index, starts.get(holding.from_, -1))
        if holding.to is not None and holding.to < date.max:
            changes[holding.to + timedelta(days=1)].append((holding.owned, -lowest))
    held: dict[str, int] = defaultdict(int)
    full = 0
    for day in sorted(changes):
        for member, change in changes[day]:
            before = held[member] >= scale
            held[member] += change
            full += (held[member] >= scale) - before
        if day in starts and full == len(ring):
            return starts[day], "ownership.closed_ring", {"entities": ", ".join(sorted(ring)), "day": day.isoformat()}
    return None
