"""Credits claimed twice: overlapping serial ranges across a batch and against earlier rounds, and allowances
claimed beyond what their creators may create.

A lot claims its credits unless its rule set says its status claims nothing (``claims.unclaimed_statuses``, e.g.
sold: the buyer's submission holds them): a lot cancelled or retired for another purpose still states that those
credits are gone, so another firm claiming them is a conflict. Which kind participants create (and so whose
``origin_firm_id`` names a creator to balance against) is the rule set's ``claims.created`` too.
Two claims conflict when their serial ranges of the same registry and certification number overlap; the one sort and
sweep of ``evaluate/serials.py`` finds every such pair among the batch's claims and the ledger's, in O(n log n).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from gxets_rules.evaluate.serials import overlaps, serial_ranges
from gxets_rules.model.review import ClaimRef, DoubleClaim, EraBalance, EraClaim, FirmRow
from gxets_rules.model.submission import CreditLot
from gxets_rules.ruleset.schema import ClaimVocabulary


@dataclass(frozen=True)
class Claim:
    """A lot's claim on credits: whose, which lot, and its serial range (if the submission gives one).

    ``origin_firm_id`` is the creator of a lot of the kind participants create (None for any other kind). ``source``
    tells a batch's submission (its position in the batch) from a ledger record of an earlier round (``recorded``: the
    content hash of the submission that claimed it).
    """

    firm_id: str
    lot_id: str
    kind: str
    quantity_t: int
    registry: str | None
    certification_number: str | None
    serial_start: int | None
    serial_end: int | None
    origin_firm_id: str | None = None
    status: str = ""  # as its submission states it; empty for a claim of an earlier round (the ledger keeps none)
    status_date: date | None = None
    source: int = -1
    file: str | None = None
    recorded: str | None = None

    def ref(self) -> ClaimRef:
        assert self.serial_start is not None and self.serial_end is not None
        return ClaimRef(
            firm_id=self.firm_id,
            lot_id=self.lot_id,
            file=self.file,
            serial_start=self.serial_start,
            serial_end=self.serial_end,
            recorded_submission=self.recorded,
        )


def claimed(lots: Iterable[CreditLot], vocabulary: ClaimVocabulary) -> list[CreditLot]:
    """The lots that claim their credits: those whose status the rule set does not list as claiming none."""
    unclaimed = set(vocabulary.unclaimed_statuses)
    return [lot for lot in lots if lot.status not in unclaimed]


def claims_of(
    lots: Iterable[CreditLot], vocabulary: ClaimVocabulary, firm_id: str, source: int, file: str
) -> tuple[Claim, ...]:
    """The claims of a submission's claiming lots, tagged with the submission's place in the batch."""
    created = vocabulary.created.kind if vocabulary.created else None
    return tuple(
        Claim(
            firm_id=firm_id,
            lot_id=lot.id,
            kind=lot.kind,
            quantity_t=lot.quantity_t,
            registry=lot.registry,
            certification_number=lot.certification_number,
            serial_start=lot.serial_start,
            serial_end=lot.serial_end,
            origin_firm_id=lot.origin_firm_id if lot.kind == created else None,
            status=lot.status,
            status_date=lot.status_date,
            source=source,
            file=file,
        )
        for lot in claimed(lots, vocabulary)
    )


def _scope(first: Claim, second: Claim) -> str | None:
    """Which kind of double claim a pair is; None for two claims of earlier rounds (reported back then)."""
    earlier = (first.recorded is not None) + (second.recorded is not None)
    if earlier == 2:
        return None
    if earlier == 1:
        return "earlier_round"
    return "within_submission" if first.source == second.source else "across_submissions"


def double_claims(batch: Iterable[Claim], earlier: Iterable[Claim] = ()) -> list[DoubleClaim]:
    """Every pair of claims on the same credits, at least one of them from this batch, with the shared range."""
    found = []
    for pair in overlaps(serial_ranges((*batch, *earlier))):
        first, second = pair.first.item, pair.second.item
        scope = _scope(first, second)
        if scope is None:
            continue
        if first.recorded is None and second.recorded is not None:
            first, second = second, first  # the earlier round's claim first
        found.append(
            DoubleClaim(
                scope=scope,  # type: ignore[arg-type]
                registry=first.registry or "",
                certification_number=first.certification_number or "",
                overlap_start=pair.start,
                overlap_end=pair.end,
                overlap_t=pair.end - pair.start + 1,
                first=first.ref(),
                second=second.ref(),
            )
        )
    return found


def era_balances(claims: Iterable[Claim], firms: Sequence[FirmRow]) -> list[EraBalance]:
    """Per creating firm: allowances claimed by the batch's firms against what the creator's result lets it create.

    A creator outside the batch (or whose submission could not be evaluated) is listed with what is claimed, but
    nothing is known to compare it with, so it is no finding.
    """
    by_seller: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.origin_firm_id is not None:
            by_seller.setdefault(claim.origin_firm_id, []).append(claim)
    created = {row.firm_id: row.era_creatable_t for row in firms}
    balances = []
    for seller, held in sorted(by_seller.items()):
        claimed = sum(claim.quantity_t for claim in held)
        made = created.get(seller)
        balances.append(
            EraBalance(
                seller_firm_id=seller,
                seller_evaluated=seller in created,
                created_t=made,
                claimed_t=claimed,
                excess_t=max(0, claimed - made) if made is not None else 0,
                claims=[
                    EraClaim(firm_id=c.firm_id, lot_id=c.lot_id, quantity_t=c.quantity_t)
                    for c in sorted(held, key=lambda c: (c.firm_id, c.lot_id))
                ],
            )
        )
    return balances
