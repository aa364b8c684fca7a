"""The submission format ``gxets.submission.v1``: what a firm hands in.

One submission is one firm's data for one rule set: who the firm is, its base year and
targets, its verified actual emissions, and its credit lots. Shapes and types are checked
here; whether a lot *counts* is the rule set's business (``rules/``), so nothing here
knows a GX-ETS rule. Names follow ``../shared/GLOSSARY.md``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from gxets_rules.model.base import CountryCode, FiscalYear, Identifier, StrictModel, Text, Tonnes

SUBMISSION_FORMAT = "gxets.submission.v1"

Assurance = Literal["none", "limited", "reasonable"]
Scope = Literal["direct", "indirect"]
LotKind = Literal["era", "j_credit", "jcm", "voluntary"]
LotStatus = Literal["held", "cancelled_gxets", "cancelled_other", "retired_other", "sold"]
JCreditOrigin = Literal[
    "j_credit",
    "migrated_domestic_credit",
    "migrated_j_ver",
    "regional_j_credit",
    "unmigrated_j_ver",
    "unmigrated_regional_j_ver",
    "unmigrated_domestic_credit",
]

NonNegativeTonnes = Annotated[Tonnes, Field(ge=0)]


class Firm(StrictModel):
    """The GX League participant filing the submission."""

    id: Identifier = Field(description="The firm's id; unique across a batch of submissions.")
    name: Annotated[str, Field(min_length=1, max_length=300)]
    group: Literal["G", "X"] = Field(
        description="Group G: FY2021 domestic direct emissions ≥ 100,000 t-CO2; Group X: below (fixed for Phase 1)."
    )


class BaseYear(StrictModel):
    """The firm's base year (基準年度) and its emissions."""

    fiscal_year: FiscalYear
    method: Literal["single_year", "three_year_average"] = Field(
        description="Group G with a base year in FY2014–2021 uses the average of three fiscal years including it."
    )
    direct_t: NonNegativeTonnes = Field(description="Base-year domestic direct emissions (Scope 1).")
    indirect_t: NonNegativeTonnes = Field(description="Base-year domestic indirect emissions (Scope 2).")
    assurance: Assurance | None = Field(default=None, description="Assurance obtained on the base year, if any.")


class ScopeTargets(StrictModel):
    """The three targets a participant pledges for one scope (プレッジ)."""

    phase_total_t: NonNegativeTonnes = Field(description="Phase-1 total target: sum over FY2023–FY2025.")
    fy2025_t: NonNegativeTonnes | None = Field(default=None, description="FY2025 (interim) target.")
    fy2030_t: NonNegativeTonnes | None = Field(default=None, description="FY2030 target.")


class Targets(StrictModel):
    direct: ScopeTargets
    indirect: ScopeTargets


class Actual(StrictModel):
    """Verified actual emissions of one scope in one fiscal year."""

    fiscal_year: FiscalYear
    scope: Scope
    emissions_t: NonNegativeTonnes
    assurance: Assurance = Field(description="Assurance level of the third-party verification.")


class Project(StrictModel):
    """The project a credit lot was issued for, as its registry describes it."""

    id: Identifier = Field(description="The project's id in its programme's registry.")
    name: Text | None = None
    country: CountryCode = Field(description="Host country of the project.")
    programme: Identifier = Field(
        description="Crediting programme, e.g. j_credit, jcm, verra_vcs, gold_standard, puro_earth, isometric."
    )
    methodology_code: Text | None = Field(
        default=None, description="Methodology or protocol code exactly as the registry writes it, e.g. VM0033."
    )
    methodology_family: Identifier | None = Field(
        default=None,
        description="Family the submitter declares; never trusted, checked against the rule set's codelist.",
    )
    registration_id: Identifier | None = Field(
        default=None, description="Registration id given by the GX League secretariat to a voluntary project."
    )
    registration_applied_on: date | None = Field(
        default=None, description="Date the project's GX-ETS registration was applied for."
    )


class CreditLot(StrictModel):
    """A quantity of one instrument from one issuance, held or used by the firm."""

    id: Identifier = Field(description="Unique within the submission.")
    kind: LotKind
    quantity_t: Tonnes = Field(description="Whole t-CO2 in the lot.")
    registry: Identifier | None = Field(default=None, description="Registry holding the lot, e.g. j_credit_registry.")
    certification_number: Text | None = Field(default=None, description="Certification (認証番号) or issuance id.")
    serial_start: Annotated[int, Field(ge=0)] | None = None
    serial_end: Annotated[int, Field(ge=0)] | None = None
    vintage: FiscalYear | None = Field(default=None, description="Year of the reduction or removal.")
    project: Project | None = Field(default=None, description="Required for every kind except era.")
    origin_firm_id: Identifier | None = Field(
        default=None, description="For an excess reduction allowance: the firm that created it."
    )
    tse_category: Identifier | None = Field(default=None, description="TSE trading category of a J-credit.")
    j_credit_origin: JCreditOrigin = Field(
        default="j_credit", description="For J-credits: native, migrated or unmigrated legacy-scheme credit."
    )
    status: LotStatus
    status_date: date | None = Field(
        default=None, description="Date of cancellation, retirement or sale; required unless held."
    )
    status_note: Text | None = Field(default=None, description="Purpose of an other-purpose cancellation, etc.")

    @model_validator(mode="after")
    def _consistent(self) -> CreditLot:
        if (self.serial_start is None) != (self.serial_end is None):
            raise ValueError("serial_start and serial_end go together: give both or neither")
        if self.serial_start is not None and self.serial_end is not None and self.serial_end < self.serial_start:
            raise ValueError(f"serial_end {self.serial_end} is before serial_start {self.serial_start}")
        if self.status != "held" and self.status_date is None:
            raise ValueError(f"status {self.status!r} needs status_date (the date it happened)")
        if self.kind != "era" and self.project is None:
            raise ValueError(f"a {self.kind} lot needs its project")
        return self


class Submission(StrictModel):
    """One firm's submission: identity, base year, targets, actuals and credit lots."""

    format: Literal["gxets.submission.v1"] = Field(description="Always gxets.submission.v1.")
    ruleset: Identifier | None = Field(default=None, description="Rule set to check against, e.g. gxets-phase1.")
    as_of: date | None = Field(default=None, description="Evaluation date; `gxets check --as-of` overrides it.")
    firm: Firm
    base_year: BaseYear
    pre_scheme_average_t: NonNegativeTonnes | None = Field(
        default=None,
        description="The secretariat's pre-scheme three-year average of direct + indirect emissions.",
    )
    targets: Targets
    actuals: list[Actual] = Field(description="Verified actual emissions, one row per fiscal year and scope.")
    lots: list[CreditLot] = Field(default_factory=list)
    lots_csv: Text | None = Field(
        default=None, description="Path of a CSV file with more lots (same columns), relative to this file."
    )
    ownership: Text | None = Field(default=None, description="Path of an ownership graph file, relative to this file.")

    def actual(self, scope: str, fiscal_year: int) -> Actual | None:
        for row in self.actuals:
            if row.scope == scope and row.fiscal_year == fiscal_year:
                return row
        return None
