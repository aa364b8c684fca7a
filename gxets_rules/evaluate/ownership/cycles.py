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
from fractions import Fraction
from typing import Any

import networkx as nx

from gxets_rules.model.ownership import Holding, Ownership, ShareRange


def _lowest(holding: Holding) -> Fraction:
    share = holding.share
    return Fraction(share.min if isinstance(share, ShareRange) else share)


def cycle_problems(ownership: Ownership) -> list[tuple[int, str, dict[str, Any]]]:
    """(holding index, problem-catalogue key, its arguments) for every self-holding and every closed ring."""
    problems = [
        (index, "ownership.self_holding", {"entity": h.owner})
        for index, h in enumerate(ownership.holdings)
        if h.owner == h.owned
    ]
    rings = nx.DiGraph()
    rings.add_edges_from((h.owner, h.owned) for h in ownership.holdings if h.owner != h.owned and _lowest(h) > 0)
    for ring in nx.strongly_connected_components(rings):
        if len(ring) > 1:
            found = _closed_on(ownership, ring)
            if found is not None:
                problems.append(found)
    return problems


def _closed_on(ownership: Ownership, ring: set[str]) -> tuple[int, str, dict[str, Any]] | None:
    """The first day on which the ring's members hold all of one another, reported at the holding that closed it."""
    inside = [(index, h) for index, h in enumerate(ownership.holdings) if h.owner in ring and h.owned in ring]
    for day in sorted({h.from_ for _, h in inside}):
        held: dict[str, Fraction] = defaultdict(Fraction)
        for _, holding in inside:
            if holding.active_on(day):
                held[holding.owned] += _lowest(holding)
        if all(held[member] >= 1 for member in ring):
            index = max(i for i, h in inside if h.from_ == day)
            return index, "ownership.closed_ring", {"entities": ", ".join(sorted(ring)), "day": day.isoformat()}
    return None
