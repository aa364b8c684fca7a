"""GX League participants etc. (※1) and their involvement in a project (※2–※4), over a dated ownership graph.

Status at a date (seed 図表6 ※1, as the rule set interprets it): representative participating companies; entities
inside a representative's organisational boundary; subsidiaries of those (controlled by one representative's group —
more than the rule set's control share held, directly or through its other subsidiaries); and any entity in which
participants etc. *together* hold at least the joint share. Whose holdings count toward a joint holding is the rule
set's choice: only those of the first three kinds (a joint venture's own stakes do not make a further joint venture),
or also those of joint ventures, applied until nothing changes. Each closure is a worklist pass in which an entity
joins once and a holding is counted once, so it terminates on any graph, cross-holding cycles included. Shares are
scaled to integers over their common denominator, so sums are exact and fast.

Shares known only as a min–max range give two fixpoints: the *certain* one (minimum shares, certain members) and the
*possible* one (maximum shares, possible members). An entity in the first is a participant etc.; one only in the
second is unknown.

Involvement in a project counts a holder's stake only if the holder is a participant etc. both at the start of the
counting window and at its end, and the stake was held throughout (a sale or a gap breaks it; an increase after the
start does not count). The look-through figure follows stakes through intermediaries that are not themselves
participants etc.: ``x_v = Σ_q share(q, v) + Σ_u x_u · share(u, v)``, the sum over all paths, cycles included, solved
exactly. The walk back from the project is bounded; a holder left unexplored contributes somewhere between nothing
and everything it passes on, so a truncated walk gives an exact *range*, never a guess.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, cast

from gxets_rules.evaluate.context import Evidence
from gxets_rules.evaluate.ownership.closure import (
    REPRESENTATIVE,
    Qualification,
    Record,
    StatusChain,
    Thresholds,
    Timeline,
)
from gxets_rules.model.ownership import Holding, Ownership, ProjectFacts, ShareRange, TechnologyProvision
from gxets_rules.ruleset.values import Range, pct

EXPLORE_BUDGET = 50
"""Intermediaries explored backwards from a project before the look-through figure becomes a range."""

PREPARE_LIMIT = 32
"""Most distinct days whose status is worked out ahead of the questions (:meth:`OwnershipGraph.prepare_windows`)."""

EXACT_CYCLE_LIMIT = 16
"""Largest cross-holding cycle (strongly connected intermediaries) solved exactly; larger ones are bounded."""


def window_start(facts: ProjectFacts, same_day_counts: bool) -> date | None:
    """The first day of a project's counting window: the day its first issuance was completed if a stake acquired
    that day counts, else the day before; None if the first issuance is not known."""
    completed = facts.first_issuance_completed_on
    if completed is None or same_day_counts:
        return completed
    return completed - timedelta(days=1)


def _bounds(holding: Holding) -> tuple[Fraction, Fraction]:
    share = holding.share
    if isinstance(share, ShareRange):
        return Fraction(share.min), Fraction(share.max)
    return Fraction(share), Fraction(share)


def _ratios(holding: Holding) -> tuple[tuple[int, int], tuple[int, int]]:
    """The holding's (lowest, highest) share as (numerator, denominator) pairs, without building fractions."""
    share = holding.share
    if isinstance(share, ShareRange):
        return share.min.as_integer_ratio(), share.max.as_integer_ratio()
    ratio = share.as_integer_ratio()
    return ratio, ratio


def _active(record: Record, day: date) -> bool:
    return record[1] <= day and (record[2] is None or day <= record[2])


@dataclass
class Status:
    """Participants etc. at one date: certain members and possible members (for ranged shares)."""

    day: date
    certain: dict[str, Qualification]
    possible: dict[str, Qualification]
    joint_ventures_count: bool = False
    _counts: list[dict[str, Qualification] | None] = field(
        default_factory=lambda: [None, None], repr=False, compare=False
    )

    def of(self, entity: str) -> bool | None:
        """True (certainly), None (only possibly — a share range straddles a threshold), or False."""
        if entity in self.certain:
            return True
        return None if entity in self.possible else False

    def _counting(self, certain: bool) -> dict[str, Qualification]:
        """The members (certain or possible) whose holdings count toward a joint holding when joint ventures' own
        stakes do not — worked out once per status, as every witness line of a batch asks for it."""
        key = int(certain)
        if self._counts[key] is None:
            members = self.certain if certain else self.possible
            self._counts[key] = {entity: why for entity, why in members.items() if why.basis != "joint"}
        return cast(dict[str, Qualification], self._counts[key])

    def why(self, entity: str) -> Qualification | None:
        return self.certain.get(entity) or self.possible.get(entity)

    def describe(self, graph: OwnershipGraph, entity: str) -> dict[str, Any]:
        """Why ``entity`` is a participant etc. on this day, with the qualifying holders worked out now — as data
        (``basis``: representative | boundary | subsidiary | joint | none; ``holders`` and their ``total``; for an
        entity that is not one, the joint ventures' stakes that do not count, ``excluded``), which a report words in
        its own language (render/evidence.py)."""
        why = self.why(entity)
        if why is not None and why.basis == "representative":
            return {"entity": entity, "basis": why.basis}
        if why is not None and why.basis == "boundary":
            return {"entity": entity, "basis": why.basis, "representative": why.representative}
        certain = why is None or entity in self.certain
        members = self.certain if certain else self.possible
        counts = (
            members
            if (why is not None and why.basis == "subsidiary") or self.joint_ventures_count
            else self._counting(certain)
        )
        held = [(h, graph.held_on(h, entity, self.day)[0]) for h in graph.holders_of(entity) if h in members]
        held = [(h, share) for h, share in held if share > 0]
        via = [(h, share) for h, share in held if h in counts]
        return {
            "entity": entity,
            "basis": "none" if why is None else why.basis,
            "holders": [[owner, share] for owner, share in via],
            "total": sum((share for _, share in via), Fraction(0)),
            "excluded": [[owner, share] for owner, share in held if owner not in counts],
        }


class OwnershipGraph:
    """The dated ownership graph — holdings indexed by owner and by owned (and, per owned, by holder) — with the roster,
    boundaries, projects and technology provision. (A look-through takes cross-holding cycles as strongly connected
    components.)"""

    def __init__(self, ownership: Ownership) -> None:
        self.data = ownership
        self.entities = {e.id: e for e in ownership.entities}
        self.projects: dict[str, ProjectFacts] = {p.entity: p for p in ownership.projects}
        ratios = [_ratios(h) for h in ownership.holdings]
        self.scale = math.lcm(1, *{ratio[1] for pair in ratios for ratio in pair})
        self.out: dict[str, list[Record]] = defaultdict(list)
        self.into: dict[str, list[Record]] = defaultdict(list)
        scale = self.scale
        for holding, ((lo_n, lo_d), (hi_n, hi_d)) in zip(ownership.holdings, ratios, strict=True):
            lo_int, hi_int = lo_n * (scale // lo_d), hi_n * (scale // hi_d)
            owner, owned, start, end = holding.owner, holding.owned, holding.from_, holding.to
            self.out[owner].append((owned, start, end, lo_int, hi_int))
            self.into[owned].append((owner, start, end, lo_int, hi_int))
        self.ranged = any(lo != hi for records in self.out.values() for _, _, _, lo, hi in records)
        """Whether any share is known only as a range: if none is, the possible members are the certain ones."""
        self._status: dict[tuple[date, Thresholds], Status] = {}
        self._chains: dict[Thresholds, StatusChain] = {}  # the certain members' chain
        self._wide: dict[Thresholds, StatusChain] = {}  # the possible members' chain
        self._timeline: Timeline | None = None
        self._prepared: set[tuple[date, bool, Thresholds]] = set()
        self._involvement: dict[tuple[str, date | None, date, Thresholds], Involvement] = {}
        self._stakes: dict[str, dict[str, list[Record]]] = {}
        self._technology: dict[str, list[TechnologyProvision]] | None = None

    def share(self, scaled: int) -> Fraction:
        return Fraction(scaled, self.scale)

    # status -------------------------------------------------------------------------------------------------------
    def status_on(self, day: date, thresholds: Thresholds) -> Status:
        key = (day, thresholds)
        if key not in self._status:
            chain = self._chain(day, thresholds)
            certain = possible = chain.advance(day)
            if self.ranged:
                # The possible chain carried forward like the certain one, or — when that would be a closure from
                # nothing or over new groups — the certain one's copy, widened (StatusChain.widened).
                wide = self._wide.get(thresholds)
                if wide is not None and not chain.regrouped and wide.reaches(day):
                    possible = wide.advance(day)
                else:
                    self._wide[thresholds], possible = chain.widened()
            self._status[key] = Status(day, certain, possible, thresholds.joint_ventures_count)
        return self._status[key]

    def prepare(self, days: Iterable[date], thresholds: Thresholds) -> None:
        """Work out the status on each of ``days`` now, earliest first, so that each date continues the fixpoints of
        the one before (:mod:`.closure`) — what a batch asks for, in the order that makes it cheap."""
        for day in sorted(set(days)):
            self.status_on(day, thresholds)

    def prepare_windows(self, end: date, same_day_counts: bool, thresholds: Thresholds) -> None:
        """Work out, once, the status at ``end`` and at the start of every project's window (:func:`window_start`)
        — the days the involvement questions ending at ``end`` ask about, whichever order they come in — if there
        are no more than PREPARE_LIMIT of them (each day's status is kept)."""
        key = (end, same_day_counts, thresholds)
        if key in self._prepared:
            return
        self._prepared.add(key)
        days = {window_start(facts, same_day_counts) for facts in self.projects.values()} - {None} | {end}
        if len(days) <= PREPARE_LIMIT:
            self.prepare(cast(set[date], days), thresholds)

    def _chain(self, day: date, thresholds: Thresholds) -> StatusChain:
        """The certain fixpoint chain that reaches ``day``: the one kept, or a fresh one in its place."""
        chain = self._chains.get(thresholds)
        if chain is None or not chain.reaches(day):
            if self._timeline is None:
                self._timeline = Timeline.of(
                    self.out, ((item.from_, item.to) for item in [*self.data.participants, *self.data.boundaries])
                )
            chain = StatusChain(self.out, self._base_groups, self._timeline, self.scale, thresholds)
            self._chains[thresholds] = chain
        return chain

    def _base_groups(self, day: date) -> dict[str, dict[str, Qualification]]:
        """Representative → its group on ``day``: itself and the entities inside its organisational boundary."""
        groups = {p.entity: {p.entity: REPRESENTATIVE} for p in self.data.participants if p.active_on(day)}
        for boundary in self.data.boundaries:
            if boundary.active_on(day) and boundary.representative in groups:
                group = groups[boundary.representative]
                group.setdefault(boundary.entity, Qualification("boundary", representative=boundary.representative))
        return groups

    def involvement(self, project: str, start: date | None, end: date, thresholds: Thresholds) -> Involvement:
        """:func:`involvement`, worked out once per question: it depends on the graph alone, so the firms of a batch
        that hold credits of the same project share it, as they share the status at a date."""
        key = (project, start, end, thresholds)
        if key not in self._involvement:
            self._involvement[key] = involvement(self, project, start, end, thresholds)
        return self._involvement[key]

    # holdings over time ------------------------------------------------------------------------------------------
    def held_on(self, owner: str, owned: str, day: date) -> tuple[Fraction, Fraction]:
        """(min, max) share ``owner`` holds in ``owned`` on ``day``."""
        lo, hi = self.held_on_scaled(owner, owned, day)
        return self.share(lo), self.share(hi)

    def held_on_scaled(self, owner: str, owned: str, day: date) -> tuple[int, int]:
        """:meth:`held_on` as integers over :attr:`scale`."""
        active = [r for r in self.stakes_in(owned).get(owner, ()) if _active(r, day)]
        return sum(r[3] for r in active), sum(r[4] for r in active)

    def held_through_scaled(self, owner: str, owned: str, start: date, end: date) -> tuple[int, int]:
        """The (min, max) share held on every day from ``start`` to ``end`` (integers over :attr:`scale`): 0 if
        there is any gap.

        The held share is piecewise constant and changes only where a record starts or the day after one ends,
        so its minimum over the window is the minimum over those days and the window's first day. (One record —
        the usual case — is held throughout exactly when it covers both ends.)
        """
        return held_through(self.stakes_in(owned).get(owner, []), start, end)

    def stakes_in(self, owned: str) -> dict[str, list[Record]]:
        """Holder → its records of holdings in ``owned``, by holder; worked out once per entity, as every walk through
        it asks."""
        found = self._stakes.get(owned)
        if found is None:
            grouped: dict[str, list[Record]] = {}
            for record in self.into.get(owned, ()):
                grouped.setdefault(record[0], []).append(record)
            found = self._stakes[owned] = {holder: grouped[holder] for holder in sorted(grouped)}
        return found

    def holders_of(self, owned: str) -> list[str]:
        """Who holds (or held) ``owned``, in order."""
        return list(self.stakes_in(owned))

    def technology_of(self, project: str) -> list[TechnologyProvision]:
        """The technology or solution provisions to ``project`` (indexed on first use, not scanned per project)."""
        if self._technology is None:
            self._technology = defaultdict(list)
            for provision in self.data.technology:
                self._technology[provision.project].append(provision)
        return self._technology.get(project, [])

    def first_held(self, owner: str, owned: str) -> date:
        return min(r[1] for r in self.stakes_in(owned)[owner])


def held_through(records: list[Record], start: date, end: date) -> tuple[int, int]:
    """:meth:`OwnershipGraph.held_through_scaled` of one holder's records in one entity."""
    if len(records) == 1:
        _, first, last, lo, hi = records[0]
        return (lo, hi) if first <= start and (last is None or end <= last) else (0, 0)
    days = {start}
    for _, first, last, _, _ in records:
        if start < first <= end:
            days.add(first)
        if last is not None and start <= last < end:
            days.add(last + timedelta(days=1))
    sums = [(sum(r[3] for r in records if _active(r, d)), sum(r[4] for r in records if _active(r, d))) for d in days]
    return min(lo for lo, _ in sums), min(hi for _, hi in sums)


# --------------------------------------------------------------------------------------------------- involvement


@dataclass
class Involvement:
    """What participants etc. hold in a project, three ways, with the witness lines behind each figure.

    The look-through figure is worked out on first use: a rule reads it only when the direct figure is not enough,
    and it is the expensive one.
    """

    project: str
    window: tuple[date, date] | None
    direct_now: Range
    direct_initial: Range | None
    direct_counted: Range | None
    technology: bool  # provided at the end of the window by a participant etc. (※1)
    technology_by_participant: bool  # … by a participant (a representative participating company) itself
    _witness: list[Callable[[], Iterable[Evidence]]] = field(default_factory=list)  # written when asked for
    _written: list[Evidence] | None = None
    _look_through: Callable[[], Range] | None = None
    _paths: Callable[[Range], list[Evidence]] | None = None
    _figure: Range | None = None
    _lines: list[Evidence] | None = None

    @property
    def lines(self) -> list[Evidence]:
        """The witnesses behind the direct figures — data a report words (render/evidence.py) — worked out on first
        use (a trace asks; deciding does not)."""
        if self._written is None:
            self._written = [line for part in self._witness for line in part()]
        return self._written

    @property
    def look_through_counted(self) -> Range | None:
        if self._figure is None and self._look_through is not None:
            self._figure = self._look_through()
        return self._figure

    @property
    def look_through_lines(self) -> list[Evidence]:
        """The witness paths behind the look-through figure (worked out only when a trace asks for them, once)."""
        if self._lines is None:
            figure = self.look_through_counted
            self._lines = [] if figure is None or self._paths is None else self._paths(figure)
        return self._lines


def _why_basis(status: Status, entity: str) -> str | None:
    why = status.certain.get(entity)
    return None if why is None else why.basis


def _technology_line(graph: OwnershipGraph, project: str, provider: str, now: Status, end: date) -> Evidence:
    """Who provides technology or a solution to the project on ``end``, and on what basis they qualify."""
    return Evidence(
        "ownership.technology",
        {"project": project, "provider": provider, "on": end, "status": now.describe(graph, provider)},
    )


def _direct(graph: OwnershipGraph, project: str, status: Status, day: date) -> Range:
    """Participants etc.' direct shares in the project on ``day`` (certain members low, possible members high)."""
    lo = hi = 0
    for holder in graph.holders_of(project):
        member = status.of(holder)
        if member is False:
            continue
        held_lo, held_hi = graph.held_on_scaled(holder, project, day)
        hi += held_hi
        if member is True:
            lo += held_lo
    return Range(graph.share(lo), graph.share(max(lo, hi)))


def _both(then: Status, now: Status, entity: str) -> bool | None:
    """A participant etc. at both ends of the window: True, False or None (possibly)."""
    a, b = then.of(entity), now.of(entity)
    if a is False or b is False:
        return False
    return True if (a is True and b is True) else None


def involvement(
    graph: OwnershipGraph, project: str, start: date | None, end: date, thresholds: Thresholds
) -> Involvement:
    """Participants etc.' involvement in ``project``: now (at ``end``), at ``start``, and counted over both."""
    now = graph.status_on(end, thresholds)
    providers = sorted({t.provider for t in graph.technology_of(project) if t.active_on(end)})
    result = Involvement(
        project,
        None,
        _direct(graph, project, now, end),
        None,
        None,
        technology=any(now.of(p) is True for p in providers),
        technology_by_participant=any(_why_basis(now, p) == "representative" for p in providers),
    )
    result._witness.append(lambda: [_technology_line(graph, project, p, now, end) for p in providers])
    if start is None:
        result._witness.append(lambda: [Evidence("ownership.no_first_issuance", {"project": project})])
        return result
    result.window = (start, end)
    then = graph.status_on(start, thresholds)
    result.direct_initial = _direct(graph, project, then, start)
    direct = _walk_back(graph, project, then, now, start, end, whole=False).counted.get(project, {})
    result._witness.append(lambda: _holding_lines(graph, project, direct, then, now, start, end))
    lo = sum(share[0] for holder, share in direct.items() if _both(then, now, holder) is True)
    hi = sum(share[1] for holder, share in direct.items() if _both(then, now, holder) is not False)
    result.direct_counted = Range(graph.share(lo), graph.share(max(lo, hi)))
    walked: list[_Walk] = []  # the whole walk, made when the look-through is first asked for

    def walk() -> _Walk:
        if not walked:
            walked.append(_walk_back(graph, project, then, now, start, end))
        return walked[0]

    result._look_through = lambda: _look_through_range(project, walk(), then, now)
    result._paths = lambda figure: _look_through_lines(project, walk(), then, now, figure)
    return result


def _look_through_range(project: str, walk: _Walk, then: Status, now: Status) -> Range:
    """The look-through figure as an exact range."""
    certain = {entity for entity, both in walk.both.items() if both is True}
    order = _order(project, walk, certain.__contains__)
    low, bounded = _look_through(project, walk, certain.__contains__, pick=0, unexplored=0, order=order)
    perhaps = any(both is None for both in walk.both.values())  # holders only possibly qualifying
    uncertain = (
        bounded
        or perhaps
        or any(share[0] != share[1] for holders in walk.counted.values() for share in holders.values())
    )
    possible = {entity for entity, both in walk.both.items() if both is not False}
    high = (
        # the same qualifying holders unless some only possibly qualify: the same intermediaries, in the same order
        _look_through(project, walk, possible.__contains__, pick=1, unexplored=1, order=None if perhaps else order)[0]
        if uncertain
        else low  # nothing ranged, bounded or only possibly qualifying: the bounds coincide
    )
    return Range(low, max(low, high))


def _look_through_lines(project: str, walk: _Walk, then: Status, now: Status, figure: Range) -> list[Evidence]:
    lines = list(_path_lines(project, walk, lambda e: walk.both[e] is True))
    if figure.lo != figure.hi:
        lines.append(Evidence("ownership.look_through_bounded", {"project": project, "share": figure}))
    return lines


@dataclass
class _Walk:
    counted: dict[str, dict[str, tuple[int, int]]]  # owned → holder → share held throughout (integers over scale)
    unexplored: set[str]
    scale: int
    both: dict[str, bool | None]  # holder → a participant etc. at both ends of the window (:func:`_both`)


def _walk_back(
    graph: OwnershipGraph, project: str, then: Status, now: Status, start: date, end: date, whole: bool = True
) -> _Walk:
    """Stakes held throughout the window, walking back from the project through non-qualifying holders.

    A holder that is certainly a participant etc. at both ends counts in full, so who holds *it* does not matter;
    only other holders are followed, up to a budget. Holders beyond it are listed as unexplored. Not ``whole``: the
    project's own holders only (the direct figure; the rest of the walk is for the look-through, which a rule reads
    only when the direct figure is not enough). (The loop is the
    hot path of a batch: :func:`held_through` and :func:`_both` are written out in it for the usual one-record stake,
    with the members being possible ones whenever they are certain ones.)
    """
    counted: dict[str, dict[str, tuple[int, int]]] = {}
    both: dict[str, bool | None] = {}
    then_certain, then_possible, now_certain, now_possible = then.certain, then.possible, now.certain, now.possible
    queue, seen, unexplored = [project], {project}, set()
    stakes_in = graph.stakes_in
    for owned in queue:  # grows as it is read: breadth first
        row: dict[str, tuple[int, int]] | None = None
        for holder, records in stakes_in(owned).items():
            if len(records) == 1:
                _, first, last, lo, hi = records[0]
                if hi == 0 or first > start or (last is not None and end > last):
                    continue
                share = (lo, hi)
            else:
                share = held_through(records, start, end)
                if share[1] == 0:
                    continue
            if row is None:
                row = counted[owned] = {}
            row[holder] = share
            qualifies = both.get(holder, False)
            if holder not in both:
                if holder in then_possible and holder in now_possible:
                    qualifies = True if holder in then_certain and holder in now_certain else None
                both[holder] = qualifies
            if qualifies is True or holder in seen:
                continue
            seen.add(holder)
            if len(seen) > EXPLORE_BUDGET:
                unexplored.add(holder)
            else:
                queue.append(holder)
        if not whole:
            break
    return _Walk(counted, unexplored, graph.scale, both)


def _holding_lines(
    graph: OwnershipGraph,
    project: str,
    direct: dict[str, tuple[int, int]],
    then: Status,
    now: Status,
    start: date,
    end: date,
) -> list[Evidence]:
    """One witness per direct holder: its share at both ends, what counts and why not (acquired after the initial
    phase, ※2; not held without a break, ※3), and whether it is a participant etc. (and on which end it is not)."""
    lines = []
    for holder in graph.holders_of(project):
        counted = direct.get(holder, (0, 0))
        why = now.why(holder) or then.why(holder)
        not_on = None
        if _both(then, now, holder) is False and why is not None:
            not_on = start if then.of(holder) is False else end
        acquired = None
        if counted[1] == 0:
            first = graph.first_held(holder, project)
            acquired = first if first > start else None
        data = {
            "project": project,
            "holder": holder,
            "start": start,
            "end": end,
            "held_start": Range(*graph.held_on(holder, project, start)),
            "held_end": Range(*graph.held_on(holder, project, end)),
            "counted": Range(graph.share(counted[0]), graph.share(counted[1])),
            "break": None if counted[1] != 0 else ("acquired_after_initial_phase" if acquired else "not_continuous"),
            "acquired": acquired,
            "not_on": not_on,
            "status": (now if now.why(holder) else then).describe(graph, holder),
        }
        lines.append(Evidence("ownership.holding", data))
    return lines


_Ratio = tuple[int, int]
"""An exact non-negative figure as (numerator, denominator > 0), reduced: the look-through's arithmetic without
Fraction objects, whose pure-Python operators cost more than the whole walk."""


def _ratio(numerator: int, denominator: int) -> _Ratio:
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    common = math.gcd(numerator, denominator)
    return (numerator // common, denominator // common) if common > 1 else (numerator, denominator)


def _weighted(terms: list[tuple[int, _Ratio]], scale: int) -> _Ratio:
    """Σ share · value over ``scale``: shares are integers over ``scale``, values ratios (one common denominator)."""
    common = 1
    for _, (_, denominator) in terms:
        if common % denominator:
            common = math.lcm(common, denominator)
    total = 0
    for share, (numerator, denominator) in terms:
        total += share * numerator * (common // denominator) if denominator != common else share * numerator
    return _ratio(total, scale * common)


@dataclass(frozen=True)
class _Order:
    """The intermediaries of a walk for one set of qualifying holders: the unexplored ones, and the explored ones'
    cross-holding components (each sorted), holders first, with the ones that hold themselves through a ring."""

    unexplored: set[str]
    components: list[list[str]]
    rings: set[str]  # members of components of one that hold themselves (none: the loader refuses self-holdings)


def _order(project: str, walk: _Walk, qualifies: Callable[[str], bool]) -> _Order:
    counted = walk.counted
    intermediaries = {v for v in counted if v != project and not qualifies(v)} | {
        u for u in walk.unexplored if not qualifies(u)
    }
    explored = intermediaries - walk.unexplored
    holds: dict[str, list[str]] = {v: [] for v in explored}  # holder → what it holds, among explored intermediaries
    for v in explored:
        for h in counted.get(v, {}):
            if h in explored:
                holds[h].append(v)
    components = [sorted(component) for component in components_holders_first(holds)]
    rings = {c[0] for c in components if len(c) == 1 and c[0] in holds[c[0]]}
    return _Order(intermediaries & walk.unexplored, components, rings)


def _look_through(
    project: str,
    walk: _Walk,
    qualifies: Callable[[str], bool],
    pick: int,
    unexplored: int,
    order: _Order | None = None,
) -> tuple[Fraction, bool]:
    """Participants etc.' effective share in the project through non-qualifying intermediaries, solved exactly.

    Strongly connected components of the intermediaries are taken in topological order (``order``, worked out here
    unless the caller has it for the same qualifying holders), so only cross-holding cycles need a (small) linear
    solve. Unexplored holders pass on ``unexplored`` (0 for the lower bound, 1 for the upper bound) of what reaches
    them, and so do members of cycles larger than EXACT_CYCLE_LIMIT. Returns the figure and whether anything was
    bounded that way. Shares stay integers over the graph's scale and effective shares exact ratios of integers;
    only the figure returned becomes a fraction.
    """
    counted, scale = walk.counted, walk.scale
    if order is None:
        order = _order(project, walk, qualifies)
    whole: _Ratio = (1, 1)
    passed: _Ratio = (unexplored, 1)
    # Unexplored holders have no holders of their own in the walk: each is a component alone, before all it holds.
    effective: dict[str, _Ratio] = dict.fromkeys(order.unexplored, passed)
    bounded = bool(walk.unexplored)
    for members in order.components:
        if len(members) > EXACT_CYCLE_LIMIT:  # bounded like unexplored holders: exact cycles this large cost too much
            effective.update(dict.fromkeys(members, passed))
            bounded = True
            continue
        inflow: dict[str, _Ratio] = {}
        for v in members:
            terms = []
            for h, share in counted.get(v, {}).items():
                if qualifies(h):
                    terms.append((share[pick], whole))
                elif h in effective:
                    terms.append((share[pick], effective[h]))
            inflow[v] = _weighted(terms, scale)
        if len(members) == 1 and members[0] not in order.rings:
            effective[members[0]] = inflow[members[0]]
            continue
        solved = _solve_ring(members, inflow, counted, pick, scale)
        if solved is None:  # a ring closed at these shares (ranged ones at their upper end): bounded, not solved
            effective.update(dict.fromkeys(members, passed))
            bounded = True
            continue
        effective.update(solved)
    terms = []
    for holder, share in counted.get(project, {}).items():
        if qualifies(holder):
            terms.append((share[pick], whole))
        elif holder in effective:
            terms.append((share[pick], effective[holder]))
    total = _weighted(terms, scale)
    return Fraction(*total), bounded


def _solve_ring(
    members: list[str],
    inflow: dict[str, _Ratio],
    counted: dict[str, dict[str, tuple[int, int]]],
    pick: int,
    scale: int,
) -> dict[str, _Ratio] | None:
    """The effective shares of one cross-holding ring, ``x = inflow + A·x`` solved exactly and clamped to [0, 1];
    None when the ring does not converge (:func:`_converges`) or the system is singular.

    Scaled by ``scale`` the system is ``(scale·I − A')·x = scale·inflow`` with A' the ring's shares as integers;
    with the inflows over one common denominator it is all integers, solved by :func:`_solve`.
    """
    index = {v: i for i, v in enumerate(members)}
    size = len(members)
    matrix = [[0] * size for _ in range(size)]
    inside = [0] * size  # what each member's holders inside the ring hold of it
    for i, v in enumerate(members):
        row = matrix[i]
        row[i] = scale
        for h, share in counted.get(v, {}).items():
            j = index.get(h)
            if j is not None:
                row[j] -= share[pick]
                inside[i] += share[pick]
    if not _converges(inside, scale):
        return None
    common = math.lcm(1, *(inflow[v][1] for v in members))
    rhs = [scale * inflow[v][0] * (common // inflow[v][1]) for v in members]
    solved = _solve(matrix, rhs)
    if solved is None:
        return None
    numerators, determinant = solved
    result = {}
    for v, numerator in zip(members, numerators, strict=True):
        value = _ratio(numerator, determinant * common)
        result[v] = (0, 1) if value[0] <= 0 else (1, 1) if value[0] >= value[1] else value
    return result


def components_holders_first(holds: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected components of the holding graph (holder → held), each before every component it holds
    into: Tarjan's algorithm, iterative (a chain of intermediaries may be long), whose output order is reversed.

    Any such order gives the same figures: a component's inflow needs only the components before it. (networkx's
    condensation did this before; building its graphs for a few nodes per project cost more than the solve.)
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root, held in holds.items():
        if root in index:
            continue
        work = [(root, iter(held))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(holds[nxt])))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
    found.reverse()
    return found


def _converges(inside: list[int], scale: int) -> bool:
    """Whether a ring's shares pass less than everything round it, so the look-through sum over its paths is finite.

    ``inside`` is, for each member of one strongly connected ring, what its holders inside the ring hold of it (over
    ``scale``). The shares converge when every member's holders inside the ring hold at most all of it and at least
    one holds less (a ring fed from outside): then A's spectral radius is below 1. Ranged shares taken at their upper
    end can break that (holders summing to more than 100 %); the loader refuses rings closed at their certain shares.
    """
    return all(total <= scale for total in inside) and any(total < scale for total in inside)


def _solve(matrix: list[list[int]], rhs: list[int]) -> tuple[list[int], int] | None:
    """Exact solution of the integer system ``matrix · x = rhs`` by fraction-free (Bareiss) elimination, as
    numerators over one common denominator: (``d·x``, ``d``) with ``d`` the last pivot (± the determinant).

    Back substitution stays in integers too: by Cramer's rule ``d·xᵢ`` is an integer, so each division is exact.
    I − Aᵀ is non-singular when each entity's holders own at most 100 % of it, so a pivot always exists; returns
    None for a singular system (no pivot), which callers bound instead of solving.
    """
    n = len(rhs)
    rows = [[*row, value] for row, value in zip(matrix, rhs, strict=True)]
    previous = 1
    for k in range(n):
        pivot = next((r for r in range(k, n) if rows[r][k] != 0), None)
        if pivot is None:
            return None
        rows[k], rows[pivot] = rows[pivot], rows[k]
        pivot_row = rows[k]
        lead = pivot_row[k]
        tail = range(k + 1, n + 1)
        for i in range(k + 1, n):
            # Only the columns right of k are read again (the back substitution reads right of the diagonal), so the
            # eliminated entries are left as they are; a row with nothing in column k is only scaled.
            row = rows[i]
            factor = row[k]
            if factor:
                row[k + 1 :] = [(lead * row[j] - factor * pivot_row[j]) // previous for j in tail]
            elif lead != previous:
                row[k + 1 :] = [lead * row[j] // previous for j in tail]
        previous = lead
    determinant = previous
    solution = [0] * n
    for i in range(n - 1, -1, -1):
        known = sum(rows[i][j] * solution[j] for j in range(i + 1, n))
        solution[i] = (rows[i][n] * determinant - known) // rows[i][i]
    return solution, determinant


_Path = tuple[tuple[str, int], ...]  # (intermediary, its share in the next node over the scale), far end first


def _path_lines(
    project: str, walk: _Walk, qualifies: Callable[[str], bool], limit: int = 10, budget: int = 200
) -> Iterable[Evidence]:
    """The largest witness paths participant →a%→ intermediary … →c%→ project (best-first, bounded).

    Paths are explored largest product first (the float only orders the search; the shown product is exact) and
    the search stops after ``limit`` paths or ``budget`` expansions, so a dense graph cannot make the evidence
    exponential; the figures themselves are computed exactly elsewhere. A path's product is an integer over the
    scale to the power of its length until it is shown.
    """
    scale = walk.scale
    heap: list[tuple[float, int, int, str, _Path]] = [(-1.0, 0, 1, project, ())]
    found: list[tuple[int, str, int, _Path]] = []
    tie = itertools.count(1)
    while heap and len(found) < limit and budget > 0:
        _, _, product, node, path = heapq.heappop(heap)
        budget -= 1
        on_path = {project, *(h for h, _ in path)}
        for holder, scaled in walk.counted.get(node, {}).items():
            share = scaled[0]
            step = product * share
            if holder in on_path or step == 0:
                continue
            if qualifies(holder):
                if node != project:  # direct holders are reported with the direct figure
                    found.append((step, holder, share, path))
            else:
                weight = step / scale ** (len(path) + 1)  # correctly rounded, as float() of the exact product
                heapq.heappush(heap, (-weight, next(tie), step, holder, ((holder, share), *path)))
    lines = []
    for step, holder, first, path in found:
        chain = [holder, *(entity for entity, _ in path), project]
        shares = [Fraction(first, scale), *(Fraction(share, scale) for _, share in path)]
        effective = Fraction(step, scale ** (len(path) + 1))
        data = {"chain": chain, "shares": shares, "effective": effective}
        lines.append((effective, chain, Evidence("ownership.path", data)))
    return [witness for _, _, witness in sorted(lines, key=lambda item: (-item[0], item[1]))]


def lowest_shares(ownership: Ownership) -> tuple[int, list[int]]:
    """Each holding's lowest share as an integer over one common denominator (returned first): the loader's checks
    sum and compare them without fractions."""
    ratios = [
        (h.share.min if isinstance(h.share, ShareRange) else h.share).as_integer_ratio() for h in ownership.holdings
    ]
    scale = math.lcm(1, *{denominator for _, denominator in ratios})
    return scale, [numerator * (scale // denominator) for numerator, denominator in ratios]


def share_problems(
    ownership: Ownership, lowest: tuple[int, list[int]] | None = None
) -> list[tuple[int, dict[str, Any]]]:
    """(holding index, what is wrong: the entity, the total, the day and the parts) for each entity whose holders'
    minimum shares exceed 100 % on some day; the reader words it.

    Minimum shares are integers over their common denominator; an entity whose holdings' minimums do not exceed
    100 % even all counted at once (nearly every entity) cannot exceed it on any day and is not looked at by day.
    ``lowest``: :func:`lowest_shares`, if the caller has it already.
    """
    scale, low_shares = lowest or lowest_shares(ownership)
    totals: dict[str, int] = defaultdict(int)
    for holding, low in zip(ownership.holdings, low_shares, strict=True):
        totals[holding.owned] += low
    suspects = {owned for owned, total in totals.items() if total > scale}
    if not suspects:
        return []
    by_owned: dict[str, list[tuple[int, Holding, int]]] = defaultdict(list)
    for index, (holding, low) in enumerate(zip(ownership.holdings, low_shares, strict=True)):
        if holding.owned in suspects:
            by_owned[holding.owned].append((index, holding, low))
    problems = []
    for owned, items in sorted(by_owned.items()):
        for day in sorted({h.from_ for _, h, _ in items}):
            active = [(i, h, low) for i, h, low in items if h.active_on(day)]
            if sum(low for _, _, low in active) > scale:
                total = sum((_bounds(h)[0] for _, h, _ in active), Fraction(0))
                index = max(i for i, h, _ in active if h.from_ == day)
                parts = " + ".join(f"{h.owner} {pct(_bounds(h)[0])}" for _, h, _ in active)
                problems.append((index, {"owned": owned, "total": pct(total), "day": str(day), "parts": parts}))
                break
    return problems
