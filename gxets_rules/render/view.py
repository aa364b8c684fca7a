"""What a review report shows, picked out of the result JSON in one language.

The HTML and the Excel report lay out the same things — the verdict, the reconciliation of each need, the emissions
paths, the position, the lots and their criteria, the purchase plan, the evidence — so both read them through this
one view. A view selects, orders and words; it never computes a figure: every number it hands on is a value found in
the result, next to the clause it cites. Conventions it relies on (documented in docs/reports.md): ``position.status``
is the verdict, ``coverage`` holds the needs and the offsets to buy, fields with unit ``date`` are the dates that
matter, and the ``position.series`` section holds the yearly paths the chart draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gxets_rules.evaluate.trace import result_field
from gxets_rules.model.result import TO_BUY_FIELD
from gxets_rules.render.catalogue import Text

SERIES_SECTION = "position.series"


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
    """A list of records of unknown shape (e.g. the purchase plan's rows), with headings from the catalogue."""

    keys: tuple[str, ...]
    headings: tuple[str, ...]
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


def unit_of_key(key: str) -> str | None:
    """The unit a record's key names by the glossary's suffixes: ``…_jpy_per_t`` yen a tonne, ``…_t`` tonnes, ``…_jpy``
    yen."""
    if key.endswith("_jpy_per_t"):
        return "jpy_per_t"
    if key.endswith("_t"):
        return "t"
    if key.endswith("_jpy"):
        return "jpy"
    return None


def group_digits(text: str) -> str:
    """``2108108.108108`` → ``2,108,108.108108``: a decimal rendering from the result, made readable."""
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, fraction = digits.partition(".")
    return f"{sign}{int(whole):,}{dot}{fraction}" if whole.isdigit() else text


def not_met(criterion: dict[str, Any]) -> bool:
    """A criterion that keeps its lot from counting: failed, or undecided (``indeterminate``)."""
    return criterion["outcome"] in ("fail", "indeterminate")


def is_per_fy(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(str(key).isdigit() for key in value)


class ReportView:
    """The result of one check, in one language, as the reports lay it out."""

    def __init__(self, result: dict[str, Any], lang: str) -> None:
        self.result = result
        self.t = Text(lang)
        self.lang = lang
        self._quantities = {(q["id"], q["fy"]): q for q in result["quantities"]}
        self._definitions: dict[str, dict[str, Any]] = {}  # quantity id → its first trace (title, formula, source)
        self._order: dict[str, int] = {}
        for index, quantity in enumerate(result["quantities"]):
            self._definitions.setdefault(quantity["id"], quantity)
            self._order.setdefault(quantity["id"], index)

    # figures ------------------------------------------------------------------------------------------------------
    def shown(self, value: Any, unit: str | None = None, labels: dict[str, Any] | None = None) -> str:
        """A result value for people; per-year maps as ``FY2023 900,000 · …``."""
        if is_per_fy(value):
            return " · ".join(f"FY{fy} {self.t.value(v)}" for fy, v in value.items())
        if isinstance(value, str) and labels and value in labels:
            return self.t.localized(labels[value])
        if value is None:
            return self.t("not_defined")
        return self.t.value(value, unit)

    def quantity(self, qid: str | None, fy: int | None = None) -> dict[str, Any] | None:
        """The trace of one value of a quantity (of one fiscal year for a per-year one)."""
        return self._quantities.get((qid, fy)) if qid else None

    def definition(self, qid: str | None) -> dict[str, Any] | None:
        """What a quantity is — title, formula, clause — whichever of its years is asked."""
        return self._definitions.get(qid) if qid else None

    def cited(self, path: str) -> Cited:
        """The output at a dotted path (``position.direct.actual_t``) with its quantity's formula and clause."""
        spec = self.result["fields"].get(path) or {}
        value = result_field(self.result, path)
        quantity = self.definition(spec.get("quantity"))
        title = self.t.localized(spec.get("title")) or self.t.get("field." + path.rsplit(".", 1)[-1], path)
        return Cited(
            path=path,
            title=title,
            value=value,
            unit=spec.get("unit"),
            shown=self.shown(value, spec.get("unit"), spec.get("labels")),
            quantity=spec.get("quantity"),
            formula=quantity["formula"] if quantity else None,
            source=quantity["source"] if quantity else None,
            interpretations=tuple(quantity["interpretations"]) if quantity else (),
        )

    def traced(self, quantity: dict[str, Any]) -> Cited:
        """A quantity of the trace as a figure; an exact fraction is shown by its six-decimal rendering."""
        value, unit = quantity["value"], quantity["unit"]
        shown = group_digits(quantity["decimal"]) if value is None and quantity["decimal"] else self.shown(value, unit)
        if value is None and quantity["decimal"] and unit in {"t", "jpy"}:
            shown += f" {self.t('unit.' + unit)}"
        return Cited(
            path=f"quantities.{quantity['id']}",
            title=self.t.localized(quantity["title"]),
            value=value,
            unit=unit,
            shown=shown,
            quantity=quantity["id"],
            formula=quantity["formula"],
            source=quantity["source"],
            interpretations=tuple(quantity["interpretations"]),
        )

    # the header ---------------------------------------------------------------------------------------------------
    @property
    def group(self) -> str | None:
        """The firm's group as a header names it (``Group G``); None for a firm in no group, whose header omits it."""
        group = self.result["firm"].get("group")
        return f"{self.t('group')} {group}" if group else None

    @property
    def ruleset_from_path(self) -> str | None:
        """For a rule set chosen from a folder (``--ruleset PATH``), the warning every report shows beside its name."""
        ruleset = self.result["ruleset"]
        if ruleset.get("source") != "path":
            return None
        return f"{self.t('ruleset.from_path')} (SHA-256 {ruleset['sha256'][:12]})"

    # the verdict --------------------------------------------------------------------------------------------------
    @property
    def status(self) -> Cited | None:
        return self.cited("position.status") if "position.status" in self.result["fields"] else None

    @property
    def offsets_to_buy_t(self) -> int:
        return int(self.result["coverage"]["offsets_to_buy_t"])

    @property
    def to_buy_title(self) -> str:
        """What the uncovered rest is called: the rule set's words (allowances to surrender …), else offsets to buy."""
        spec = self.result["fields"].get(TO_BUY_FIELD) or {}
        return self.t.localized(spec.get("title")) or self.t("offsets_to_buy")

    def dates(self) -> list[Cited]:
        """Every dated output of the position (deadlines, submission period), in the rule set's order."""
        paths = [path for path, spec in self.result["fields"].items() if spec.get("unit") == "date"]
        return [self.cited(path) for path in self._in_rule_order(paths)]

    # the reconciliation -------------------------------------------------------------------------------------------
    def needs(self) -> list[Need]:
        coverage = self.result["coverage"]
        needs = []
        for need_id, need in coverage["needs"].items():
            path = f"coverage.needs.{need_id}"
            figure = self.cited(f"{path}.need_t")
            amount = self.quantity(figure.quantity)
            basis = [self.quantity(used) for used in (amount or {}).get("uses", [])]
            caps = []
            for key, cap_t in need.items():
                if key.endswith("_cap_t"):
                    cap = self.cited(f"{path}.{key}")
                    caps.append(
                        Cap(
                            cap.title,
                            cap_t,
                            need[key.removesuffix("_cap_t") + "_usable_t"],
                            cap.source,
                            cap.interpretations,
                        )
                    )
            needs.append(
                Need(
                    id=need_id,
                    title=figure.title or self.t.get("need." + need_id, need_id),
                    need=figure,
                    basis=tuple(self.traced(q) for q in basis if q is not None),
                    covered=tuple(
                        (self.t.kind(row["kind"]), row["usable_t"]) for row in need.get("usable_by_kind", [])
                    ),
                    caps=tuple(caps),
                    offsets_to_buy_t=need["offsets_to_buy_t"],
                )
            )
        return needs

    # the chart ----------------------------------------------------------------------------------------------------
    def series(self) -> tuple[list[Series], list[Cited]]:
        """The yearly paths of ``position.series`` and its single figures (e.g. the Phase-1 total target)."""
        values = result_field(self.result, SERIES_SECTION) or {}
        paths = self._in_rule_order([f"{SERIES_SECTION}.{name}" for name in values])
        series, notes = [], []
        for path in paths:
            figure = self.cited(path)
            if is_per_fy(figure.value):
                points = tuple(sorted((int(fy), v) for fy, v in figure.value.items()))
                series.append(Series(figure.title, points, figure.source))
            else:
                notes.append(figure)
        return series, notes

    # the position -------------------------------------------------------------------------------------------------
    def sections(self, with_series: bool = False) -> list[Section]:
        """Every output section of the position (the chart's only if asked), fields in the rule set's order."""
        by_section: dict[str, list[str]] = {}
        for path in self._in_rule_order([p for p in self.result["fields"] if p.startswith("position.")]):
            section = path.rsplit(".", 1)[0]
            if with_series or section != SERIES_SECTION:
                by_section.setdefault(section, []).append(path)
        return [
            Section(section, self.t.get("section." + section, section), tuple(self.cited(p) for p in paths))
            for section, paths in by_section.items()
        ]

    def _in_rule_order(self, paths: list[str]) -> list[str]:
        """Output paths in the order the rule set defines their quantities (the JSON itself is sorted by name)."""
        fields = self.result["fields"]
        last = len(self._order)
        return sorted(paths, key=lambda p: (self._order.get((fields.get(p) or {}).get("quantity"), last), p))

    # the lots -----------------------------------------------------------------------------------------------------
    def failing(self, lot: dict[str, Any]) -> list[dict[str, Any]]:
        """The criteria that keep a lot from counting: failed or undecided."""
        return [c for c in lot["criteria"] if not_met(c)]

    def reads(self, criterion: dict[str, Any]) -> list[Read]:
        """What a criterion that is not met read — its inputs, then its parameters — so a reviewer sees why it did not
        pass; nothing for one that is met (its reads would bury the ones that matter)."""
        if not not_met(criterion):
            return []
        inputs = [Read(path, self.cell(value)) for path, value in criterion["inputs"].items()]
        return inputs + [Read(p["name"], self.cell(p["value"]), p["fy"], p["source"]) for p in criterion["params"]]

    # the run ------------------------------------------------------------------------------------------------------
    def run_rows(self) -> list[RunRow]:
        """What ran on what: engine, rule-set revision, evaluation date and the hash of every input."""
        t, run = self.t, self.result["run"]
        ruleset = run["ruleset"]
        return [
            RunRow(t("report.engine"), f"gxets-rules {run['engine']}"),
            RunRow(
                t("ruleset"),
                f"{ruleset['id']} {ruleset['version']} — {t.localized(ruleset['title'])}"
                + (f" · {self.ruleset_from_path}" if self.ruleset_from_path else ""),
            ),
            RunRow(t("report.ruleset_sha256"), ruleset["sha256"], digest=True),
            RunRow(t("as_of"), run["as_of"]),
            *(RunRow(f"{t('report.input')}: {name}", digest, digest=True) for name, digest in run["inputs"].items()),
        ]

    # parts built by others, shown when present --------------------------------------------------------------------
    def plan(self) -> tuple[list[tuple[str, Any, str | None]], list[Table]]:
        """The purchase plan, whatever its shape: single values (title, value, unit) and tables of its records."""
        plan = self.result.get("plan")
        if not isinstance(plan, dict):
            return [], []
        singles: list[tuple[str, Any, str | None]] = []
        tables: list[Table] = []
        for key, value in plan.items():
            if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
                tables.append(self.table(value))
            elif self._is_record(value):  # one record (e.g. the totals, the payment in lieu): a table of one row
                tables.append(self.table([value]))
            elif not isinstance(value, list | dict) or self._is_text(value):
                singles.append((self.heading(key), value, unit_of_key(key)))
        return singles, tables

    def table(self, records: list[dict[str, Any]]) -> Table:
        keys: list[str] = []
        for record in records:
            keys.extend(k for k in record if k not in keys)
        return Table(
            keys=tuple(keys),
            headings=tuple(self.heading(k) for k in keys),
            rows=tuple(tuple(record.get(k) for k in keys) for record in records),
        )

    def heading(self, key: str) -> str:
        """A column's title: the catalogue's, else the plan's own vocabulary's, else the key itself."""
        plan = self.result.get("plan")
        vocabulary = plan.get("vocabulary", {}) if isinstance(plan, dict) else {}
        entry = vocabulary.get(key)
        return self.t.get("plan." + key, self.t.localized(entry["title"]) if isinstance(entry, dict) else key)

    def _is_record(self, value: Any) -> bool:
        """A mapping of fields rather than a mapping of records (such as the plan's vocabulary) or a text."""
        return (
            isinstance(value, dict)
            and not self._is_text(value)
            and not all(isinstance(field, dict) for field in value.values())
        )

    def _is_text(self, value: Any) -> bool:
        return isinstance(value, dict) and set(value) == {"ja", "en"}

    def cell(self, value: Any, unit: str | None = None) -> str:
        """Any value of a record as text: localized texts picked, numbers grouped, lists joined."""
        if self._is_text(value):
            return self.t.localized(value)
        if isinstance(value, list):
            return ", ".join(self.cell(v) for v in value)
        if isinstance(value, dict):
            return ", ".join(f"{k}: {self._field(k, v)}" for k, v in value.items())
        return self.shown(value, unit)

    def _field(self, key: str, value: Any) -> str:
        """A field of a nested record; its fiscal year (``fy``) is a year, not an amount: 2025, never 2,025."""
        return str(value) if key == "fy" and type(value) is int else self.cell(value)

    def evidence(self) -> list[Evidence]:
        """Every piece of evidence (e.g. ownership witness paths) behind every criterion of every lot."""
        return [
            Evidence(lot["id"], c["id"], c["outcome"], item.get("kind", ""), item.get("text", ""), item.get("data", {}))
            for lot in self.result["lots"]
            for c in lot["criteria"]
            for item in c.get("evidence", [])
        ]
