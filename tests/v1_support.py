"""The former result format, ``gxets.result.v1``, for one job: to prove that ``gxets.result.v2`` loses nothing.

Two functions, both producing v1's JSON (plain data):

- :func:`v1_result` is the v1 builder as it stood on main before v2 (``evaluate/result.py`` at 834ab36), building its
  dicts directly instead of through the v1 models, with one fix: a rule's ``let`` names are cleared before each lot,
  so that a lot a rule does not apply to no longer shows the values the previous lot bound (v1 printed, for every
  domestic voluntary lot after an overseas one, the overseas lot's involvement figures under its not-applicable
  criteria). ``tests/test_result_v2.py`` shows the oracle equal to main's own v1 output where that bug does not bite.
- :func:`v1_of` rebuilds that JSON from a v2 :class:`Result` alone: every verdict, outcome, message, value read,
  parameter with its citation, interpretation, figure, trace, issue and run-record entry.

The package has no v1 code: ``gxets render`` refuses a v1 file (docs/architecture.md, "The result format").
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from gxets_rules._version import __version__
from gxets_rules.evaluate.context import Evidence, InputRead
from gxets_rules.evaluate.coverage import CoverageResult
from gxets_rules.evaluate.eligibility import NOT_APPLICABLE, LotDecision
from gxets_rules.evaluate.engine import Evaluation
from gxets_rules.evaluate.position import QuantityTrace
from gxets_rules.evaluate.result import _path_value, portable
from gxets_rules.evaluate.trace import unique_params
from gxets_rules.model.result import NotDefinedFigure, Result
from gxets_rules.ruleset.compiled import CompiledCriterion, CompiledRule
from gxets_rules.ruleset.expr import EvaluationError
from gxets_rules.ruleset.params import ParamRead
from gxets_rules.ruleset.values import UNKNOWN, Range, exact_text, fmt_number, jsonable

TO_BUY = "coverage.offsets_to_buy_t"
"""v1's field for the rule set's own words of the offsets to buy."""


def _dump(model: Any) -> Any:
    return None if model is None else model.model_dump(mode="json")


# the v1 builder -------------------------------------------------------------------------------------------------------
class _V1:
    def __init__(self, ev: Evaluation) -> None:
        self.ev, self.rs = ev, ev.ruleset
        self.rule_of = {rule.spec.id: rule for rule in ev.ruleset.rules}
        self.lets = {name for rule in ev.ruleset.rules for name, _ in rule.lets}
        self.interpretations: set[str] = set()

    def let_reads(self, env: dict[str, Any], rule: CompiledRule) -> dict[str, list[Any]]:
        reads: dict[str, list[Any]] = {}
        for name, compiled in rule.lets:
            recorded: list[Any] = [item for used in compiled.reads.names if used in reads for item in reads[used]]
            self.ev.ctx.recorders.append(recorded)
            try:
                env[name] = compiled(env)
            except EvaluationError:
                env[name] = UNKNOWN
            finally:
                self.ev.ctx.recorders.pop()
            reads[name] = recorded
        return reads

    def criterion(
        self, env: dict[str, Any], criterion: CompiledCriterion, outcome: str, lets: dict[str, list[Any]]
    ) -> dict[str, Any]:
        recorded: list[Any] = []
        if outcome != NOT_APPLICABLE:
            used = criterion.test.reads.names | (criterion.when.reads.names if criterion.when else set())
            recorded = [item for name in sorted(used & lets.keys()) for item in lets[name]]
            self.ev.ctx.recorders.append(recorded)
            try:
                criterion.test(env)
            except EvaluationError:
                pass
            finally:
                self.ev.ctx.recorders.pop()
        params = [item for item in recorded if isinstance(item, ParamRead)]
        interpretations = sorted({*criterion.interpretations, *(i for read in params for i in read.interpretations)})
        if outcome != NOT_APPLICABLE:
            self.interpretations.update(interpretations)
        paths = sorted(criterion.test.reads.paths | (criterion.when.reads.paths if criterion.when else set()))
        inputs = {path: jsonable(_path_value(env, path)) for path in paths}
        inputs.update({item.path: jsonable(item.value) for item in recorded if isinstance(item, InputRead)})
        message = criterion.title.model_dump()
        chosen = {"fail": criterion.on_fail, "indeterminate": criterion.on_indeterminate}.get(outcome)
        if chosen is not None:
            message = chosen.render_all(env)
        return {
            "id": criterion.id,
            "rule": criterion.rule.id,
            "outcome": outcome,
            "source": str(criterion.source) if criterion.source else None,
            "title": criterion.title.model_dump(),
            "message": message,
            "inputs": inputs,
            "params": [_dump(use) for use in unique_params(params)],
            "interpretations": interpretations,
            "evidence": [{"kind": e.kind, "data": jsonable(e.data)} for e in recorded if isinstance(e, Evidence)],
        }

    def lot(self, env: dict[str, Any], decision: LotDecision) -> dict[str, Any]:
        lot = decision.lot
        env["lot"] = lot
        for name in self.lets:  # the one fix: no let of the previous lot
            env.pop(name, None)
        criteria, lets = [], {}
        for criterion, outcome in decision.outcomes:
            rule = self.rule_of[criterion.rule.id]
            if rule.spec.id not in lets:
                lets[rule.spec.id] = self.let_reads(env, rule) if rule.lets and outcome != NOT_APPLICABLE else {}
            criteria.append(self.criterion(env, criterion, outcome, lets[rule.spec.id]))
        allocations = self.ev.coverage.allocations.get(lot.id, {})
        return {
            "id": lot.id,
            "kind": lot.kind,
            "quantity_t": lot.quantity_t,
            "status": lot.status,
            "verdict": decision.verdict,
            "usable_t": sum(allocations.values()),
            "allocations": dict(sorted(allocations.items())),
            "project_id": lot.project.id if lot.project else None,
            "project_country": lot.project.country if lot.project else None,
            "criteria": criteria,
        }

    def quantity(self, trace: QuantityTrace) -> dict[str, Any]:
        spec, value = trace.quantity.spec, trace.value
        interpretations = sorted({*spec.interpretations, *(i for read in trace.params for i in read.interpretations)})
        self.interpretations.update(interpretations)
        whole = value.isoformat() if isinstance(value, date) else value if isinstance(value, bool | int | str) else None
        return {
            "id": spec.id,
            "fy": trace.fy,
            "title": spec.title.model_dump(),
            "unit": spec.unit,
            "value": whole if value is not UNKNOWN else None,
            "exact": exact_text(value) if isinstance(value, Fraction | Range) else None,
            "decimal": str(value)
            if isinstance(value, Range)
            else fmt_number(value)
            if isinstance(value, Fraction)
            else None,
            "formula": trace.quantity.formula.source,
            "source": str(spec.source) if spec.source else None,
            "interpretations": interpretations,
            "params": [_dump(use) for use in unique_params(trace.params)],
            "inputs": {item.path: jsonable(item.value) for item in trace.inputs},
            "uses": trace.uses,
        }

    def field(self, expression: str | None, title: Any = None, unit: str | None = None) -> dict[str, Any]:
        quantity = self.rs.quantities.get(expression.strip() if unit else expression) if expression else None
        spec = quantity.spec if quantity else None
        return {
            "quantity": spec.id if spec else None,
            "title": _dump(title or (spec.title if spec else None)),
            "unit": unit or (spec.unit if spec else None),
            "labels": {k: _dump(v) for k, v in spec.labels.items()} if spec and spec.labels and not unit else None,
        }

    def fields(self) -> dict[str, Any]:
        fields = {
            f"{section}.{name}": self.field(compiled.source if compiled else None)
            for section, outputs in self.rs.outputs.items()
            for name, compiled in outputs.items()
        }
        label = self.rs.coverage.to_buy_label
        if label is not None:  # the headline's words, where the rule set has its own (main, issue 11)
            labels = self.rs.quantities[label].spec.labels or {}
            title = labels.get(self.ev.position.value(label, None))
            fields[TO_BUY] = {"quantity": label, "title": _dump(title), "unit": "t", "labels": None}
        for need in self.rs.needs:
            path = f"coverage.needs.{need.spec.id}"
            fields[f"{path}.need_t"] = self.field(need.spec.amount, need.spec.title, "t")
            for cls, formula in need.spec.caps.items():
                fields[f"{path}.{cls}_cap_t"] = self.field(formula, None, "t")
        return fields

    def build(self) -> dict[str, Any]:
        ev, rs = self.ev, self.rs
        sub = ev.loaded.submission
        env = ev.ctx.base_env()
        lots = [self.lot(env, decision) for decision in ev.decisions]
        order = {qid: i for i, qid in enumerate(rs.quantities)}
        traces = sorted(ev.position.traces.values(), key=lambda t: (order[t.quantity.spec.id], t.fy or 0))
        quantities = [self.quantity(trace) for trace in traces]
        self.interpretations.update(rs.coverage.interpretations)
        for finding in ev.findings:
            self.interpretations.update(finding.check.spec.interpretations)
        if ev.plan is not None:
            self.interpretations.update(ev.plan.interpretations)
        tree: dict[str, Any] = {}
        for section, values in ev.outputs.items():
            node = tree
            for part in section.split(".")[1:]:
                node = node.setdefault(part, {})
            node.update({name: jsonable(value) for name, value in values.items()})
        inputs = dict(ev.loaded.input_hashes)
        if ev.market is not None:
            inputs[f"market:{ev.market.name}"] = ev.market.sha256
        ruleset = {"id": rs.id, "version": rs.version, "sha256": rs.sha256, "title": rs.manifest.title.model_dump()}
        used = [rs.interpretations[i] for i in sorted(self.interpretations) if i in rs.interpretations]
        return {
            "format": "gxets.result.v1",
            "firm": {"id": sub.firm.id, "name": sub.firm.name, "group": sub.firm.group},
            "ruleset": ruleset,
            "as_of": ev.as_of.isoformat(),
            "period": {"first_fy": ev.ctx.fiscal_years[0], "last_fy": ev.ctx.fiscal_years[-1]},
            "position": tree,
            "fields": self.fields(),
            "coverage": jsonable(_coverage(ev.coverage)),
            "lots": lots,
            "quantities": quantities,
            "interpretations": [
                {"id": i.id, "title": _dump(i.title), "decision": _dump(i.decision), "reference": i.reference}
                for i in used
            ],
            "sources": [
                {"id": s.id, "title": s.title, "issuer": s.issuer, "url": s.url, "kind": s.kind}
                | (
                    {} if s.confirmed is None else {"confirmed": s.confirmed}
                )  # added in v2 (issue 14), marked or left out
                for s in rs.manifest.sources
            ],
            "issues": [
                {
                    "severity": "warning" if f.severity == "warning" else "error",
                    "check": f.check.spec.id,
                    "lot": f.lot_id,
                    "location": portable(f.location),
                    "message": dict(f.message),
                }
                for f in ev.findings
            ],
            "plan": _dump(ev.plan),
            "run": {
                "engine": __version__,
                "ruleset": ruleset,
                "inputs": dict(sorted(inputs.items())),
                "as_of": ev.as_of.isoformat(),
            },
        }


def _coverage(coverage: CoverageResult) -> dict[str, Any]:
    """The coverage as v1's ``CoverageResult.as_mapping`` gave it."""
    usable = sum(n.usable_t for n in coverage.needs)
    totals: dict[str, Any] = {
        "need_t": sum(n.amount_t for n in coverage.needs),
        "usable_t": usable,
        "offsets_to_buy_t": sum(n.offsets_to_buy_t for n in coverage.needs),
        "eligible_t": coverage.eligible_t,
        "surplus_t": coverage.eligible_t - usable,
        "pending_review_t": coverage.pending_review_t,
        "cancelled_t": coverage.cancelled_t,
        "planned_t": coverage.planned_t,
    }
    for cls in coverage.classes:
        active = [n for n in coverage.needs if n.amount_t > 0 and cls in n.caps_t]
        cap = sum(n.caps_t[cls] for n in active)
        totals[f"{cls}_cap_t"] = cap
        totals[f"{cls}_usable_t"] = sum(n.used_by_class.get(cls, 0) for n in coverage.needs)
        totals[f"{cls}_headroom_t"] = cap - sum(n.used_by_class.get(cls, 0) for n in active)
    totals["needs"] = {
        n.id: {
            "need_t": n.amount_t,
            "usable_t": n.usable_t,
            "offsets_to_buy_t": n.offsets_to_buy_t,
            **{f"{cls}_cap_t": cap for cls, cap in n.caps_t.items()},
            **{f"{cls}_usable_t": n.used_by_class.get(cls, 0) for cls in n.caps_t},
            "usable_by_kind": [{"kind": kind, "usable_t": t} for kind, t in n.used_by_kind.items()],
        }
        for n in coverage.needs
    }
    return totals


def v1_result(ev: Evaluation) -> dict[str, Any]:
    """The ``gxets.result.v1`` JSON of an evaluation, as the v1 builder made it (with the let fix)."""
    return _V1(ev).build()


# v1 from v2 -----------------------------------------------------------------------------------------------------------
def _criterion(result: Result, facts: Any) -> dict[str, Any]:
    return {
        "id": facts.id,
        "rule": facts.rule,
        "outcome": facts.outcome,
        "source": facts.source,
        "title": _dump(facts.spec.title),
        "message": _dump(facts.message),
        "inputs": dict(facts.inputs),
        "params": [{k: v for k, v in _dump(p).items() if k != "unit"} for p in facts.params],
        "interpretations": list(facts.interpretations),
        "evidence": [_dump(e) for e in facts.evidence],
    }


def _position(result: Result) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for figure in result.position.figures:
        *sections, name = figure.path.split(".")
        node = tree
        for part in sections[1:]:
            node = node.setdefault(part, {})
        if isinstance(figure, NotDefinedFigure):
            node[name] = None
        elif figure.by_fy is not None:
            node[name] = {str(fy): jsonable(v) for fy, v in figure.by_fy.items()}
        else:
            node[name] = jsonable(figure.value)
    return tree


def _fields(result: Result) -> dict[str, Any]:
    quantities = result.catalogue.quantities

    def field(qid: str | None, title: Any = None, unit: str | None = None) -> dict[str, Any]:
        spec = quantities[qid] if qid else None
        return {
            "quantity": qid,
            "title": _dump(title or (spec.title if spec else None)),
            "unit": unit or (spec.unit if spec else None),
            "labels": {k: _dump(v) for k, v in spec.labels.items()} if spec and spec.labels and not unit else None,
        }

    fields = {figure.path: field(figure.quantity) for figure in result.position.figures}
    worded = result.catalogue.to_buy
    if worded is not None:
        fields[TO_BUY] = {"quantity": worded.quantity, "title": _dump(worded.title), "unit": "t", "labels": None}
    for need in result.catalogue.needs:
        path = f"coverage.needs.{need.id}"
        fields[f"{path}.need_t"] = field(need.quantity, need.title, "t")
        for cls, qid in need.caps.items():
            fields[f"{path}.{cls}_cap_t"] = field(qid, None, "t")
    return fields


def _trace(result: Result, trace: Any) -> dict[str, Any]:
    spec = result.catalogue.quantities[trace.id]
    params = [result.catalogue.params[pid] for pid in trace.params]
    return {
        "id": trace.id,
        "fy": trace.fy,
        "title": _dump(spec.title),
        "unit": spec.unit,
        "value": trace.value,
        "exact": trace.exact,
        "decimal": trace.decimal,
        "formula": spec.formula,
        "source": spec.source,
        "interpretations": sorted({*spec.interpretations, *(i for p in params for i in p.interpretations)}),
        "params": [{k: v for k, v in _dump(p).items() if k != "unit"} for p in params],
        "inputs": dict(trace.inputs),
        "uses": list(trace.uses),
    }


def v1_of(result: Result) -> dict[str, Any]:
    """Every fact of the v1 JSON, rebuilt from a v2 result alone."""
    ruleset = {k: v for k, v in _dump(result.ruleset).items() if k != "source"}  # v2 added where a rule set came from
    return {
        "format": "gxets.result.v1",
        "firm": _dump(result.firm),
        "ruleset": ruleset,
        "as_of": result.as_of.isoformat(),
        "period": _dump(result.period),
        "position": _position(result),
        "fields": _fields(result),
        "coverage": result.coverage.names(),
        "lots": [
            {
                **{k: v for k, v in _dump(lot).items() if k not in {"values", "criteria"}},
                "allocations": dict(lot.allocations),
                "project_id": lot.project_id,
                "project_country": lot.project_country,
                "criteria": [_criterion(result, facts) for facts in result.criteria_of(lot)],
            }
            for lot in result.lots
        ],
        "quantities": [_trace(result, trace) for trace in result.quantities],
        "interpretations": [{k: v for k, v in _dump(i).items() if k != "relied_on"} for i in result.relied_on()],
        "sources": [_dump(s) for s in result.catalogue.sources],
        "issues": [_dump(i) for i in result.issues],
        "plan": _dump(result.plan),
        "run": {
            "engine": result.run.engine,
            "ruleset": ruleset,
            "inputs": dict(result.run.inputs),
            "as_of": result.as_of.isoformat(),
        },
    }


def facts(data: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Any]:
    """Every leaf of a JSON document by its path: what "fact by fact" compares (an empty list or mapping is a fact)."""
    if isinstance(data, dict) and data:
        return {k: v for key, value in data.items() for k, v in facts(value, (*path, key)).items()}
    if isinstance(data, list) and data:
        return {k: v for index, value in enumerate(data) for k, v in facts(value, (*path, index)).items()}
    return {path: data}
