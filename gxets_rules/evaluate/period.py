"""The fiscal years one evaluation covers: the rule set's period mode applied to the submission.

A rule set for a multi-year target evaluates its whole period at once; one for an annual
compliance cycle evaluates the fiscal year the submission names. Either way the engine
then sees the same two things — the fiscal years (``period`` in expressions) and the
reference fiscal year at which period-level parameters are read (``fy``) — so no formula
or engine code needs to know which kind of scheme it is evaluating.
"""

from __future__ import annotations

from dataclasses import dataclass

from gxets_rules.model.loaded import LoadedSubmission
from gxets_rules.model.problems import Problem
from gxets_rules.ruleset.compiled import RuleSet


@dataclass(frozen=True)
class EvaluationPeriod:
    fys: tuple[int, ...]
    reference_fy: int


def evaluation_period(ruleset: RuleSet, loaded: LoadedSubmission) -> tuple[EvaluationPeriod | None, list[Problem]]:
    """The period to evaluate (None if there is none) and the problems with the submission's ``fiscal_year``.

    A fiscal year given to a whole-period rule set is a problem, but the period is still known, so the
    caller can go on and report the submission's other problems with it.
    """
    period = ruleset.manifest.period
    chosen = loaded.submission.fiscal_year
    span = f"FY{period.first_fy}–FY{period.last_fy}"

    def problem(code: str) -> list[Problem]:
        where = loaded.locate(("fiscal_year",))
        named = loaded.document.name_of(("fiscal_year",)) if hasattr(loaded.document, "name_of") else None
        return [Problem.of(where, code, "fiscal_year", named, ruleset=ruleset.id, span=span, fy=str(chosen))]

    if period.evaluates == "whole_period":
        whole = EvaluationPeriod(tuple(ruleset.period_fys), ruleset.reference_fy)
        if chosen is not None:
            return whole, problem("period.whole_period")
        return whole, []
    if chosen is None:
        return None, problem("period.fiscal_year_missing")
    if not period.first_fy <= chosen <= period.last_fy:
        return None, problem("period.outside")
    return EvaluationPeriod((chosen,), chosen), []
