"""JSON Schemas of the file formats, generated from the pydantic models (never hand-written)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gxets_rules.model.desk import DIFF_FORMAT, LEDGER_FORMAT, FirmDiff, LedgerExport
from gxets_rules.model.market import MARKET_FORMAT, MarketSnapshot
from gxets_rules.model.ownership import OWNERSHIP_FORMAT, Ownership
from gxets_rules.model.problem_list import PROBLEMS_FORMAT, ProblemList
from gxets_rules.model.result import RESULT_FORMAT, Result
from gxets_rules.model.review import REVIEW_FORMAT, ReviewSummary
from gxets_rules.model.submission import SUBMISSION_FORMAT, Submission

OUTPUTS = {"result", "review", "ledger", "diff", "problems"}
"""Formats gxets writes (their schema describes what is written) rather than reads."""

FORMATS: dict[str, tuple[type[BaseModel], str]] = {
    "submission": (Submission, SUBMISSION_FORMAT),
    "ownership": (Ownership, OWNERSHIP_FORMAT),
    "result": (Result, RESULT_FORMAT),
    "market": (MarketSnapshot, MARKET_FORMAT),
    "review": (ReviewSummary, REVIEW_FORMAT),
    "ledger": (LedgerExport, LEDGER_FORMAT),
    "diff": (FirmDiff, DIFF_FORMAT),
    "problems": (ProblemList, PROBLEMS_FORMAT),
}


def json_schema(what: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a format, with its format id as title."""
    model, format_id = FORMATS[what]
    schema = model.model_json_schema(mode="serialization" if what in OUTPUTS else "validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:gxets-rules:schema:{format_id}"  # stable wherever hosted; changes with the format
    schema["title"] = format_id
    return schema
