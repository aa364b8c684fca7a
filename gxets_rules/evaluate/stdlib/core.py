"""The engine's implementations of the rule language's core functions (declared in ``ruleset/signatures.py``).

Each is generic — about parameters, code lists, dates, the submission's data or its credit lots — and none knows
which rule set calls it. A new rule set needs new functions only where it needs a new *kind* of fact: its signature
goes into the language's table and its implementation into a family module here (ownership involvement is in
``stdlib/ownership.py``), listed in ``stdlib/__init__.py``; nothing else in the engine changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gxets_rules.evaluate.context import EvalContext, InputRead
from gxets_rules.evaluate.eligibility import ELIGIBLE
from gxets_rules.evaluate.serials import overlaps, serial_ranges
from gxets_rules.model.submission import HasActuals
from gxets_rules.ruleset.expr import EvaluationError
from gxets_rules.ruleset.signatures import Implementation
from gxets_rules.ruleset.values import UNKNOWN

Env = dict[str, Any]
FISCAL_YEAR_START_MONTH = 4  # the Japanese fiscal year (年度) runs April–March


def ctx_of(env: Env) -> EvalContext:
    ctx: EvalContext = env["_ctx"]
    return ctx


def fiscal_year_of(day: date) -> int:
    """Japanese fiscal year of a date: April–March, named by the April."""
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def param(env: Env, name: str, fy: Any = None) -> Any:
    """param(name[, fy]): a dated parameter at the evaluation's fiscal year, or at fy."""
    ctx = ctx_of(env)
    read = ctx.ruleset.params.read(name, env["fy"] if fy is None else fy)
    ctx.record(read)
    return read.value


def lookup(env: Env, codelist: str, key: Any, field: str) -> Any:
    """lookup(codelist, key, field): a field of a code-list entry; unknown if not listed."""
    entry = ctx_of(env).ruleset.codelist(codelist).entry(key)
    if entry is None:
        return UNKNOWN
    value = entry.get(field)
    return UNKNOWN if value is None else value


def listed(env: Env, codelist: str, key: Any) -> bool:
    """listed(codelist, key): whether the key is on the code list."""
    return ctx_of(env).ruleset.codelist(codelist).entry(key) is not None


def matched_codes(env: Env, codelist: str, key: Any) -> tuple[str, ...]:
    """matched_codes(codelist, key): the codes a registry's string names (one: matched; several: ambiguous)."""
    return ctx_of(env).ruleset.codelist(codelist).find(key).codes


def table(env: Env, codelist: str, name: str, key: Any, field: str) -> Any:
    """table(codelist, table, key, field): a field of a row in one of a code list's tables."""
    row = ctx_of(env).ruleset.codelist(codelist).table(name).get(key)
    if row is None:
        return UNKNOWN
    value = row.get(field)
    return UNKNOWN if value is None else value


def member_on(env: Env, codelist: str, key: Any, on: Any) -> Any:
    """member_on(codelist, key, date): on a dated list at that date (unknown inside a date window)."""
    if not isinstance(on, date):
        raise EvaluationError(f"member_on() needs a date, got {on!r}")
    return ctx_of(env).ruleset.codelist(codelist).member_on(key, on)


def fiscal_year(env: Env, day: Any) -> int:
    """fiscal_year(date): the Japanese fiscal year (April–March) a date falls in."""
    if not isinstance(day, date):
        raise EvaluationError(f"fiscal_year() needs a date, got {day!r}")
    return fiscal_year_of(day)


def last_business_day(env: Env, deadline: Any, lead: Any) -> date:
    """last_business_day(deadline, lead): the last business day from which lead business days still end by deadline."""
    if not isinstance(deadline, date) or not isinstance(lead, int) or isinstance(lead, bool) or lead < 0:
        raise EvaluationError(f"last_business_day() needs a date and whole days, got {deadline!r}, {lead!r}")
    ctx = ctx_of(env)
    market = ctx.ruleset.market
    if market is None:
        raise EvaluationError("last_business_day() counts on the business days of the rule set's market.yaml calendar")
    # remembered per evaluation: the trace runs a criterion again for each lot, and most lots ask the same deadline
    known: dict[tuple[date, int], date | None] = ctx.cache.setdefault("last_business_day", {})
    key = (deadline, lead)
    if key not in known:
        known[key] = market.registry_calendar.latest_ready_day(deadline, lead)
    day = known[key]
    if day is None:
        raise EvaluationError(f"no business day leaves {lead} business days before {deadline}")
    return day


def eligible_t(env: Env, statuses: Any) -> int:
    """eligible_t(statuses): tonnes of the lots judged eligible whose status is one of statuses (position formulas)."""
    decisions = ctx_of(env).decisions
    if decisions is None:
        raise EvaluationError("eligible_t() reads the lots' verdicts, so only position formulas can use it")
    wanted = {statuses} if isinstance(statuses, str) else set(statuses)
    return sum(d.lot.quantity_t for d in decisions if d.verdict == ELIGIBLE and d.lot.status in wanted)


def fy_date(env: Env, fy: Any, month: Any, day: Any) -> date:
    """fy_date(fy, month, day): that day in fiscal year fy (January–March fall in the calendar year fy + 1)."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (fy, month, day)):
        raise EvaluationError(f"fy_date() needs whole numbers, got {fy!r}, {month!r}, {day!r}")
    try:
        return date(fy if month >= FISCAL_YEAR_START_MONTH else fy + 1, month, day)
    except ValueError as exc:
        raise EvaluationError(f"fy_date({fy}, {month}, {day}): {exc}") from None


def _actual_field(env: Env, scope: str, fy: int, field: str, entity: Any) -> Any:
    ctx = ctx_of(env)
    holder = ctx.submission if entity is None else entity
    if not isinstance(holder, HasActuals):
        raise EvaluationError(f"{type(holder).__name__} has no verified actuals")
    row = holder.actual(scope, fy)
    value = UNKNOWN if row is None else getattr(row, field)
    where = f"{holder.input_path}." if holder.input_path else ""
    ctx.record(InputRead(f"{where}actuals[FY{fy}].{scope}.{field}", value))
    return value


def actual(env: Env, scope: str, fy: int, entity: Any = None) -> Any:
    """actual(scope, fy[, entity]): verified emissions of a scope in a fiscal year (t-CO2); entity: a group member."""
    return _actual_field(env, scope, fy, "emissions_t", entity)


def assurance(env: Env, scope: str, fy: int, entity: Any = None) -> Any:
    """assurance(scope, fy[, entity]): assurance level of that actual (none, limited, reasonable)."""
    return _actual_field(env, scope, fy, "assurance", entity)


def input_value(env: Env, path: str) -> Any:
    """input(path): a submission field by dotted path, recorded in the trace (unknown if absent)."""
    ctx = ctx_of(env)
    value: Any = ctx.submission
    for part in str(path).split("."):
        value = getattr(value, part, None)
        if value is None:
            break
    result = UNKNOWN if value is None else value
    ctx.record(InputRead(str(path), result))
    return result


def _serial_index(ctx: EvalContext) -> dict[str, tuple[str, ...]]:
    """Lot id → ids of other lots whose serial ranges overlap it (one sort and sweep, evaluate/serials.py)."""
    cached: dict[str, tuple[str, ...]] | None = ctx.cache.get("serial_overlaps")
    if cached is not None:
        return cached
    found: dict[str, set[str]] = {}
    for pair in overlaps(serial_ranges(ctx.submission.lots)):
        first, second = pair.first.item.id, pair.second.item.id
        found.setdefault(first, set()).add(second)
        found.setdefault(second, set()).add(first)
    index = {lot_id: tuple(sorted(ids)) for lot_id, ids in found.items()}
    ctx.cache["serial_overlaps"] = index
    return index


def serial_overlaps(env: Env, lot: Any) -> tuple[str, ...]:
    """serial_overlaps(lot): ids of other lots listing an overlapping serial range."""
    return _serial_index(ctx_of(env)).get(lot.id, ())


IMPLEMENTATIONS: dict[str, Implementation] = {
    "param": param,
    "lookup": lookup,
    "listed": listed,
    "matched_codes": matched_codes,
    "table": table,
    "member_on": member_on,
    "fiscal_year": fiscal_year,
    "fy_date": fy_date,
    "last_business_day": last_business_day,
    "eligible_t": eligible_t,
    "actual": actual,
    "assurance": assurance,
    "input": input_value,
    "serial_overlaps": serial_overlaps,
}
