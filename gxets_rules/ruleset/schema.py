"""The shapes of a rule set's YAML files (docs/rule-language.md), as strict pydantic models.

A rule set is a folder::

    ruleset.yaml          id, version, period, the source documents it encodes
    parameters.yaml       parameters dated by fiscal year, each value cited
    interpretations.yaml  every open point of the guidelines and the decision taken
    checks.yaml           integrity checks on the input (an error stops the run: exit 2)
    eligibility.yaml      rules → criteria deciding whether each credit lot counts
    position.yaml         quantities (formulas), coverage of needs by lots, outputs
    market.yaml           optional: what may be bought where, trading calendar and sessions, purchase-plan terms
    definitions.yaml      optional: named expressions with parameters, used like functions
    codelists/*.yaml      code lists (methodologies, JCM partners, TSE categories …)
    tests/*.yaml          cases with hand-checked expected results

Citations are optional *in the schema* so that the linter can report every missing one
by name instead of the loader stopping at the first; a rule set with lint errors is
refused for evaluation all the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from gxets_rules.model.base import CountryCode, FiscalYear, LocalizedText, StrictModel
from gxets_rules.model.market import InstrumentKind
from gxets_rules.model.submission import LotKind, LotStatus

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")]
SimpleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]  # one word: a let, quantity, market id …
InterpretationId = Annotated[str, StringConstraints(pattern=r"^INT-[A-Z0-9]+-\d{2,}$")]
Unit = Literal["t", "jpy", "jpy_per_t", "ratio", "fy", "date", "text", "list", "bool", "days", "label", "count"]


class Citation(StrictModel):
    """Where a rule comes from: a source document id and the clause in it."""

    doc: str = Field(description="Id of a document in ruleset.yaml `sources`.")
    clause: str = Field(min_length=1, description="Clause, table or note, e.g. 図表6 ※4.")

    def __str__(self) -> str:
        return f"{self.doc} {self.clause}"


class SourceDocument(StrictModel):
    id: str
    title: str
    issuer: str
    date: dt.date | None = None
    url: str | None = None
    kind: Literal["primary", "secondary", "seed", "reference"]
    note: str | None = None
    confirmed: bool | None = Field(
        default=None,
        description="For a primary document the rules encode: whether they have been checked clause by clause against "
        "its own text (false: encoded from the public secondary sources that report it, confirmation pending). The "
        "reports' provenance line says so.",
    )


class Period(StrictModel):
    """The fiscal years the rule set covers; ``evaluates`` says how a submission uses them.

    ``whole_period``: one position over all fiscal years of the period (a multi-year target).
    ``one_fiscal_year``: one position for the fiscal year the submission names in ``fiscal_year``
    (an annual compliance cycle); the fiscal year must lie in the period.
    """

    first_fy: FiscalYear
    last_fy: FiscalYear
    evaluates: Literal["whole_period", "one_fiscal_year"] = Field(
        default="whole_period",
        description="whole_period: one position over all fiscal years of the period; one_fiscal_year: the "
        "submission's fiscal_year, which must lie in the period.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.last_fy < self.first_fy:
            raise ValueError(f"the period is reversed: last_fy {self.last_fy} is before first_fy {self.first_fy}")
        return self


class CreatedKind(StrictModel):
    """A kind of lot that participants create and others may hold, e.g. an allowance a firm creates by beating its
    target: a lot's ``origin_firm_id`` names its creator, and the creator's result says how much it may create."""

    kind: LotKind
    creatable: Name | None = Field(
        default=None,
        description="The output (section.field) holding what a firm evaluated under this rule set may create, in "
        "tonnes; omitted where its firms create none (they may still hold what others created).",
    )


class ClaimVocabulary(StrictModel):
    """What a lot's status and kind mean across firms, for a secretariat review of many submissions.

    The engine knows no status or kind by name: a review asks the rule set which lots claim their credits, which kind
    is created by participants (and where a firm's result says how much), which kinds it sums by TSE category, and
    which statuses state a cancellation (for this scheme or another) that the registry's records must confirm.
    A rule set without this section claims every lot, creates nothing and sums no kind by category.
    """

    unclaimed_statuses: list[LotStatus] = Field(
        default_factory=list,
        description="A lot of these statuses claims no credits (e.g. sold: the buyer's submission holds them).",
    )
    created: CreatedKind | None = Field(default=None, description="The kind participants create, if any.")
    categorised_kinds: list[LotKind] = Field(
        default_factory=list, description="Kinds whose lots a review also sums by TSE trading category."
    )
    cancelled_for_scheme: list[LotStatus] = Field(
        default_factory=list,
        description="Statuses that state a cancellation for this scheme: the registry's record must say so too.",
    )
    cancelled_for_other: list[LotStatus] = Field(
        default_factory=list,
        description="Statuses that state a cancellation for another purpose: the registry's record must not be for "
        "this scheme. A review reconciles lots of these two lists against the registry's cancellations.",
    )


class Manifest(StrictModel):
    ruleset: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
    title: LocalizedText
    summary: LocalizedText
    period: Period
    kinds: list[LotKind] = Field(description="Instrument kinds a submission for this rule set may contain.")
    inputs: list[SimpleName] | None = Field(
        default=None,
        description="The submission's top-level fields this rule set reads (firm, lots, allowances …): the template "
        "offers only their sheets and items (`ownership`: the ownership sheets). Omitted: every field.",
    )
    claims: ClaimVocabulary = Field(
        default_factory=ClaimVocabulary, description="Which lots claim credits and which kind participants create."
    )
    sources: list[SourceDocument]


class ParameterValue(StrictModel):
    """One dated value: it holds from fiscal year ``from_fy`` to ``to_fy``, both within the years a scheme can have
    (an unbounded window such as FY-99999999–FY99999999 is a typo, and every year in it would be checked)."""

    from_fy: FiscalYear
    to_fy: FiscalYear
    value: Any
    source: Citation | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ParameterValue:
        if self.to_fy < self.from_fy:
            raise ValueError(f"the window is reversed: to_fy {self.to_fy} is before from_fy {self.from_fy}")
        return self


class Parameter(StrictModel):
    title: LocalizedText
    unit: Unit
    interpretations: list[InterpretationId] = Field(default_factory=list)
    values: list[ParameterValue] = Field(min_length=1)


class ParametersFile(StrictModel):
    parameters: dict[Name, Parameter]


class Interpretation(StrictModel):
    id: InterpretationId
    title: LocalizedText
    question: LocalizedText
    decision: LocalizedText
    why: LocalizedText
    reference: str = Field(description="Where the point is discussed: a reference file and the record's id.")
    sources: list[Citation] = Field(default_factory=list)


class InterpretationsFile(StrictModel):
    interpretations: list[Interpretation]


class Criterion(StrictModel):
    id: RuleId
    title: LocalizedText = Field(description="The requirement, as one sentence a reviewer can check.")
    test: str
    when: str | None = Field(default=None, description="If given and false, the criterion is not_applicable.")
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)
    on_fail: LocalizedText | None = None
    on_indeterminate: LocalizedText | None = None


class Rule(StrictModel):
    id: RuleId
    title: LocalizedText
    kinds: list[LotKind] = Field(min_length=1)
    when: str | None = None
    let: dict[SimpleName, str] = Field(
        default_factory=dict,
        description="Names computed once per lot (in order, after `when`) for the rule's criteria and messages.",
    )
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)
    criteria: list[Criterion] = Field(min_length=1)


class EligibilityFile(StrictModel):
    rules: list[Rule]


class Check(StrictModel):
    """An integrity check on the input. ``error`` stops the run (exit 2); ``warning`` is reported."""

    id: RuleId
    title: LocalizedText
    scope: Literal["lot", "submission"]
    kinds: list[LotKind] | None = None
    test: str
    severity: Literal["error", "warning"]
    at: Name | None = Field(
        default=None,
        description="Submission scope: the field a finding points at (dotted, e.g. firm.group); its line, or its "
        "nearest parent's when the field is missing.",
    )
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)
    message: LocalizedText


class ChecksFile(StrictModel):
    checks: list[Check]


class Quantity(StrictModel):
    id: SimpleName
    title: LocalizedText
    unit: Unit
    per_fy: bool = False
    fys: str | None = Field(
        default=None,
        description="For per_fy: expression giving the fiscal years the quantity is defined for (default: the period).",
    )
    formula: str
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)
    labels: dict[str, LocalizedText] | None = Field(
        default=None, description="For unit label: the text of each value the formula can give."
    )

    @model_validator(mode="after")
    def _fys_only_per_fy(self) -> Quantity:
        if self.fys is not None and not self.per_fy:
            raise ValueError("fys names the fiscal years of a per_fy quantity; set per_fy: true or drop fys")
        return self


class CoverageNeed(StrictModel):
    id: SimpleName
    title: LocalizedText
    amount: str = Field(description="Expression: tonnes to cover.")
    caps: dict[str, str] = Field(default_factory=dict, description="Cap class → expression of its cap in tonnes.")


class Coverage(StrictModel):
    """How eligible lots cover the needs: which lots first, and which kinds are capped together."""

    title: LocalizedText
    counted_statuses: list[LotStatus] = Field(description="Lot statuses that can cover a need.")
    held_statuses: list[LotStatus] = Field(
        description="Of the counted statuses, those of lots the firm still holds: what they cover is planned "
        "(coverage.planned_t, to be cancelled in time); what the other counted lots cover is already cancelled "
        "(coverage.cancelled_t)."
    )
    status_order: list[LotStatus] = Field(description="Lots with earlier statuses are used first.")
    kind_order: list[LotKind] = Field(description="Within a status, kinds are used in this order.")
    classes: dict[str, list[LotKind]] = Field(default_factory=dict, description="Cap class → kinds it holds.")
    needs: list[CoverageNeed]
    to_buy_label: SimpleName | None = Field(
        default=None,
        description="A label quantity whose value's label names the needs' uncovered rest (offsets_to_buy_t) in a "
        "report's headline, where it is not offsets to buy (allowances to surrender; unmet once too late).",
    )
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)


class PositionFile(StrictModel):
    quantities: list[Quantity]
    coverage: Coverage
    outputs: dict[str, dict[str, str | None]] = Field(
        description="Result sections → field → expression (usually a quantity id); null: not defined here."
    )


ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
MonthDay = Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class ClosedDays(StrictModel):
    """Days closed every year, e.g. the year-end break 12-31 … 01-03 (may wrap over the new year)."""

    first: MonthDay
    last: MonthDay


class MarketCalendar(StrictModel):
    """Business days: weekdays, less the national holidays of a country and the yearly closures."""

    title: LocalizedText
    holidays: CountryCode = Field(description="Country whose national holidays close the market (holidays library).")
    closed: list[ClosedDays] = Field(default_factory=list)
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)


class AuctionSession(StrictModel):
    """One call auction of a day: when it matches and when orders for it are taken."""

    at: ClockTime
    orders_open: ClockTime
    orders_close: ClockTime

    @model_validator(mode="after")
    def _ordered(self) -> AuctionSession:
        if not self.orders_open <= self.orders_close < self.at:
            raise ValueError(
                f"orders {self.orders_open}–{self.orders_close} must close before the auction at {self.at}"
            )
        return self


class Schedule(StrictModel):
    """When a product trades: sessions on business days, optionally only some weekdays or months."""

    id: SimpleName
    title: LocalizedText
    weekdays: list[Weekday] | None = Field(default=None, description="Only these weekdays (default: every one).")
    months: str | None = Field(default=None, description="Expression: the months (1–12) sessions are held in.")
    sessions: list[AuctionSession] = Field(min_length=1)
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)


class Venue(StrictModel):
    """Where a product is bought: an exchange with a schedule, or bilaterally."""

    id: SimpleName
    title: LocalizedText
    kind: Literal["exchange", "bilateral"]
    source: Citation | None = None


class Instrument(StrictModel):
    """An instrument kind the firm may buy toward its needs, and where."""

    kind: InstrumentKind
    title: LocalizedText
    venue: SimpleName
    schedule: SimpleName | None = Field(default=None, description="Schedule id; required at an exchange.")
    when: str | None = Field(default=None, description="Expression over `product`: whether it may be bought.")
    on_excluded: LocalizedText | None = Field(default=None, description="Why a product failing `when` is left out.")
    price_ceiling: str | None = Field(default=None, description="Expression: the most a tonne can cost (yen/t).")
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)


class PaymentInLieu(StrictModel):
    """A payment the rule set accepts instead of bought products, for any number of tonnes (e.g. a ceiling payment).

    It is the market's backstop: unlimited and outside every cap, so the planner buys a product only where it costs
    less, and nothing is left for bilateral trade or tender.
    """

    title: LocalizedText
    price: str = Field(description="Expression: yen per t-CO2 paid (whole yen).")
    due: str = Field(description="Expression: the date by which it is paid.")
    tax_rate: str = Field(description="Expression: consumption tax rate on the payment (0 if it bears none).")
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)


class MarketFile(StrictModel):
    """``market.yaml``: what may be bought where, the trading calendar, and the terms of a purchase plan.

    The terms are expressions (usually ``param(...)`` or a quantity such as ``window_end``), so that they are dated,
    cited and traced like every other number of the rule set.
    """

    title: LocalizedText
    deadline: str = Field(description="Expression: the date by which bought credits must be cancelled.")
    settlement_business_day: str = Field(description="Expression: settlement on this business day, trade day = 1.")
    cancellation_lead_business_days: str = Field(description="Expression: business days from settlement to cancel.")
    liquidity_days: str = Field(description="Expression: most business days of recent volume one plan may buy.")
    tax_rate: str = Field(description="Expression: consumption tax rate on purchases.")
    rounding: str = Field(description="Expression: rounding mode of yen amounts (floor, ceil, half_up).")
    calendar: MarketCalendar
    registry_calendar: MarketCalendar | None = Field(
        default=None,
        description="Days the registry cancels and transfers credits, where they differ from the trading days (e.g. "
        "a year-end closure of its own); the cancellation lead time and bilateral deliveries count on it.",
    )
    venues: list[Venue] = Field(min_length=1)
    schedules: list[Schedule] = Field(default_factory=list)
    instruments: list[Instrument] = Field(min_length=1)
    payment_in_lieu: PaymentInLieu | None = Field(
        default=None, description="A payment that settles tonnes at a price instead of buying a product."
    )
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)


class DefinitionSpec(StrictModel):
    """A named expression with parameters, e.g. ``site_base(s)``; calls are compiled inline."""

    title: LocalizedText
    params: list[SimpleName] = Field(default_factory=list)
    formula: str
    source: Citation | None = None


class DefinitionsFile(StrictModel):
    definitions: dict[SimpleName, DefinitionSpec]


class CodelistInput(StrictModel):
    """A submission field whose values a code list offers: the drop-down of that column in the xlsx template."""

    field: str = Field(description="The field as the rule language names it, e.g. lot.tse_category.")
    table: str | None = Field(default=None, description="Offer the rows of this table instead of the entries.")
    closed: bool = Field(default=False, description="Only listed values are valid (the template refuses others).")


class CodelistMatch(StrictModel):
    """How a string as a registry writes it finds an entry by one key field (the other key fields match exactly).

    The whole string, folded (and with ``ignore`` patterns such as a version suffix removed), is compared with the
    entries' keys and ``aliases``; failing that, the ``codes`` patterns pick codes out of it. One distinct code is a
    match; several are reported as several, never guessed between.
    """

    field: str = Field(description="The key field matched, e.g. code.")
    aliases: str | None = Field(default=None, description="Entry field listing other whole strings that name it.")
    ignore: list[str] = Field(
        default_factory=list, description="Regular expressions removed before the whole string is compared."
    )
    codes: list[str] = Field(
        default_factory=list, description="Regular expressions (case-blind) that find a code inside a string."
    )


class CodelistFile(StrictModel):
    codelist: SimpleName
    title: LocalizedText
    source: Citation | None = None
    note: str | None = None
    key: list[str] = Field(description="Entry fields that together identify an entry.")
    normalise: list[str] = Field(default_factory=list, description="Key fields compared case- and dash-blind.")
    tables: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    entries: list[dict[str, Any]]
    inputs: list[CodelistInput] = Field(
        default_factory=list, description="Submission fields whose drop-down in the xlsx template offers this list."
    )
    match: CodelistMatch | None = Field(
        default=None, description="Match free text as registries write it (a code with a title and version)."
    )


class CaseExpectation(StrictModel):
    verdicts: dict[str, Literal["eligible", "ineligible", "needs_review"]] = Field(default_factory=dict)
    usable_t: dict[str, int] = Field(default_factory=dict)
    failed: dict[str, list[RuleId]] = Field(default_factory=dict, description="Lot → exactly the criteria that fail.")
    indeterminate: dict[str, list[RuleId]] = Field(default_factory=dict)
    outputs: dict[str, Any] = Field(default_factory=dict, description="Dotted output path → expected value.")
    quantities: dict[str, Any] = Field(default_factory=dict, description="Quantity id → expected exact value.")
    input_errors: list[RuleId] = Field(default_factory=list, description="Checks expected to stop the run.")
    warnings: list[RuleId] | None = Field(
        default=None, description="Exactly the checks expected to warn (in the result's issues); omit: not compared."
    )
    interpretations: list[InterpretationId] = Field(default_factory=list, description="Must be listed.")


class Case(StrictModel):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str
    clauses: list[Citation] = Field(min_length=1)
    submission: str | dict[str, Any]
    ownership: str | None = Field(default=None, description="Ownership file, relative to the test file.")
    market: str | None = Field(default=None, description="A market snapshot to plan with (path from the test file).")
    as_of: dt.date
    expect: CaseExpectation


class CasesFile(StrictModel):
    cases: list[Case]
