"""The review stage of a batch: from every firm's outcome to the summary (``gxets.review.v1``).

Totals and findings are computed here, once, so that the summary workbook and page only lay them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from gxets_rules._version import __version__
from gxets_rules.app.review.claims import Claim, double_claims, era_balances
from gxets_rules.app.review.firm import FirmOutcome, sum_credits
from gxets_rules.app.review.registry import reconcile
from gxets_rules.io.cancellations_csv import Cancellations
from gxets_rules.model.desk import Decision
from gxets_rules.model.review import (
    CreditTotal,
    DoubleClaim,
    EraBalance,
    FirmRow,
    InvalidSubmission,
    ReviewSummary,
    Totals,
)


def _sum_credits(totals: Sequence[CreditTotal], by_category: bool) -> list[CreditTotal]:
    """The firms' credits by kind, or by kind and TSE category."""
    return list(
        sum_credits(
            (total.kind, total.tse_category if by_category else None, total.lots, total.claimed_t, total.usable_t)
            for total in totals
        )
    )


@dataclass(frozen=True)
class Desk:
    """What the ledger adds to a batch's summary: the round, each firm's latest decision, and for each submission
    that supersedes an earlier one ((firm, content hash) → the earlier one's round)."""

    round: str | None = None
    decisions: dict[str, Decision] = field(default_factory=dict)
    predecessors: dict[tuple[str, str], str] = field(default_factory=dict)

    def row(self, outcome: FirmOutcome) -> FirmRow:
        assert outcome.row is not None and outcome.record is not None
        return outcome.row.model_copy(
            update={
                "decision": self.decisions.get(outcome.row.firm_id),
                "supersedes_round": self.predecessors.get(outcome.record.key[:2]),
            }
        )


def summarise(
    outcomes: Sequence[FirmOutcome],
    earlier: Sequence[Claim],
    inputs: dict[str, str],
    desk: Desk | None = None,
    cancellations: Cancellations | None = None,
) -> ReviewSummary:
    """The batch's summary: firm rows (with the ledger's round, decisions and superseded rounds), invalid files,
    double claims (this batch and against ``earlier`` rounds), allowance balances, the registry reconciliation (with
    ``cancellations``) and totals."""
    desk = desk or Desk()
    rows = [desk.row(o) for o in outcomes if o.row is not None]
    invalid = [
        InvalidSubmission(file=o.file, firm_id=o.firm_id, problems=list(o.problems)) for o in outcomes if o.row is None
    ]
    claims = [claim for o in outcomes for claim in o.claims]
    found: list[DoubleClaim] = double_claims(claims, earlier)
    era: list[EraBalance] = era_balances([c for o in outcomes if o.row is not None for c in o.claims], rows)
    credits = [total for o in outcomes for total in o.credits]
    categorised = [total for o in outcomes for total in o.credits if total.kind in o.categorised_kinds]
    registry = None
    if cancellations is not None:
        names = {o.firm_id: o.firm_name for o in outcomes if o.firm_id is not None and o.firm_name is not None}
        stated = [
            (claim, o.cancelled_for[claim.status])
            for o in outcomes
            for claim in o.claims
            if claim.status in o.cancelled_for
        ]
        registry = reconcile(stated, names, cancellations)
    totals = Totals(
        firms=len(rows),
        invalid=len(invalid),
        need_t=sum(r.need_t for r in rows),
        usable_t=sum(r.usable_t for r in rows),
        offsets_to_buy_t=sum(r.offsets_to_buy_t for r in rows),
        era_supply_t=sum(r.era_creatable_t or 0 for r in rows),
        era_demand_t=sum(b.claimed_t for b in era),
        double_claims=len(found),
        double_claimed_t=sum(d.overlap_t for d in found),
        era_excess_sellers=sum(1 for b in era if b.excess_t > 0),
        registry_mismatches=len(registry.findings) if registry else 0,
        by_kind=_sum_credits(credits, by_category=False),
        by_tse_category=_sum_credits(categorised, by_category=True),
    )
    return ReviewSummary(
        engine=__version__,
        round=desk.round,
        as_of=max((date.fromisoformat(r.as_of) for r in rows), default=None),
        inputs=dict(sorted(inputs.items())),
        firms=rows,
        invalid=invalid,
        double_claims=found,
        era=era,
        registry=registry,
        totals=totals,
    )
