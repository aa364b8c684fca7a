"""The secretariat's review desk: rounds, decisions, the ledger export (``gxets.ledger.v2``), a firm's changes between
two rounds (``gxets.diff.v1``) and the registry reconciliation of claimed cancellations.

These are the shapes the ledger hands out — to the CLI, to the summary and letters, and to anything built on the ledger
(a dashboard) — so they are typed here, below every layer that reads them. Times are UTC ISO-8601 text as the ledger
stores them; whoever shows one to a person shows it in Japan time (``render/times.py``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Final, Literal

from pydantic import Field

from gxets_rules.model.base import LocalizedText, StrictModel

LEDGER_FORMAT: Final = "gxets.ledger.v2"
DIFF_FORMAT: Final = "gxets.diff.v1"

DecisionKind = Literal["accepted", "returned", "query"]
DECISIONS: tuple[str, ...] = ("accepted", "returned", "query")
"""accepted (受理); returned for correction (差戻し); query — the firm is asked to explain (確認依頼)."""

Scalar = int | str | bool | None

JAPAN = timezone(timedelta(hours=9), "JST")
"""Japan Standard Time (no daylight saving): how the desk shows the ledger's UTC times."""


def in_japan(utc: str) -> datetime:
    """A time the ledger stored (UTC, ISO 8601) as the time in Japan."""
    return datetime.fromisoformat(utc).astimezone(JAPAN)


def japan_time(utc: str) -> str:
    """A stored UTC time as a person in Japan reads it: ``2026-12-04 18:03 JST``."""
    return in_japan(utc).strftime("%Y-%m-%d %H:%M JST")


class Round(StrictModel):
    """A review round: submissions evaluated together, named by the secretariat, in the order they were opened."""

    id: int
    name: str
    opened_at: str = Field(description="When the round was opened (UTC, ISO 8601).")


class Decision(StrictModel):
    """A reviewer's decision on a firm's submission of a round, naming the exact result it was made on."""

    id: int = Field(description="The decision's number in the ledger.")
    firm_id: str
    round: str
    submission_id: int = Field(description="The ledger number of the submission decided on.")
    decision: DecisionKind
    lot_id: str | None = Field(description="The lot the decision is about; null for the whole submission.")
    reviewer: str
    note: str
    deadline: date | None = Field(description="The date by which the firm must answer or correct (returned, query).")
    result_sha256: str | None = Field(description="SHA-256 of the result file the decision was made on.")
    decided_at: str = Field(description="When it was recorded (UTC, ISO 8601).")


class LedgerClaim(StrictModel):
    """A serial range a recorded submission claimed."""

    id: int
    lot_id: str
    kind: str
    quantity_t: int
    registry: str
    certification_number: str
    serial_start: int
    serial_end: int


class LedgerSubmission(StrictModel):
    """An evaluated submission as the ledger keeps it."""

    id: int = Field(description="The submission's number (`gxets ledger show '#N'`).")
    round: str
    firm_id: str
    content_sha256: str = Field(description="SHA-256 over every input file's hash and the evaluation date.")
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    first_fy: int
    last_fy: int
    as_of: str
    file: str
    result_path: str | None = Field(description="Where the review wrote the result (null: recorded before v2).")
    result_sha256: str | None = Field(description="SHA-256 of the result file's bytes (null: recorded before v2).")
    supersedes: int | None = Field(description="The number of the earlier submission of the same filing it replaces.")
    recorded_at: str = Field(description="When it was recorded (UTC, ISO 8601).")
    summary: dict[str, Any] = Field(description="The firm's row of the review summary (gxets.review.v1 firms[]).")
    claims: list[LedgerClaim] = Field(default_factory=list)


class ChainState(StrictModel):
    """The audit trail: how many ledger rows are chained and the hash of the last one (write it down to anchor it)."""

    rows: int
    head: str | None


class LedgerExport(StrictModel):
    """The whole ledger: rounds, submissions with their claims, decisions, and the chain's head."""

    format: Literal["gxets.ledger.v2"] = LEDGER_FORMAT
    schema_version: int = Field(description="The ledger's schema version (SQLite user_version).")
    rounds: list[Round]
    submissions: list[LedgerSubmission]
    decisions: list[Decision]
    chain: ChainState


class FirmState(StrictModel):
    """A firm in a round: its submission there (the latest, if it submitted twice) and its latest decision."""

    submission: LedgerSubmission
    decision: Decision | None = Field(description="The firm's latest decision in any round up to this one.")


class LotSummary(StrictModel):
    """A lot as a diff shows one added or removed."""

    lot_id: str
    kind: str
    quantity_t: int
    status: str
    verdict: str
    usable_t: int


class Change(StrictModel):
    """One value that differs between two submissions: a lot's field, or a position figure."""

    path: str = Field(description="The lot field (kind, quantity_t, status, …) or the position figure's dotted path.")
    title: LocalizedText | None = None
    unit: str | None = None
    before: Scalar
    after: Scalar


class LotChanges(StrictModel):
    lot_id: str
    changes: list[Change]


class FirmDiff(StrictModel):
    """What changed for a firm between its submission of one round and of another."""

    format: Literal["gxets.diff.v1"] = DIFF_FORMAT
    firm_id: str
    from_round: str
    to_round: str
    from_submission: int
    to_submission: int
    lots_added: list[LotSummary]
    lots_removed: list[LotSummary]
    lots_changed: list[LotChanges] = Field(description="Lots in both whose stated facts differ.")
    verdicts_changed: list[LotChanges] = Field(description="Lots in both whose verdict or usable tonnes differ.")
    figures_changed: list[Change] = Field(description="Position and coverage figures that differ.")

    @property
    def empty(self) -> bool:
        return not (
            self.lots_added or self.lots_removed or self.lots_changed or self.verdicts_changed or self.figures_changed
        )


RegistryProblem = Literal["missing", "other_holder", "other_purpose", "other_date", "no_range"]


class RegistryFinding(StrictModel):
    """A claimed cancellation the registry's records do not bear out."""

    problem: RegistryProblem = Field(
        description="missing: no record covers these serials; other_holder / other_purpose / other_date: a record "
        "covers them for another account holder, purpose or date; no_range: the lot gives no serial range to check."
    )
    firm_id: str
    lot_id: str
    file: str
    status: str = Field(description="What the lot claims (cancelled_gxets, cancelled_other).")
    registry: str | None
    certification_number: str | None
    serial_start: int | None = Field(description="The serials concerned (for missing: those no record covers).")
    serial_end: int | None
    claimed: str | None = Field(description="What the lot states for the point in question.")
    recorded: str | None = Field(description="What the registry record states for it.")
    record_line: int | None = Field(description="The line of the record in the cancellations file.")


class RegistryCheck(StrictModel):
    """The reconciliation of every claimed cancellation of the batch against the registry's cancellation records."""

    file: str
    sha256: str
    records: int
    lots_checked: int
    findings: list[RegistryFinding]


class LetterPoint(StrictModel):
    """One criterion a lot did not meet (or that could not be decided), with the clause behind it."""

    criterion: str
    outcome: str
    title: LocalizedText
    message: LocalizedText
    source: str | None = Field(description="The document and clause the criterion cites.")


class LetterLot(StrictModel):
    """A lot the firm must correct or explain: what it is, the verdict, each point and the reviewer's notes on it."""

    lot_id: str
    kind: str
    quantity_t: int
    status: str
    verdict: str
    points: list[LetterPoint]
    notes: list[str] = Field(description="What the reviewer wrote about this lot (decisions with --lot).")


class LetterIssue(StrictModel):
    """A data issue of the result (a check of the submission's data), with where it is."""

    check: str
    lot: str | None
    location: str
    message: LocalizedText


class Letter(StrictModel):
    """A feedback letter to a firm: the decision, and what must be corrected lot by lot with the clause and the
    deadline — made from the decision and the result it names."""

    firm_id: str
    firm_name: str
    round: str
    decision: Decision
    deadline: date | None
    written_on: date = Field(description="The day of the decision, in Japan.")
    ruleset: str
    result_sha256: str
    status: LocalizedText | None = Field(description="The firm's position status as the result words it.")
    need_t: int
    usable_t: int
    offsets_to_buy_t: int
    lots: list[LetterLot]
    issues: list[LetterIssue]
