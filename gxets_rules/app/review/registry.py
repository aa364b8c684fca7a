"""Claimed cancellations against the registry's cancellation records: a firm's word that credits were cancelled is
checked against what the registry says it cancelled.

Every lot of the batch whose status says it was cancelled (``cancelled_gxets``, ``cancelled_other``) is looked up by
registry, certification number and serial range. Each record that covers part of its range must show the firm as the
account holder (its id or its name, compared without regard to case, width or spacing), the purpose the status states
(GX-ETS for ``cancelled_gxets``, another purpose for ``cancelled_other``) and the lot's ``status_date`` as the day of
cancellation; serials no record covers are missing. A lot without a serial range cannot be checked and says so.

Records are indexed per registry and certification number, sorted by first serial with the running maximum of last
serials, so each lot finds the records overlapping it by one bisection and a short backward scan.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gxets_rules.app.review.claims import Claim
from gxets_rules.evaluate.serials import claim_key
from gxets_rules.io.cancellations_csv import CancellationRecord, Cancellations
from gxets_rules.model.desk import RegistryCheck, RegistryFinding

GXETS_PURPOSE = "gxets"


def _plain(text: str) -> str:
    """Text as compared: NFKC (full-width folded), case-folded, spacing collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def is_gxets(purpose: str) -> bool:
    """Whether a record's purpose is GX-ETS compliance (``gxets``, ``GX-ETS``, ``ＧＸ－ＥＴＳ`` …)."""
    return re.sub(r"[^0-9a-z]", "", _plain(purpose)) == GXETS_PURPOSE


@dataclass(frozen=True)
class _Index:
    """One certification's records sorted by first serial, with the running maximum of their last serials."""

    records: list[CancellationRecord]
    starts: list[int]
    reach: list[int]

    @classmethod
    def of(cls, records: Iterable[CancellationRecord]) -> _Index:
        ordered = sorted(records, key=lambda r: (r.serial_start, r.serial_end, r.line))
        reach, furthest = [], -1
        for record in ordered:
            furthest = max(furthest, record.serial_end)
            reach.append(furthest)
        return cls(ordered, [r.serial_start for r in ordered], reach)

    def overlapping(self, start: int, end: int) -> list[CancellationRecord]:
        found = []
        i = bisect.bisect_right(self.starts, end) - 1
        while i >= 0 and self.reach[i] >= start:
            if self.records[i].serial_end >= start:
                found.append(self.records[i])
            i -= 1
        return found[::-1]


def _gaps(start: int, end: int, covering: Sequence[CancellationRecord]) -> list[tuple[int, int]]:
    """The serials of ``start``–``end`` that none of ``covering`` (sorted by first serial) covers."""
    gaps, cursor = [], start
    for record in covering:
        if record.serial_start > cursor:
            gaps.append((cursor, min(end, record.serial_start - 1)))
        cursor = max(cursor, record.serial_end + 1)
        if cursor > end:
            break
    if cursor <= end:
        gaps.append((cursor, end))
    return gaps


def _finding(claim: Claim, problem: str, start: int | None, end: int | None, **detail: object) -> RegistryFinding:
    return RegistryFinding(
        problem=problem,  # type: ignore[arg-type]
        firm_id=claim.firm_id,
        lot_id=claim.lot_id,
        file=claim.file or "",
        status=claim.status,
        registry=claim.registry,
        certification_number=claim.certification_number,
        serial_start=start,
        serial_end=end,
        claimed=detail.get("claimed"),  # type: ignore[arg-type]
        recorded=detail.get("recorded"),  # type: ignore[arg-type]
        record_line=detail.get("line"),  # type: ignore[arg-type]
    )


def _check_lot(claim: Claim, for_scheme: bool, holders: set[str], index: _Index | None) -> list[RegistryFinding]:
    if claim.serial_start is None or claim.serial_end is None:
        return [_finding(claim, "no_range", None, None)]
    start, end = claim.serial_start, claim.serial_end
    covering = index.overlapping(start, end) if index else []
    findings = [_finding(claim, "missing", gap_start, gap_end) for gap_start, gap_end in _gaps(start, end, covering)]
    for record in covering:
        shared = (max(start, record.serial_start), min(end, record.serial_end))
        detail = {"line": record.line}
        if _plain(record.account_holder) not in holders:
            findings.append(
                _finding(
                    claim, "other_holder", *shared, claimed=claim.firm_id, recorded=record.account_holder, **detail
                )
            )
        if is_gxets(record.purpose) != for_scheme:
            findings.append(
                _finding(claim, "other_purpose", *shared, claimed=claim.status, recorded=record.purpose, **detail)
            )
        if claim.status_date != record.cancelled_on:
            stated = claim.status_date.isoformat() if claim.status_date else None
            findings.append(
                _finding(
                    claim, "other_date", *shared, claimed=stated, recorded=record.cancelled_on.isoformat(), **detail
                )
            )
    return findings


def reconcile(
    claims: Iterable[tuple[Claim, bool]], names: dict[str, str], cancellations: Cancellations
) -> RegistryCheck:
    """Every claimed cancellation checked against the records. ``claims`` pairs each lot whose status states a
    cancellation with whether its rule set says that is for the scheme (``claims.cancelled_for_scheme``) or for
    another purpose (``claims.cancelled_for_other``); ``names`` maps a firm id to its name."""
    grouped: dict[tuple[str, str], list[CancellationRecord]] = {}
    for record in cancellations.records:
        grouped.setdefault(claim_key(record.registry, record.certification_number), []).append(record)
    indexes = {key: _Index.of(records) for key, records in grouped.items()}
    findings: list[RegistryFinding] = []
    checked = 0
    for claim, for_scheme in claims:
        checked += 1
        holders = {_plain(claim.firm_id), *({_plain(names[claim.firm_id])} if claim.firm_id in names else set())}
        index = indexes.get(claim_key(claim.registry, claim.certification_number))  # canonical, as double claims
        findings += _check_lot(claim, for_scheme, holders, index)
    return RegistryCheck(
        file=cancellations.file,
        sha256=cancellations.sha256,
        records=len(cancellations.records),
        lots_checked=checked,
        findings=findings,
    )
