"""The result format ``gxets.result.v1``: the single source of truth for every report.

Everything a report shows is here, already decided and already worded in Japanese and
English: verdicts with every criterion's outcome, citation and the inputs it read; the
position with the trace of every quantity (formula, parameters with their citations,
inputs, the quantities it used); the coverage; the interpretations relied on; and the
run record naming the exact rule-set revision (SHA-256) and input files. Renderers only
lay it out. The body holds no wall-clock time, so the same inputs give the same bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from gxets_rules.model.base import LocalizedText, ParamUse, StrictModel
from gxets_rules.model.plan import Plan

RESULT_FORMAT = "gxets.result.v1"

Outcome = Literal["pass", "fail", "not_applicable", "indeterminate"]
Verdict = Literal["eligible", "ineligible", "needs_review"]
JsonScalar = int | str | bool | None
TO_BUY_FIELD = "coverage.offsets_to_buy_t"
"""The needs' uncovered rest; ``Result.fields`` titles it where the rule set words the headline itself."""


class RulesetRef(StrictModel):
    id: str
    version: str
    sha256: str = Field(description="SHA-256 of the rule set's normalised decision content.")
    title: LocalizedText
    source: Literal["bundled", "path"] = Field(
        default="bundled",
        description="bundled: a rule set shipped with gxets; path: a folder chosen with --ruleset PATH, not a bundled "
        "rule set — only its sha256 says which rules decided (reports and review rows say so).",
    )


class FirmRef(StrictModel):
    id: str
    name: str
    group: Literal["G", "X"] | None = Field(description="GX League group, where the submission gives one.")


class EvidenceItem(StrictModel):
    kind: str
    text: str
    data: dict[str, Any] = Field(default_factory=dict)


class CriterionResult(StrictModel):
    id: str
    rule: str
    outcome: Outcome
    source: str | None = Field(description="Document id and clause, e.g. seed-daiwa-2024 図表6 ※4.")
    title: LocalizedText
    message: LocalizedText
    inputs: dict[str, Any] = Field(default_factory=dict, description="Input values the criterion read.")
    params: list[ParamUse] = Field(default_factory=list)
    interpretations: list[str] = Field(default_factory=list)
    evidence: list[EvidenceItem] = Field(default_factory=list)


class LotResult(StrictModel):
    id: str
    kind: str
    quantity_t: int
    status: str
    verdict: Verdict
    usable_t: int = Field(description="Tonnes of this lot counted toward the firm's needs, after caps.")
    allocations: dict[str, int] = Field(default_factory=dict, description="Need id → tonnes from this lot.")
    project_id: str | None = None
    project_country: str | None = None
    criteria: list[CriterionResult]


class QuantityResult(StrictModel):
    """One computed number and how it was obtained."""

    id: str
    fy: int | None
    title: LocalizedText
    unit: str
    value: JsonScalar = Field(description="The value; null if it could not be computed.")
    exact: str | None = Field(default=None, description="Exact value as a fraction where not whole, e.g. 78000000/37.")
    decimal: str | None = Field(default=None, description="The exact value to six decimals, for people.")
    formula: str
    source: str | None
    interpretations: list[str] = Field(default_factory=list)
    params: list[ParamUse] = Field(default_factory=list)
    inputs: dict[str, Any] = Field(default_factory=dict)
    uses: list[str] = Field(default_factory=list, description="Quantities this formula read.")


class OutputField(StrictModel):
    """What an output field of the position is: its quantity, title, unit and labels."""

    quantity: str | None
    title: LocalizedText | None
    unit: str | None
    labels: dict[str, LocalizedText] | None = None


class Issue(StrictModel):
    severity: Literal["warning", "error"]
    check: str
    lot: str | None
    location: str
    message: LocalizedText


class InterpretationUse(StrictModel):
    id: str
    title: LocalizedText
    decision: LocalizedText
    reference: str


class SourceRef(StrictModel):
    id: str
    title: str
    issuer: str
    url: str | None
    kind: str


class RunRecord(StrictModel):
    engine: str = Field(description="gxets-rules version that produced the result.")
    ruleset: RulesetRef
    inputs: dict[str, str] = Field(
        description="role:file (submission:, lots_csv:, ownership:, market:) → SHA-256 of the file's bytes."
    )
    as_of: date


class Result(StrictModel):
    format: Literal["gxets.result.v1"] = RESULT_FORMAT
    firm: FirmRef
    ruleset: RulesetRef
    as_of: date
    period: dict[str, int] = Field(description="The fiscal years evaluated: first_fy and last_fy.")
    position: dict[str, Any] = Field(description="Outputs of the rule set's position, by section.")
    fields: dict[str, OutputField] = Field(description="Dotted output path → what the field is.")
    coverage: dict[str, Any]
    lots: list[LotResult]
    quantities: list[QuantityResult]
    interpretations: list[InterpretationUse]
    sources: list[SourceRef]
    issues: list[Issue]
    plan: Plan | None = Field(
        default=None, description="Purchase plan: what to buy where, at what cost, by when (gxets check --market)."
    )
    run: RunRecord
