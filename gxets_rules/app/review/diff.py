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
from datetime import date
from typing import Any

from gxets_rules.app.review.ledger import Ledger
from gxets_rules.app.review.results import recorded_result
from gxets_rules.model.base import LocalizedText
from gxets_rules.model.desk import Change, FirmDiff, LedgerSubmission, LotChanges, LotSummary, Scalar
from gxets_rules.model.result import NotDefinedFigure, Result

STATED = ("kind", "quantity_t", "status", "project_id", "project_country")
"""What a lot's result repeats of the submission: a difference here is a lot the firm changed."""
OUTCOME = ("verdict", "usable_t")
"""What the engine decided of a lot: a difference here is a changed verdict."""
Titled = tuple[LocalizedText | None, str | None]


def _flatten(value: Any, path: str) -> Iterator[tuple[str, Scalar]]:
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _flatten(value[key], f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _flatten(item, f"{path}.{i}")
    else:
        yield path, value.isoformat() if isinstance(value, date) else value


def figures(result: Result) -> dict[str, Scalar]:
    """Every scalar of the result's position (a per-year figure's years as ``path.FY``) and coverage (by the names
    rule expressions use), by dotted path."""
    found: dict[str, Scalar] = {}
    for figure in result.position.figures:
        if isinstance(figure, NotDefinedFigure):
            found[figure.path] = None
        elif figure.by_fy is not None:
            found.update(_flatten({str(fy): v for fy, v in figure.by_fy.items()}, figure.path))
        else:
            found.update(_flatten(figure.value, figure.path))
    found.update(_flatten(result.coverage.names(), "coverage"))
    return found


def _titles(result: Result) -> dict[str, Titled]:
    """The title and unit of each figure the result describes: the position's by their quantities, each need's and
    cap's by the quantity behind it, the offsets to buy by the rule set's own words."""
    quantities = result.catalogue.quantities
    titles: dict[str, Titled] = {
        f.path: (quantities[f.quantity].title if f.quantity else None, f.unit) for f in result.position.figures
    }
    for need in result.catalogue.needs:
        titles[f"coverage.needs.{need.id}.need_t"] = (need.title, "t")
        for cls, qid in need.caps.items():
            titles[f"coverage.needs.{need.id}.{cls}_cap_t"] = (quantities[qid].title if qid else None, "t")
    if result.catalogue.to_buy is not None:
        titles["coverage.offsets_to_buy_t"] = (result.catalogue.to_buy.title, "t")
    return titles


def _field(titles: dict[str, Titled], path: str) -> Titled | None:
    """What the result says a figure is: its own title and unit, or its enclosing figure's (a year's value)."""
    while path:
        if path in titles:
            return titles[path]
        path = path.rpartition(".")[0]
    return None


def _lots(result: Result, submission: LedgerSubmission) -> dict[str, dict[str, Any]]:
    serials = {
        c.lot_id: f"{c.registry} {c.certification_number} {c.serial_start}–{c.serial_end}" for c in submission.claims
    }
    return {
        lot.id: {
            **lot.model_dump(mode="json", include={"id", "kind", "quantity_t", "status", "verdict", "usable_t"}),
            "project_id": lot.project_id,
            "project_country": lot.project_country,
            "serials": serials.get(lot.id),
        }
        for lot in result.lots
    }


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


def diff_results(before: Result, after: Result, old: LedgerSubmission, new: LedgerSubmission) -> FirmDiff:
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
    old_titles, new_titles = _titles(before), _titles(after)
    changed_figures = []
    for path in sorted(old_figures.keys() | new_figures.keys()):
        if old_figures.get(path) != new_figures.get(path):
            title, unit = _field(new_titles, path) or _field(old_titles, path) or (None, None)
            changed_figures.append(
                Change(path=path, title=title, unit=unit, before=old_figures.get(path), after=new_figures.get(path))
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
