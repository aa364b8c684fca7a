"""Decide, for every credit lot, every criterion of every rule that applies to its kind.

All criteria are evaluated — no first hit — so a report lists *every* reason a lot fails.
Outcomes are kept as compact records; their messages are formatted only
when the result is built (evaluate/result.py). A lot's verdict: ``ineligible`` if any
criterion fails, else ``needs_review`` if any is indeterminate, else ``eligible``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gxets_rules.model.result import verdict_of
from gxets_rules.model.submission import CreditLot
from gxets_rules.ruleset.compiled import CompiledCriterion, CompiledRule, RuleSet
from gxets_rules.ruleset.expr import Compiled, EvaluationError, truth
from gxets_rules.ruleset.values import UNKNOWN

PASS, FAIL, NOT_APPLICABLE, INDETERMINATE = "pass", "fail", "not_applicable", "indeterminate"
ELIGIBLE, NEEDS_REVIEW = "eligible", "needs_review"


class RuleError(EvaluationError):
    """A rule expression failed on a lot: names the criterion, the lot and where the rule is."""


def run_condition(compiled: Compiled, env: Mapping[str, Any], what: str, lot_id: str | None) -> Any:
    """True, False or UNKNOWN; a rule that goes wrong is raised naming ``what`` and the lot (or the submission).

    Criteria and integrity checks both run through here, so a broken rule reads the same wherever it is.
    """
    try:
        return truth(compiled(env))
    except EvaluationError as exc:
        raise rule_error(what, None if lot_id is None else f"lot {lot_id}", exc) from exc


def rule_error(what: str, subject: str | None, exc: EvaluationError) -> RuleError:
    """A rule that went wrong on a lot (``subject``) or on the submission (None), named by ``what``."""
    return RuleError(f"{what} on {subject or 'the submission'}: {exc}")


def outcome_of(value: Any) -> str:
    value = truth(value)
    if value is UNKNOWN:
        return INDETERMINATE
    return PASS if value else FAIL


@dataclass(slots=True)
class LotDecision:
    """A lot's outcome for every criterion of its kind, in the rule set's order, and its verdict (slots and no frozen
    ``__setattr__``: a hundred thousand of them may be made per check; nothing changes one once made)."""

    index: int
    lot: CreditLot
    outcomes: tuple[tuple[CompiledCriterion, str], ...]
    verdict: str


class EligibilityEvaluator:
    """Evaluates lots against a rule set; per-kind rule lists are built once."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.by_kind: dict[str, list[CompiledRule]] = {kind: ruleset.rules_for(kind) for kind in ruleset.manifest.kinds}

    def decide(self, env: dict[str, Any], index: int, lot: CreditLot) -> LotDecision:
        env["lot"] = lot
        outcomes: list[tuple[CompiledCriterion, str]] = []
        for rule in self.by_kind.get(lot.kind, ()):
            applies = run_condition(rule.when, env, rule.spec.id, lot.id) if rule.when else True
            if applies is True:
                bind_lets(rule, env, lot)
            for criterion in rule.criteria:
                if applies is True and criterion.when is not None:
                    condition = run_condition(criterion.when, env, criterion.id, lot.id)
                else:
                    condition = applies
                if condition is True:
                    result = outcome_of(run_condition(criterion.test, env, criterion.id, lot.id))
                else:  # an unknown applicability is itself a reason to review, never a silent pass
                    result = INDETERMINATE if condition is UNKNOWN else NOT_APPLICABLE
                outcomes.append((criterion, result))
        verdict = verdict_of([result for _, result in outcomes])
        return LotDecision(index, lot, tuple(outcomes), verdict)


def bind_lets(rule: CompiledRule, env: dict[str, Any], lot: CreditLot) -> None:
    """Compute a rule's ``let`` names for this lot, in order, into the environment."""
    for name, compiled in rule.lets:
        try:
            env[name] = compiled(env)
        except EvaluationError as exc:
            raise rule_error(f"rule {rule.spec.id} let {name}", f"lot {lot.id}", exc) from exc
