"""Eligibility on the fast path: each credit kind's rules as one generated Python function.

:class:`~gxets_rules.evaluate.eligibility.EligibilityEvaluator` decides a lot by walking the rules and calling each
criterion's closures; that walk is the reference. Here the same walk is written out as the source of one function per
credit kind (rule ``when``, its ``let`` names, each criterion's ``when`` and ``test``, the outcome and the verdict)
through :mod:`gxets_rules.ruleset.codegen`, with the parameters of the evaluated fiscal year folded in. It is made once
per rule set and fiscal year (cached on the rule set) and gives the same outcomes, verdicts and errors as the walk —
``tests/test_codegen.py`` holds it to that. A kind whose code cannot be generated is decided by the walk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from gxets_rules.evaluate.eligibility import (
    FAIL,
    INDETERMINATE,
    NOT_APPLICABLE,
    PASS,
    EligibilityEvaluator,
    LotDecision,
    rule_error,
)
from gxets_rules.model.result import verdict_of
from gxets_rules.model.submission import CreditLot
from gxets_rules.ruleset.codegen import CodegenError, Const, Program, Var, check_truth, condition, value_of
from gxets_rules.ruleset.compiled import CompiledCheck, CompiledCriterion, CompiledRule, RuleSet
from gxets_rules.ruleset.expr import Compiled, EvaluationError
from gxets_rules.ruleset.values import UNKNOWN

Decider = Callable[[dict[str, Any], list[CreditLot], Callable[[dict[str, Any], int, CreditLot], LotDecision]], Any]

_CACHE_KEY = "eligibility"
INELIGIBLE, NEEDS_REVIEW, ELIGIBLE = verdict_of([FAIL]), verdict_of([INDETERMINATE]), verdict_of([])
"""The verdicts as ``verdict_of`` gives them: the generated code sets them from two flags."""


def decider(ruleset: RuleSet, env: dict[str, Any]) -> Decider | None:
    """The generated decider for the evaluation ``env`` describes, made once per rule set and fiscal year (None: it
    could not be generated, and the walk decides)."""
    key = (_CACHE_KEY, env["fy"])
    if key not in ruleset.generated:
        try:
            ruleset.generated[key] = _generate(ruleset, env)
        except CodegenError:
            ruleset.generated[key] = None
    made: Decider | None = ruleset.generated[key]
    return made


def decide_lots(ruleset: RuleSet, env: dict[str, Any], lots: list[CreditLot]) -> list[LotDecision]:
    """Every lot decided: by the generated decider, or by the walk (while a trace is recorded, too)."""
    walk = EligibilityEvaluator(ruleset).decide
    made = None if env["_ctx"].recorders else decider(ruleset, env)
    if made is None:
        return [walk(env, index, lot) for index, lot in enumerate(lots)]
    decisions: list[LotDecision] = made(env, lots, walk)
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


def _generate(ruleset: RuleSet, env: dict[str, Any]) -> Decider:
    """One function deciding a list of lots: each kind's rules inline; a kind the rule set does not know (refused
    before eligibility runs) goes to the walk."""
    lets = {name for rule in ruleset.rules for name, _ in rule.lets}
    p = Program(frozenset(env) - lets | {"lot"}, constants={"fy": env["fy"]}, fold_env=env)
    p.locals["lot"] = "lot"  # the lot being decided is env["lot"] (set below, as the walk sets it), never None
    stages = _Stages()
    by_kind = {kind: ruleset.rules_for(kind) for kind in ruleset.manifest.kinds}
    p.hoist({name for rule in ruleset.rules for part in _parts(rule) for name in part.reads.names} - {"lot"})
    p.line("_out = []")
    p.line("_add = _out.append")
    with p.block(f"for index, lot in {p.ref(enumerate)}(lots):"):
        p.line(f"env[{p.ref('lot')}] = lot")
        p.line("_kind = lot.kind")
        with p.block(f"if {p.ref(type)}(_kind) is not {p.ref(str)}:"):
            p.line("_add(walk(env, index, lot))")
            p.line("continue")
        for kind, rules in by_kind.items():
            with p.block(f"if _kind == {p.ref(kind)}:"):
                p.remember(("field", "lot", "kind"), Const(kind))  # in here, lot.kind is this text
                _kind(p, stages, rules)
                p.line("continue")
        p.line("_add(walk(env, index, lot))")
    p.line("return _out")
    made: Decider = p.build("decide", "env, lots, walk", f"<{ruleset.id} eligibility>")
    return made


def _parts(rule: CompiledRule) -> list[Compiled]:
    """Every expression of a rule: its condition, its lets, its criteria's conditions and tests."""
    parts = [rule.when, *(let for _, let in rule.lets), *(x for c in rule.criteria for x in (c.when, c.test))]
    return [part for part in parts if part is not None]


def _kind(p: Program, stages: _Stages, rules: list[CompiledRule]) -> None:
    """The statements deciding a lot of one kind: every criterion of its rules, then its decision."""
    p.line("_st = 0")
    p.line("_nf = _ni = False")
    outcomes: list[str] = []
    with p.block("try:"):
        for rule in rules:
            outcomes.extend(_rule(p, stages, rule))
    with p.block(f"except {p.ref(EvaluationError)} as _e:"):
        p.line(f"raise {p.ref(stages.error)}(_st, lot, _e) from _e")
    pairs = "".join(f"{o}, " for o in outcomes)
    verdict = f"{p.ref(INELIGIBLE)} if _nf else {p.ref(NEEDS_REVIEW)} if _ni else {p.ref(ELIGIBLE)}"
    p.line(f"_add({p.ref(LotDecision)}(index, lot, ({pairs}), {verdict}))")


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
        return [_otherwise(p, applies.value, c) for c in rule.criteria]
    locals_ = [p.temp() for _ in rule.criteria]
    with p.block(f"if {applies.name} is True:"):
        for local, result in zip(locals_, _applying(p, stages, rule), strict=True):
            p.line(f"{local} = {result}")
    with p.block(f"elif {applies.name} is {p.ref(UNKNOWN)}:"):
        for local, criterion in zip(locals_, rule.criteria, strict=True):
            p.line(f"{local} = {_otherwise(p, UNKNOWN, criterion)}")
    with p.block("else:"):
        check_truth(p, applies, True, UNKNOWN)
        for local, criterion in zip(locals_, rule.criteria, strict=True):
            p.line(f"{local} = {_otherwise(p, False, criterion)}")
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
        return _test(p, stages, criterion) if holds.value is True else _otherwise(p, holds.value, criterion)
    out = p.temp()
    with p.block(f"if {holds.name} is True:"):
        p.line(f"{out} = {_test(p, stages, criterion)}")
    with p.block(f"elif {holds.name} is {p.ref(UNKNOWN)}:"):
        p.line(f"{out} = {_otherwise(p, UNKNOWN, criterion)}")
    with p.block("else:"):
        check_truth(p, holds, True, UNKNOWN)
        p.line(f"{out} = {_otherwise(p, False, criterion)}")
    return out


def _otherwise(p: Program, holds: Any, criterion: CompiledCriterion) -> str:
    """The outcome of a criterion whose condition is not true: unknown is a reason to review, false not applicable."""
    if holds is UNKNOWN:
        p.line("_ni = True")
        return _pair(p, criterion, INDETERMINATE)
    return _pair(p, criterion, NOT_APPLICABLE)


def _pair(p: Program, criterion: CompiledCriterion, outcome: str) -> str:
    """The constant (criterion, outcome) a decision lists: made once per program, not per lot (by the criterion's
    identity: the program's table holds the pair, and so the criterion, for as long as the program lives)."""
    key = ("pair", id(criterion), outcome)
    if key not in p.notes:
        p.notes[key] = p.ref((criterion, outcome))
    made: str = p.notes[key]
    return made


def _test(p: Program, stages: _Stages, criterion: CompiledCriterion) -> str:
    p.line(f"_st = {stages.add(criterion.id)}")
    value = condition(p, criterion.test)
    if isinstance(value, Const):
        if value.value is True:
            return _pair(p, criterion, PASS)
        p.line("_nf = True" if value.value is False else "_ni = True")
        return _pair(p, criterion, FAIL if value.value is False else INDETERMINATE)
    out = p.temp()
    with p.block(f"if {value.name} is True:"):
        p.line(f"{out} = {_pair(p, criterion, PASS)}")
    with p.block(f"elif {value.name} is False:"):
        p.line(f"{out} = {_pair(p, criterion, FAIL)}")
        p.line("_nf = True")
    with p.block("else:"):
        check_truth(p, value, True, False)
        p.line(f"{out} = {_pair(p, criterion, INDETERMINATE)}")
        p.line("_ni = True")
    return out


# ----------------------------------------------------------------------------------------- integrity checks of lots

LotChecker = Callable[[dict[str, Any], CreditLot], Iterator["tuple[CompiledCheck, Any] | None"]]


def lot_checker(ruleset: RuleSet, env: dict[str, Any]) -> LotChecker | None:
    """The lot-scope integrity checks as one generated generator: for a lot, each check that applies to its kind with
    its value (True, False or UNKNOWN), one at a time in the rule set's order (so that the caller records each before
    the next is evaluated, as the walk does) — or a single None for a lot the walk must check. Made once per rule set
    and fiscal year, like the decider; None if it could not be generated."""
    key = ("lot checks", env["fy"])
    if key not in ruleset.generated:
        try:
            ruleset.generated[key] = _generate_checks(ruleset, env)
        except CodegenError:
            ruleset.generated[key] = None
    made: LotChecker | None = ruleset.generated[key]
    return made


def _generate_checks(ruleset: RuleSet, env: dict[str, Any]) -> LotChecker:
    checks = [check for check in ruleset.checks if check.spec.scope == "lot"]
    p = Program(frozenset(env) | {"lot"}, constants={"fy": env["fy"]}, fold_env=env)
    p.locals["lot"] = "lot"  # the lot checked is env["lot"] (run_checks sets it), never None
    stages = _Stages()
    p.hoist({name for check in checks for name in check.test.reads.names} - {"lot"})
    p.line("_kind = lot.kind")
    with p.block(f"if {p.ref(type)}(_kind) is not {p.ref(str)}:"):
        p.line("yield None")
        p.line("return")
    p.line("_st = 0")
    with p.block("try:"):
        for kind in ruleset.manifest.kinds:
            with p.block(f"if _kind == {p.ref(kind)}:"):
                p.remember(("field", "lot", "kind"), Const(kind))
                for check in checks:
                    if check.spec.kinds is not None and kind not in check.spec.kinds:
                        continue
                    p.line(f"_st = {stages.add(f'check {check.spec.id}')}")
                    value = condition(p, check.test)
                    if isinstance(value, Var):
                        check_truth(p, value)
                    p.line(f"yield ({p.ref(check)}, {p.use(value)})")
                p.line("return")
    with p.block(f"except {p.ref(EvaluationError)} as _e:"):
        p.line(f"raise {p.ref(stages.error)}(_st, lot, _e) from _e")
    p.line("yield None")
    made: LotChecker = p.build("check_lot", "env, lot", f"<{ruleset.id} lot checks>")
    return made
