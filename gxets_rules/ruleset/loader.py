"""Read a rule-set folder, validate every file, and compile every expression.

All problems of all files are collected and raised together, each located in its file.
Loading checks that the rule set *can* run; whether it is *right* (citations present,
references resolve, no dated values overlap …) is the linter's job, and
:func:`load_ruleset` refuses a rule set the linter finds errors in.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gxets_rules.model.locate import problems_from_validation
from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.ruleset.codelists import Codelist
from gxets_rules.ruleset.compiled import (
    LANGS,
    MARKET_TERMS,
    CompiledCheck,
    CompiledCriterion,
    CompiledInstrument,
    CompiledMarket,
    CompiledNeed,
    CompiledPayment,
    CompiledQuantity,
    CompiledRule,
    CompiledSchedule,
    Messages,
    RuleSet,
)
from gxets_rules.ruleset.expr import AGGREGATES, BUILTINS, Compiled, Definition, ExprError, Function, compile_expr
from gxets_rules.ruleset.lint import lint
from gxets_rules.ruleset.messages import Template
from gxets_rules.ruleset.params import ParameterTable, ParameterValueError, convert_value
from gxets_rules.ruleset.schema import (
    ChecksFile,
    CodelistFile,
    DefinitionsFile,
    DefinitionSpec,
    EligibilityFile,
    InterpretationsFile,
    Manifest,
    MarketFile,
    ParametersFile,
    PaymentInLieu,
    PositionFile,
)
from gxets_rules.ruleset.strict_yaml import Document, read_yaml_file
from gxets_rules.ruleset.values import jsonable

M = TypeVar("M", bound=BaseModel)

MARKET_FILE = "market.yaml"

INPUT_NAMES = {"submission", "firm", "as_of", "fy", "period"}
LOT_NAMES = INPUT_NAMES | {"lot"}


def quantity_names(spec: PositionFile) -> set[str]:
    """Names a position formula may read: the inputs, every quantity and the coverage totals."""
    return INPUT_NAMES | {q.id for q in spec.quantities} | {"coverage"}


def content_hash(documents: dict[str, Document]) -> str:
    """SHA-256 of the rule set's decision content, blind to comments and formatting."""
    payload = {name: jsonable(doc.data) for name, doc in sorted(documents.items())}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Loader:
    def __init__(self, folder: Path, functions: Mapping[str, Function]) -> None:
        self.folder = folder
        self.problems: list[Problem] = []
        self.documents: dict[str, Document] = {}
        self.functions: dict[str, Function | Definition] = dict(functions)
        self.definition_specs: dict[str, DefinitionSpec] = {}

    # reading ------------------------------------------------------------------
    def read(self, name: str, model: type[M]) -> tuple[M | None, Document | None]:
        path = self.folder / name
        if not path.is_file():
            self.problems.append(Problem(Location(display_path(path)), f"rule set file {name} is missing"))
            return None, None
        try:
            doc = read_yaml_file(path)
        except InputError as exc:
            self.problems.extend(exc.problems)
            return None, None
        self.documents[name] = doc
        try:
            return model.model_validate(doc.data), doc
        except ValidationError as exc:
            self.problems.extend(problems_from_validation(exc, doc.location_of, doc.data))
            return None, doc

    # compiling ----------------------------------------------------------------
    def expr(
        self, source: str, names: set[str], where: Location, what: str, fy_implicit: bool = False
    ) -> Compiled | None:
        try:
            return compile_expr(source, self.functions, names, fy_implicit=fy_implicit)
        except ExprError as exc:
            self.problems.append(Problem(where, f"{what}: {exc}"))
            return None

    def messages(self, texts: Any, names: set[str], where: Location, what: str) -> Messages | None:
        if texts is None:
            return None
        try:
            return Messages({lang: Template(texts.get(lang), self.functions, names) for lang in LANGS})
        except ExprError as exc:
            self.problems.append(Problem(where, f"{what}: {exc}"))
            return None
        except ValueError as exc:
            self.problems.append(Problem(where, f"{what}: bad placeholder: {exc}"))
            return None

    def rules(self, spec: EligibilityFile, doc: Document) -> list[CompiledRule]:
        compiled = []
        for r, rule in enumerate(spec.rules):
            where = doc.location_of(("rules", r))
            when = self.expr(rule.when, LOT_NAMES, where, f"rule {rule.id} when") if rule.when else None
            names = set(LOT_NAMES)
            lets = []
            for name, text in rule.let.items():
                if name in names:
                    self.problems.append(Problem(where, f"rule {rule.id} let {name}: the name is already taken"))
                    continue
                compiled_let = self.expr(
                    text, names, doc.location_of(("rules", r, "let", name)), f"rule {rule.id} let {name}"
                )
                names.add(name)
                if compiled_let is not None:
                    lets.append((name, compiled_let))
            criteria = []
            for c, criterion in enumerate(rule.criteria):
                at = doc.location_of(("rules", r, "criteria", c))
                what = f"criterion {criterion.id}"
                test = self.expr(criterion.test, names, at, f"{what} test")
                cwhen = self.expr(criterion.when, names, at, f"{what} when") if criterion.when else None
                on_fail = self.messages(criterion.on_fail, names, at, f"{what} on_fail")
                on_ind = self.messages(criterion.on_indeterminate, names, at, f"{what} on_indeterminate")
                if test is not None:
                    criteria.append(CompiledCriterion(criterion, rule, test, cwhen, at, on_fail, on_ind))
            compiled.append(CompiledRule(rule, frozenset(rule.kinds), when, tuple(lets), tuple(criteria), where))
        return compiled

    def checks(self, spec: ChecksFile, doc: Document) -> list[CompiledCheck]:
        compiled = []
        for i, check in enumerate(spec.checks):
            where = doc.location_of(("checks", i))
            names = LOT_NAMES if check.scope == "lot" else INPUT_NAMES
            test = self.expr(check.test, names, where, f"check {check.id} test")
            message = self.messages(check.message, names, where, f"check {check.id} message")
            if test is not None and message is not None:
                compiled.append(CompiledCheck(check, test, message, where))
        return compiled

    def position(
        self, spec: PositionFile, doc: Document
    ) -> tuple[dict[str, CompiledQuantity], list[CompiledNeed], dict[str, dict[str, Compiled | None]]]:
        names = quantity_names(spec)
        quantities: dict[str, CompiledQuantity] = {}
        for i, quantity in enumerate(spec.quantities):
            where = doc.location_of(("quantities", i))
            if quantity.id in quantities:
                self.problems.append(Problem(where, f"quantity {quantity.id} is defined twice"))
                continue
            formula = self.expr(quantity.formula, names, where, f"quantity {quantity.id}", fy_implicit=quantity.per_fy)
            fys = self.expr(quantity.fys, INPUT_NAMES, where, f"quantity {quantity.id} fys") if quantity.fys else None
            if formula is not None and (fys is not None or quantity.fys is None):
                quantities[quantity.id] = CompiledQuantity(quantity, formula, where, fys)
        need_names = names - {"coverage"}
        needs = []
        for i, need in enumerate(spec.coverage.needs):
            where = doc.location_of(("coverage", "needs", i))
            amount = self.expr(need.amount, need_names, where, f"coverage need {need.id} amount")
            caps = {
                name: self.expr(text, need_names, where, f"coverage need {need.id} cap {name}")
                for name, text in need.caps.items()
            }
            compiled_caps = {name: cap for name, cap in caps.items() if cap is not None}
            if amount is not None and len(compiled_caps) == len(caps):
                needs.append(CompiledNeed(need, amount, compiled_caps))
        outputs: dict[str, dict[str, Compiled | None]] = {}
        for section, fields in spec.outputs.items():
            for name, text in fields.items():
                if text is None:  # the field does not exist for this section (e.g. no NDC level for indirect)
                    outputs.setdefault(section, {})[name] = None
                    continue
                where = doc.location_of(("outputs", section, name))
                compiled = self.expr(text, names, where, f"output {section}.{name}")
                if compiled is not None:
                    outputs.setdefault(section, {})[name] = compiled
        return quantities, needs, outputs

    def market(self, spec: MarketFile, doc: Document, names: set[str]) -> CompiledMarket:
        """Compile market.yaml: its terms read quantities and parameters; instrument tests also read `product`."""
        terms = {}
        for term in MARKET_TERMS:
            compiled = self.expr(getattr(spec, term), names, doc.location_of((term,)), f"market {term}")
            if compiled is not None:
                terms[term] = compiled
        schedules: dict[str, CompiledSchedule] = {}
        for i, schedule in enumerate(spec.schedules):
            where = doc.location_of(("schedules", i))
            if schedule.id in schedules:
                self.problems.append(Problem(where, f"schedule {schedule.id} is defined twice"))
            what = f"schedule {schedule.id} months"
            months = self.expr(schedule.months, names, where, what) if schedule.months else None
            schedules[schedule.id] = CompiledSchedule(schedule, months, where)
        product_names = names | {"product"}
        instruments: dict[str, CompiledInstrument] = {}
        for i, instrument in enumerate(spec.instruments):
            where = doc.location_of(("instruments", i))
            what = f"instrument {instrument.kind}"
            if instrument.kind in instruments:
                self.problems.append(Problem(where, f"{what} is listed twice"))
            when = self.expr(instrument.when, product_names, where, f"{what} when") if instrument.when else None
            ceiling = (
                self.expr(instrument.price_ceiling, names, where, f"{what} price_ceiling")
                if instrument.price_ceiling
                else None
            )
            excluded = self.messages(instrument.on_excluded, product_names, where, f"{what} on_excluded")
            instruments[instrument.kind] = CompiledInstrument(instrument, when, ceiling, excluded, where)
        locations = {term: doc.location_of((term,)) for term in MARKET_TERMS}
        locations["calendar"] = doc.location_of(("calendar",))
        locations.update({f"venues.{v.id}": doc.location_of(("venues", i)) for i, v in enumerate(spec.venues)})
        payment = self.payment(spec.payment_in_lieu, doc, names) if spec.payment_in_lieu else None
        return CompiledMarket(spec, terms, schedules, instruments, doc.location_of(()), locations, payment)

    def payment(self, spec: PaymentInLieu, doc: Document, names: set[str]) -> CompiledPayment | None:
        """Compile the payment in lieu: its price, due date and tax rate read quantities and parameters."""
        where = doc.location_of(("payment_in_lieu",))
        price = self.expr(spec.price, names, where, "payment_in_lieu price")
        due = self.expr(spec.due, names, where, "payment_in_lieu due")
        tax_rate = self.expr(spec.tax_rate, names, where, "payment_in_lieu tax_rate")
        if price is None or due is None or tax_rate is None:
            return None
        return CompiledPayment(spec, price, due, tax_rate, where)

    def parameters(self, spec: ParametersFile, doc: Document) -> ParameterTable | None:
        ok = True
        converted: dict[str, list[Any]] = {}
        for name, parameter in spec.parameters.items():
            values = converted[name] = []
            for i, value in enumerate(parameter.values):
                try:
                    values.append(convert_value(parameter.unit, value.value))
                except ParameterValueError as exc:
                    where = doc.location_of(("parameters", name, "values", i, "value"))
                    self.problems.append(Problem(where, f"parameter {name}: {exc}"))
                    ok = False
        return ParameterTable(spec.parameters, converted) if ok else None

    def definitions(self) -> None:
        """Add the rule set's own named expressions (optional ``definitions.yaml``) to the functions it may call."""
        if not (self.folder / "definitions.yaml").is_file():
            return
        spec, doc = self.read("definitions.yaml", DefinitionsFile)
        if spec is None or doc is None:
            return
        taken = {*self.functions, *BUILTINS, *AGGREGATES}
        for name, definition in spec.definitions.items():
            if name in taken:
                where = doc.location_of(("definitions", name))
                self.problems.append(
                    Problem(where, f"definition {name}: a function of the rule language has that name")
                )
                continue
            self.functions[name] = Definition(name, tuple(definition.params), definition.formula)
            self.definition_specs[name] = definition

    def codelists(self) -> dict[str, Codelist]:
        lists: dict[str, Codelist] = {}
        folder = self.folder / "codelists"
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            name = f"codelists/{path.name}"
            spec, doc = self.read(name, CodelistFile)
            if spec is None or doc is None:
                continue
            try:
                codelist = Codelist(spec)
            except re.error as exc:
                self.problems.append(
                    Problem(doc.location_of(("match",)), f"codelist {spec.codelist}: bad pattern: {exc}")
                )
                continue
            for key in codelist.duplicates:
                self.problems.append(Problem(doc.location_of(("entries",)), f"codelist entry {key} is listed twice"))
            if spec.codelist in lists:
                self.problems.append(Problem(doc.location_of(()), f"codelist {spec.codelist} is defined twice"))
            lists[spec.codelist] = codelist
        return lists


def compile_ruleset(
    folder: Path, functions: Mapping[str, Function]
) -> tuple[RuleSet | None, list[Problem], dict[str, Document]]:
    """Load and compile without linting; returns the rule set (if it compiled) and problems.

    ``functions`` are the rule language's functions bound to the engine's implementations (``evaluate.stdlib``).
    """
    loader = _Loader(folder, functions)
    loader.definitions()
    manifest, _ = loader.read("ruleset.yaml", Manifest)
    parameters, params_doc = loader.read("parameters.yaml", ParametersFile)
    interpretations, _ = loader.read("interpretations.yaml", InterpretationsFile)
    checks, checks_doc = loader.read("checks.yaml", ChecksFile)
    eligibility, eligibility_doc = loader.read("eligibility.yaml", EligibilityFile)
    position, position_doc = loader.read("position.yaml", PositionFile)
    codelists = loader.codelists()
    market_spec, market_doc = (None, None)
    if (folder / MARKET_FILE).is_file():
        market_spec, market_doc = loader.read(MARKET_FILE, MarketFile)
    parts: list[Any] = [manifest, parameters, interpretations, checks, eligibility, position]
    if any(part is None for part in parts) or (market_doc is not None and market_spec is None):
        return None, loader.problems, loader.documents
    assert params_doc and checks_doc and eligibility_doc and position_doc  # read together with their specs
    table = loader.parameters(parameters, params_doc)  # type: ignore[arg-type]
    compiled_checks = loader.checks(checks, checks_doc)  # type: ignore[arg-type]
    rules = loader.rules(eligibility, eligibility_doc)  # type: ignore[arg-type]
    quantities, needs, outputs = loader.position(position, position_doc)  # type: ignore[arg-type]
    market = None
    if market_spec is not None and market_doc is not None:
        market = loader.market(market_spec, market_doc, quantity_names(position))  # type: ignore[arg-type]
    if table is None or loader.problems:
        return None, loader.problems, loader.documents
    ruleset = RuleSet(
        path=folder,
        manifest=manifest,  # type: ignore[arg-type]
        sha256=content_hash(loader.documents),
        params=table,
        interpretations={i.id: i for i in interpretations.interpretations},  # type: ignore[union-attr]
        checks=compiled_checks,
        rules=rules,
        quantities=quantities,
        coverage=position.coverage,  # type: ignore[union-attr]
        needs=needs,
        outputs=outputs,
        codelists=codelists,
        market=market,
        definitions=loader.definition_specs,
    )
    return ruleset, loader.problems, loader.documents


def load_ruleset(folder: Path, functions: Mapping[str, Function]) -> RuleSet:
    """Load a rule set for evaluation; refuse it if it does not compile or the linter finds anything."""
    ruleset, problems, documents = compile_ruleset(folder, functions)
    if ruleset is None or problems:
        raise InputError(problems)
    findings = lint(ruleset, documents)
    if findings:
        raise InputError(findings)
    return ruleset
