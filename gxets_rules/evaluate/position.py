"""Compute the rule set's quantities, the coverage and the outputs, tracing every number.

Quantities are evaluated lazily, on first use, through an environment whose missing
names are computed (:class:`_QuantityEnv`): a formula that reads ``shortfall_direct``
triggers that quantity, which may trigger others, and the coverage allocator runs when a
formula or output first reads ``coverage``. Each computation pushes a recorder, so its
trace holds exactly the parameters (value, fiscal year, citation), inputs and other
quantities it read. Outputs must be whole numbers or labels: where a formula gives a
fraction, the rule set must round it, explicitly, under an interpretation.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from gxets_rules.evaluate.context import EvalContext, InputRead
from gxets_rules.evaluate.coverage import CoverageResult, allocate
from gxets_rules.evaluate.eligibility import LotDecision
from gxets_rules.model.result import KIND_OF_UNIT, fits
from gxets_rules.ruleset.compiled import CompiledQuantity
from gxets_rules.ruleset.expr import EvaluationError
from gxets_rules.ruleset.params import ParamRead
from gxets_rules.ruleset.values import INAPPLICABLE, UNKNOWN


@dataclass
class QuantityTrace:
    """How one value of one quantity was obtained."""

    quantity: CompiledQuantity
    fy: int | None
    value: Any
    params: list[ParamRead] = field(default_factory=list)
    inputs: list[InputRead] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)


class MissingInputError(EvaluationError):
    """A figure cannot be computed because the submission lacks an input it needs."""


class PerFy:
    """A per-fiscal-year quantity as formulas see it: index it by fiscal year."""

    def __init__(self, evaluator: PositionEvaluator, qid: str) -> None:
        self.evaluator = evaluator
        self.qid = qid

    def __getitem__(self, fy: Any) -> Any:
        return self.evaluator.value(self.qid, fy)

    def __iter__(self) -> Any:
        raise EvaluationError(f"per-fiscal-year quantity {self.qid} must be indexed: {self.qid}[y]")


class _QuantityEnv(dict):  # type: ignore[type-arg]
    """An environment that computes quantities and the coverage the first time they are read."""

    def __init__(self, evaluator: PositionEvaluator, base: dict[str, Any]) -> None:
        super().__init__(base)
        self.evaluator = evaluator

    def __missing__(self, key: str) -> Any:
        return self.evaluator.resolve(key)


class PositionEvaluator:
    def __init__(self, ctx: EvalContext, decisions: list[LotDecision]) -> None:
        self.ctx = ctx
        self.ruleset = ctx.ruleset
        self.decisions = decisions
        ctx.decisions = decisions
        self.env = _QuantityEnv(self, ctx.base_env())
        self.traces: dict[tuple[str, int | None], QuantityTrace] = {}
        self.coverage: CoverageResult | None = None
        self._computing: list[tuple[str, int | None]] = []
        self._fys: dict[str, tuple[int, ...]] = {}

    # lazy resolution ---------------------------------------------------------------
    def resolve(self, name: str) -> Any:
        if name == "coverage":
            return self.coverage_mapping()
        quantity = self.ruleset.quantities.get(name)
        if quantity is None:
            raise KeyError(name)
        if quantity.spec.per_fy:
            return PerFy(self, name)
        return self.value(name, None)

    def fys(self, qid: str) -> tuple[int, ...]:
        """The fiscal years a per-fiscal-year quantity is defined for: its ``fys`` or the rule set's period."""
        known = self._fys.get(qid)
        if known is not None:
            return known
        compiled = self.ruleset.quantities[qid].fys
        years: Any = self.ctx.fiscal_years if compiled is None else compiled(self.env)
        if not isinstance(years, list | tuple) or not all(
            isinstance(y, int) and not isinstance(y, bool) for y in years
        ):
            raise EvaluationError(f"quantity {qid}: fys must give a list of fiscal years, got {years!r}")
        self._fys[qid] = tuple(sorted(set(years)))
        return self._fys[qid]

    def value(self, qid: str, fy: int | None) -> Any:
        key = (qid, fy)
        trace = self.traces.get(key)
        if trace is not None:
            return trace.value
        if key in self._computing:
            chain = " → ".join(q for q, _ in [*self._computing, key])
            raise EvaluationError(f"quantities depend on each other: {chain}")
        quantity = self.ruleset.quantities[qid]
        if quantity.spec.per_fy and fy is None:
            raise EvaluationError(f"{qid} is per fiscal year; read it as {qid}[y]")
        if quantity.spec.per_fy and fy not in self.fys(qid):
            raise EvaluationError(f"{qid}[{fy}] is outside the fiscal years it is defined for {list(self.fys(qid))}")
        env = ChainMap({"fy": fy}, self.env) if fy is not None else self.env
        self._computing.append(key)
        self.ctx.recorders.append([])
        try:
            result = quantity.formula(env)
        except EvaluationError as exc:
            # keep the kind of error (a missing input stays one) while naming where it happened
            raise type(exc)(f"quantity {qid}{'' if fy is None else f'[{fy}]'}: {exc}") from exc
        finally:
            reads = self.ctx.recorders.pop()
            self._computing.pop()
        trace = QuantityTrace(quantity, fy, result)
        for item in reads:
            if isinstance(item, ParamRead):
                trace.params.append(item)
            elif isinstance(item, InputRead):
                trace.inputs.append(item)
        trace.uses = sorted(name for name in quantity.formula.reads.names if name in self.ruleset.quantities)
        self.traces[key] = trace
        return result

    def coverage_mapping(self) -> dict[str, Any]:
        if self.coverage is None:
            needs = []
            for need in self.ruleset.needs:
                try:
                    amount = need.amount(self.env)
                    caps = {cls: cap(self.env) for cls, cap in need.caps.items()}
                except EvaluationError as exc:
                    raise type(exc)(f"coverage need {need.spec.id}: {exc}") from exc
                if amount is UNKNOWN or any(v is UNKNOWN for v in caps.values()):
                    raise MissingInputError(f"coverage need {need.spec.id} cannot be computed: an input is missing")
                needs.append((need.spec.id, amount, caps))
            try:
                self.coverage = allocate(self.ruleset.coverage, needs, self.decisions)
            except ValueError as exc:
                raise EvaluationError(f"coverage: {exc}") from exc
        return self.coverage.names

    # outputs ------------------------------------------------------------------------
    def outputs(self) -> dict[str, dict[str, Any]]:
        """Every output field's value; per-fiscal-year quantities become {fy: value} maps (the only maps here)."""
        result: dict[str, dict[str, Any]] = {}
        for section, fields in self.ruleset.outputs.items():
            for name, compiled in fields.items():
                if compiled is None:
                    result.setdefault(section, {})[name] = None
                    continue
                try:
                    value = compiled(self.env)
                except EvaluationError as exc:
                    raise type(exc)(f"output {section}.{name}: {exc}") from exc
                quantity = self.ruleset.quantities.get(compiled.source.strip())
                unit = quantity.spec.unit if quantity else None
                if isinstance(value, PerFy):
                    value = {fy: self.value(value.qid, fy) for fy in self.fys(value.qid)}
                    for item in value.values():
                        _check_output(section, name, item, unit)
                else:
                    _check_output(section, name, value, unit)
                result.setdefault(section, {})[name] = value
        return result

    def unknown_inputs(self, roots: Iterable[str]) -> list[InputRead]:
        """Missing inputs behind the quantities ``roots``: read by a quantity they use (at any depth) that could not
        be computed. A quantity that is legitimately unknown elsewhere (an optional pledge) is not blamed."""
        wanted: set[str] = set()
        stack = [root for root in roots if root in self.ruleset.quantities]
        while stack:
            qid = stack.pop()
            if qid not in wanted:
                wanted.add(qid)
                stack.extend(self.ruleset.quantities[qid].formula.reads.names & self.ruleset.quantities.keys())
        seen: dict[str, InputRead] = {}
        for (qid, _), trace in self.traces.items():
            if qid not in wanted or trace.value is not UNKNOWN:
                continue
            for item in trace.inputs:
                if item.value is UNKNOWN:
                    seen.setdefault(item.path, item)
        return list(seen.values())


def _check_output(section: str, name: str, value: Any, unit: str | None) -> None:
    """An output is whole, a text, a yes/no or a date — of the kind its quantity's unit says (a result's figure)."""
    if value is UNKNOWN or value is None or value is INAPPLICABLE:
        return
    if isinstance(value, Fraction):
        raise EvaluationError(
            f"output {section}.{name} is {value}, not a whole number: round it in the rule set (rounding parameter)"
        )
    if not isinstance(value, int | str | bool | date):
        raise EvaluationError(f"output {section}.{name} has a value of type {type(value).__name__}")
    kind = KIND_OF_UNIT.get(unit) if unit else None
    if kind is not None and not fits(kind, value):
        raise EvaluationError(f"output {section}.{name} is {value!r}, not a value of its unit {unit}")
