"""Run a rule set over one submission: checks → eligibility → position → outputs.

A pure function of its inputs (the compiled rule set, the loaded submission, the
evaluation date and any extra facts such as an ownership graph): no files, no clock.
Input problems found on the way (a failed integrity check, an input a formula needs but
the submission lacks) are raised together as one :class:`InputError`; a rule that
cannot run is reported with the rule's id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from gxets_rules.evaluate.checks import CheckFinding, run_checks
from gxets_rules.evaluate.context import EvalContext
from gxets_rules.evaluate.coverage import CoverageResult
from gxets_rules.evaluate.eligibility import LotDecision
from gxets_rules.evaluate.fastpath import decide_lots
from gxets_rules.evaluate.period import evaluation_period
from gxets_rules.evaluate.plan.planner import plan_purchases
from gxets_rules.evaluate.position import MissingInputError, PositionEvaluator
from gxets_rules.model.loaded import LoadedMarket, LoadedSubmission
from gxets_rules.model.plan import Plan
from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.ruleset.compiled import RuleSet
from gxets_rules.ruleset.expr import EvaluationError
from gxets_rules.ruleset.values import UNKNOWN


@dataclass
class Evaluation:
    """Everything decided about one submission, before it is turned into a Result."""

    ruleset: RuleSet
    loaded: LoadedSubmission
    as_of: date
    ctx: EvalContext
    decisions: list[LotDecision]
    findings: list[CheckFinding]
    position: PositionEvaluator
    outputs: dict[str, dict[str, Any]]
    coverage: CoverageResult
    market: LoadedMarket | None = None
    plan: Plan | None = None


def _input_path(path: str) -> tuple[str | int, ...]:
    head = path.split("[", 1)[0].split(".", 1)[0]
    return (head,)


def _missing_problems(
    position: PositionEvaluator, loaded: LoadedSubmission, why: str, roots: Iterable[str]
) -> list[Problem]:
    """Name each missing input behind the figures that failed (``roots``), where it belongs in the submission."""
    missing = [
        Problem.of(loaded.locate(_input_path(read.path)), "evaluate.input_missing", name=read.path)
        for read in position.unknown_inputs(roots)
    ]
    return missing or [Problem.of(loaded.locate(()), "evaluate.some_input_missing", why=why)]


def _kind_problems(ruleset: RuleSet, loaded: LoadedSubmission) -> list[Problem]:
    kinds = set(ruleset.manifest.kinds)
    return [
        Problem.of(
            where, "evaluate.kind", lot=lot.id, kind=lot.kind, ruleset=ruleset.id, kinds=", ".join(sorted(kinds))
        )
        for lot, where in zip(loaded.submission.lots, loaded.lot_locations, strict=True)
        if lot.kind not in kinds
    ]


def evaluate(
    ruleset: RuleSet,
    loaded: LoadedSubmission,
    as_of: date,
    extras: dict[str, Any] | None = None,
    market: LoadedMarket | None = None,
) -> Evaluation:
    """Evaluate a loaded submission under a rule set at a date; with a market snapshot, plan the purchases."""
    period, problems = evaluation_period(ruleset, loaded)
    problems.extend(_kind_problems(ruleset, loaded))
    if market is not None and ruleset.market is None:
        problems.append(Problem.of(Location(market.name), "evaluate.no_market_rules", ruleset=ruleset.id))
    if period is None:
        raise InputError(problems)
    ctx = EvalContext(ruleset, loaded.submission, as_of, period, extras or {})
    env = ctx.base_env()
    lots = loaded.submission.lots
    try:
        findings = run_checks(ruleset, env, lots, loaded.lot_locations, loaded.locate)
        problems.extend(f.problem() for f in findings if f.severity == "error")
        if problems:
            raise InputError(problems)
        decisions = decide_lots(ruleset, env, lots)
        position = PositionEvaluator(ctx, decisions)
        outputs = position.outputs()
        position.coverage_mapping()  # computed once; cached if an output already read it
        if ruleset.coverage.to_buy_label is not None:  # the headline's words, traced like any quantity
            position.value(ruleset.coverage.to_buy_label, None)
        plan = plan_purchases(position, ruleset.market, market) if market and ruleset.market else None
    except MissingInputError as exc:
        needs = {
            name for need in ruleset.needs for part in (need.amount, *need.caps.values()) for name in part.reads.names
        }
        raise InputError(_missing_problems(position, loaded, str(exc), needs)) from None
    except EvaluationError as exc:
        where = Location(str(ruleset.path))
        raise InputError([Problem.of(where, "evaluate.not_applied", ruleset=ruleset.id, detail=exc)]) from None
    unknown = {
        f"{section}.{name}": ruleset.outputs[section][name]
        for section, fields in outputs.items()
        for name, value in fields.items()
        if value is UNKNOWN
    }
    if unknown:
        roots = {name for compiled in unknown.values() if compiled is not None for name in compiled.reads.names}
        raise InputError(_missing_problems(position, loaded, f"cannot compute {', '.join(unknown)}", roots))
    assert position.coverage is not None
    return Evaluation(
        ruleset, loaded, as_of, ctx, decisions, findings, position, outputs, position.coverage, market, plan
    )
