"""JSON Schemas of the file formats, generated from the pydantic models (never hand-written)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gxets_rules.model.ledger import LEDGER_FORMAT, LedgerExport
from gxets_rules.model.market import MARKET_FORMAT, MarketSnapshot
from gxets_rules.model.ownership import OWNERSHIP_FORMAT, Ownership
from gxets_rules.model.result import RESULT_FORMAT, Result
from gxets_rules.model.review import REVIEW_FORMAT, ReviewSummary
from gxets_rules.model.submission import SUBMISSION_FORMAT, Submission

OUTPUTS = {"result", "review", "ledger"}
"""Formats gxets writes (their schema describes what is written) rather than reads."""

FORMATS: dict[str, tuple[type[BaseModel], str]] = {
    "submission": (Submission, SUBMISSION_FORMAT),
    "ownership": (Ownership, OWNERSHIP_FORMAT),
    "result": (Result, RESULT_FORMAT),
    "market": (MarketSnapshot, MARKET_FORMAT),
    "review": (ReviewSummary, REVIEW_FORMAT),
    "ledger": (LedgerExport, LEDGER_FORMAT),
}

SCHEMA_ID = "urn:gxets-rules:schema:{format_id}"
"""A schema's ``$id``: named by its format id, so that it stays the same wherever the project is hosted and changes
exactly when the format's version does (``urn:gxets-rules:schema:gxets.result.v1``)."""


def json_schema(what: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a format, with its format id as title."""
    model, format_id = FORMATS[what]
    schema = model.model_json_schema(mode="serialization" if what in OUTPUTS else "validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID.format(format_id=format_id)
    schema["title"] = format_id
    return schema
