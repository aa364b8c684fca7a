"""The rule-set linter: is every rule cited, every reference resolved, every date window sound?

Findings are located problems tagged with a code in brackets, e.g.
``rules/<id>/eligibility.yaml:40:5: [missing-citation] criterion P1-… has no source``.
A rule set with any finding is not clean, and loading refuses it.

Codes: missing-citation, unknown-source, unknown-parameter, unused-parameter,
overlapping-values, outside-window, unknown-interpretation, unreferenced-interpretation,
unknown-codelist, quantity-cycle, bad-path, duplicate-id, bad-kind, bad-coverage, bad-label,
bad-market, unused-definition, implicit-fy, bad-input, bad-claims.
"""

from __future__ import annotations

import itertools
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from pydantic import BaseModel

from gxets_rules.market.calendar import supports_country
from gxets_rules.model.market import MarketProduct
from gxets_rules.model.problems import Location, Problem
from gxets_rules.model.submission import CreditLot, Firm, Submission
from gxets_rules.ruleset.compiled import CompiledMarket, Messages, RuleSet
from gxets_rules.ruleset.expr import Compiled, ParamRef
from gxets_rules.ruleset.schema import Citation
from gxets_rules.ruleset.strict_yaml import Document

MODEL_ROOTS: dict[str, type[BaseModel]] = {
    "lot": CreditLot,
    "submission": Submission,
    "firm": Firm,
    "product": MarketProduct,
}


def _finding(where: Location, code: str, message: str) -> Problem:
    return Problem(where, f"[{code}] {message}")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation like ``Project | None`` or ``list[Actual]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def path_problem(path: str) -> str | None:
    """Why an attribute path like ``lot.project.country`` does not exist, or None if it does."""
    root, *parts = path.split(".")
    model = MODEL_ROOTS.get(root)
    if model is None:
        return None
    walked = root
    for part in parts:
        if model is None:
            return f"{walked} has no fields (cannot read .{part})"
        field = model.model_fields.get(part)
        if field is None:
            return f"{walked} has no field {part!r}"
        walked += f".{part}"
        model = _model_of(field.annotation)
    return None


def _has_cycle(graph: dict[str, list[str]]) -> bool:
    """Whether a dependency graph has a cycle (a depth-first search with an explicit stack; the usual answer is no)."""
    done: set[str] = set()
    for root, uses in graph.items():
        if root in done:
            continue
        path = {root}
        stack = [(root, iter(uses))]
        while stack:
            node, edges = stack[-1]
            step = next(edges, None)
            if step is None:
                stack.pop()
                path.discard(node)
                done.add(node)
            elif step in path:
                return True
            elif step not in done:
                path.add(step)
                stack.append((step, iter(graph[step])))
    return False


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Every cycle of a dependency graph, as networkx lists them; networkx is imported only when there is one (a
    rule set is loaded, so linted, by every check: the import was a tenth of a check's start)."""
    if not _has_cycle(graph):
        return []
    import networkx as nx  # noqa: PLC0415

    found: nx.DiGraph[str] = nx.DiGraph()
    for qid, uses in graph.items():
        found.add_node(qid)
        found.add_edges_from((qid, used) for used in uses)
    return list(nx.simple_cycles(found))


class _Linter:
    def __init__(self, rs: RuleSet, documents: dict[str, Document]) -> None:
        self.rs = rs
        self.docs = documents
        self.findings: list[Problem] = []
        self.source_ids = {s.id for s in rs.manifest.sources}

    def at(self, file: str, *path: str | int) -> Location:
        doc = self.docs.get(file)
        return doc.location_of(path) if doc else Location(str(self.rs.path / file))

    def add(self, where: Location, code: str, message: str) -> None:
        self.findings.append(_finding(where, code, message))

    # expressions ---------------------------------------------------------------
    def expressions(self) -> Iterator[tuple[Location, str, Compiled]]:
        """(location, what, compiled) for every expression in the rule set."""
        for rule in self.rs.rules:
            if rule.when:
                yield rule.location, f"rule {rule.spec.id}", rule.when
            for name, compiled in rule.lets:
                yield rule.location, f"rule {rule.spec.id} let {name}", compiled
            for criterion in rule.criteria:
                yield criterion.location, f"criterion {criterion.id}", criterion.test
                if criterion.when:
                    yield criterion.location, f"criterion {criterion.id}", criterion.when
                for messages in (criterion.on_fail, criterion.on_indeterminate):
                    yield from _placeholders(criterion.location, f"criterion {criterion.id} message", messages)
        for check in self.rs.checks:
            yield check.location, f"check {check.spec.id}", check.test
            yield from _placeholders(check.location, f"check {check.spec.id} message", check.message)
        for quantity in self.rs.quantities.values():
            yield quantity.location, f"quantity {quantity.spec.id}", quantity.formula
            if quantity.fys is not None:
                yield quantity.location, f"quantity {quantity.spec.id} fys", quantity.fys
        for need in self.rs.needs:
            where = self.at("position.yaml", "coverage", "needs")
            yield where, f"coverage need {need.spec.id}", need.amount
            for cap in need.caps.values():
                yield where, f"coverage need {need.spec.id}", cap
        for section, fields in self.rs.outputs.items():
            for name, output in fields.items():
                if output is not None:
                    yield self.at("position.yaml", "outputs", section, name), f"output {section}.{name}", output
        if self.rs.market is not None:
            yield from _market_expressions(self.rs.market)

    # checks ----------------------------------------------------------------------
    def citation(self, where: Location, what: str, citation: Citation | None) -> None:
        if citation is None:
            self.add(where, "missing-citation", f"{what} has no source (doc + clause)")
        elif citation.doc not in self.source_ids:
            self.add(where, "unknown-source", f"{what} cites {citation.doc!r}, not listed in ruleset.yaml sources")

    def citations(self) -> None:
        for rule in self.rs.rules:
            if rule.spec.source is not None:
                self.citation(rule.location, f"rule {rule.spec.id}", rule.spec.source)
            for criterion in rule.criteria:  # a criterion may rely on its rule's citation
                if criterion.spec.source is not None or rule.spec.source is None:
                    self.citation(criterion.location, f"criterion {criterion.id}", criterion.spec.source)
        for check in self.rs.checks:
            self.citation(check.location, f"check {check.spec.id}", check.spec.source)
        for quantity in self.rs.quantities.values():
            self.citation(quantity.location, f"quantity {quantity.spec.id}", quantity.spec.source)
        self.citation(self.at("position.yaml", "coverage"), "coverage", self.rs.coverage.source)
        for name, spec in self.rs.params.specs.items():
            for i, value in enumerate(spec.values):
                where = self.at("parameters.yaml", "parameters", name, "values", i)
                self.citation(where, f"parameter {name} (FY{value.from_fy}–FY{value.to_fy})", value.source)
        for interpretation in self.rs.interpretations.values():
            for citation in interpretation.sources:
                self.citation(self.at("interpretations.yaml"), f"interpretation {interpretation.id}", citation)
        for codelist in self.rs.codelists.values():
            self.citation(self.at(f"codelists/{codelist.id}.yaml"), f"codelist {codelist.id}", codelist.spec.source)
        for where, what, cited, _ in _market_elements(self.rs.market):
            self.citation(where, what, cited)
        for name, definition in self.rs.definitions.items():
            where = self.at("definitions.yaml", "definitions", name)
            self.citation(where, f"definition {name}", definition.source)

    def parameters(self, refs: list[tuple[Location, str, ParamRef]]) -> None:
        params = self.rs.params
        used: set[str] = set()
        for where, what, ref in refs:
            used.add(ref.name)
            if ref.name not in params:
                self.add(where, "unknown-parameter", f"{what} reads parameter {ref.name!r}, which is not defined")
                continue
            asked: Sequence[int | None]
            if ref.fy == "const":
                asked = [ref.const_fy]
            elif ref.fy == "reference":
                asked = self.rs.reference_fys
            else:  # implicit or dynamic: any fiscal year of the period
                asked = self.rs.period_fys
            missing = [fy for fy in asked if fy is not None and not params.covers(ref.name, fy)]
            if missing:
                lo, hi = params.window(ref.name)
                years = ", ".join(f"FY{fy}" for fy in missing)
                self.add(
                    where,
                    "outside-window",
                    f"{what} asks for parameter {ref.name!r} at {years}, outside its dated values (FY{lo}–FY{hi})",
                )
        for name, spec in params.specs.items():
            where = self.at("parameters.yaml", "parameters", name)
            if name not in used:
                self.add(where, "unused-parameter", f"parameter {name!r} is defined but no rule reads it")
            windows = sorted((v.from_fy, v.to_fy) for v in spec.values)
            for lo, hi in windows:
                if hi < lo:
                    self.add(
                        where, "overlapping-values", f"parameter {name!r} has a window FY{lo}–FY{hi} that ends first"
                    )
            for (lo1, hi1), (lo2, hi2) in itertools.pairwise(windows):
                if lo2 <= hi1:
                    self.add(
                        where,
                        "overlapping-values",
                        f"parameter {name!r}: values for FY{lo1}–FY{hi1} and FY{lo2}–FY{hi2} overlap",
                    )

    def interpretations(self) -> None:
        referenced: dict[str, Location] = {}

        def refer(ids: Iterable[str], where: Location, what: str) -> None:
            for iid in ids:
                referenced.setdefault(iid, where)
                if iid not in self.rs.interpretations:
                    self.add(where, "unknown-interpretation", f"{what} names {iid}, not in interpretations.yaml")

        for rule in self.rs.rules:
            refer(rule.spec.interpretations, rule.location, f"rule {rule.spec.id}")
            for criterion in rule.criteria:
                refer(criterion.spec.interpretations, criterion.location, f"criterion {criterion.id}")
        for check in self.rs.checks:
            refer(check.spec.interpretations, check.location, f"check {check.spec.id}")
        for quantity in self.rs.quantities.values():
            refer(quantity.spec.interpretations, quantity.location, f"quantity {quantity.spec.id}")
        refer(self.rs.coverage.interpretations, self.at("position.yaml", "coverage"), "coverage")
        for where, what, _, ids in _market_elements(self.rs.market):
            refer(ids, where, what)
        for name, spec in self.rs.params.specs.items():
            refer(spec.interpretations, self.at("parameters.yaml", "parameters", name), f"parameter {name}")
        for iid in self.rs.interpretations:
            if iid not in referenced:
                self.add(
                    self.at("interpretations.yaml"),
                    "unreferenced-interpretation",
                    f"{iid} is not named by any rule, parameter or quantity",
                )

    def quantities(self) -> None:
        graph: dict[str, list[str]] = {}  # quantity → the quantities its formula reads
        for qid, quantity in self.rs.quantities.items():
            graph[qid] = [name for name in quantity.formula.reads.names if name in self.rs.quantities]
            if quantity.spec.unit == "label" and not quantity.spec.labels:
                self.add(quantity.location, "bad-label", f"quantity {qid} has unit label but no labels")
            if quantity.fys is not None:  # its years may lie outside every parameter's window: say which year
                for ref in quantity.formula.reads.params:
                    if ref.fy == "implicit":
                        self.add(
                            quantity.location,
                            "implicit-fy",
                            f"quantity {qid} has its own fiscal years (fys); read {ref.name!r} at a stated year",
                        )
        for cycle in _cycles(graph):
            first = self.rs.quantities[cycle[0]]
            self.add(
                first.location, "quantity-cycle", "quantities depend on each other: " + " → ".join([*cycle, cycle[0]])
            )

    def structure(self) -> None:
        kinds = set(self.rs.manifest.kinds)
        seen: dict[str, Location] = {}
        for rid, where in self._ids():
            if rid in seen:
                self.add(where, "duplicate-id", f"id {rid} is used twice (first at {seen[rid]})")
            seen.setdefault(rid, where)
        for rule in self.rs.rules:
            for kind in sorted(set(rule.spec.kinds) - kinds):
                self.add(
                    rule.location, "bad-kind", f"rule {rule.spec.id} applies to {kind!r}, not a kind of this rule set"
                )
        coverage = self.rs.coverage
        where = self.at("position.yaml", "coverage")
        missing = kinds - set(coverage.kind_order)
        if missing:
            self.add(where, "bad-coverage", f"kind_order does not place {sorted(missing)}")
        for need in coverage.needs:
            for cls in need.caps:
                if cls not in coverage.classes:
                    self.add(where, "bad-coverage", f"need {need.id} caps class {cls!r}, which is not in classes")
        for status in sorted(set(coverage.held_statuses) - set(coverage.counted_statuses)):
            self.add(where, "bad-coverage", f"held status {status!r} is not a counted status")
        if coverage.to_buy_label is not None:
            named = self.rs.quantities.get(coverage.to_buy_label)
            if named is None or named.spec.unit != "label" or named.spec.per_fy:
                self.add(where, "bad-coverage", f"to_buy_label {coverage.to_buy_label!r} is not a label quantity")
        self.claims(kinds)
        for check in self.rs.checks:
            at = check.spec.at
            if at is None:
                continue
            reason = path_problem(f"submission.{at}")
            if check.spec.scope != "submission":
                reason = "`at` points a submission-scope check at a field; a lot check points at its lot"
            if reason:
                self.add(check.location, "bad-path", f"check {check.spec.id} at: {reason}")
        if self.rs.market is not None:
            self.market(self.rs.market)

    def claims(self, kinds: AbstractSet[str]) -> None:
        """The review's vocabulary names kinds of this rule set and an output it has."""
        claims = self.rs.manifest.claims
        where = self.at("ruleset.yaml", "claims")
        named = [*claims.categorised_kinds, *([claims.created.kind] if claims.created else [])]
        for kind in sorted(set(named) - kinds):
            self.add(where, "bad-kind", f"claims names {kind!r}, not a kind of this rule set")
        for status in sorted(set(claims.cancelled_for_scheme) & set(claims.cancelled_for_other)):
            self.add(where, "bad-claims", f"claims: status {status!r} is cancelled both for the scheme and for another")
        creatable = claims.created.creatable if claims.created else None
        if creatable is not None:
            section, _, name = creatable.rpartition(".")
            if self.rs.outputs.get(section, {}).get(name) is None:
                self.add(where, "bad-path", f"claims.created.creatable: {creatable} is not an output of position.yaml")

    def market(self, market: CompiledMarket) -> None:
        """Venues and schedules resolve, exchanges have a schedule, and the holiday country is known."""
        venues = {venue.id: venue for venue in market.spec.venues}
        if len(venues) != len(market.spec.venues):
            self.add(market.location, "bad-market", "a venue id is used twice")
        for name, calendar in (
            ("calendar", market.spec.calendar),
            ("registry_calendar", market.spec.registry_calendar),
        ):
            if calendar is not None and not supports_country(calendar.holidays):
                self.add(market.at(name), "bad-market", f"no national holidays are known for {calendar.holidays!r}")
        for instrument in market.instruments.values():
            spec, where = instrument.spec, instrument.location
            venue = venues.get(spec.venue)
            if venue is None:
                self.add(where, "bad-market", f"instrument {spec.kind} is bought at {spec.venue!r}, not a venue")
            elif venue.kind == "exchange" and spec.schedule is None:
                self.add(
                    where, "bad-market", f"instrument {spec.kind} trades at exchange {venue.id} but has no schedule"
                )
            elif venue.kind == "bilateral" and spec.schedule is not None:
                self.add(where, "bad-market", f"instrument {spec.kind} is bilateral and cannot have a schedule")
            if spec.schedule is not None and spec.schedule not in market.schedules:
                self.add(where, "bad-market", f"instrument {spec.kind} names schedule {spec.schedule!r}, not defined")

    def _ids(self) -> Iterator[tuple[str, Location]]:
        for rule in self.rs.rules:
            yield rule.spec.id, rule.location
            for criterion in rule.criteria:
                yield criterion.id, criterion.location
        for check in self.rs.checks:
            yield check.spec.id, check.location

    def run(self) -> list[Problem]:
        refs: list[tuple[Location, str, ParamRef]] = []
        called: set[str] = set()
        for where, what, compiled in self.expressions():
            called |= compiled.reads.functions
            for ref in compiled.reads.params:
                refs.append((where, what, ref))
            for codelist in compiled.reads.codelists:
                if codelist not in self.rs.codelists:
                    self.add(where, "unknown-codelist", f"{what} reads codelist {codelist!r}, which is not defined")
            for path in sorted(compiled.reads.paths):
                reason = path_problem(path)
                if reason:
                    self.add(where, "bad-path", f"{what}: {reason}")
        for name in sorted(set(self.rs.definitions) - called):
            self.add(self.at("definitions.yaml", "definitions", name), "unused-definition", f"{name}() is never called")
        self.citations()
        self.parameters(refs)
        self.interpretations()
        self.quantities()
        self.structure()
        self.codelist_inputs()
        self.submission_inputs()
        return sorted(set(self.findings))

    def submission_inputs(self) -> None:
        """Each submission field the manifest says the rule set reads (``inputs:``) is a field of the format."""
        for index, name in enumerate(self.rs.manifest.inputs or ()):
            reason = path_problem(f"submission.{name}")
            if reason:
                self.add(self.at("ruleset.yaml", "inputs", index), "bad-input", f"input {name}: {reason}")

    def codelist_inputs(self) -> None:
        """Each field a code list offers its values to exists, and the values are the list's keys or a table's."""
        for codelist in self.rs.codelists.values():
            for index, offered in enumerate(codelist.spec.inputs):
                where = self.at(f"codelists/{codelist.id}.yaml", "inputs", index)
                root = offered.field.split(".")[0]
                reason = (
                    path_problem(offered.field) if root in ("lot", "submission") else "not a lot or submission field"
                )
                if offered.table is not None and offered.table not in codelist.spec.tables:
                    reason = f"no table {offered.table!r}"
                if offered.table is None and len(codelist.spec.key) != 1:
                    reason = "a list keyed by several fields offers a table (`table:`), not its entries"
                if reason:
                    self.add(where, "bad-input", f"codelist {codelist.id} input {offered.field}: {reason}")


def _placeholders(where: Location, what: str, messages: Messages | None) -> Iterator[tuple[Location, str, Compiled]]:
    for template in messages.templates.values() if messages else ():
        for _, compiled, _ in template.parts:
            if compiled is not None:
                yield where, what, compiled


def _market_expressions(market: CompiledMarket) -> Iterator[tuple[Location, str, Compiled]]:
    for name, compiled in market.terms.items():
        yield market.at(name), f"market {name}", compiled
    for schedule in market.schedules.values():
        if schedule.months is not None:
            yield schedule.location, f"schedule {schedule.spec.id} months", schedule.months
    for instrument in market.instruments.values():
        what = f"instrument {instrument.spec.kind}"
        for expression in (instrument.when, instrument.price_ceiling):
            if expression is not None:
                yield instrument.location, what, expression
        yield from _placeholders(instrument.location, f"{what} message", instrument.on_excluded)
    if market.payment is not None:
        payment = market.payment
        for compiled in (payment.price, payment.due, payment.tax_rate):
            yield payment.location, "payment_in_lieu", compiled


def _market_elements(
    market: CompiledMarket | None,
) -> Iterator[tuple[Location, str, Citation | None, list[str]]]:
    """(location, what, citation, interpretations) of every cited element of market.yaml."""
    if market is None:
        return
    spec = market.spec
    yield market.location, "market", spec.source, spec.interpretations
    yield market.at("calendar"), "market calendar", spec.calendar.source, spec.calendar.interpretations
    if spec.registry_calendar is not None:
        registry = spec.registry_calendar
        yield market.at("registry_calendar"), "registry calendar", registry.source, registry.interpretations
    for venue in spec.venues:
        yield market.at(f"venues.{venue.id}"), f"venue {venue.id}", venue.source, []
    for schedule in market.schedules.values():
        yield schedule.location, f"schedule {schedule.spec.id}", schedule.spec.source, schedule.spec.interpretations
    for instrument in market.instruments.values():
        spec_i = instrument.spec
        yield instrument.location, f"instrument {spec_i.kind}", spec_i.source, spec_i.interpretations
    if market.payment is not None:
        spec_p = market.payment.spec
        yield market.payment.location, "payment_in_lieu", spec_p.source, spec_p.interpretations


def lint(ruleset: RuleSet, documents: dict[str, Document]) -> list[Problem]:
    """Every lint finding of a compiled rule set."""
    return _Linter(ruleset, documents).run()
