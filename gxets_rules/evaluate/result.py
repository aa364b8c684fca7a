"""Turn an :class:`Evaluation` into the ``gxets.result.v1`` :class:`Result`.

Decisions were made on the fast path without recording anything; here each lot's
criteria are run once more with a recorder so that the result shows, for every
(lot, criterion), the inputs read, the parameters read with their citations, and any
evidence (ownership paths). Messages are rendered in both languages now, so that reports
only lay out text and never evaluate a rule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from gxets_rules._version import __version__
from gxets_rules.evaluate.context import Evidence, InputRead
from gxets_rules.evaluate.eligibility import FAIL, INDETERMINATE, NOT_APPLICABLE, LotDecision
from gxets_rules.evaluate.engine import Evaluation
from gxets_rules.evaluate.position import QuantityTrace
from gxets_rules.evaluate.trace import unique_params
from gxets_rules.model.base import LocalizedText, ParamUse
from gxets_rules.model.problems import Location
from gxets_rules.model.result import (
    TO_BUY_FIELD,
    CriterionResult,
    EvidenceItem,
    FirmRef,
    InterpretationUse,
    Issue,
    LotResult,
    OutputField,
    QuantityResult,
    Result,
    RulesetRef,
    RunRecord,
    SourceRef,
)
from gxets_rules.resources import is_bundled_folder
from gxets_rules.ruleset.compiled import CompiledCriterion, CompiledRule, RuleSet
from gxets_rules.ruleset.expr import EvaluationError, get_field
from gxets_rules.ruleset.params import ParamRead
from gxets_rules.ruleset.values import UNKNOWN, Range, exact_text, fmt_number, jsonable


def portable(location: Location) -> str:
    """A location as the result records it: by file name, so that the result does not depend on the working folder."""
    return str(replace(location, file=Path(location.file).name))


@cache
def _split(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _path_value(env: dict[str, Any], path: str) -> Any:
    root, *parts = _split(path)
    value = env.get(root, UNKNOWN)
    try:
        for part in parts:
            value = get_field(value, part)
    except EvaluationError:
        return UNKNOWN
    return value


class _Builder:
    def __init__(self, ev: Evaluation) -> None:
        self.ev = ev
        self.rs: RuleSet = ev.ruleset
        self.rule_of = {rule.spec.id: rule for rule in ev.ruleset.rules}
        self.interpretations: set[str] = set()
        self.param_uses: dict[int, ParamUse] = {}  # citations made, by parameter read (see unique_params)

    def let_reads(self, env: dict[str, Any], rule: CompiledRule) -> dict[str, list[Any]]:
        """Bind a rule's lets for the lot, keeping what each read (with the lets it used, transitively)."""
        reads: dict[str, list[Any]] = {}
        for name, compiled in rule.lets:
            recorded: list[Any] = [item for used in compiled.reads.names if used in reads for item in reads[used]]
            self.ev.ctx.recorders.append(recorded)
            try:
                env[name] = compiled(env)
            except EvaluationError:
                env[name] = UNKNOWN  # it ran on the fast path; a failure here would only lose trace detail
            finally:
                self.ev.ctx.recorders.pop()
            reads[name] = recorded
        return reads

    def criterion(
        self, env: dict[str, Any], criterion: CompiledCriterion, outcome: str, lets: dict[str, list[Any]]
    ) -> CriterionResult:
        recorded: list[Any] = []
        if outcome != NOT_APPLICABLE:
            used = criterion.test.reads.names | (criterion.when.reads.names if criterion.when else set())
            recorded = [item for name in sorted(used & lets.keys()) for item in lets[name]]
            self.ev.ctx.recorders.append(recorded)
            try:
                criterion.test(env)
            except EvaluationError:
                pass  # it ran on the fast path; a failure here would only lose trace detail
            finally:
                self.ev.ctx.recorders.pop()
        params = [item for item in recorded if isinstance(item, ParamRead)]
        interpretations = list(criterion.interpretations)
        for read in params:
            interpretations.extend(read.interpretations)
        interpretations = sorted(set(interpretations))
        if outcome != NOT_APPLICABLE:
            self.interpretations.update(interpretations)
        paths = sorted(criterion.test.reads.paths | (criterion.when.reads.paths if criterion.when else set()))
        inputs = {path: jsonable(_path_value(env, path)) for path in paths}
        inputs.update({item.path: jsonable(item.value) for item in recorded if isinstance(item, InputRead)})
        message = criterion.title
        chosen = {FAIL: criterion.on_fail, INDETERMINATE: criterion.on_indeterminate}.get(outcome)
        if chosen is not None:
            message = LocalizedText(**chosen.render_all(env))
        return CriterionResult(
            id=criterion.id,
            rule=criterion.rule.id,
            outcome=outcome,  # type: ignore[arg-type]
            source=str(criterion.source) if criterion.source else None,
            title=criterion.title,
            message=message,
            inputs=inputs,
            params=unique_params(params, self.param_uses),
            interpretations=interpretations,
            evidence=[
                EvidenceItem(kind=e.kind, text=e.text, data=jsonable(e.data))
                for e in recorded
                if isinstance(e, Evidence)
            ],
        )

    def criteria(self, env: dict[str, Any], decision: LotDecision) -> list[CriterionResult]:
        results = []
        lets: dict[str, dict[str, list[Any]]] = {}
        for criterion, outcome in decision.outcomes:
            rule = self.rule_of[criterion.rule.id]
            if rule.spec.id not in lets:
                lets[rule.spec.id] = self.let_reads(env, rule) if rule.lets and outcome != NOT_APPLICABLE else {}
            results.append(self.criterion(env, criterion, outcome, lets[rule.spec.id]))
        return results

    def lot(self, env: dict[str, Any], decision: LotDecision) -> LotResult:
        lot = decision.lot
        env["lot"] = lot
        allocations = self.ev.coverage.allocations.get(lot.id, {})
        return LotResult(
            id=lot.id,
            kind=lot.kind,
            quantity_t=lot.quantity_t,
            status=lot.status,
            verdict=decision.verdict,  # type: ignore[arg-type]
            usable_t=sum(allocations.values()),
            allocations=dict(sorted(allocations.items())),
            project_id=lot.project.id if lot.project else None,
            project_country=lot.project.country if lot.project else None,
            criteria=self.criteria(env, decision),
        )

    def quantity(self, trace: QuantityTrace) -> QuantityResult:
        spec = trace.quantity.spec
        value = trace.value
        interpretations = sorted({*spec.interpretations, *(i for read in trace.params for i in read.interpretations)})
        self.interpretations.update(interpretations)
        whole = value.isoformat() if isinstance(value, date) else value if isinstance(value, bool | int | str) else None
        return QuantityResult(
            id=spec.id,
            fy=trace.fy,
            title=spec.title,
            unit=spec.unit,
            value=whole if value is not UNKNOWN else None,
            exact=exact_text(value) if isinstance(value, Fraction | Range) else None,
            decimal=str(value)
            if isinstance(value, Range)
            else (fmt_number(value) if isinstance(value, Fraction) else None),
            formula=trace.quantity.formula.source,
            source=str(spec.source) if spec.source else None,
            interpretations=interpretations,
            params=unique_params(trace.params, self.param_uses),
            inputs={item.path: jsonable(item.value) for item in trace.inputs},
            uses=trace.uses,
        )

    def fields(self) -> dict[str, OutputField]:
        fields: dict[str, OutputField] = {}
        for section, outputs in self.rs.outputs.items():
            for name, compiled in outputs.items():
                quantity = self.rs.quantities.get(compiled.source) if compiled else None
                spec = quantity.spec if quantity else None
                fields[f"{section}.{name}"] = OutputField(
                    quantity=spec.id if spec else None,
                    title=spec.title if spec else None,
                    unit=spec.unit if spec else None,
                    labels=spec.labels if spec else None,
                )
        label = self.rs.coverage.to_buy_label
        if label is not None:  # the headline's words, where the rule set has its own: its label quantity's value
            spec = self.rs.quantities[label].spec
            title = (spec.labels or {}).get(self.ev.position.value(label, None))
            fields[TO_BUY_FIELD] = OutputField(quantity=label, title=title, unit="t")
        for need in self.rs.needs:  # so that a report can cite the quantity behind a need and each of its caps
            path = f"coverage.needs.{need.spec.id}"
            fields[f"{path}.need_t"] = self._coverage_field(need.spec.amount, need.spec.title)
            for cls, formula in need.spec.caps.items():
                fields[f"{path}.{cls}_cap_t"] = self._coverage_field(formula, None)
        return fields

    def _coverage_field(self, formula: str, title: LocalizedText | None) -> OutputField:
        quantity = self.rs.quantities.get(formula.strip())
        spec = quantity.spec if quantity else None
        return OutputField(
            quantity=spec.id if spec else None, title=title or (spec.title if spec else None), unit="t", labels=None
        )

    def position(self) -> dict[str, Any]:
        tree: dict[str, Any] = {}
        for section, values in self.ev.outputs.items():
            node = tree
            for part in section.split(".")[1:]:
                node = node.setdefault(part, {})
            node.update({name: jsonable(value) for name, value in values.items()})
        return tree

    def build(self) -> Result:
        ev, rs = self.ev, self.rs
        sub = ev.loaded.submission
        env = ev.ctx.base_env()
        lots = [self.lot(env, decision) for decision in ev.decisions]
        order = {qid: i for i, qid in enumerate(rs.quantities)}
        traces = sorted(ev.position.traces.values(), key=lambda t: (order[t.quantity.spec.id], t.fy or 0))
        quantities = [self.quantity(trace) for trace in traces]
        self.interpretations.update(rs.coverage.interpretations)
        issues = [
            Issue(
                severity="warning" if f.severity == "warning" else "error",
                check=f.check.spec.id,
                lot=f.lot_id,
                location=portable(f.location),
                message=LocalizedText(**f.message),
            )
            for f in ev.findings
        ]
        for finding in ev.findings:
            self.interpretations.update(finding.check.spec.interpretations)
        if ev.plan is not None:
            self.interpretations.update(ev.plan.interpretations)
        inputs = dict(ev.loaded.input_hashes)
        if ev.market is not None:
            inputs[f"market:{ev.market.name}"] = ev.market.sha256
        source = "bundled" if is_bundled_folder(rs.path) else "path"
        ruleset = RulesetRef(id=rs.id, version=rs.version, sha256=rs.sha256, title=rs.manifest.title, source=source)
        used = [rs.interpretations[i] for i in sorted(self.interpretations) if i in rs.interpretations]
        return Result(
            firm=FirmRef(id=sub.firm.id, name=sub.firm.name, group=sub.firm.group),
            ruleset=ruleset,
            as_of=ev.as_of,
            period={"first_fy": ev.ctx.fiscal_years[0], "last_fy": ev.ctx.fiscal_years[-1]},
            position=self.position(),
            fields=self.fields(),
            coverage=jsonable(ev.coverage.as_mapping()),
            lots=lots,
            quantities=quantities,
            interpretations=[
                InterpretationUse(id=i.id, title=i.title, decision=i.decision, reference=i.reference) for i in used
            ],
            sources=[
                SourceRef(id=s.id, title=s.title, issuer=s.issuer, url=s.url, kind=s.kind) for s in rs.manifest.sources
            ],
            issues=issues,
            plan=ev.plan,
            run=RunRecord(engine=__version__, ruleset=ruleset, inputs=dict(sorted(inputs.items())), as_of=ev.as_of),
        )


def build_result(ev: Evaluation) -> Result:
    """The result of an evaluation, with every trace and message filled in."""
    return _Builder(ev).build()
