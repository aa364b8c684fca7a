"""The submission format ``gxets.submission.v1``: what a firm hands in.

One submission is one firm's data for one rule set: who the firm is, its base year and
targets, its verified actual emissions, and its credit lots. Shapes and types are checked
here; whether a lot *counts* is the rule set's business (``rules/``), so nothing here
knows a GX-ETS rule. Names follow the project's glossary (one name per concept, in Japanese, English and code).

The format grows only by optional fields, so every earlier submission stays valid: a rule
set that needs a field (the base year and targets of the voluntary scheme; the compliance
fiscal year and allowances held of the mandatory one) says so in its own integrity checks,
with the field's line, rather than the format requiring it of every rule set.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from gxets_rules.model.base import CountryCode, Day, Exact, FiscalYear, Identifier, StrictModel, Text, Tonnes

SUBMISSION_FORMAT = "gxets.submission.v1"

Assurance = Literal["none", "limited", "reasonable"]
Scope = Literal["direct", "indirect"]
Gases = Literal["co2", "ghg"]
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
MAX_SERIAL = 2**63 - 1
"""Largest serial number: registries number credits far below it, and the review ledger keeps serials as SQLite's
64-bit integers, so a larger one could only be a typo or an attempt to slip a range past the comparison."""
Serial = Annotated[int, Field(ge=0, le=MAX_SERIAL, description="A credit's serial number in its registry.")]
Amount = Annotated[Exact, Field(ge=0, description="An exact non-negative amount, e.g. 1000000 or 1.50.")]


class Firm(StrictModel):
    """The GX League participant filing the submission."""

    id: Identifier = Field(description="The firm's id; unique across a batch of submissions.")
    name: Annotated[str, Field(min_length=1, max_length=300)]
    group: Literal["G", "X"] | None = Field(
        default=None,
        description="GX League Group G: FY2021 domestic direct emissions ≥ 100,000 t-CO2; Group X: below (fixed for "
        "Phase 1, which requires it).",
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
    gases: Gases | None = Field(
        default=None,
        description="What the figure covers: co2 (carbon dioxide only) or ghg (every greenhouse gas, in t-CO2e); "
        "blank if not stated. Phase 2 counts direct CO2 only (energy and non-energy origin).",
    )


class HasActuals(StrictModel):
    """An entity that reports verified actuals: the filing firm, or a member of its group filing."""

    actuals: list[Actual] = Field(description="Verified actual emissions, one row per fiscal year and scope.")

    @property
    def input_path(self) -> str:
        """Where this entity's fields are in the submission, for traces (the firm's are at the top)."""
        return ""

    def actual(self, scope: str, fiscal_year: int) -> Actual | None:
        for row in self.actuals:
            if row.scope == scope and row.fiscal_year == fiscal_year:
                return row
        return None


class Allowances(StrictModel):
    """Allowances (排出枠) held toward one compliance fiscal year's surrender."""

    allocated_t: NonNegativeTonnes | None = Field(
        default=None,
        description="Allowances allocated (free) for the fiscal year; if not yet known, a rule set may use an "
        "allocation estimate from `allocation`.",
    )
    bought_t: NonNegativeTonnes = Field(default=0, description="Allowances bought and held for this fiscal year.")
    banked_t: NonNegativeTonnes = Field(default=0, description="Allowances carried over (banked) from earlier years.")


class BenchmarkSite(StrictModel):
    """A site (or benchmark process of a site) whose allocation is base activity × benchmark level."""

    id: Identifier
    name: Text | None = None
    sector: Identifier | None = Field(default=None, description="Benchmark sector, e.g. cement_clinker.")
    base_activity: Amount | None = Field(
        default=None, description="Base activity (基準活動量), the base-period average, in the benchmark's unit."
    )
    bm_base: Amount = Field(description="Benchmark level of the base year (t-CO2 per unit of activity).")
    bm_2030: Amount = Field(description="Benchmark level of FY2030 (t-CO2 per unit of activity).")
    opened_fy: FiscalYear | None = Field(default=None, description="For a site opened after the base period.")
    opening_year_activity: Amount | None = Field(default=None, description="Activity in the opening fiscal year.")
    opening_year_days: Annotated[int, Field(ge=1, le=366)] | None = Field(
        default=None, description="Days the site operated in its opening fiscal year."
    )
    closed_fy: FiscalYear | None = Field(default=None, description="Fiscal year the site closed in.")
    carried_base_activity: Amount | None = Field(
        default=None,
        description="The site's current base activity after an activity-change re-base (the new two-year average); it "
        "replaces base_activity after carried_base_fy (that year's allocation makes the re-base itself).",
    )
    carried_base_fy: FiscalYear | None = Field(
        default=None, description="The fiscal year whose allocation re-based the site (the first on the carried base)."
    )
    activity: dict[FiscalYear, Amount] = Field(
        default_factory=dict, description="Actual activity by fiscal year (for the activity-change adjustment)."
    )

    @model_validator(mode="after")
    def _base_or_opening(self) -> BenchmarkSite:
        opening = (self.opened_fy, self.opening_year_activity, self.opening_year_days)
        if any(v is not None for v in opening) and any(v is None for v in opening):
            raise PydanticCustomError(
                "gxets.site_opening",
                "a new site gives opened_fy, opening_year_activity and opening_year_days together",
                {"at": "opened_fy"},
            )
        if (self.base_activity is None) == (self.opened_fy is None):
            raise PydanticCustomError(
                "gxets.site_base_or_opening",
                "give exactly one of base_activity (a site of the base period) and opened_fy (a new site)",
                {"at": "base_activity"},
            )
        if (self.carried_base_activity is None) != (self.carried_base_fy is None):
            raise PydanticCustomError(
                "gxets.carried_base",
                "a re-based site gives carried_base_activity and carried_base_fy together",
                {"at": "carried_base_fy" if self.carried_base_fy is None else "carried_base_activity"},
            )
        return self


class GrandfatheredSource(StrictModel):
    """Emissions allocated by grandfathering: base emissions × a declining factor."""

    id: Identifier
    name: Text | None = None
    co2: Literal["energy", "process"] = Field(default="energy", description="Energy-origin or process CO2.")
    base_emissions_t: NonNegativeTonnes = Field(description="Base emissions (基準排出量), the base-period average.")
    closed_fy: FiscalYear | None = Field(default=None, description="Fiscal year the source closed in.")


class Allocation(StrictModel):
    """Inputs for an allocation estimate: benchmark sites, grandfathered sources and approved add-ons."""

    benchmark_sites: list[BenchmarkSite] = Field(default_factory=list)
    grandfathered_sources: list[GrandfatheredSource] = Field(default_factory=list)
    addons_t: NonNegativeTonnes | None = Field(
        default=None, description="Add-ons (early action, leakage, R&D) the government has approved, if any."
    )


class GroupMember(HasActuals):
    """A closely related party (密接関係者) filing together with the firm."""

    id: Identifier
    name: Annotated[str, Field(min_length=1, max_length=300)]
    relation: Literal["subsidiary", "affiliate", "sister"]
    allowances: Allowances

    @property
    def input_path(self) -> str:
        return f"group_filing.members[{self.id}]"


class GroupFiling(StrictModel):
    """Closely related parties filing jointly with the firm (the filing parent)."""

    members: list[GroupMember] = Field(min_length=1)


class SpecialCreation(StrictModel):
    """Excess reduction allowances the firm actually created by special creation (特別創出) for one fiscal year."""

    fiscal_year: FiscalYear = Field(description="The fiscal year whose emissions the special creation was based on.")
    created_t: NonNegativeTonnes = Field(description="Allowances created (t-CO2), as the registry records them.")


class ChangeApplication(StrictModel):
    """An application to change base-year emissions or targets during the phase, with the values it asks for.

    Forms of the GX League secretariat: 様式6 (additions to or deductions from base-year emissions), 様式7 (a
    structural change, e.g. an acquisition), 様式8 (a change of reduction target). Each needs the secretariat's
    approval; the values are the new figures as applied for, not the differences.
    """

    id: Identifier
    form: Literal["form6", "form7", "form8"] = Field(
        description="form6 (様式6, base-year additions or deductions), form7 (様式7, structural change) or form8 "
        "(様式8, target change)."
    )
    applied_on: Day | None = Field(default=None, description="Date the application was filed.")
    approved_on: Day | None = Field(
        default=None, description="Date the secretariat approved it; blank while it is pending (shown, not used)."
    )
    base_year_direct_t: NonNegativeTonnes | None = Field(
        default=None, description="Base-year direct emissions after the change."
    )
    base_year_indirect_t: NonNegativeTonnes | None = Field(
        default=None, description="Base-year indirect emissions after the change."
    )
    direct_phase_total_t: NonNegativeTonnes | None = Field(
        default=None, description="Phase-1 total direct target after the change."
    )
    indirect_phase_total_t: NonNegativeTonnes | None = Field(
        default=None, description="Phase-1 total indirect target after the change."
    )
    note: Text | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> ChangeApplication:
        values = (self.base_year_direct_t, self.base_year_indirect_t, self.direct_phase_total_t)
        if all(v is None for v in (*values, self.indirect_phase_total_t)):
            raise PydanticCustomError(
                "gxets.empty_change", "an application gives at least one new base-year emission or target figure"
            )
        return self


class Project(StrictModel):
    """The project a credit lot was issued for, as its registry describes it."""

    id: Identifier = Field(description="The project's id in its programme's registry.")
    name: Text | None = None
    country: CountryCode = Field(description="Host country of the project.")
    programme: Identifier = Field(
        description="Crediting programme, e.g. j_credit, jcm, verra_vcs, gold_standard, puro_earth, isometric."
    )
    methodology_code: Text | None = Field(
        default=None,
        description="Methodology or protocol exactly as the registry writes it, e.g. VM0033 or 'ACM0001: Flaring or "
        "use of landfill gas - Version 19.0'.",
    )
    methodology_module: Text | None = Field(
        default=None,
        description="For a framework methodology whose modules decide its field: the project's module as the "
        "registry writes it, e.g. BL-TW or VMD0007.",
    )
    methodology_family: Identifier | None = Field(
        default=None,
        description="Family the submitter declares; never trusted, checked against the rule set's codelist.",
    )
    registration_id: Identifier | None = Field(
        default=None, description="Registration id given by the GX League secretariat to a voluntary project."
    )
    registration_applied_on: Day | None = Field(
        default=None, description="Date the project's GX-ETS registration was applied for."
    )


class CreditLot(StrictModel):
    """A quantity of one instrument from one issuance, held or used by the firm."""

    id: Identifier = Field(description="Unique within the submission.")
    kind: LotKind
    quantity_t: Tonnes = Field(description="Whole t-CO2 in the lot.")
    registry: Identifier | None = Field(default=None, description="Registry holding the lot, e.g. j_credit_registry.")
    certification_number: Text | None = Field(default=None, description="Certification (認証番号) or issuance id.")
    serial_start: Serial | None = None
    serial_end: Serial | None = None
    vintage: FiscalYear | None = Field(default=None, description="Year of the reduction or removal.")
    project: Project | None = Field(default=None, description="Required for every kind except era.")
    origin_firm_id: Identifier | None = Field(
        default=None, description="For an excess reduction allowance: the firm that created it."
    )
    tse_category: Identifier | None = Field(default=None, description="TSE trading category of a J-credit.")
    scheme_code: Identifier | None = Field(
        default=None,
        description="For a J-credit lot: the scheme code (制度記号) of its registry record, e.g. JC, KC or JP, which "
        "tells a J-credit from a legacy credit that was never migrated.",
    )
    j_credit_origin: JCreditOrigin | None = Field(
        default=None,
        description="For a J-credit lot: the scheme it was issued under (native, migrated or unmigrated legacy-scheme "
        "credit), if the submitter states it. Not a default: rule sets derive the origin from the TSE category and the "
        "scheme code and check a stated one against them.",
    )
    status: LotStatus
    status_date: Day | None = Field(
        default=None, description="Date of cancellation, retirement or sale; required unless held."
    )
    status_note: Text | None = Field(default=None, description="Purpose of an other-purpose cancellation, etc.")
    cancellation_purpose: Identifier | None = Field(
        default=None,
        description="For a lot cancelled for GX-ETS: the obligation its cancellation record names (the target or the "
        "compliance fiscal year it serves), as a code of the rule set's `cancellation_purposes` list.",
    )
    cancelled_for_fy: FiscalYear | None = Field(
        default=None,
        description="Deprecated: the compliance fiscal year a GX-ETS cancellation names. Rule sets read it as the "
        "matching cancellation_purpose and warn; write cancellation_purpose instead.",
        json_schema_extra={"deprecated": True},
    )

    @model_validator(mode="after")
    def _consistent(self) -> CreditLot:
        # Each error names the field to fix (``at``), so a workbook points at that cell, not at the row.
        if (self.serial_start is None) != (self.serial_end is None):
            raise PydanticCustomError(
                "gxets.serial_pair",
                "serial_start and serial_end go together: give both or neither",
                {"at": "serial_start" if self.serial_start is None else "serial_end"},
            )
        if self.serial_start is not None and self.serial_end is not None and self.serial_end < self.serial_start:
            raise PydanticCustomError(
                "gxets.serial_order",
                "serial_end {end} is before serial_start {start}",
                {"start": self.serial_start, "end": self.serial_end, "at": "serial_end"},
            )
        if self.status != "held" and self.status_date is None:
            raise PydanticCustomError(
                "gxets.status_date",
                "status '{status}' needs status_date (the date it happened)",
                {"status": self.status, "at": "status_date"},
            )
        if self.kind != "era" and self.project is None:
            raise PydanticCustomError(
                "gxets.project", "a {kind} lot needs its project", {"kind": self.kind, "at": "project"}
            )
        return self


class Submission(HasActuals):
    """One firm's submission: identity, base year, targets, actuals and credit lots."""

    format: Literal["gxets.submission.v1"] = Field(description="Always gxets.submission.v1.")
    ruleset: Identifier | None = Field(default=None, description="Rule set to check against (id of a bundled one).")
    as_of: Day | None = Field(default=None, description="Evaluation date; `gxets check --as-of` overrides it.")
    fiscal_year: FiscalYear | None = Field(
        default=None, description="The compliance fiscal year, for a rule set that evaluates one fiscal year."
    )
    firm: Firm
    base_year: BaseYear | None = Field(default=None, description="Required by the Phase-1 rule set.")
    pre_scheme_average_t: NonNegativeTonnes | None = Field(
        default=None,
        description="The secretariat's pre-scheme three-year average of direct + indirect emissions.",
    )
    targets: Targets | None = Field(default=None, description="Required by the Phase-1 rule set.")
    allowances: Allowances | None = Field(default=None, description="Allowances held toward the fiscal year.")
    allocation: Allocation | None = Field(default=None, description="Inputs for an allocation estimate.")
    group_filing: GroupFiling | None = Field(default=None, description="Closely related parties filing jointly.")
    special_creation: list[SpecialCreation] = Field(
        default_factory=list,
        description="Excess reduction allowances actually created by special creation, per fiscal year (none if "
        "not given: special creation is optional).",
    )
    change_applications: list[ChangeApplication] = Field(
        default_factory=list,
        description="Applications to change base-year emissions or targets (様式6/7/8), approved or pending.",
    )
    lots: list[CreditLot] = Field(default_factory=list)
    lots_csv: Text | None = Field(
        default=None, description="Path of a CSV file with more lots (same columns), relative to this file."
    )
    ownership: Text | None = Field(default=None, description="Path of an ownership graph file, relative to this file.")
