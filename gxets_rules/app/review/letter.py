"""A feedback letter to a firm (``gxets letter FIRM --round NAME``): the reviewer's decision and, lot by lot, what
must be corrected with the clause behind each point and the deadline.

It is made from the firm's latest decision of the round and the result that decision names: the result is read back
from where the review wrote it and must still be the file the decision was made on (its SHA-256), so a letter never
cites a result the reviewer did not see. Lots whose verdict is not eligible are listed with every criterion they
failed (and, for a lot to review, every criterion that could not be decided); lot-level decisions of the round add
the reviewer's notes to their lots.
"""

from __future__ import annotations

from datetime import date

from gxets_rules.app.review.ledger import Ledger
from gxets_rules.app.review.results import recorded_result
from gxets_rules.model.base import LocalizedText
from gxets_rules.model.desk import Letter, LetterIssue, LetterLot, LetterPoint, in_japan
from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.model.result import LabelFigure, LotResult, Result

ELIGIBLE = "eligible"
POINTS = {"ineligible": ("fail",), "needs_review": ("fail", "indeterminate")}
"""Which criteria of a lot the letter lists, by the lot's verdict."""
STATUS_FIELD = "position.status"
NEEDS_DEADLINE = ("returned", "query")


def _fail(where: str, message: str) -> InputError:
    return InputError([Problem(Location(where), message)])


def _lot(result: Result, lot: LotResult, notes: list[str]) -> LetterLot:
    wanted = POINTS.get(lot.verdict, ())
    return LetterLot(
        lot_id=lot.id,
        kind=lot.kind,
        quantity_t=lot.quantity_t,
        status=lot.status,
        verdict=lot.verdict,
        points=[
            LetterPoint(criterion=c.id, outcome=c.outcome, title=c.spec.title, message=c.message, source=c.source)
            for c in result.criteria_of(lot)
            if c.outcome in wanted
        ],
        notes=notes,
    )


def _status(result: Result) -> LocalizedText | None:
    """The words of the firm's status (``position.status``), where the rule set gives it as a label."""
    figure = result.figure(STATUS_FIELD)
    if not isinstance(figure, LabelFigure) or figure.value is None or figure.quantity is None:
        return None
    return (result.catalogue.quantities[figure.quantity].labels or {}).get(figure.value)


def build_letter(ledger: Ledger, firm_id: str, round_name: str, deadline: date | None = None) -> Letter:
    """The letter for a firm's latest decision of a round; ``deadline`` overrides the decision's."""
    where = f"firm {firm_id}, round {round_name}"
    submission = ledger.submission_in(firm_id, round_name)
    made = ledger.decisions(firm_id=firm_id, round_name=round_name)
    decided = [d for d in made if d.lot_id is None]
    if not decided:
        raise _fail(where, "no decision on the firm's submission is recorded (gxets decide … without --lot)")
    decision = decided[-1]
    if decision.result_sha256 != submission.result_sha256:
        raise _fail(
            where,
            f"the decision was made on result {str(decision.result_sha256)[:12]}, but the firm's latest submission of "
            f"the round has result {str(submission.result_sha256)[:12]}: decide on it first",
        )
    due = deadline or decision.deadline
    if due is None and decision.decision in NEEDS_DEADLINE:
        raise _fail(where, f"a {decision.decision} letter states a deadline: record one (--deadline) or give one here")
    result = recorded_result(submission)
    notes: dict[str, list[str]] = {}
    for lot_decision in made:
        if lot_decision.lot_id is not None and lot_decision.result_sha256 == submission.result_sha256:
            notes.setdefault(lot_decision.lot_id, []).append(lot_decision.note)
    return Letter(
        firm_id=firm_id,
        firm_name=result.firm.name,
        round=round_name,
        decision=decision,
        deadline=due,
        written_on=in_japan(decision.decided_at).date(),
        ruleset=f"{result.ruleset.id} {result.ruleset.version}",
        result_sha256=str(submission.result_sha256),
        status=_status(result),
        need_t=result.coverage.need_t,
        usable_t=result.coverage.usable_t,
        offsets_to_buy_t=result.coverage.offsets_to_buy_t,
        lots=[
            _lot(result, lot, notes.get(lot.id, []))
            for lot in result.lots
            if lot.verdict != ELIGIBLE or lot.id in notes
        ],
        issues=[LetterIssue(check=i.check, lot=i.lot, location=i.location, message=i.message) for i in result.issues],
    )
