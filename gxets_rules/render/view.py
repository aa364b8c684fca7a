"""What a review report shows, picked out of the typed result in one language.

The HTML and the Excel report lay out the same things — the verdict, the reconciliation of each need, the emissions
paths, the position, the lots and their criteria, the purchase plan, the evidence — so both read them through this
one view. A view selects, orders and words; it never computes a figure: every number it hands on is a value found in
the result, next to the clause it cites. It reads the :class:`Result` model, never JSON: a figure says its unit and
kind, the plan's models declare the unit of each field, so nothing is inferred from a key's name or a value's shape.
Conventions it relies on (documented in docs/reports.md): ``position.status`` is the verdict, ``coverage`` holds the
needs and the offsets to buy, figures with unit ``date`` are the dates that matter, and the ``position.series``
section holds the yearly paths the chart draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pydantic import BaseModel

from gxets_rules.model.base import LocalizedText
from gxets_rules.model.plan import Plan, unit_of
from gxets_rules.model.result import (
    CriterionFacts,
    Figure,
    InterpretationUse,
    LotResult,
    NotDefinedFigure,
    QuantitySpec,
    QuantityTrace,
    Result,
)
from gxets_rules.render.catalogue import Text

SERIES_SECTION = "position.series"
PLAN_SINGLES = ("last_order", "payment", "title")
"""Parts of the plan shown as one value each (the first two only when there is none), in this order."""
PLAN_TABLES = ("calendar", "excluded", "last_order", "lines", "needs", "payment", "snapshot", "terms", "totals")
"""Parts of the plan shown as a table of its records (a single record: one row), in this order, when present."""


@dataclass(frozen=True)
class Cited:
    """One figure of the result as a report shows it, with the quantity, formula and clause behind it."""

    path: str
    title: str
    value: Any
    unit: str | None
    shown: str
    quantity: str | None = None
    formula: str | None = None
    source: str | None = None
    interpretations: tuple[str, ...] = ()
    by_fy: Mapping[int, Any] | None = None  # a per-year figure: its value of each fiscal year, in year order


@dataclass(frozen=True)
class Cap:
    title: str
    cap_t: int
    used_t: int
    source: str | None
    interpretations: tuple[str, ...]


@dataclass(frozen=True)
class Need:
    """One need (a shortfall): the figures it was derived from, how it is covered, and what is left to buy."""

    id: str
    title: str
    need: Cited
    basis: tuple[Cited, ...]
    covered: tuple[tuple[str, int], ...]
    caps: tuple[Cap, ...]
    offsets_to_buy_t: int


@dataclass(frozen=True)
class Series:
    title: str
    points: tuple[tuple[int, int | None], ...]  # (fiscal year, value) in year order; None: not given
    source: str | None


@dataclass(frozen=True)
class Section:
    path: str
    title: str
    rows: tuple[Cited, ...]


@dataclass(frozen=True)
class Table:
    """Records of one of the plan's parts: headings from the catalogue, the unit each column declares."""

    keys: tuple[str, ...]
    headings: tuple[str, ...]
    units: tuple[str | None, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Read:
    """One value a criterion read: an input at its path, or a parameter of a fiscal year with its clause."""

    name: str
    shown: str
    fy: int | None = None  # a parameter's fiscal year; None for an input
    source: str | None = None


@dataclass(frozen=True)
class RunRow:
    """One line of the run record; a digest (a SHA-256) is set apart so that it reads as one."""

    title: str
    value: str
    digest: bool = False


@dataclass(frozen=True)
class Evidence:
    lot: str
    criterion: str
    outcome: str
    kind: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


def group_digits(text: str) -> str:
    """``2108108.108108`` → ``2,108,108.108108``: a decimal rendering from the result, made readable."""
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, fraction = digits.partition(".")
    return f"{sign}{int(whole):,}{dot}{fraction}" if whole.isdigit() else text


def trace_interpretations(result: Result, trace: QuantityTrace) -> tuple[str, ...]:
    """The interpretations one value of a quantity relied on: its own and those of the parameters it read."""
    spec = result.catalogue.quantities[trace.id]
    params = (result.catalogue.params[pid] for pid in trace.params)
    return tuple(sorted({*spec.interpretations, *(i for param in params for i in param.interpretations)}))


class ReportView:
    """The result of one check, in one language, as the reports lay it out."""

    def __init__(self, result: Result, lang: str) -> None:
        self.result = result
        self.t = Text(lang)
        self.lang = lang
        self._quantities = {(q.id, q.fy): q for q in result.quantities}
        self._first: dict[str, QuantityTrace] = {}  # quantity id → its first trace (whichever year)
        self._order: dict[str, int] = {}
        for index, trace in enumerate(result.quantities):
            self._first.setdefault(trace.id, trace)
            self._order.setdefault(trace.id, index)

    # figures ------------------------------------------------------------------------------------------------------
    def shown(self, value: Any, unit: str | None = None, labels: Mapping[str, LocalizedText] | None = None) -> str:
        """A result value for people: a label by its words, unknown as "not defined"."""
        if isinstance(value, str) and labels and value in labels:
            return self.t.localized(labels[value])
        if value is None:
            return self.t("not_defined")
        return self.t.value(value, unit)

    def shown_figure(self, figure: Figure) -> str:
        """A figure for people; a per-year figure as ``FY2023 900,000 · …``."""
        if isinstance(figure, NotDefinedFigure):
            return self.t("not_defined")
        if figure.by_fy is not None:
            return " · ".join(f"FY{fy} {self.t.value(v)}" for fy, v in figure.by_fy.items())
        spec = self.spec(figure.quantity)
        return self.shown(figure.value, figure.unit, spec.labels if spec else None)

    def quantity(self, qid: str | None, fy: int | None = None) -> QuantityTrace | None:
        """The trace of one value of a quantity (of one fiscal year for a per-year one)."""
        return self._quantities.get((qid, fy)) if qid else None

    def spec(self, qid: str | None) -> QuantitySpec | None:
        """What a quantity is — title, unit, formula, clause."""
        return self.result.catalogue.quantities.get(qid) if qid else None

    def _cited(self, path: str, title: str, value: Any, unit: str | None, shown: str, qid: str | None) -> Cited:
        """A figure with its quantity's formula, clause and the interpretations its (first) value relied on."""
        spec, first = self.spec(qid), self._first.get(qid) if qid else None
        return Cited(
            path=path,
            title=title,
            value=value,
            unit=unit,
            shown=shown,
            quantity=qid,
            formula=spec.formula if spec and first else None,
            source=spec.source if spec and first else None,
            interpretations=trace_interpretations(self.result, first) if first else (),
        )

    def cited(self, path: str) -> Cited:
        """The output at a dotted path (``position.direct.actual_t``) with its quantity's formula and clause."""
        figure = self.result.position.by_path[path]
        spec = self.spec(figure.quantity)
        title = self.t.localized(spec.title) if spec else self.t.get("field." + path.rsplit(".", 1)[-1], path)
        value = None if isinstance(figure, NotDefinedFigure) else figure.value
        by_fy = None if isinstance(figure, NotDefinedFigure) else figure.by_fy
        cited = self._cited(path, title, value, figure.unit, self.shown_figure(figure), figure.quantity)
        return replace(cited, by_fy=by_fy)

    def traced(self, trace: QuantityTrace) -> Cited:
        """A quantity of the trace as a figure; an exact fraction is shown by its six-decimal rendering."""
        spec = self.result.catalogue.quantities[trace.id]
        value, unit = trace.value, spec.unit
        shown = group_digits(trace.decimal) if value is None and trace.decimal else self.shown(value, unit)
        if value is None and trace.decimal and unit in {"t", "jpy"}:
            shown += f" {self.t('unit.' + unit)}"
        return Cited(
            path=f"quantities.{trace.id}",
            title=self.t.localized(spec.title),
            value=value,
            unit=unit,
            shown=shown,
            quantity=trace.id,
            formula=spec.formula,
            source=spec.source,
            interpretations=trace_interpretations(self.result, trace),
        )

    # the header ---------------------------------------------------------------------------------------------------
    @property
    def group(self) -> str | None:
        """The firm's group as a header names it (``Group G``); None for a firm in no group, whose header omits it."""
        group = self.result.firm.group
        return f"{self.t('group')} {group}" if group else None

    @property
    def ruleset_from_path(self) -> str | None:
        """For a rule set chosen from a folder (``--ruleset PATH``), the warning every report shows beside its name."""
        ruleset = self.result.ruleset
        if ruleset.source != "path":
            return None
        return f"{self.t('ruleset.from_path')} (SHA-256 {ruleset.sha256[:12]})"

    # the verdict --------------------------------------------------------------------------------------------------
    @property
    def status(self) -> Cited | None:
        return self.cited("position.status") if "position.status" in self.result.position.by_path else None

    @property
    def offsets_to_buy_t(self) -> int:
        return self.result.coverage.offsets_to_buy_t

    @property
    def to_buy_title(self) -> str:
        """What the uncovered rest is called: the rule set's words (allowances to surrender …), else offsets to buy."""
        worded = self.result.catalogue.to_buy
        return self.t.localized(worded.title if worded else None) or self.t("offsets_to_buy")

    def dates(self) -> list[Cited]:
        """Every dated output of the position (deadlines, submission period), in the rule set's order."""
        paths = [figure.path for figure in self.result.position.figures if figure.unit == "date"]
        return [self.cited(path) for path in self._in_rule_order(paths)]

    # the reconciliation -------------------------------------------------------------------------------------------
    def needs(self) -> list[Need]:
        described = {need.id: need for need in self.result.catalogue.needs}
        needs = []
        for need in self.result.coverage.needs:
            spec, path = described[need.id], f"coverage.needs.{need.id}"
            figure = self._cited(
                f"{path}.need_t",
                self.t.localized(spec.title),
                need.need_t,
                "t",
                self.shown(need.need_t, "t"),
                spec.quantity,
            )
            amount = self.quantity(spec.quantity)
            basis = [self.quantity(used) for used in (amount.uses if amount else [])]
            caps = []
            for cls, cap in need.caps.items():
                qid = spec.caps.get(cls)
                quantity = self.spec(qid)
                key = f"{cls}_cap_t"
                title = self.t.localized(quantity.title) if quantity else self.t.get("field." + key, f"{path}.{key}")
                cited = self._cited(f"{path}.{key}", title, cap.cap_t, "t", self.shown(cap.cap_t, "t"), qid)
                caps.append(Cap(cited.title, cap.cap_t, cap.usable_t, cited.source, cited.interpretations))
            needs.append(
                Need(
                    id=need.id,
                    title=figure.title or self.t.get("need." + need.id, need.id),
                    need=figure,
                    basis=tuple(self.traced(q) for q in basis if q is not None),
                    covered=tuple((self.t.kind(row.kind), row.usable_t) for row in need.usable_by_kind),
                    caps=tuple(caps),
                    offsets_to_buy_t=need.offsets_to_buy_t,
                )
            )
        return needs

    # the chart ----------------------------------------------------------------------------------------------------
    def series(self) -> tuple[list[Series], list[Cited]]:
        """The yearly paths of ``position.series`` and its single figures (e.g. the Phase-1 total target)."""
        paths = [f.path for f in self.result.position.figures if f.path.rsplit(".", 1)[0] == SERIES_SECTION]
        series, notes = [], []
        for path in self._in_rule_order(paths):
            figure = self.cited(path)
            if figure.by_fy:
                series.append(Series(figure.title, tuple(figure.by_fy.items()), figure.source))
            else:
                notes.append(figure)
        return series, notes

    # the position -------------------------------------------------------------------------------------------------
    def sections(self, with_series: bool = False) -> list[Section]:
        """Every output section of the position (the chart's only if asked), fields in the rule set's order."""
        by_section: dict[str, list[str]] = {}
        for path in self._in_rule_order([figure.path for figure in self.result.position.figures]):
            section = path.rsplit(".", 1)[0]
            if with_series or section != SERIES_SECTION:
                by_section.setdefault(section, []).append(path)
        return [
            Section(section, self.t.get("section." + section, section), tuple(self.cited(p) for p in paths))
            for section, paths in by_section.items()
        ]

    def _in_rule_order(self, paths: list[str]) -> list[str]:
        """Output paths in the order the rule set defines their quantities (the result keeps them by path)."""
        figures, last = self.result.position.by_path, len(self._order)
        return sorted(paths, key=lambda p: (self._order.get(figures[p].quantity or "", last), p))

    # the lots -----------------------------------------------------------------------------------------------------
    def criteria(self, lot: LotResult) -> list[CriterionFacts]:
        """Every criterion of a lot, in the rule set's order, with its message, citation and reads."""
        return self.result.criteria_of(lot)

    def failing(self, lot: LotResult) -> list[CriterionFacts]:
        """The criteria that keep a lot from counting: failed or undecided."""
        return [c for c in self.criteria(lot) if c.not_met]

    def reads(self, criterion: CriterionFacts) -> list[Read]:
        """What a criterion that is not met read — its inputs, then its parameters — so a reviewer sees why it did not
        pass; nothing for one that is met (its reads would bury the ones that matter)."""
        if not criterion.not_met:
            return []
        inputs = [Read(path, self.cell(value)) for path, value in sorted(criterion.inputs.items())]
        return inputs + [Read(p.name, self.cell(p.value), p.fy, p.source) for p in criterion.params]

    def interpretations(self) -> list[InterpretationUse]:
        """The interpretations the result's figures and decisions relied on, by id."""
        return list(self.result.relied_on())

    # the run ------------------------------------------------------------------------------------------------------
    def run_rows(self) -> list[RunRow]:
        """What ran on what: engine, rule-set revision, evaluation date and the hash of every input."""
        t, result = self.t, self.result
        ruleset = result.ruleset
        return [
            RunRow(t("report.engine"), f"gxets-rules {result.run.engine}"),
            RunRow(
                t("ruleset"),
                f"{ruleset.id} {ruleset.version} — {t.localized(ruleset.title)}"
                + (f" · {self.ruleset_from_path}" if self.ruleset_from_path else ""),
            ),
            RunRow(t("report.ruleset_sha256"), ruleset.sha256, digest=True),
            RunRow(t("as_of"), result.as_of.isoformat()),
            *(
                RunRow(f"{t('report.input')}: {name}", digest, digest=True)
                for name, digest in result.run.inputs.items()
            ),
        ]

    # the purchase plan --------------------------------------------------------------------------------------------
    def plan(self) -> tuple[list[tuple[str, Any, str | None]], list[Table]]:
        """The purchase plan: its single values (title, value, unit) and a table for each part made of records."""
        plan = self.result.plan
        if plan is None:
            return [], []
        singles: list[tuple[str, Any, str | None]] = [
            (self.heading(name), getattr(plan, name), None)
            for name in PLAN_SINGLES
            if name == "title" or getattr(plan, name) is None
        ]
        tables = []
        for name in PLAN_TABLES:
            value = getattr(plan, name)
            records = value if isinstance(value, list) else [] if value is None else [value]
            if records:
                tables.append(self.table(records))
        return singles, tables

    def table(self, records: list[BaseModel]) -> Table:
        model = type(records[0])
        keys = tuple(sorted(model.model_fields))
        return Table(
            keys=keys,
            headings=tuple(self.heading(k) for k in keys),
            units=tuple(unit_of(model, k) for k in keys),
            rows=tuple(tuple(getattr(record, k) for k in keys) for record in records),
        )

    def heading(self, key: str) -> str:
        """A column's title: the catalogue's, else the plan's own vocabulary's, else the key itself."""
        plan: Plan | None = self.result.plan
        entry = plan.vocabulary.get(key) if plan else None
        return self.t.get("plan." + key, self.t.localized(entry.title) if entry else key)

    def cell(self, value: Any, unit: str | None = None) -> str:
        """Any value of a record as text: texts in this language, numbers grouped, records as ``field: value``."""
        if isinstance(value, LocalizedText):
            return self.t.localized(value)
        if isinstance(value, BaseModel):
            value = {name: getattr(value, name) for name in sorted(type(value).model_fields)}
        if isinstance(value, list | tuple):
            return ", ".join(self.cell(v) for v in value)
        if isinstance(value, dict):
            return ", ".join(f"{k}: {self._field(k, v)}" for k, v in value.items())
        return self.shown(value.isoformat() if isinstance(value, date) else value, unit)

    def _field(self, key: str, value: Any) -> str:
        """A field of a nested record; its fiscal year (``fy``) is a year, not an amount: 2025, never 2,025."""
        return str(value) if key == "fy" and type(value) is int else self.cell(value)

    def evidence(self) -> list[Evidence]:
        """Every piece of evidence (e.g. ownership witness paths) behind every criterion of every lot."""
        return [
            Evidence(lot.id, c.id, c.outcome, item.kind, item.text, item.data)
            for lot in self.result.lots
            for c in self.criteria(lot)
            for item in c.evidence
        ]
