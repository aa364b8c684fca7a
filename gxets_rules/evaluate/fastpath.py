"""Eligibility on the fast path: each credit kind's rules as one generated Python function.

:class:`~gxets_rules.evaluate.eligibility.EligibilityEvaluator` decides a lot by walking the rules and calling each
criterion's closures; that walk is the reference. Here the same walk is written out as the source of one function per
credit kind (rule ``when``, its ``let`` names, each criterion's ``when`` and ``test``, the outcome and the verdict)
through :mod:`gxets_rules.ruleset.codegen`, with the parameters of the evaluated fiscal year folded in. It is made once
per rule set and fiscal year (cached on the rule set) and gives the same outcomes, verdicts and errors as the walk —
``tests/test_codegen.py`` holds it to that. A kind whose code cannot be generated is decided by the walk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gxets_rules.evaluate.eligibility import (
    ELIGIBLE,
    FAIL,
    INDETERMINATE,
    INELIGIBLE,
    NEEDS_REVIEW,
    NOT_APPLICABLE,
    PASS,
    EligibilityEvaluator,
    LotDecision,
    rule_error,
)
from gxets_rules.model.submission import CreditLot
from gxets_rules.ruleset.codegen import CodegenError, Const, Program, check_truth, condition, value_of
from gxets_rules.ruleset.compiled import CompiledCriterion, CompiledRule, RuleSet
from gxets_rules.ruleset.expr import EvaluationError
from gxets_rules.ruleset.values import UNKNOWN

Decider = Callable[[dict[str, Any], int, CreditLot], LotDecision]

_CACHE_KEY = "eligibility"


def deciders(ruleset: RuleSet, env: dict[str, Any]) -> dict[str, Decider]:
    """Each kind's generated decider for the evaluation ``env`` describes (made once per rule set and fiscal year).

    A kind missing from the answer is decided by the walk.
    """
    key = (_CACHE_KEY, env["fy"])
    made: dict[str, Decider] | None = ruleset.generated.get(key)
    if made is None:
        made = {}
        for kind in ruleset.manifest.kinds:
            try:
                made[kind] = _generate(ruleset, kind, env)
            except CodegenError:
                continue
        ruleset.generated[key] = made
    return made


def decide_lots(ruleset: RuleSet, env: dict[str, Any], lots: list[CreditLot]) -> list[LotDecision]:
    """Every lot decided: by its kind's generated decider, or by the walk (while a trace is recorded, too)."""
    walk = EligibilityEvaluator(ruleset)
    if env["_ctx"].recorders:
        return [walk.decide(env, index, lot) for index, lot in enumerate(lots)]
    fast = deciders(ruleset, env)
    decisions = []
    for index, lot in enumerate(lots):
        decider = fast.get(lot.kind)
        if decider is None:
            decisions.append(walk.decide(env, index, lot))
            continue
        env["lot"] = lot
        decisions.append(decider(env, index, lot))
    return decisions


class _Stages:
    """What each step of a generated decider is called in an error, as the walk names it."""

    def __init__(self) -> None:
        self.names: list[tuple[str, bool]] = []  # (what, is a let)

    def add(self, what: str, let: bool = False) -> int:
        self.names.append((what, let))
        return len(self.names) - 1

    def error(self, stage: int, lot: CreditLot, exc: EvaluationError) -> EvaluationError:
        what, let = self.names[stage]
        if let:
            return rule_error(what, f"lot {lot.id}", exc)
        return rule_error(what, None if lot.id is None else f"lot {lot.id}", exc)


def _generate(ruleset: RuleSet, kind: str, env: dict[str, Any]) -> Decider:
    rules = ruleset.rules_for(kind)
    lets = {name for rule in ruleset.rules for name, _ in rule.lets}
    program = Program(frozenset(env) - lets | {"lot"}, constants={"fy": env["fy"]}, fold_env=env)
    stages = _Stages()
    p = program
    names = {
        name
        for rule in rules
        for compiled in (
            rule.when,
            *(c for _, c in rule.lets),
            *(part for c in rule.criteria for part in (c.when, c.test)),
        )
        if compiled is not None
        for name in compiled.reads.names
    }
    p.line("_st = 0")
    p.line("_nf = _ni = False")
    outcomes: list[str] = []
    with p.block("try:"):
        p.hoist(names)
        for rule in rules:
            outcomes.extend(_rule(p, stages, rule))
    with p.block(f"except {p.ref(EvaluationError)} as _e:"):
        p.line(f"raise {p.ref(stages.error)}(_st, lot, _e) from _e")
    pairs = "".join(f"({p.ref(c)}, {o}), " for c, o in zip(_criteria(rules), outcomes, strict=True))
    verdict = f"{p.ref(INELIGIBLE)} if _nf else {p.ref(NEEDS_REVIEW)} if _ni else {p.ref(ELIGIBLE)}"
    p.line(f"return {p.ref(LotDecision)}(index, lot, ({pairs}), {verdict})")
    made: Decider = p.build("decide", "env, index, lot", f"<{ruleset.id} eligibility of {kind}>")
    return made


def _criteria(rules: list[CompiledRule]) -> list[CompiledCriterion]:
    return [criterion for rule in rules for criterion in rule.criteria]


def _rule(p: Program, stages: _Stages, rule: CompiledRule) -> list[str]:
    """The statements deciding one rule's criteria; the local (or constant) holding each outcome."""
    if rule.when is None:
        applies: Any = Const(True)
    else:
        p.line(f"_st = {stages.add(rule.spec.id)}")
        applies = condition(p, rule.when)
    if isinstance(applies, Const):
        if applies.value is True:
            return _applying(p, stages, rule)
        return [_otherwise(p, applies.value) for _ in rule.criteria]
    locals_ = [p.temp() for _ in rule.criteria]
    with p.block(f"if {applies.name} is True:"):
        for local, result in zip(locals_, _applying(p, stages, rule), strict=True):
            p.line(f"{local} = {result}")
    with p.block(f"elif {applies.name} is {p.ref(UNKNOWN)}:"):
        for local in locals_:
            p.line(f"{local} = {_otherwise(p, UNKNOWN)}")
    with p.block("else:"):
        check_truth(p, applies, True, UNKNOWN)
        for local in locals_:
            p.line(f"{local} = {_otherwise(p, False)}")
    return locals_


def _applying(p: Program, stages: _Stages, rule: CompiledRule) -> list[str]:
    """A rule that applies: its ``let`` names bound in order, then each criterion."""
    saved = dict(p.locals)
    for name, compiled in rule.lets:
        p.line(f"_st = {stages.add(f'rule {rule.spec.id} let {name}', let=True)}")
        p.bind_name(name, value_of(p, compiled))
    results = [_criterion(p, stages, criterion) for criterion in rule.criteria]
    p.locals = saved  # the lets are this rule's names only
    return results


def _criterion(p: Program, stages: _Stages, criterion: CompiledCriterion) -> str:
    if criterion.when is None:
        return _test(p, stages, criterion)
    p.line(f"_st = {stages.add(criterion.id)}")
    holds = condition(p, criterion.when)
    if isinstance(holds, Const):
        return _test(p, stages, criterion) if holds.value is True else _otherwise(p, holds.value)
    out = p.temp()
    with p.block(f"if {holds.name} is True:"):
        p.line(f"{out} = {_test(p, stages, criterion)}")
    with p.block(f"elif {holds.name} is {p.ref(UNKNOWN)}:"):
        p.line(f"{out} = {_otherwise(p, UNKNOWN)}")
    with p.block("else:"):
        check_truth(p, holds, True, UNKNOWN)
        p.line(f"{out} = {_otherwise(p, False)}")
    return out


def _otherwise(p: Program, holds: Any) -> str:
    """The outcome of a criterion whose condition is not true: unknown is a reason to review, false not applicable."""
    if holds is UNKNOWN:
        p.line("_ni = True")
        return p.ref(INDETERMINATE)
    return p.ref(NOT_APPLICABLE)


def _test(p: Program, stages: _Stages, criterion: CompiledCriterion) -> str:
    p.line(f"_st = {stages.add(criterion.id)}")
    value = condition(p, criterion.test)
    if isinstance(value, Const):
        if value.value is True:
            return p.ref(PASS)
        p.line("_nf = True" if value.value is False else "_ni = True")
        return p.ref(FAIL if value.value is False else INDETERMINATE)
    out = p.temp()
    with p.block(f"if {value.name} is True:"):
        p.line(f"{out} = {p.ref(PASS)}")
    with p.block(f"elif {value.name} is False:"):
        p.line(f"{out} = {p.ref(FAIL)}")
        p.line("_nf = True")
    with p.block("else:"):
        check_truth(p, value, True, False)
        p.line(f"{out} = {p.ref(INDETERMINATE)}")
        p.line("_ni = True")
    return out
