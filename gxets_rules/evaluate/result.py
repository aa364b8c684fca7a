"""Turn an :class:`Evaluation` into the ``gxets.result.v2`` :class:`Result`.

Decisions were made on the fast path without recording anything; here each lot's criteria that applied are run once
more with a recorder, so that the result shows, for every (lot, criterion), the inputs read, the parameters read and
any evidence (ownership paths). A criterion whose test calls no function that records (``Function.records``: a
parameter, an input, an actual, an involvement) and reads no ``let`` bound by one cannot add to its trace: it is not
run again — what it read is its catalogue paths, which are read from the lot directly. What does not change from lot
to lot — a criterion's title and citation, a parameter's value and citation, a quantity's formula — goes into the
catalogue once, as it is first met; a lot keeps only its outcomes, the parameter ids and input values its criteria
read, and the messages of those that failed or are undecided (only those are rendered, in both languages, so that
reports only lay out text and never evaluate a rule).

The result is built straight into the typed models: nothing is encoded or parsed on the way, and a report can be
rendered from it in memory. The models are immutable, so what repeats from lot to lot is made once and shared: a
criterion's record (most lots pass most criteria alike), a message worded alike, the evidence of one ownership
witness (the graph works out each project's witnesses once). At 100,000 lots that is most of the result's memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, Literal

from gxets_rules._version import __version__
from gxets_rules.evaluate.context import Evidence, InputRead
from gxets_rules.evaluate.eligibility import FAIL, INDETERMINATE, NOT_APPLICABLE, LotDecision
from gxets_rules.evaluate.engine import Evaluation
from gxets_rules.evaluate.position import QuantityTrace as Trace
from gxets_rules.evaluate.traced import Runner, traced_runner
from gxets_rules.model.base import LocalizedText, share_fields_set
from gxets_rules.model.problems import Location, Problem
from gxets_rules.model.result import (
    KIND_OF_UNIT,
    NOT_MET,
    Catalogue,
    CriterionOutcome,
    CriterionSpec,
    EvidenceItem,
    Figure,
    FigureKind,
    FirmRef,
    IntakeNote,
    InterpretationUse,
    Issue,
    LotResult,
    NeedSpec,
    ParamSpec,
    Period,
    Position,
    QuantitySpec,
    QuantityTrace,
    Result,
    RulesetRef,
    RunRecord,
    SourceRef,
    Worded,
    figure_of,
)
from gxets_rules.resources import is_bundled_folder
from gxets_rules.ruleset.compiled import CompiledCriterion, CompiledRule, RuleSet
from gxets_rules.ruleset.expr import Compiled, EvaluationError, Function, get_field
from gxets_rules.ruleset.params import ParamRead
from gxets_rules.ruleset.values import INAPPLICABLE, UNKNOWN, Range, exact_text, fmt_number, jsonable


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


def _static_reads(criterion: CompiledCriterion) -> list[str]:
    """The input paths a criterion reads, as the catalogue lists them."""
    return sorted(criterion.test.reads.paths | (criterion.when.reads.paths if criterion.when else set()))


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values: ``True`` is not ``1``."""
    return type(a) is type(b) and a == b


def _calls_recording(compiled: Compiled) -> bool:
    """Whether an expression calls a function that records into a trace (through a definition, too: a definition's body
    is compiled into its caller, and what it calls counts as called by the caller)."""
    table = compiled.functions
    return any(isinstance(f, Function) and f.records for f in (table.get(name) for name in compiled.reads.functions))


def recording_lets(rules: Iterable[CompiledRule]) -> frozenset[str]:
    """The ``let`` names whose value may record when computed or read (one that calls a recording function, or reads a
    name that may record); a name bound by several rules counts if any of its bindings may."""
    found: set[str] = set()
    for rule in rules:
        for name, compiled in rule.lets:
            if _calls_recording(compiled) or compiled.reads.names & found:
                found.add(name)
    return frozenset(found)


def may_record(compiled: Compiled, lets: frozenset[str]) -> bool:
    """Whether running ``compiled`` can add anything to a trace: it calls a recording function or reads a ``let`` that
    may record (e.g. ``inv.look_through_counted`` records the look-through witness paths of an involvement)."""
    return _calls_recording(compiled) or bool(compiled.reads.names & lets)


def shared_values(inputs: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Split what each criterion of a lot read into the lot's values — each path once, as the first criterion read it,
    null left out — and, per criterion, only the values that differ from those (two rules' lets of one name)."""
    first: dict[str, Any] = {}
    differing: list[dict[str, Any]] = []
    for read in inputs:
        own = {}
        for path, value in read.items():
            if path not in first:
                first[path] = value
            elif not _same(first[path], value):
                own[path] = value
        differing.append(own)
    return {path: value for path, value in first.items() if value is not None}, differing


@dataclass
class _Read:
    """What one criterion of one lot read, before it is split between the lot and the catalogue."""

    criterion: CompiledCriterion
    outcome: str
    inputs: dict[str, Any]
    extra: list[str]
    params: list[ParamRead]
    evidence: list[EvidenceItem]
    message: LocalizedText | None


@dataclass(frozen=True)
class _Plan:
    """What building a criterion's record needs that does not change from lot to lot, worked out once."""

    id: str
    rule: CompiledRule
    lets: tuple[str, ...]  # the let names its condition and test read, in name order
    rerun: Runner | None  # what runs its test again for its trace; None: running it again records nothing
    static: list[str]  # the paths the catalogue says it reads
    paths: tuple[tuple[str, bool], ...]  # each of those, and whether its value is the same for every criterion of a
    # lot (no let names it)
    interpretations: tuple[str, ...]


class _Builder:
    def __init__(self, ev: Evaluation) -> None:
        self.ev = ev
        self.rs: RuleSet = ev.ruleset
        self.rule_of = {rule.spec.id: rule for rule in ev.ruleset.rules}
        self.let_names = {name for rule in ev.ruleset.rules for name, _ in rule.lets}
        self.relied: set[str] = set()  # interpretations a figure or decision relied on
        self.cited: set[str] = set()  # every interpretation the catalogue names
        self.params: dict[str, ParamSpec] = {}
        self.param_ids: dict[int, str] = {}  # the table hands out one read object per name and year
        self.criteria: dict[str, CriterionSpec] = {}
        self.quantities: dict[str, QuantitySpec] = {}
        recording = recording_lets(ev.ruleset.rules)
        self.plans = {id(c): self.plan(c, recording) for c in ev.ruleset.criteria}  # by identity: a dict lookup
        self.lets = {  # each rule's lets, with what binds each while a trace is recorded
            rule.spec.id: [(name, compiled, traced_runner(self.rs, compiled)) for name, compiled in rule.lets]
            for rule in ev.ruleset.rules
        }
        self.lot_values: dict[str, Any] = {}  # path → value read for the lot being built, for paths no let names
        # made once, shared by every lot that has the same (the models are immutable; each key holds its object alive)
        self.param_lists: dict[tuple[tuple[str, int], ...], list[str]] = {}
        self.evidence: dict[int, tuple[Evidence, EvidenceItem]] = {}
        self.messages: dict[tuple[str, str], LocalizedText] = {}
        self.outcomes: dict[tuple[Any, ...], CriterionOutcome] = {}
        self.fields_sets: dict[frozenset[str], set[str]] = {}
        self.relied_by: set[str] = set()  # criteria whose interpretations are in `relied`
        self.no_params = self.param_ids_of(())  # what most criteria read: no parameter

    # the catalogue -------------------------------------------------------------------------------------------------
    def param_ids_of(self, reads: Iterable[ParamRead]) -> list[str]:
        """Each parameter read once, in (name, fiscal year) order, by its catalogue id — described on first use."""
        unique: dict[tuple[str, int], ParamRead] = {}
        for read in reads:
            unique.setdefault((read.name, read.fy), read)
        key = tuple(sorted(unique))
        known = self.param_lists.get(key)
        if known is None:  # a set of parameters read is relied on (by a criterion that applied, or a figure)
            known = self.param_lists[key] = [self.param_id(unique[name_fy]) for name_fy in key]
            self.relied.update(i for read in unique.values() for i in read.interpretations)
        return known

    def param_id(self, read: ParamRead) -> str:
        known = self.param_ids.get(id(read))
        if known is not None:
            return known
        key = self.param_ids[id(read)] = f"{read.name}@{read.fy}"
        if key not in self.params:
            self.params[key] = ParamSpec(
                name=read.name,
                fy=read.fy,
                unit=self.rs.params.specs[read.name].unit,
                value=jsonable(read.value),
                source=str(read.source) if read.source else None,
                interpretations=list(read.interpretations),
            )
            self.cited.update(read.interpretations)
        return key

    def criterion_spec(self, criterion: CompiledCriterion) -> None:
        if criterion.id in self.criteria:
            return
        self.criteria[criterion.id] = CriterionSpec(
            id=criterion.id,
            rule=criterion.rule.id,
            title=criterion.title,
            source=str(criterion.source) if criterion.source else None,
            interpretations=list(criterion.interpretations),
            reads=_static_reads(criterion),
        )
        self.cited.update(criterion.interpretations)

    def quantity_id(self, qid: str) -> str:
        """A quantity named by the result, described in the catalogue on first use."""
        if qid in self.quantities:
            return qid
        compiled = self.rs.quantities[qid]
        spec = compiled.spec
        self.quantities[qid] = QuantitySpec(
            id=qid,
            title=spec.title,
            unit=spec.unit,
            formula=compiled.formula.source,
            source=str(spec.source) if spec.source else None,
            interpretations=list(spec.interpretations),
            labels=spec.labels,
        )
        self.cited.update(spec.interpretations)
        return qid

    def quantity_named(self, expression: str | None) -> str | None:
        """The quantity an expression is, when it is just a quantity's id."""
        if expression is None:
            return None
        return self.quantity_id(expression.strip()) if expression.strip() in self.rs.quantities else None

    # the lots ------------------------------------------------------------------------------------------------------
    def let_reads(self, env: dict[str, Any], rule: CompiledRule) -> dict[str, list[Any]]:
        """Bind a rule's lets for the lot, keeping what each read (with the lets it used, transitively)."""
        reads: dict[str, list[Any]] = {}
        for name, compiled, run in self.lets[rule.spec.id]:
            recorded: list[Any] = [item for used in compiled.reads.names if used in reads for item in reads[used]]
            self.ev.ctx.recorders.append(recorded)
            try:
                env[name] = run(env)
            except EvaluationError:
                env[name] = UNKNOWN  # it ran on the fast path; a failure here would only lose trace detail
            finally:
                self.ev.ctx.recorders.pop()
            reads[name] = recorded
        return reads

    def plan(self, criterion: CompiledCriterion, recording: frozenset[str]) -> _Plan:
        used = criterion.test.reads.names | (criterion.when.reads.names if criterion.when else set())
        static = _static_reads(criterion)
        return _Plan(
            id=criterion.id,
            rule=self.rule_of[criterion.rule.id],
            lets=tuple(sorted(used & self.let_names)),
            rerun=traced_runner(self.rs, criterion.test) if may_record(criterion.test, recording) else None,
            static=static,
            paths=tuple((path, _split(path)[0] not in self.let_names) for path in static),
            interpretations=criterion.interpretations,
        )

    def path_values(self, env: dict[str, Any], plan: _Plan) -> dict[str, Any]:
        """The values of the paths a criterion reads, as the result holds them; one that no ``let`` names is read once
        per lot, whichever of the lot's criteria reads it (a let may be bound differently by two rules)."""
        lot_values = self.lot_values
        values = {}
        for path, per_lot in plan.paths:
            if not per_lot:
                values[path] = jsonable(_path_value(env, path))
            elif path in lot_values:
                values[path] = lot_values[path]
            else:
                values[path] = lot_values[path] = jsonable(_path_value(env, path))
        return values

    def criterion_read(
        self, env: dict[str, Any], criterion: CompiledCriterion, outcome: str, lets: dict[str, list[Any]]
    ) -> _Read:
        plan = self.plans[id(criterion)]
        if plan.id not in self.criteria:
            self.criterion_spec(criterion)
        recorded: list[Any] = []
        if outcome != NOT_APPLICABLE:
            if plan.lets:
                recorded = [item for name in plan.lets if name in lets for item in lets[name]]
            if plan.rerun is not None:  # else it cannot record: running it again would add nothing
                self.ev.ctx.recorders.append(recorded)
                try:
                    plan.rerun(env)
                except EvaluationError:
                    pass  # it ran on the fast path; a failure here would only lose trace detail
                finally:
                    self.ev.ctx.recorders.pop()
            if plan.id not in self.relied_by:
                self.relied_by.add(plan.id)
                self.relied.update(plan.interpretations)
        static = plan.static
        inputs = self.path_values(env, plan)
        extra: list[str] = []
        params: list[ParamRead] = []
        evidence: list[EvidenceItem] = []
        for item in recorded:
            if isinstance(item, ParamRead):
                params.append(item)
            elif isinstance(item, InputRead):
                inputs[item.path] = jsonable(item.value)
                if item.path not in static and item.path not in extra:
                    extra.append(item.path)
            elif isinstance(item, Evidence):
                evidence.append(self.evidence_item(item))
        message = None
        if outcome in NOT_MET:
            chosen = {FAIL: criterion.on_fail, INDETERMINATE: criterion.on_indeterminate}[outcome]
            message = self.message(chosen.render_all(env)) if chosen is not None else criterion.title
        return _Read(criterion, outcome, inputs, extra, params, evidence, message)

    def message(self, texts: dict[str, str]) -> LocalizedText:
        """A message as the result holds it, one object for every lot worded alike."""
        key = (texts["ja"], texts["en"])
        known = self.messages.get(key)
        if known is None:
            known = self.messages[key] = LocalizedText(**texts)
        return known

    def evidence_item(self, evidence: Evidence) -> EvidenceItem:
        """A piece of evidence as the result holds it, made once per evidence object (an ownership witness is one
        object for every lot of its project and window)."""
        known = self.evidence.get(id(evidence))
        if known is None:
            known = self.evidence[id(evidence)] = (
                evidence,
                EvidenceItem(kind=evidence.kind, data=jsonable(evidence.data)),
            )
        return known[1]

    def outcome(self, read: _Read, own: dict[str, Any]) -> CriterionOutcome:
        """A criterion's record for one lot; records alike (and with no values of their own) are one object."""
        params = self.param_ids_of(read.params) if read.params else self.no_params
        if own:
            return CriterionOutcome(
                outcome=read.outcome,  # type: ignore[arg-type]
                params=params,
                extra_reads=read.extra,
                values=own,
                message=read.message,
                evidence=read.evidence,
            )
        key = (read.outcome, id(params), tuple(read.extra), id(read.message), tuple(map(id, read.evidence)))
        known = self.outcomes.get(key)
        if known is None:
            known = self.outcomes[key] = CriterionOutcome(
                outcome=read.outcome,  # type: ignore[arg-type]
                params=params,
                extra_reads=read.extra,
                message=read.message,
                evidence=read.evidence,
            )
        return known

    def reads_of(self, env: dict[str, Any], decision: LotDecision) -> list[_Read]:
        for name in self.let_names:  # a rule that does not apply to this lot binds nothing: no value of another lot
            env.pop(name, None)
        reads = []
        lets: dict[str, dict[str, list[Any]]] = {}
        applies = {c.rule.id for c, outcome in decision.outcomes if outcome != NOT_APPLICABLE}
        plans = self.plans
        for criterion, outcome in decision.outcomes:
            rule = plans[id(criterion)].rule
            bound = lets.get(rule.spec.id)
            if bound is None:
                bound = lets[rule.spec.id] = self.let_reads(env, rule) if rule.lets and rule.spec.id in applies else {}
            reads.append(self.criterion_read(env, criterion, outcome, bound))
        return reads

    def lot(self, env: dict[str, Any], decision: LotDecision) -> LotResult:
        lot = decision.lot
        env["lot"] = lot
        self.lot_values = {}
        reads = self.reads_of(env, decision)
        values, differing = shared_values([read.inputs for read in reads])
        criteria = {read.criterion.id: self.outcome(read, own) for read, own in zip(reads, differing, strict=True)}
        allocations = self.ev.coverage.allocations.get(lot.id, {})
        made = LotResult(
            id=lot.id,
            kind=lot.kind,
            quantity_t=lot.quantity_t,
            status=lot.status,
            verdict=decision.verdict,  # type: ignore[arg-type]
            usable_t=sum(allocations.values()),
            allocations=allocations,
            project_id=lot.project.id if lot.project else None,
            project_country=lot.project.country if lot.project else None,
            values=values,
            criteria=criteria,
        )
        share_fields_set(made, self.fields_sets)
        return made

    # the position and its trace ------------------------------------------------------------------------------------
    def trace(self, trace: Trace) -> QuantityTrace:
        spec = trace.quantity.spec
        value = trace.value
        self.relied.update(spec.interpretations)
        self.relied.update(i for read in trace.params for i in read.interpretations)
        whole = value.isoformat() if isinstance(value, date) else value if isinstance(value, bool | int | str) else None
        return QuantityTrace(
            id=self.quantity_id(spec.id),
            fy=trace.fy,
            value=whole if value is not UNKNOWN else None,
            exact=exact_text(value) if isinstance(value, Fraction | Range) else None,
            decimal=str(value)
            if isinstance(value, Range)
            else (fmt_number(value) if isinstance(value, Fraction) else None),
            params=self.param_ids_of(trace.params),
            inputs={item.path: jsonable(item.value) for item in trace.inputs},
            uses=[self.quantity_id(used) for used in trace.uses],
        )

    def figures(self) -> list[Figure]:
        figures: list[Figure] = []
        for section, outputs in self.rs.outputs.items():
            for name, compiled in outputs.items():
                qid = self.quantity_named(compiled.source) if compiled else None
                unit = self.quantities[qid].unit if qid else None
                value = self.ev.outputs[section][name]
                kind: FigureKind | None
                if compiled is None:
                    kind = "not_defined"
                elif unit is not None:
                    kind = KIND_OF_UNIT[unit]
                else:
                    kind = None  # an expression that names no quantity: its value says what it is
                plain = {fy: _plain(v) for fy, v in value.items()} if isinstance(value, dict) else _plain(value)
                figures.append(figure_of(f"{section}.{name}", kind, qid, unit, plain))
        return figures

    def to_buy(self) -> Worded | None:
        """The headline's words, where the rule set has its own: the label of its label quantity's value."""
        label = self.rs.coverage.to_buy_label
        if label is None:
            return None
        labels = self.rs.quantities[label].spec.labels or {}
        return Worded(quantity=self.quantity_id(label), title=labels.get(self.ev.position.value(label, None)))

    def needs(self) -> list[NeedSpec]:
        return [
            NeedSpec(
                id=need.spec.id,
                title=need.spec.title,
                quantity=self.quantity_named(need.spec.amount),
                caps={cls: self.quantity_named(formula) for cls, formula in need.spec.caps.items()},
            )
            for need in self.rs.needs
        ]

    # the whole -----------------------------------------------------------------------------------------------------
    def issues(self) -> list[Issue]:
        for finding in self.ev.findings:
            self.relied.update(finding.check.spec.interpretations)
        return [
            Issue(
                severity="warning" if f.severity == "warning" else "error",
                check=f.check.spec.id,
                lot=f.lot_id,
                location=portable(f.location),
                message=LocalizedText(**f.message),
            )
            for f in self.ev.findings
        ]

    def interpretations(self) -> list[InterpretationUse]:
        known = self.rs.interpretations
        return [
            InterpretationUse(
                id=i.id, title=i.title, decision=i.decision, reference=i.reference, relied_on=i.id in self.relied
            )
            for i in (known[iid] for iid in sorted(self.cited | self.relied) if iid in known)
        ]

    def build(self) -> Result:
        ev, rs = self.ev, self.rs
        sub = ev.loaded.submission
        env = ev.ctx.base_env()
        lots = [self.lot(env, decision) for decision in ev.decisions]
        order = {qid: i for i, qid in enumerate(rs.quantities)}
        criterion_order = {criterion.id: i for i, criterion in enumerate(rs.criteria)}
        traces = sorted(ev.position.traces.values(), key=lambda t: (order[t.quantity.spec.id], t.fy or 0))
        quantities = [self.trace(trace) for trace in traces]
        figures = self.figures()
        needs = self.needs()
        self.relied.update(rs.coverage.interpretations)
        issues = self.issues()
        if ev.plan is not None:
            self.relied.update(ev.plan.interpretations)
            self.cited.update(ev.plan.interpretations)
        inputs = dict(ev.loaded.input_hashes)
        if ev.market is not None:
            inputs[f"market:{ev.market.name}"] = ev.market.sha256
        source: Literal["bundled", "path"] = "bundled" if is_bundled_folder(rs.path) else "path"
        return Result(
            firm=FirmRef(id=sub.firm.id, name=sub.firm.name, group=sub.firm.group),
            ruleset=RulesetRef(id=rs.id, version=rs.version, sha256=rs.sha256, title=rs.manifest.title, source=source),
            as_of=ev.as_of,
            period=Period(first_fy=ev.ctx.fiscal_years[0], last_fy=ev.ctx.fiscal_years[-1]),
            catalogue=Catalogue(
                criteria=sorted(self.criteria.values(), key=lambda spec: criterion_order[spec.id]),
                params=self.params,
                quantities=self.quantities,
                needs=needs,
                to_buy=self.to_buy(),
                interpretations=self.interpretations(),
                sources=[
                    SourceRef(id=s.id, title=s.title, issuer=s.issuer, url=s.url, kind=s.kind, confirmed=s.confirmed)
                    for s in rs.manifest.sources
                ],
            ),
            position=Position(figures=figures),
            coverage=ev.coverage.typed,
            lots=lots,
            quantities=quantities,
            issues=issues,
            intake=[_intake(problem) for problem in ev.loaded.warnings],
            plan=ev.plan,
            run=RunRecord(engine=__version__, inputs=inputs),
        )


def _intake(problem: Problem) -> IntakeNote:
    """A reading's note or warning as the result keeps it: in both languages, located by file name."""
    field = LocalizedText(ja=problem.where("ja"), en=problem.where("en")) if problem.field else None
    return IntakeNote(
        severity="note" if problem.code.startswith("note.") else "warning",
        location=portable(problem.location),
        field=field,
        message=LocalizedText(ja=problem.text("ja"), en=problem.text("en")),
    )


def _plain(value: Any) -> Any:
    """An output value as a figure holds it (the engine let through only whole numbers, texts, yes/no and dates):
    not applicable is null."""
    return None if value is UNKNOWN or value is INAPPLICABLE else value


def build_result(ev: Evaluation) -> Result:
    """The result of an evaluation, with every trace and message filled in."""
    return _Builder(ev).build()
