"""The ledger export ``gxets.ledger.v1`` (``gxets ledger export``): every recorded submission with its claimed ranges.

The ledger itself is a SQLite file (``app/review/ledger.py``); this is the shape of its JSON export, so that the
secretariat's other systems can read it against a published schema (``schemas/ledger.schema.json``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final, Literal

from pydantic import Field

from gxets_rules.model.base import StrictModel

LEDGER_FORMAT: Final = "gxets.ledger.v1"


class LedgerClaim(StrictModel):
    """A serial range a recorded submission claimed."""

    lot_id: str
    kind: str = Field(description="The lot's instrument kind, as its submission gives it.")
    quantity_t: int
    registry: str = Field(description="The registry holding the lot (empty if the submission named none).")
    certification_number: str = Field(description="Certification or issuance number (empty if none was given).")
    serial_start: int
    serial_end: int


class LedgerSubmission(StrictModel):
    """An evaluated submission as the ledger recorded it."""

    id: int = Field(description="The record's number in this ledger (gxets ledger show NUMBER).")
    firm_id: str
    content_sha256: str = Field(description="SHA-256 over every input file's hash and the evaluation date.")
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    first_fy: int
    last_fy: int
    as_of: date
    file: str = Field(description="The submission's file as the review was given it.")
    summary: dict[str, Any] = Field(
        description="The firm's row of the review summary (gxets.review.v1 `firms[]`) as the recording gxets wrote it."
    )
    recorded_at: datetime = Field(description="When it was recorded (UTC); the only clock time in the ledger.")
    claims: list[LedgerClaim] = Field(description="Serial ranges claimed, by registry, certification and start.")


class LedgerExport(StrictModel):
    format: Literal["gxets.ledger.v1"] = LEDGER_FORMAT
    schema_version: int = Field(description="The ledger file's schema version (SQLite user_version).")
    submissions: list[LedgerSubmission] = Field(description="Recorded submissions, oldest first.")
