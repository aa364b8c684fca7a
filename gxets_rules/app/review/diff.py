"""What changed for a firm between two rounds: lots added, removed and changed, verdicts changed, position figures
changed (``gxets ledger diff``, and the firm's review page).

Both sides are the firm's results as the review wrote them, read back from where the ledger says they are and checked
against the SHA-256 it recorded — a diff of a result edited since is refused, not shown. A lot's stated facts are
what its result repeats of the submission (kind, quantity, status, project) and the serial range the ledger recorded
for it; its outcome is its verdict and the tonnes that count; the figures are every scalar of the position and the
coverage, named by dotted path and titled as the result titles them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gxets_rules.app.review.ledger import Ledger
from gxets_rules.app.review.results import recorded_result
from gxets_rules.model.base import LocalizedText
from gxets_rules.model.desk import Change, FirmDiff, LedgerSubmission, LotChanges, LotSummary, Scalar

STATED = ("kind", "quantity_t", "status", "project_id", "project_country")
"""What a lot's result repeats of the submission: a difference here is a lot the firm changed."""
OUTCOME = ("verdict", "usable_t")
"""What the engine decided of a lot: a difference here is a changed verdict."""
FIGURE_SECTIONS = ("position", "coverage")


def _flatten(value: Any, path: str) -> Iterator[tuple[str, Scalar]]:
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _flatten(value[key], f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _flatten(item, f"{path}.{i}")
    else:
        yield path, value


def figures(result: dict[str, Any]) -> dict[str, Scalar]:
    """Every scalar of the result's position and coverage, by dotted path."""
    return {path: value for section in FIGURE_SECTIONS for path, value in _flatten(result[section], section)}


def _field(result: dict[str, Any], path: str) -> dict[str, Any]:
    """What the result says a figure is: the field of its path, or of the nearest enclosing path (a year's value)."""
    fields = result["fields"]
    while path:
        if path in fields:
            return fields[path]
        path = path.rpartition(".")[0]
    return {}


def _lots(result: dict[str, Any], submission: LedgerSubmission) -> dict[str, dict[str, Any]]:
    serials = {
        c.lot_id: f"{c.registry} {c.certification_number} {c.serial_start}–{c.serial_end}" for c in submission.claims
    }
    return {lot["id"]: {**lot, "serials": serials.get(lot["id"])} for lot in result["lots"]}


def _summary(lot: dict[str, Any]) -> LotSummary:
    return LotSummary(
        lot_id=lot["id"],
        kind=lot["kind"],
        quantity_t=lot["quantity_t"],
        status=lot["status"],
        verdict=lot["verdict"],
        usable_t=lot["usable_t"],
    )


def _changes(before: dict[str, Any], after: dict[str, Any], keys: tuple[str, ...]) -> list[Change]:
    return [Change(path=key, before=before[key], after=after[key]) for key in keys if before[key] != after[key]]


def diff_results(
    before: dict[str, Any], after: dict[str, Any], old: LedgerSubmission, new: LedgerSubmission
) -> FirmDiff:
    """The differences between two results of a firm (``old`` and ``new`` are their ledger records)."""
    lots_before, lots_after = _lots(before, old), _lots(after, new)
    both = [lot_id for lot_id in lots_after if lot_id in lots_before]
    changed, verdicts = [], []
    for lot_id in both:
        stated = _changes(lots_before[lot_id], lots_after[lot_id], (*STATED, "serials"))
        if stated:
            changed.append(LotChanges(lot_id=lot_id, changes=stated))
        decided = _changes(lots_before[lot_id], lots_after[lot_id], OUTCOME)
        if decided:
            verdicts.append(LotChanges(lot_id=lot_id, changes=decided))
    old_figures, new_figures = figures(before), figures(after)
    changed_figures = []
    for path in sorted(old_figures.keys() | new_figures.keys()):
        if old_figures.get(path) != new_figures.get(path):
            field = _field(after, path) or _field(before, path)
            title = field.get("title")
            changed_figures.append(
                Change(
                    path=path,
                    title=LocalizedText.model_validate(title) if title else None,
                    unit=field.get("unit"),
                    before=old_figures.get(path),
                    after=new_figures.get(path),
                )
            )
    return FirmDiff(
        firm_id=new.firm_id,
        from_round=old.round,
        to_round=new.round,
        from_submission=old.id,
        to_submission=new.id,
        lots_added=[_summary(lot) for lot_id, lot in lots_after.items() if lot_id not in lots_before],
        lots_removed=[_summary(lot) for lot_id, lot in lots_before.items() if lot_id not in lots_after],
        lots_changed=changed,
        verdicts_changed=verdicts,
        figures_changed=changed_figures,
    )


def firm_diff(ledger: Ledger, firm_id: str, from_round: str, to_round: str) -> FirmDiff:
    """What changed for a firm between its submission of one round and of another, from the ledger."""
    old, new = (ledger.submission_in(firm_id, name) for name in (from_round, to_round))
    old, new = (ledger.submissions(number=s.id, with_claims=True)[0] for s in (old, new))
    return diff_results(recorded_result(old), recorded_result(new), old, new)
