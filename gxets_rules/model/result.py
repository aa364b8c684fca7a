"""The result format ``gxets.result.v2``: the single source of truth for every report, typed and compact.

Everything a report shows is here, already decided and already worded in Japanese and English: every lot's verdict
with each criterion's outcome, the values it read and, where it failed or is undecided, its message; the position as
typed figures (each with its unit and kind, so no report guesses whether 2025 is tonnes or a year); the coverage of
each need; the trace of every quantity; the purchase plan; and the run record naming the exact rule-set revision
(SHA-256) and input files. Renderers only lay it out. The body holds no wall-clock time, so the same inputs give the
same bytes.

**Described once.** What does not change from lot to lot — a criterion's title, citation, interpretations and the
input paths it reads; a parameter's value and citation; a quantity's title, unit, formula and citation; an
interpretation's decision — is in the :class:`Catalogue`, once. A lot lists its criteria by id with the outcome, the
parameters read (by id) and, only where it failed or is undecided, the message; the input values its criteria read are
listed once per lot. So a result grows with its lots, not with lots × metadata (``gxets.result.v1`` repeated all of it
in every criterion of every lot: 7–8 KB a lot). :meth:`Result.criteria_of` joins the two again into the facts a
report lists, criterion by criterion.

Mappings are held in key order (:data:`SortedDict`) and every optional part of a lot's record is left out when empty,
so a result made in memory and the same result read back from its file are equal and render the same bytes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Final, Literal, cast

from pydantic import Field, JsonValue, StrictBool, StrictInt, StrictStr, StringConstraints

from gxets_rules.model.base import LocalizedText, SortedDict, StrictModel
from gxets_rules.model.plan import Plan

RESULT_FORMAT: Final = "gxets.result.v2"

Outcome = Literal["pass", "fail", "not_applicable", "indeterminate"]
OUTCOMES: tuple[Outcome, ...] = ("pass", "fail", "indeterminate", "not_applicable")
"""Every outcome, in the order reports count them."""
Verdict = Literal["eligible", "ineligible", "needs_review"]
NOT_MET: tuple[Outcome, ...] = ("fail", "indeterminate")
"""Outcomes that keep a lot from counting; a criterion with one of them carries its own message."""

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
ParamId = Annotated[
    str,
    StringConstraints(pattern=r"^[^@\s]+@-?\d+$"),
    Field(description="A parameter read at a fiscal year: name@fy, e.g. involvement.min_share@2025."),
]
FigureKind = Literal["whole", "date", "yes_no", "label", "text", "not_defined"]

KIND_OF_UNIT: dict[str, FigureKind] = {
    "t": "whole",
    "jpy": "whole",
    "jpy_per_t": "whole",
    "count": "whole",
    "days": "whole",
    "fy": "whole",
    "ratio": "whole",
    "date": "date",
    "bool": "yes_no",
    "label": "label",
    "text": "text",
    "list": "text",
}
"""The kind of value an output of each rule-set unit holds. Outputs are whole (a fraction must be rounded by the rule
set), so a ratio output is a whole number too; a list is never an output value, so a list-unit output can only be
unknown."""


def verdict_of(outcomes: Collection[str]) -> Verdict:
    """A lot's verdict from its criteria's outcomes: ineligible if any fails, else needs_review if any is undecided."""
    if "fail" in outcomes:
        return "ineligible"
    return "needs_review" if "indeterminate" in outcomes else "eligible"


def kind_of(value: Any) -> FigureKind | None:
    """The kind of figure a value makes by its type (``True`` is yes/no, not the number 1); None: not a figure's."""
    if isinstance(value, bool):
        return "yes_no"
    if isinstance(value, int):
        return "whole"
    if isinstance(value, date):
        return "date"
    return "text" if isinstance(value, str) else None


def fits(kind: FigureKind, value: Any) -> bool:
    """Whether a figure of this kind can hold the value (unknown fits any kind; a label is a text code)."""
    found = kind_of(value)
    return value is None or found == kind or (kind == "label" and found == "text")


def _omit(value: Any) -> bool:
    """Whether an optional part of a lot's record is left out of the JSON: it is empty (its default)."""
    return value is None or value in ([], {})


# run ------------------------------------------------------------------------------------------------------------------
class RulesetRef(StrictModel):
    id: str
    version: str
    sha256: Sha256 = Field(description="SHA-256 of the rule set's normalised decision content.")
    title: LocalizedText
    source: Literal["bundled", "path"] = Field(
        default="bundled",
        description="bundled: a rule set shipped with gxets; path: a folder chosen with --ruleset PATH, not a bundled "
        "rule set — only its sha256 says which rules decided (reports and review rows say so).",
    )


class FirmRef(StrictModel):
    id: str
    name: str
    group: str | None = Field(description="The firm's group as its submission gives it (GX League: G or X), if any.")


class Period(StrictModel):
    """The fiscal years evaluated."""

    first_fy: int
    last_fy: int


class RunRecord(StrictModel):
    """What ran on what, beside the rule set (``ruleset``) and the evaluation date (``as_of``) of the result."""

    engine: str = Field(description="gxets-rules version that produced the result.")
    inputs: SortedDict[str, Sha256] = Field(
        description="role:file (submission:, lots_csv:, ownership:, market:) → SHA-256 of the file's bytes."
    )


# the catalogue --------------------------------------------------------------------------------------------------------
class CriterionSpec(StrictModel):
    """What a criterion is, whichever lot it decides."""

    id: str
    rule: str
    title: LocalizedText = Field(description="The requirement; also the message of a criterion that passed.")
    source: str | None = Field(description="Document id and clause, e.g. seed-daiwa-2024 図表6 ※4.")
    interpretations: list[str] = Field(description="Interpretations the criterion itself relies on.")
    reads: list[str] = Field(description="Input paths its test and condition name (each lot's `values` has them).")


class ParamSpec(StrictModel):
    """A parameter as read at one fiscal year: its exact value and citation."""

    name: str
    fy: int
    unit: str
    value: JsonValue = Field(description="As JSON holds it without loss: exact fractions as text (51/100), dates ISO.")
    source: str | None
    interpretations: list[str]


class QuantitySpec(StrictModel):
    """What a quantity of the position is: its title, unit, formula and citation."""

    id: str
    title: LocalizedText
    unit: str
    formula: str
    source: str | None
    interpretations: list[str]
    labels: SortedDict[str, LocalizedText] | None = Field(
        description="For unit label: the text of each value the formula can give."
    )


class NeedSpec(StrictModel):
    """A need of the coverage (a shortfall to cover), and the quantities behind its amount and caps."""

    id: str
    title: LocalizedText
    quantity: str | None = Field(description="The quantity its amount is, when the amount names one.")
    caps: SortedDict[str, str | None] = Field(description="Cap class → the quantity its cap is, when it names one.")


class Worded(StrictModel):
    """The rule set's own words for a figure of the coverage, chosen by the value of a label quantity (e.g. Phase 2
    calls what is left to cover "allowances to surrender" rather than "offsets to buy")."""

    quantity: str = Field(description="The label quantity whose value chose the words.")
    title: LocalizedText | None = Field(description="The label's words; null if the value has none.")


class IntakeNote(StrictModel):
    """How an input was read: a typed value read as something else (保有 → held, 令和8年 → 2026), a column passed
    over, a totals row skipped, a formula read by its saved result — nothing a reader changes goes unsaid."""

    severity: Literal["note", "warning"]
    location: str = Field(description="file:Sheet!Cell or file:line:column, by file name.")
    field: LocalizedText | None = Field(default=None, description="The column's heading, where the note is about one.")
    message: LocalizedText


class InterpretationUse(StrictModel):
    id: str
    title: LocalizedText
    decision: LocalizedText
    reference: str
    relied_on: bool = Field(
        description="A figure or decision of this result relied on it (a report lists these); false: only cited by "
        "criteria that did not apply."
    )


class SourceRef(StrictModel):
    id: str
    title: str
    issuer: str
    url: str | None
    kind: str
    confirmed: bool | None = Field(
        default=None,
        exclude_if=_omit,
        description="A primary document: whether the rules were checked clause by clause against its text (false: "
        "encoded from secondary sources, confirmation pending); absent where the rule set does not say.",
    )


class Catalogue(StrictModel):
    """Everything described once and referred to by id from the lots, the position and the trace."""

    criteria: list[CriterionSpec] = Field(description="The criteria any lot was decided by, in the rule set's order.")
    params: SortedDict[ParamId, ParamSpec] = Field(description="Every parameter read, by name@fy.")
    quantities: SortedDict[str, QuantitySpec]
    needs: list[NeedSpec] = Field(description="The coverage's needs, in the rule set's order.")
    to_buy: Worded | None = Field(
        default=None, description="How the rule set words the offsets to buy (coverage.offsets_to_buy_t), if it does."
    )
    interpretations: list[InterpretationUse] = Field(description="Every interpretation cited, by id.")
    sources: list[SourceRef] = Field(description="The documents the rule set encodes.")


# the position ---------------------------------------------------------------------------------------------------------
class _Figure(StrictModel):
    path: str = Field(description="The output's dotted path, e.g. position.direct.shortfall_t.")
    quantity: str | None = Field(description="The quantity the output is (title, formula and clause in the catalogue).")
    unit: str | None = Field(description="The rule set's unit: t, jpy, jpy_per_t, fy, date, bool, label, ratio …")


class WholeFigure(_Figure):
    """Tonnes, yen, yen a tonne, a count, days, a fiscal year or a whole ratio (``unit`` says which)."""

    kind: Literal["whole"]
    value: StrictInt | None = Field(description="null: unknown, not applicable, or given per fiscal year.")
    by_fy: SortedDict[int, StrictInt | None] | None = Field(default=None, exclude_if=_omit)


class DateFigure(_Figure):
    kind: Literal["date"]
    value: date | None
    by_fy: SortedDict[int, date | None] | None = Field(default=None, exclude_if=_omit)


class YesNoFigure(_Figure):
    kind: Literal["yes_no"]
    value: StrictBool | None
    by_fy: SortedDict[int, StrictBool | None] | None = Field(default=None, exclude_if=_omit)


class LabelFigure(_Figure):
    """A code whose words (ja, en) are the quantity's ``labels`` in the catalogue, e.g. a status."""

    kind: Literal["label"]
    value: StrictStr | None
    by_fy: SortedDict[int, StrictStr | None] | None = Field(default=None, exclude_if=_omit)


class TextFigure(_Figure):
    kind: Literal["text"]
    value: StrictStr | None
    by_fy: SortedDict[int, StrictStr | None] | None = Field(default=None, exclude_if=_omit)


class NotDefinedFigure(_Figure):
    """An output the rule set declares but does not define (e.g. no NDC-equivalent level for indirect emissions)."""

    kind: Literal["not_defined"]


Figure = Annotated[
    WholeFigure | DateFigure | YesNoFigure | LabelFigure | TextFigure | NotDefinedFigure, Field(discriminator="kind")
]


_FIGURES: dict[FigureKind, type[_Figure]] = {
    "whole": WholeFigure,
    "date": DateFigure,
    "yes_no": YesNoFigure,
    "label": LabelFigure,
    "text": TextFigure,
}


def figure_of(path: str, kind: FigureKind | None, quantity: str | None, unit: str | None, value: Any) -> Figure:
    """A figure of a kind (None: by its value's type) holding a value, or per fiscal year a ``{fy: value}`` map."""
    if kind == "not_defined":
        return NotDefinedFigure(path=path, kind="not_defined", quantity=None, unit=None)
    by_fy = value if isinstance(value, dict) else None
    if kind is None:
        kind = next((kind_of(v) for v in (by_fy or {None: value}).values() if v is not None), None) or "text"
    single = None if by_fy is not None else value
    figure = _FIGURES[kind](path=path, kind=kind, quantity=quantity, unit=unit, value=single, by_fy=by_fy)  # type: ignore[call-arg]
    return cast(Figure, figure)


class Position(StrictModel):
    """The rule set's outputs, in the order it declares them (sections, then the fields of each)."""

    figures: list[Figure]

    @cached_property
    def by_path(self) -> dict[str, Figure]:
        """Each figure by its dotted path (``position.direct.shortfall_t``)."""
        return {figure.path: figure for figure in self.figures}


# the coverage ---------------------------------------------------------------------------------------------------------
class KindUse(StrictModel):
    kind: str
    usable_t: int


class CapUse(StrictModel):
    cap_t: int
    usable_t: int


class NeedCoverage(StrictModel):
    """How one need is covered: tonnes per instrument kind, in the order lots were used, and each cap."""

    id: str
    need_t: int
    usable_t: int
    offsets_to_buy_t: int
    caps: SortedDict[str, CapUse] = Field(description="Cap class → its cap and the tonnes of it used.")
    usable_by_kind: list[KindUse]


class ClassCoverage(StrictModel):
    """A cap class over all needs: its cap (needs with something to cover), use, and what it still allows."""

    cap_t: int
    usable_t: int
    headroom_t: int


class Coverage(StrictModel):
    """The needs (shortfalls) and how the eligible lots cover them within the caps.

    Every tonne of the lots is in exactly one of: used (``usable_t``), eligible but not needed (``surplus_t``),
    awaiting review (``pending_review_t``), ineligible (``ineligible_t``), or of a status that does not count
    (``not_counted_t``) — so a report accounts for each one without adding anything up itself.
    """

    need_t: int
    usable_t: int
    offsets_to_buy_t: int
    eligible_t: int
    surplus_t: int
    pending_review_t: int
    ineligible_t: int = Field(description="Tonnes of lots found ineligible.")
    not_counted_t: int = Field(
        description="Tonnes of lots not found ineligible whose status the rule set does not count (e.g. sold)."
    )
    cancelled_t: int
    planned_t: int
    classes: SortedDict[str, ClassCoverage]
    needs: list[NeedCoverage] = Field(description="In the rule set's order (the order lots fill them).")

    def names(self) -> dict[str, Any]:
        """The coverage by the names rule expressions and rule tests use (``coverage.voluntary_cap_t``,
        ``coverage.needs.direct.usable_t``): one naming, for the engine and the cases alike."""
        mapping: dict[str, Any] = {
            "need_t": self.need_t,
            "usable_t": self.usable_t,
            "offsets_to_buy_t": self.offsets_to_buy_t,
            "eligible_t": self.eligible_t,
            "surplus_t": self.surplus_t,
            "pending_review_t": self.pending_review_t,
            "cancelled_t": self.cancelled_t,
            "planned_t": self.planned_t,
        }
        for cls, use in self.classes.items():
            mapping |= {f"{cls}_cap_t": use.cap_t, f"{cls}_usable_t": use.usable_t, f"{cls}_headroom_t": use.headroom_t}
        mapping["needs"] = {
            need.id: {
                "need_t": need.need_t,
                "usable_t": need.usable_t,
                "offsets_to_buy_t": need.offsets_to_buy_t,
                **{f"{cls}_cap_t": cap.cap_t for cls, cap in need.caps.items()},
                **{f"{cls}_usable_t": cap.usable_t for cls, cap in need.caps.items()},
                "usable_by_kind": [{"kind": row.kind, "usable_t": row.usable_t} for row in need.usable_by_kind],
            }
            for need in self.needs
        }
        return mapping


# the lots -------------------------------------------------------------------------------------------------------------
class EvidenceItem(StrictModel):
    """A fact behind a criterion's outcome that a reviewer should see, e.g. an ownership witness path — as data, worded
    by each report in its reader's language (the catalogue entry ``evidence.<kind>``)."""

    kind: str = Field(description="What it is, e.g. ownership.holding, ownership.path, ownership.no_data.")
    data: SortedDict[str, JsonValue] = Field(
        default_factory=dict, description="Its facts: names, ISO dates, exact shares as text (1/4, or 1/10..1/4)."
    )


class CriterionOutcome(StrictModel):
    """One criterion of one lot: its outcome and what only this lot says about it (empty parts are left out)."""

    outcome: Outcome
    params: list[ParamId] = Field(default_factory=list, exclude_if=_omit, description="Parameters it read.")
    extra_reads: list[str] = Field(
        default_factory=list,
        exclude_if=_omit,
        description="Input paths read through a function (input(), actual()) beyond the catalogue's `reads`.",
    )
    values: SortedDict[str, JsonValue] = Field(
        default_factory=dict,
        exclude_if=_omit,
        description="Values it read that differ from the lot's `values` under the same path (rules whose names "
        "coincide); rare.",
    )
    message: LocalizedText | None = Field(
        default=None, exclude_if=_omit, description="Only for a criterion that failed or is undecided."
    )
    evidence: list[EvidenceItem] = Field(
        default_factory=list, exclude_if=_omit, description="E.g. ownership witness paths."
    )


class LotResult(StrictModel):
    id: str
    kind: str
    quantity_t: int
    status: str
    verdict: Verdict
    usable_t: int = Field(description="Tonnes of this lot counted toward the firm's needs, after caps.")
    allocations: SortedDict[str, int] = Field(
        default_factory=dict, exclude_if=_omit, description="Need id → tonnes from this lot."
    )
    project_id: str | None = Field(default=None, exclude_if=_omit)
    project_country: str | None = Field(default=None, exclude_if=_omit)
    values: SortedDict[str, JsonValue] = Field(
        default_factory=dict,
        exclude_if=_omit,
        description="The input value at each path its criteria read; a path they read that is not listed was null.",
    )
    criteria: SortedDict[str, CriterionOutcome] = Field(description="Criterion id → outcome (catalogue order).")


@dataclass(frozen=True)
class CriterionFacts:
    """One criterion of one lot as a report lists it: the catalogue's description joined with the lot's record."""

    spec: CriterionSpec
    outcome: Outcome
    message: LocalizedText
    inputs: dict[str, JsonValue]
    params: tuple[ParamSpec, ...]
    interpretations: tuple[str, ...]
    evidence: tuple[EvidenceItem, ...]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def rule(self) -> str:
        return self.spec.rule

    @property
    def source(self) -> str | None:
        return self.spec.source

    @property
    def not_met(self) -> bool:
        """It keeps its lot from counting: failed, or undecided (``indeterminate``)."""
        return self.outcome in NOT_MET


# the trace ------------------------------------------------------------------------------------------------------------
class QuantityTrace(StrictModel):
    """How one value of one quantity (of one fiscal year, for a per-year one) was obtained."""

    id: str
    fy: int | None
    value: int | bool | str | None = Field(
        description="The value (a date as ISO text); null if unknown or not whole (see exact)."
    )
    exact: str | None = Field(default=None, description="Exact value as a fraction where not whole, e.g. 78000000/37.")
    decimal: str | None = Field(default=None, description="The exact value to six decimals, for people.")
    params: list[ParamId] = Field(default_factory=list)
    inputs: SortedDict[str, JsonValue] = Field(default_factory=dict)
    uses: list[str] = Field(default_factory=list, description="Quantities this formula read.")


class Issue(StrictModel):
    severity: Literal["warning", "error"]
    check: str
    lot: str | None
    location: str
    message: LocalizedText


class Result(StrictModel):
    format: Literal["gxets.result.v2"] = RESULT_FORMAT
    firm: FirmRef
    ruleset: RulesetRef
    as_of: date
    period: Period
    catalogue: Catalogue
    position: Position
    coverage: Coverage
    lots: list[LotResult]
    quantities: list[QuantityTrace] = Field(description="In the rule set's order of quantities, then fiscal year.")
    issues: list[Issue]
    intake: list[IntakeNote] = Field(
        default_factory=list, description="How the inputs were read where that differs from how they were typed."
    )
    plan: Plan | None = Field(
        default=None, description="Purchase plan: what to buy where, at what cost, by when (gxets check --market)."
    )
    run: RunRecord

    # reading it ----------------------------------------------------------------------------------------------------
    @cached_property
    def criterion_index(self) -> dict[str, tuple[int, CriterionSpec]]:
        """Criterion id → its place in the rule set's order and its description."""
        return {spec.id: (index, spec) for index, spec in enumerate(self.catalogue.criteria)}

    def criteria_of(self, lot: LotResult, outcomes: Collection[str] | None = None) -> list[CriterionFacts]:
        """Every criterion of a lot (or those of the given outcomes) in the rule set's order, with its message,
        citation, interpretations and reads."""
        order = self.criterion_index
        chosen = [cid for cid, record in lot.criteria.items() if outcomes is None or record.outcome in outcomes]
        return [self._facts(lot, cid, lot.criteria[cid]) for cid in sorted(chosen, key=lambda c: order[c][0])]

    def _facts(self, lot: LotResult, cid: str, record: CriterionOutcome) -> CriterionFacts:
        spec = self.criterion_index[cid][1]
        params = tuple(self.catalogue.params[pid] for pid in record.params)
        inputs = {
            path: record.values[path] if path in record.values else lot.values.get(path)
            for path in (*spec.reads, *record.extra_reads)
        }
        return CriterionFacts(
            spec=spec,
            outcome=record.outcome,
            message=record.message or spec.title,
            inputs=inputs,
            params=params,
            interpretations=tuple(sorted({*spec.interpretations, *(i for p in params for i in p.interpretations)})),
            evidence=tuple(record.evidence),
        )

    def figure(self, path: str) -> Figure | None:
        """The output at a dotted path (``position.status``), if the rule set has it."""
        return self.position.by_path.get(path)

    def value_of(self, path: str) -> Any:
        """The value of an output (``position.status``): a date, a number, a yes/no or a code — per fiscal year a
        ``{fy: value}`` map; None where unknown or not defined. KeyError if the rule set has no such output."""
        figure = self.position.by_path[path]
        if isinstance(figure, NotDefinedFigure):
            return None
        return figure.value if figure.by_fy is None else dict(figure.by_fy)

    def relied_on(self) -> Iterator[InterpretationUse]:
        """The interpretations a figure or decision of this result relied on, by id."""
        return (i for i in self.catalogue.interpretations if i.relied_on)
