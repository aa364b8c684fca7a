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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pydantic import BaseModel

from gxets_rules.model.base import LocalizedText, entry_kind
from gxets_rules.model.plan import Plan
from gxets_rules.model.result import (
    NOT_MET,
    OUTCOMES,
    CriterionFacts,
    CriterionSpec,
    EvidenceItem,
    Figure,
    InterpretationUse,
    LotResult,
    NotDefinedFigure,
    QuantitySpec,
    QuantityTrace,
    Result,
)
from gxets_rules.model.submission import CreditLot
from gxets_rules.render.catalogue import Text
from gxets_rules.render.evidence import EvidenceWords
from gxets_rules.render.plan_view import PlanTable, PlanView, session_time

SERIES_SECTION = "position.series"
PURPOSES = ("precheck", "review")
"""Who a report is for: a firm's own pre-check (事前確認レポート) or the secretariat's review of it (審査結果)."""


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
    decimal: str | None = None  # an exact fraction's six-decimal rendering (its value is then None)


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
class Tally:
    """One line of the summary's account of the tonnes: what they are and how many."""

    key: str
    title: str
    tonnes: int


@dataclass(frozen=True)
class Provenance:
    """What the figures rest on: the rule set, its version, and the primary documents whose clause-by-clause
    confirmation is still pending (the rule set's sources marked ``confirmed: false``)."""

    title: str
    ruleset: str
    version: str
    pending: tuple[str, ...]
    sources: int


@dataclass(frozen=True)
class Summary:
    """The box at the top: the status, what is still to procure, where every tonne went, the dates that matter and
    what the figures rest on. ``tone``: alert (something to procure), warn (lots to cancel or to review), ok."""

    status: Cited | None
    tone: str
    to_buy_title: str
    to_buy_t: int
    need_t: int
    need: tuple[Tally, ...]
    lots: tuple[Tally, ...]
    dates: tuple[tuple[str, Any], ...]
    provenance: Provenance


@dataclass(frozen=True)
class CriterionTally:
    """A criterion over all lots: how many lots had each outcome (layout only: a count of what the result says)."""

    spec: CriterionSpec
    counts: dict[str, int]


@dataclass(frozen=True)
class LotNotMet:
    """A lot with criteria that failed or are undecided: those in full, the others counted."""

    index: int  # the lot's place in the result (its anchor in the page)
    lot: LotResult
    criteria: list[CriterionFacts]
    others: int


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


YEAR_INPUTS = frozenset(
    f"lot.{name}" for name, info in CreditLot.model_fields.items() if entry_kind(info.annotation, info.metadata) == "fy"
)
"""The lot fields a criterion may read that hold a fiscal year (``Entry("fy")`` in the model): FY2018, never 2,018."""


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

    def __init__(self, result: Result, lang: str, purpose: str = "precheck") -> None:
        if purpose not in PURPOSES:
            raise ValueError(f"a report is for one of {', '.join(PURPOSES)}, not {purpose!r}")
        self.result = result
        self.t = Text(lang)
        self.lang = lang
        self.purpose = purpose
        self._words = EvidenceWords(self.t)
        self._evidence: list[Evidence] | None = None
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
            decimal=trace.decimal if value is None else None,
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

    @property
    def title(self) -> str:
        """事前確認レポート for a firm's own check, 審査結果 for the secretariat's (GLOSSARY: report kinds)."""
        return self.t(f"report.title.{self.purpose}")

    # the summary --------------------------------------------------------------------------------------------------
    def summary(self) -> Summary:
        """The summary box: every tonne accounted for from the coverage's own figures (nothing added up here)."""
        t, cov = self.t, self.result.coverage
        tone = "alert" if cov.offsets_to_buy_t > 0 else "warn" if cov.planned_t or cov.pending_review_t else "ok"
        need = (
            Tally("cancelled", t("summary.cancelled"), cov.cancelled_t),
            Tally("planned", t("summary.planned"), cov.planned_t),
            Tally("to_buy", self.to_buy_title, cov.offsets_to_buy_t),
        )
        lots = [
            Tally("usable", t("summary.lots_usable"), cov.usable_t),
            Tally("surplus", t("summary.lots_surplus"), cov.surplus_t),
            Tally("pending", t("summary.lots_pending"), cov.pending_review_t),
            Tally("ineligible", t("summary.lots_ineligible"), cov.ineligible_t),
        ]
        if cov.not_counted_t:
            lots.append(Tally("not_counted", t("summary.lots_not_counted"), cov.not_counted_t))
        return Summary(
            status=self.status,
            tone=tone,
            to_buy_title=self.to_buy_title,
            to_buy_t=cov.offsets_to_buy_t,
            need_t=cov.need_t,
            need=need,
            lots=tuple(lots),
            dates=tuple(self.key_dates()),
            provenance=self.provenance(),
        )

    def key_dates(self) -> list[tuple[str, Any]]:
        """The dates that matter, as dates (a value not known: its words): the position's dated outputs, then the
        plan's last order session and the payment in lieu's due date."""
        dates: list[tuple[str, Any]] = [
            (figure.title, figure.value if isinstance(figure.value, date) else figure.shown) for figure in self.dates()
        ]
        plan = self.result.plan
        if plan is not None:
            words = PlanView(plan, self.t)
            if plan.last_order is not None:
                dates.append((words.word("last_order"), session_time(plan.last_order)))
            if plan.payment is not None:
                dates.append((f"{self.t.localized(plan.payment.title)}: {words.word('due')}", plan.payment.due))
        return dates

    def provenance(self) -> Provenance:
        ruleset, sources = self.result.ruleset, self.result.catalogue.sources
        return Provenance(
            title=self.t.localized(ruleset.title),
            ruleset=ruleset.id,
            version=ruleset.version,
            pending=tuple(source.id for source in sources if source.confirmed is False),
            sources=len(sources),
        )

    def provenance_text(self) -> str:
        """The provenance in one line (the workbook's; the page sets the document ids apart)."""
        found, t = self.provenance(), self.t
        head = t("report.provenance").format(title=found.title, ruleset=found.ruleset, version=found.version)
        if found.pending:
            return head + t("report.provenance.pending").format(documents=", ".join(found.pending))
        return head + t("report.provenance.sources").format(count=found.sources)

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
        return self.result.criteria_of(lot, NOT_MET)

    def failing_ids(self, lot: LotResult) -> list[tuple[str, str]]:
        """The ids and outcomes of a lot's criteria that failed or are undecided, in the rule set's order (no facts
        joined: the lots table names them)."""
        order = self.result.criterion_index
        found: list[tuple[str, str]] = [(cid, c.outcome) for cid, c in lot.criteria.items() if c.outcome in NOT_MET]
        return sorted(found, key=lambda f: order[f[0]][0]) if len(found) > 1 else found

    def criterion_ids(self, lot: LotResult, outcome: str) -> list[str]:
        """The ids of a lot's criteria of one outcome, in the rule set's order (no facts joined: a table of ids)."""
        order = self.result.criterion_index
        return sorted((cid for cid, c in lot.criteria.items() if c.outcome == outcome), key=lambda c: order[c][0])

    def criteria_tally(self) -> list[CriterionTally]:
        """Each criterion of the catalogue with the number of lots of each outcome, in the rule set's order: what the
        passes are summarised as, so a result of 100,000 lots stays readable."""
        counts: dict[str, dict[str, int]] = {
            spec.id: dict.fromkeys(OUTCOMES, 0) for spec in self.result.catalogue.criteria
        }
        for lot in self.result.lots:
            for cid, record in lot.criteria.items():
                counts[cid][record.outcome] += 1
        return [CriterionTally(spec, counts[spec.id]) for spec in self.result.catalogue.criteria]

    def not_met(self) -> Iterator[LotNotMet]:
        """Every lot with a criterion that failed or is undecided, those criteria in full (the rest counted)."""
        for index, lot in enumerate(self.result.lots):
            if any(c.outcome in NOT_MET for c in lot.criteria.values()):  # facts joined only for such a lot
                found = self.failing(lot)
                yield LotNotMet(index, lot, found, len(lot.criteria) - len(found))

    def plan_table(self) -> PlanTable | None:
        """The purchase plan as a table, when the result has one."""
        plan: Plan | None = self.result.plan
        return None if plan is None else PlanView(plan, self.t).table()

    def reads(self, criterion: CriterionFacts) -> list[Read]:
        """What a criterion that is not met read — its inputs, then its parameters — so a reviewer sees why it did not
        pass; nothing for one that is met (its reads would bury the ones that matter)."""
        if not criterion.not_met:
            return []
        inputs = [
            Read(path, self.cell(value, "fy" if path in YEAR_INPUTS else None))
            for path, value in sorted(criterion.inputs.items())
        ]
        return inputs + [Read(p.name, self.cell(p.value, p.unit), p.fy, p.source) for p in criterion.params]

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

    def evidence_text(self, item: EvidenceItem) -> str:
        """A piece of evidence in this view's language (the same facts worded once per view)."""
        return self._words(item)

    def passed_evidence(self) -> list[Evidence]:
        """The evidence behind criteria that were met (e.g. the ownership path that made a lot's involvement count):
        the page lists the failed and undecided criteria in full, and these beside them."""
        return [e for e in self.evidence() if e.outcome not in NOT_MET]

    def evidence(self) -> list[Evidence]:
        """Every piece of evidence (e.g. ownership witness paths) behind every criterion of every lot, criteria in the
        rule set's order. Worded once per view: the page and the workbook of one check share their view."""
        if self._evidence is None:
            order = self.result.criterion_index
            self._evidence = [
                Evidence(lot.id, cid, record.outcome, item.kind, self._words(item), item.data)
                for lot in self.result.lots
                for cid, record in sorted(
                    ((cid, record) for cid, record in lot.criteria.items() if record.evidence),
                    key=lambda found: order[found[0]][0],
                )
                for item in record.evidence
            ]
        return self._evidence
