"""Participants etc. (※1) at many dates: each fixpoint carried forward from one date to the next instead of redone.

Both closures of a status — control within each representative's group, then joint holding — are least fixpoints
of a monotone rule: an entity joins when its members' shares in it pass a threshold. More roster entries, boundary
declarations and holdings (or higher shares) can only add members, so from one date to a later one on which nothing
that applied has stopped applying, the fixpoint of the later date is the earlier one *continued*: the shares of the
holdings that started in between are added to the running sums, new representatives and boundary entities join, and
the worklist runs on. Between two quarter ends that is a few thousand holdings instead of every member's holdings.
A date before the chain's, or one after a holding, roster entry or boundary ended, starts the chain afresh (which is
the same worklist from nothing). Least fixpoints are unique, so the members — and so the status — are the same
whichever way they were reached.
"""

from __future__ import annotations

import copy
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Literal

# (other entity, from, to, lowest share, highest share) with shares as integers over the graph's scale
Record = tuple[str, date, date | None, int, int]


@dataclass(frozen=True)
class Qualification:
    """Why an entity is a participant etc.: its basis (representative | boundary | subsidiary | joint)."""

    basis: str
    representative: str | None = None


REPRESENTATIVE = Qualification("representative")
SUBSIDIARY = Qualification("subsidiary")
JOINT = Qualification("joint")


@dataclass(frozen=True)
class Thresholds:
    """Policy from the rule set: control is *more than* ``control``; joint is *at least* ``joint``; and whether an
    entity that qualifies only by joint holding counts toward a further one (``joint_ventures_count``)."""

    control: Fraction
    joint: Fraction
    joint_ventures_count: bool


@dataclass(frozen=True)
class Timeline:
    """What changes when: the holdings ordered by their first day, and the days things stop applying, so a chain
    finds the holdings that start between two dates by bisection and knows whether anything ended in between."""

    starts: list[date]  # first day of each holding below, ascending
    started: list[tuple[str, Record]]  # (owner, its record), in that order
    ranged: list[tuple[str, Record]]  # the holdings known only as a range
    ends: list[tuple[date, date]]  # (last day, first day) of everything dated that ends: holdings, roster, boundaries

    @classmethod
    def of(cls, out: dict[str, list[Record]], others: Iterable[tuple[date, date | None]]) -> Timeline:
        """From the holdings by owner and the (from, to) of roster and boundary entries."""
        ordered = [(owner, record) for owner, records in out.items() for record in records]
        ordered.sort(key=lambda held: held[1][1])
        ends = [(record[2], record[1]) for _, record in ordered if record[2] is not None]
        ends += [(to, start) for start, to in others if to is not None]
        ends.sort()
        ranged = [(owner, record) for owner, record in ordered if record[3] != record[4]]
        return cls([record[1] for _, record in ordered], ordered, ranged, ends)

    def only_added(self, before: date, after: date) -> bool:
        """Whether everything that applied on ``before`` still applies on ``after`` (a later day)."""
        first = bisect_left(self.ends, (before,))
        last = bisect_left(self.ends, (after,))
        return all(start > before for _, start in self.ends[first:last])

    def started_between(self, before: date, after: date) -> Sequence[tuple[str, Record]]:
        """The holdings whose first day is after ``before`` and not after ``after``."""
        return self.started[bisect_right(self.starts, before) : bisect_right(self.starts, after)]


@dataclass(slots=True, eq=False)  # one closure is one object: compared and hashed by identity
class _Closure:
    """One worklist closure kept between dates: its members, and the members' summed shares in each non-member."""

    members: dict[str, Qualification] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    queue: list[str] = field(default_factory=list)

    def copy(self) -> _Closure:
        return _Closure(dict(self.members), dict(self.held))


class StatusChain:
    """The certain (lowest shares) or possible (highest shares) members for one set of thresholds, date by date; a
    possible chain starts as a widened copy of a certain one (:meth:`widened`).

    Control is closed per group — a subsidiary is more than the control share held by one representative together
    with its boundary entities and their subsidiaries — because shares of *different* participants add up only under
    the joint-holding rule (※1: 複数のGXリーグ参画企業等が合計で…). The joint pass counts the holdings of those
    members only, unless the rule set lets joint ventures count too (then it runs to a fixpoint).

    Sums are integers over the graph's scale, so a threshold becomes an integer test once: more than T is
    ``held > floor(T)`` and at least T is ``held >= ceil(T)`` — exact, and without fraction arithmetic.
    """

    def __init__(
        self,
        out: dict[str, list[Record]],
        groups_on: Callable[[date], dict[str, dict[str, Qualification]]],
        timeline: Timeline,
        scale: int,
        thresholds: Thresholds,
    ) -> None:
        self.out, self.groups_on, self.timeline = out, groups_on, timeline
        self.pick: Literal[3, 4] = (
            3  # the lowest shares' place in a record; a possible chain (widened) reads the highest
        )
        self.control_above = math.floor(thresholds.control * scale)
        self.joint_above = math.ceil(thresholds.joint * scale) - 1
        self.propagate = thresholds.joint_ventures_count
        self.day: date | None = None
        self.groups: dict[str, _Closure] = {}
        self.in_groups: dict[str, list[_Closure]] = {}  # entity → the groups it is a member of
        self.counting: set[str] = set()  # whose holdings count toward a joint holding
        self.joint = _Closure()  # members: the day's members, the groups' and those who joined by joint holding
        self.joined: list[str] = []  # those who joined by joint holding
        self.merged: dict[str, Qualification] = {}  # the groups' members on the chain's day, and why
        self.order: list[str] = []  # the representatives on the chain's day, in roster order
        self.touched: set[str] = set()  # entities that joined a group, or were declared in one, since the chain's day
        self.regrouped = False  # whether the last step started the chain or added groups (a representative joined)

    def reaches(self, day: date) -> bool:
        """Whether the chain can be carried forward to ``day`` (else a fresh chain is started)."""
        return self.day is None or (self.day <= day and self.timeline.only_added(self.day, day))

    def advance(self, day: date) -> dict[str, Qualification]:
        """The members on ``day`` (at least the chain's day, :meth:`reaches`) and why each is one."""
        started = () if self.day is None else self.timeline.started_between(self.day, day)
        pick = self.pick
        added = [(owner, r[0], r[pick]) for owner, r in started if r[pick] and (r[2] is None or day <= r[2])]
        return self._continue(day, added)

    def widened(self) -> tuple[StatusChain, dict[str, Qualification]]:
        """A possible chain on this certain chain's day — a copy, widened — and its members.

        Raising shares only adds members, so the possible fixpoint is the certain one continued with the difference
        (highest − lowest) of each ranged holding that applies: a copy and a few holdings instead of a fresh closure.
        """
        day = self.day
        assert day is not None and self.pick == 3
        wide = copy.copy(self)
        wide.pick = 4
        wide.groups = {representative: group.copy() for representative, group in self.groups.items()}
        twin = {id(self.groups[representative]): group for representative, group in wide.groups.items()}
        wide.in_groups = {entity: [twin[id(group)] for group in groups] for entity, groups in self.in_groups.items()}
        wide.counting, wide.joint, wide.joined = set(self.counting), self.joint.copy(), list(self.joined)
        wide.merged, wide.order, wide.touched = dict(self.merged), list(self.order), set()
        widening = [
            (owner, r[0], r[4] - r[3])
            for owner, r in self.timeline.ranged
            if r[1] <= day and (r[2] is None or day <= r[2])
        ]
        return wide, wide._continue(day, widening)

    def _continue(self, day: date, added: list[tuple[str, str, int]]) -> dict[str, Qualification]:
        """The members on ``day``, continuing the fixpoints with ``added`` (owner, owned, share) on top of what they
        counted."""
        self.regrouped = self.day is None
        self.day = day
        merged, touched = self._groups(day, added)
        return self._joint(day, added, merged, touched)

    def _groups(self, day: date, added: list[tuple[str, str, int]]) -> tuple[dict[str, Qualification], set[str]]:
        """Close every group under control on ``day``: the union of the groups (:meth:`_merge`), and the entities
        that may have joined it since the chain's day."""
        in_groups, above = self.in_groups, self.control_above
        # The new holdings of members already in: only those, as members that join now are walked in full below.
        for group, owned, share in [
            (g, owned, share) for owner, owned, share in added for g in in_groups.get(owner, ())
        ]:
            self._raise(group, owned, share, above, SUBSIDIARY)
        bases = self.groups_on(day)
        for representative, base in bases.items():
            closure = self.groups.get(representative)
            if closure is None:
                closure = self.groups[representative] = _Closure()
                self.regrouped = True
            for entity, why in base.items():
                if entity not in closure.members:
                    in_groups.setdefault(entity, []).append(closure)
                    closure.queue.append(entity)
                closure.members[entity] = why  # declared in the boundary: that, not subsidiary, is its reason
                self.touched.add(entity)
        for representative in bases:
            self._drain(self.groups[representative], day, above, SUBSIDIARY, propagate=True)
        return self._merge(list(bases))

    def _merge(self, order: list[str]) -> tuple[dict[str, Qualification], set[str]]:
        """The union of the groups in roster order, each entity with the reason the first group containing it gives.

        Only the entities touched since the chain's day can have a new reason, unless the groups known then now come
        in another order (a representative on the roster twice): then the union is made again.
        """
        known = set(self.order)
        if [representative for representative in order if representative in known] != self.order:
            merged: dict[str, Qualification] = {}
            for representative in order:
                for entity, why in self.groups[representative].members.items():
                    merged.setdefault(entity, why)
        else:
            rank = {id(self.groups[representative]): place for place, representative in enumerate(order)}
            merged = dict(self.merged)
            for entity in self.touched:
                first = min(self.in_groups[entity], key=lambda group: rank[id(group)])
                merged[entity] = first.members[entity]
        touched = self.touched
        self.order, self.touched, self.merged = order, set(), merged
        return merged, touched

    def _joint(
        self, day: date, added: list[tuple[str, str, int]], merged: dict[str, Qualification], touched: set[str]
    ) -> dict[str, Qualification]:
        """Joint holding by the members of the groups (and, if the rule set says so, by joint ventures) on ``day``;
        of the groups' members, only those ``touched`` can be new, and so not yet counting."""
        joint, counting, above = self.joint, self.counting, self.joint_above
        members = dict(merged)
        for entity in self.joined:
            members.setdefault(entity, JOINT)
        joint.members = members
        for owner, owned, share in added:
            if owner in counting:
                self._raise(joint, owned, share, above, JOINT, queue=self.propagate)
        joint.queue[:0] = [entity for entity in touched if entity not in counting]
        self._drain(joint, day, above, JOINT, propagate=self.propagate, counting=counting)
        return members

    def _raise(
        self, closure: _Closure, owned: str, share: int, above: int, basis: Qualification, queue: bool = True
    ) -> None:
        if owned in closure.members:
            return
        total = closure.held.get(owned, 0) + share
        closure.held[owned] = total
        if total > above:
            closure.members[owned] = basis
            if closure is self.joint:
                self.joined.append(owned)
            else:
                self.in_groups.setdefault(owned, []).append(closure)
                self.touched.add(owned)
            if queue:
                closure.queue.append(owned)

    def _drain(
        self,
        closure: _Closure,
        day: date,
        above: int,
        basis: Qualification,
        propagate: bool,
        counting: set[str] | None = None,
    ) -> None:
        """Walk the holdings of each queued member on ``day``; with ``propagate`` those who join are walked too."""
        out, pick, queue, members, held = self.out, self.pick, closure.queue, closure.members, closure.held
        in_groups, touched, joined = self.in_groups, self.touched, self.joined
        grouped = counting is None
        while queue:
            owner = queue.pop()
            if counting is not None:
                if owner in counting:
                    continue
                counting.add(owner)
            for record in out.get(owner, ()):
                owned = record[0]
                share = record[pick]
                if share == 0 or owned in members or record[1] > day or (record[2] is not None and day > record[2]):
                    continue
                total = held.get(owned, 0) + share
                held[owned] = total
                if total > above:
                    members[owned] = basis
                    if grouped:
                        in_groups.setdefault(owned, []).append(closure)
                        touched.add(owned)
                    else:
                        joined.append(owned)
                    if propagate:
                        queue.append(owned)
