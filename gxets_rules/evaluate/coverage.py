"""Cover the firm's needs (shortfalls) with its eligible lots, within the caps.

The rule set decides everything that is policy: which lot statuses count (and which of them are still held, so
that what they cover is planned rather than already cancelled), which lots are
used first (already-cancelled ones, then kinds that cannot be banked into a later
phase), which kinds share a cap, and each need's amount and caps. This module only
allocates, deterministically: lots in that order (lots it ranks alike go by their id,
so listing the same lots in another order changes nothing), each filling the needs in order,
taking no more than the need and the cap left. So a lot's ``usable_t`` and every total
trace back to a lot, a need and a cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from gxets_rules.evaluate.eligibility import ELIGIBLE, NEEDS_REVIEW, LotDecision
from gxets_rules.model.result import CapUse, ClassCoverage, Coverage, KindUse, NeedCoverage
from gxets_rules.ruleset.schema import Coverage as CoveragePolicy


@dataclass
class NeedState:
    id: str
    amount_t: int
    caps_t: dict[str, int]
    usable_t: int = 0
    used_by_class: dict[str, int] = field(default_factory=dict)
    used_by_kind: dict[str, int] = field(default_factory=dict)  # in the order lots were used

    @property
    def offsets_to_buy_t(self) -> int:
        return self.amount_t - self.usable_t


@dataclass
class CoverageResult:
    needs: list[NeedState]
    allocations: dict[str, dict[str, int]]  # lot id → need id → tonnes
    eligible_t: int
    pending_review_t: int
    cancelled_t: int
    planned_t: int
    classes: list[str]
    ineligible_t: int = 0
    not_counted_t: int = 0

    @cached_property
    def typed(self) -> Coverage:
        """The coverage as the result holds it: totals, each cap class over the needs, and each need."""
        usable = sum(n.usable_t for n in self.needs)
        classes = {}
        for cls in self.classes:
            active = [n for n in self.needs if n.amount_t > 0 and cls in n.caps_t]
            cap = sum(n.caps_t[cls] for n in active)
            classes[cls] = ClassCoverage(
                cap_t=cap,
                usable_t=sum(n.used_by_class.get(cls, 0) for n in self.needs),
                headroom_t=cap - sum(n.used_by_class.get(cls, 0) for n in active),
            )
        return Coverage(
            need_t=sum(n.amount_t for n in self.needs),
            usable_t=usable,
            offsets_to_buy_t=sum(n.offsets_to_buy_t for n in self.needs),
            eligible_t=self.eligible_t,
            surplus_t=self.eligible_t - usable,
            pending_review_t=self.pending_review_t,
            ineligible_t=self.ineligible_t,
            not_counted_t=self.not_counted_t,
            cancelled_t=self.cancelled_t,
            planned_t=self.planned_t,
            classes=classes,
            needs=[
                NeedCoverage(
                    id=n.id,
                    need_t=n.amount_t,
                    usable_t=n.usable_t,
                    offsets_to_buy_t=n.offsets_to_buy_t,
                    caps={
                        cls: CapUse(cap_t=cap, usable_t=n.used_by_class.get(cls, 0)) for cls, cap in n.caps_t.items()
                    },
                    usable_by_kind=[KindUse(kind=kind, usable_t=t) for kind, t in n.used_by_kind.items()],
                )
                for n in self.needs
            ],
        )

    @cached_property
    def names(self) -> dict[str, Any]:
        """The totals as rule expressions see them (``coverage.usable_t``); computed once, after allocation."""
        return self.typed.names()


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number of tonnes, got {value!r}")
    return value


def allocate(
    spec: CoveragePolicy, needs: list[tuple[str, Any, dict[str, Any]]], decisions: list[LotDecision]
) -> CoverageResult:
    """Allocate eligible lots to needs. ``needs`` is (id, amount, {class: cap}) in order."""
    states = [
        NeedState(
            nid, max(0, _whole(amount, f"need {nid}")), {c: max(0, _whole(v, f"cap {c}")) for c, v in caps.items()}
        )
        for nid, amount, caps in needs
    ]
    class_of = {kind: cls for cls, kinds in spec.classes.items() for kind in kinds}
    status_rank = {status: i for i, status in enumerate(spec.status_order)}
    kind_rank = {kind: i for i, kind in enumerate(spec.kind_order)}
    counted = set(spec.counted_statuses)
    held = set(spec.held_statuses)
    usable_lots = [d for d in decisions if d.verdict == ELIGIBLE and d.lot.status in counted]
    usable_lots.sort(  # the rule set's order; a tie breaks on the lot id, so the order lots were listed in is no input
        key=lambda d: (
            status_rank.get(d.lot.status, len(status_rank)),
            kind_rank.get(d.lot.kind, len(kind_rank)),
            d.lot.id,
        )
    )
    allocations: dict[str, dict[str, int]] = {}
    cancelled_t = planned_t = 0
    for decision in usable_lots:
        lot = decision.lot
        left = lot.quantity_t
        cls = class_of.get(lot.kind)
        for need in states:
            if left <= 0:
                break
            room = need.amount_t - need.usable_t
            if cls is not None and cls in need.caps_t:
                room = min(room, need.caps_t[cls] - need.used_by_class.get(cls, 0))
            take = min(left, room)
            if take <= 0:
                continue
            need.usable_t += take
            need.used_by_kind[lot.kind] = need.used_by_kind.get(lot.kind, 0) + take
            if cls is not None:
                need.used_by_class[cls] = need.used_by_class.get(cls, 0) + take
            allocations.setdefault(lot.id, {})[need.id] = take
            left -= take
        used = lot.quantity_t - left
        if lot.status in held:
            planned_t += used
        else:
            cancelled_t += used
    eligible_t = sum(d.lot.quantity_t for d in usable_lots)
    pending = sum(d.lot.quantity_t for d in decisions if d.verdict == NEEDS_REVIEW and d.lot.status in counted)
    ineligible = sum(d.lot.quantity_t for d in decisions if d.verdict not in (ELIGIBLE, NEEDS_REVIEW))
    not_counted = sum(
        d.lot.quantity_t for d in decisions if d.verdict in (ELIGIBLE, NEEDS_REVIEW) and d.lot.status not in counted
    )
    return CoverageResult(
        states, allocations, eligible_t, pending, cancelled_t, planned_t, sorted(spec.classes), ineligible, not_counted
    )
