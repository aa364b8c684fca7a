"""The ledger as CSV, one table at a time (``gxets ledger export --format csv --table …``), for a reviewer's Excel.

Columns are the export's (``gxets.ledger.v2``) field names; times stay UTC as stored, with a Japan-time column beside
each. A submission row carries the figures of its summary row a reviewer sorts by, and the firm's latest decision.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from gxets_rules.io.writers import csv_cell
from gxets_rules.model.desk import Decision, LedgerExport, japan_time

SUMMARY_COLUMNS = ("firm_name", "status", "need_t", "usable_t", "offsets_to_buy_t", "ineligible_lots")
SUBMISSION_COLUMNS = (
    "id", "round", "firm_id", *SUMMARY_COLUMNS, "latest_decision", "recorded_at", "recorded_at_jst",
    "supersedes", "ruleset_id", "ruleset_version", "as_of", "content_sha256", "result_sha256", "file", "result_path",
)  # fmt: skip
CLAIM_COLUMNS = (
    "submission_id", "round", "firm_id", "lot_id", "kind", "quantity_t", "registry", "certification_number",
    "serial_start", "serial_end",
)  # fmt: skip
DECISION_COLUMNS = (*Decision.model_fields, "decided_at_jst")


def _submissions(export: LedgerExport) -> Iterable[dict[str, Any]]:
    latest: dict[str, str] = {}
    for decision in export.decisions:
        latest[decision.firm_id] = decision.decision
    for s in export.submissions:
        yield {
            **s.model_dump(exclude={"summary", "claims"}),
            **{column: s.summary.get(column) for column in SUMMARY_COLUMNS},
            "latest_decision": latest.get(s.firm_id),
            "recorded_at_jst": japan_time(s.recorded_at),
        }


def _claims(export: LedgerExport) -> Iterable[dict[str, Any]]:
    for s in export.submissions:
        for claim in s.claims:
            yield {**claim.model_dump(), "submission_id": s.id, "round": s.round, "firm_id": s.firm_id}


def _decisions(export: LedgerExport) -> Iterable[dict[str, Any]]:
    for d in export.decisions:
        yield {**d.model_dump(mode="json"), "decided_at_jst": japan_time(d.decided_at)}


CSV_TABLES: dict[str, tuple[tuple[str, ...], Callable[[LedgerExport], Iterable[dict[str, Any]]]]] = {
    "submissions": (SUBMISSION_COLUMNS, _submissions),
    "claims": (CLAIM_COLUMNS, _claims),
    "decisions": (DECISION_COLUMNS, _decisions),
}


def csv_text(export: LedgerExport, table: str) -> str:
    """One table of the ledger as CSV text (a header row, then a row per record)."""
    columns, rows = CSV_TABLES[table]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows(export))
    return out.getvalue()
