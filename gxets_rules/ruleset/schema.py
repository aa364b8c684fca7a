"""The shapes of a rule set's YAML files (DESIGN.md §4), as strict pydantic models.

A rule set is a folder::

    ruleset.yaml          id, version, period, the source documents it encodes
    parameters.yaml       parameters dated by fiscal year, each value cited
    interpretations.yaml  every open point of the guidelines and the decision taken
    checks.yaml           integrity checks on the input (an error stops the run: exit 2)
    eligibility.yaml      rules → criteria deciding whether each credit lot counts
    position.yaml         quantities (formulas), coverage of needs by lots, outputs
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

from gxets_rules.model.base import LocalizedText, StrictModel
from gxets_rules.model.submission import LotKind, LotStatus

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")]
InterpretationId = Annotated[str, StringConstraints(pattern=r"^INT-[A-Z0-9]+-\d{2,}$")]
Unit = Literal["t", "jpy", "jpy_per_t", "ratio", "fy", "date", "text", "list", "bool", "days", "label"]


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


class Period(StrictModel):
    """The fiscal years the rule set covers; ``evaluates`` says how a submission uses them."""

    first_fy: int
    last_fy: int
    evaluates: Literal["whole_period"] = Field(
        default="whole_period", description="whole_period: one position over all fiscal years of the period."
    )


class Manifest(StrictModel):
    ruleset: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
    title: LocalizedText
    summary: LocalizedText
    period: Period
    kinds: list[LotKind] = Field(description="Instrument kinds a submission for this rule set may contain.")
    sources: list[SourceDocument]


class ParameterValue(StrictModel):
    from_fy: int
    to_fy: int
    value: Any
    source: Citation | None = None
    note: str | None = None


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
    reference: str = Field(description="Where the point is discussed, e.g. gxets-phase1.md INT-P1-01.")
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
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)
    message: LocalizedText


class ChecksFile(StrictModel):
    checks: list[Check]


class Quantity(StrictModel):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
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
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    title: LocalizedText
    amount: str = Field(description="Expression: tonnes to cover.")
    caps: dict[str, str] = Field(default_factory=dict, description="Cap class → expression of its cap in tonnes.")


class Coverage(StrictModel):
    """How eligible lots cover the needs: which lots first, and which kinds are capped together."""

    title: LocalizedText
    counted_statuses: list[LotStatus] = Field(description="Lot statuses that can cover a need.")
    status_order: list[LotStatus] = Field(description="Lots with earlier statuses are used first.")
    kind_order: list[LotKind] = Field(description="Within a status, kinds are used in this order.")
    classes: dict[str, list[LotKind]] = Field(default_factory=dict, description="Cap class → kinds it holds.")
    needs: list[CoverageNeed]
    source: Citation | None = None
    interpretations: list[InterpretationId] = Field(default_factory=list)


class PositionFile(StrictModel):
    quantities: list[Quantity]
    coverage: Coverage
    outputs: dict[str, dict[str, str | None]] = Field(
        description="Result sections → field → expression (usually a quantity id); null: not defined here."
    )


class CodelistFile(StrictModel):
    codelist: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    title: LocalizedText
    source: Citation | None = None
    note: str | None = None
    key: list[str] = Field(description="Entry fields that together identify an entry.")
    normalise: list[str] = Field(default_factory=list, description="Key fields compared case- and dash-blind.")
    tables: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    entries: list[dict[str, Any]]


class CaseExpectation(StrictModel):
    verdicts: dict[str, Literal["eligible", "ineligible", "needs_review"]] = Field(default_factory=dict)
    usable_t: dict[str, int] = Field(default_factory=dict)
    failed: dict[str, list[RuleId]] = Field(default_factory=dict, description="Lot → exactly the criteria that fail.")
    indeterminate: dict[str, list[RuleId]] = Field(default_factory=dict)
    outputs: dict[str, Any] = Field(default_factory=dict, description="Dotted output path → expected value.")
    quantities: dict[str, Any] = Field(default_factory=dict, description="Quantity id → expected exact value.")
    input_errors: list[RuleId] = Field(default_factory=list, description="Checks expected to stop the run.")
    interpretations: list[InterpretationId] = Field(default_factory=list, description="Must be listed.")


class Case(StrictModel):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str
    clauses: list[Citation] = Field(min_length=1)
    submission: str | dict[str, Any]
    as_of: dt.date
    expect: CaseExpectation


class CasesFile(StrictModel):
    cases: list[Case]
