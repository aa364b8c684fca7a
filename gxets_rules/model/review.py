"""The review summary format ``gxets.review.v1``: what a batch review found, for the summary workbook and page.

A batch review evaluates each submission exactly as ``gxets check`` does (each firm's result is its own
``gxets.result.v2`` file) and then works out, once, what only the whole batch shows: one row per firm, the batch's
totals, serial ranges claimed twice (within a submission, across submissions, or against a range claimed in an
earlier round) and excess reduction allowances claimed beyond what their creators may create. Every figure the
summary workbook and page show is here, already computed; they only lay it out. The body holds no wall-clock time —
the ledger keeps when each submission was recorded — so the same batch and ledger give the same bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

from pydantic import Field

from gxets_rules.model.base import LocalizedText, StrictModel
from gxets_rules.model.desk import Decision, RegistryCheck

REVIEW_FORMAT: Final = "gxets.review.v1"

Scope = Literal["within_submission", "across_submissions", "earlier_round"]


class CapUse(StrictModel):
    """A cap class of the firm's coverage (e.g. voluntary credits ≤ 5 %): tonnes used against the cap."""

    cap_class: str
    used_t: int
    cap_t: int


class FirmRow(StrictModel):
    """One evaluated submission, as the summary's firm table shows it."""

    firm_id: str
    firm_name: str
    file: str = Field(description="The submission file as the review was given it.")
    result: str = Field(description="The firm's result JSON (gxets.result.v2), relative to the output folder.")
    ruleset: str = Field(description="Rule set id and version.")
    as_of: str
    status: str | None = Field(description="The rule set's verdict (position.status).")
    status_label: LocalizedText | None
    need_t: int = Field(description="The shortfall the firm must cover (coverage.need_t).")
    usable_t: int = Field(description="Tonnes of the firm's credits that count toward it, after caps.")
    offsets_to_buy_t: int
    era_creatable_t: int | None = Field(
        description="Excess reduction allowances the firm may create (the output its rule set names in "
        "claims.created.creatable, e.g. position.era.creatable_t); null if the rule set names none."
    )
    caps: list[CapUse]
    lots: int
    ineligible_lots: int
    needs_review_lots: int
    issues: int = Field(description="Data issues (warnings) in the firm's result.")
    intake_warnings: list[str] = Field(
        description="What reading the file noted without stopping (a workbook's formula read by its saved value, a "
        "sheet not read), as `gxets check` prints it."
    )
    report: str | None = Field(
        default=None, description="The firm's HTML report, relative to the output folder (with --report html)."
    )
    review_page: str | None = Field(
        default=None, description="The firm's review page (decisions, changes since the round it replaces)."
    )
    supersedes_round: str | None = Field(
        default=None, description="The round of the earlier submission of the same filing this one replaces."
    )
    decision: Decision | None = Field(
        default=None, description="The firm's latest decision recorded in the ledger when the summary was written."
    )


class InvalidSubmission(StrictModel):
    """A file the review could not evaluate, with every problem found and where."""

    file: str
    firm_id: str | None = Field(description="The firm, if the file could be read far enough to name it.")
    problems: list[str] = Field(description="Each problem as file:line:column: message.")


class ClaimRef(StrictModel):
    """One side of a double claim: a lot of a firm's submission in this batch, or one recorded in the ledger."""

    firm_id: str
    lot_id: str
    file: str | None = Field(description="The submission file in this batch; null for a claim of an earlier round.")
    serial_start: int
    serial_end: int
    recorded_submission: str | None = Field(
        default=None, description="For an earlier round: the ledger's content hash of the submission that claimed it."
    )


class DoubleClaim(StrictModel):
    """Two claims of the same credits: overlapping serial ranges of one registry and certification number."""

    scope: Scope
    registry: str
    certification_number: str
    overlap_start: int
    overlap_end: int
    overlap_t: int = Field(description="Credits claimed twice (serials in the overlap).")
    first: ClaimRef
    second: ClaimRef


class EraClaim(StrictModel):
    firm_id: str
    lot_id: str
    quantity_t: int


class EraBalance(StrictModel):
    """Excess reduction allowances of one creating firm: claimed by holders in the batch against what it may create."""

    seller_firm_id: str
    seller_evaluated: bool = Field(description="Whether the creating firm's submission was evaluated in this batch.")
    created_t: int | None = Field(description="What the creating firm may create (its result); null if unknown.")
    claimed_t: int
    excess_t: int = Field(description="Claimed beyond what was created; 0 when within it or unknown.")
    claims: list[EraClaim]


class CreditTotal(StrictModel):
    """Credits claimed in the batch (lots not sold) of one kind or TSE category, and how much of them counts."""

    kind: str
    tse_category: str | None = None
    lots: int
    claimed_t: int
    usable_t: int


class Totals(StrictModel):
    firms: int = Field(description="Submissions evaluated.")
    invalid: int = Field(description="Submissions reported and skipped.")
    need_t: int
    usable_t: int
    offsets_to_buy_t: int
    era_supply_t: int = Field(description="Excess reduction allowances the evaluated firms may create.")
    era_demand_t: int = Field(description="Excess reduction allowances the evaluated firms claim (by creator).")
    double_claims: int
    double_claimed_t: int
    era_excess_sellers: int
    registry_mismatches: int = Field(default=0, description="Claimed cancellations the registry's records contradict.")
    by_kind: list[CreditTotal]
    by_tse_category: list[CreditTotal] = Field(description="J-credits by TSE trading category (null: none given).")


class ReviewSummary(StrictModel):
    format: Literal["gxets.review.v1"] = REVIEW_FORMAT
    engine: str = Field(description="gxets-rules version that made the review.")
    round: str | None = Field(default=None, description="The review round the batch was recorded in.")
    as_of: date | None = Field(description="The latest evaluation date of the batch's firms (null: none evaluated).")
    inputs: dict[str, str] = Field(description="Shared input file (ownership graph, market snapshot) → SHA-256.")
    firms: list[FirmRow]
    invalid: list[InvalidSubmission]
    double_claims: list[DoubleClaim]
    era: list[EraBalance]
    registry: RegistryCheck | None = Field(
        default=None, description="Claimed cancellations against the registry's records (--registry-cancellations)."
    )
    totals: Totals
