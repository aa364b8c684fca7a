"""A rule set compiled once: every expression a closure, every element with its location.

The :class:`RuleSet` is what evaluation runs and what the linter inspects. It is built by
:mod:`gxets_rules.ruleset.loader` and never changes afterwards; its ``sha256`` is the
hash of the normalised content of its decision files, so that a result can name the
exact policy revision it was decided under (as OPA does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from gxets_rules.market.calendar import BusinessCalendar
from gxets_rules.model.base import LocalizedText
from gxets_rules.model.problems import Location
from gxets_rules.ruleset.codelists import Codelist
from gxets_rules.ruleset.expr import Compiled, EvaluationError
from gxets_rules.ruleset.messages import Template
from gxets_rules.ruleset.params import ParameterTable
from gxets_rules.ruleset.schema import (
    Check,
    Citation,
    Coverage,
    CoverageNeed,
    Criterion,
    DefinitionSpec,
    Instrument,
    Interpretation,
    Manifest,
    MarketFile,
    PaymentInLieu,
    Quantity,
    Rule,
    Schedule,
    Venue,
)

LANGS = ("ja", "en")


@dataclass(frozen=True)
class Messages:
    """A message in each language, compiled."""

    templates: dict[str, Template]

    def render(self, env: dict, lang: str) -> str:  # type: ignore[type-arg]
        return self.templates[lang].render(env, lang)

    def render_all(self, env: dict) -> dict[str, str]:  # type: ignore[type-arg]
        return {lang: self.render(env, lang) for lang in LANGS}


@dataclass(frozen=True)
class CompiledCriterion:
    spec: Criterion
    rule: Rule
    test: Compiled
    when: Compiled | None
    location: Location
    on_fail: Messages | None
    on_indeterminate: Messages | None

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def source(self) -> Citation | None:
        return self.spec.source or self.rule.source

    @property
    def title(self) -> LocalizedText:
        return self.spec.title

    @property
    def interpretations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.rule.interpretations, *self.spec.interpretations]))


@dataclass(frozen=True)
class CompiledRule:
    spec: Rule
    kinds: frozenset[str]
    when: Compiled | None
    lets: tuple[tuple[str, Compiled], ...]
    criteria: tuple[CompiledCriterion, ...]
    location: Location


@dataclass(frozen=True)
class CompiledCheck:
    spec: Check
    test: Compiled
    message: Messages
    location: Location


@dataclass(frozen=True)
class CompiledQuantity:
    spec: Quantity
    formula: Compiled
    location: Location
    fys: Compiled | None = None  # per-fiscal-year quantities defined outside the period (e.g. a pledge's years)


@dataclass(frozen=True)
class CompiledNeed:
    spec: CoverageNeed
    amount: Compiled
    caps: dict[str, Compiled]


MARKET_TERMS = (
    "deadline",
    "settlement_business_day",
    "cancellation_lead_business_days",
    "liquidity_days",
    "tax_rate",
    "rounding",
)
"""The purchase-plan terms of ``market.yaml``, each an expression."""


@dataclass(frozen=True)
class CompiledSchedule:
    spec: Schedule
    months: Compiled | None
    location: Location


@dataclass(frozen=True)
class CompiledInstrument:
    spec: Instrument
    when: Compiled | None
    price_ceiling: Compiled | None
    on_excluded: Messages | None
    location: Location


@dataclass(frozen=True)
class CompiledPayment:
    spec: PaymentInLieu
    price: Compiled
    due: Compiled
    tax_rate: Compiled
    location: Location


@dataclass(frozen=True)
class CompiledMarket:
    """``market.yaml`` compiled: the plan's terms, venues, schedules, the instruments by kind, the payment in lieu."""

    spec: MarketFile
    terms: dict[str, Compiled]
    schedules: dict[str, CompiledSchedule]
    instruments: dict[str, CompiledInstrument]
    location: Location
    locations: dict[str, Location] = field(default_factory=dict)  # "calendar", "venues.tse", "deadline" …
    payment: CompiledPayment | None = None

    def at(self, key: str) -> Location:
        return self.locations.get(key, self.location)

    def venue(self, venue_id: str) -> Venue:
        return next(v for v in self.spec.venues if v.id == venue_id)

    @cached_property
    def calendar(self) -> BusinessCalendar:
        """The trading days of ``calendar``: sessions and settlement."""
        spec = self.spec.calendar
        return BusinessCalendar.with_closures(spec.holidays, ((c.first, c.last) for c in spec.closed))

    @cached_property
    def registry_calendar(self) -> BusinessCalendar:
        """The registry's days (``registry_calendar``, else the trading days): the lead time from settlement to
        cancellation, bilateral deliveries and ``last_business_day()``."""
        spec = self.spec.registry_calendar
        if spec is None:
            return self.calendar
        return BusinessCalendar.with_closures(spec.holidays, ((c.first, c.last) for c in spec.closed))


@dataclass
class RuleSet:
    """Everything needed to evaluate a submission under one policy revision."""

    path: Path
    manifest: Manifest
    sha256: str
    params: ParameterTable
    interpretations: dict[str, Interpretation]
    checks: list[CompiledCheck]
    rules: list[CompiledRule]
    quantities: dict[str, CompiledQuantity]
    coverage: Coverage
    needs: list[CompiledNeed]
    outputs: dict[str, dict[str, Compiled | None]]
    codelists: dict[str, Codelist]
    market: CompiledMarket | None = None
    definitions: dict[str, DefinitionSpec] = field(default_factory=dict)
    # Functions generated from the rules for the fast path, by what they were made for (evaluate/fastpath.py)
    generated: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.manifest.ruleset

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def period_fys(self) -> list[int]:
        period = self.manifest.period
        return list(range(period.first_fy, period.last_fy + 1))

    @property
    def reference_fy(self) -> int:
        """The fiscal year at which period-level parameters are read over the whole period: its last."""
        return self.manifest.period.last_fy

    @property
    def reference_fys(self) -> list[int]:
        """Every fiscal year an evaluation may read period-level parameters at (what the linter checks)."""
        if self.manifest.period.evaluates == "one_fiscal_year":
            return self.period_fys
        return [self.reference_fy]

    @property
    def criteria(self) -> list[CompiledCriterion]:
        return [criterion for rule in self.rules for criterion in rule.criteria]

    def codelist(self, name: str) -> Codelist:
        try:
            return self.codelists[name]
        except KeyError:
            raise EvaluationError(f"rule set {self.id} has no codelist {name!r}") from None

    def rules_for(self, kind: str) -> list[CompiledRule]:
        return [rule for rule in self.rules if kind in rule.kinds]
