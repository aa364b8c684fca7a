"""What makes a ``gxets.result.v2`` consistent, beyond its shape: references resolve and figures add up.

A result that validates against the model can still be wrong — edited by hand, truncated and patched, or crafted: a lot
counting more tonnes than it holds, a need covered by more than its lots give, a criterion id the catalogue does not
describe, a verdict that its own outcomes contradict. ``gxets render`` would lay such a result out as confidently as a
true one, so each relation the engine guarantees is checked here, in the order a reader meets them, and each
inconsistency is named with its place in the result (a path such as ``('lots', 3, 'usable_t')``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from gxets_rules.model.plan import Plan, YenRange
from gxets_rules.model.result import KIND_OF_UNIT, NOT_MET, LotResult, Result, verdict_of

Path = tuple[str | int, ...]
Inconsistency = tuple[Path, str]


def inconsistencies(result: Result) -> Iterator[Inconsistency]:
    """Every inconsistency of a result, catalogue first, then position, coverage, lots, trace, issues and plan."""
    yield from _catalogue(result)
    yield from _position(result)
    yield from _coverage(result)
    yield from _lots(result)
    yield from _allocations(result)
    yield from _trace(result)
    yield from _issues(result)
    if result.plan is not None:
        yield from _plan(result.plan, result)


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {key for key, count in Counter(ids).items() if count > 1}


def _unknown(refs: Iterable[str], known: Any) -> list[str]:
    return [ref for ref in refs if ref not in known]


# the catalogue --------------------------------------------------------------------------------------------------------
def _catalogue(result: Result) -> Iterator[Inconsistency]:
    cat = result.catalogue
    interpretations = {i.id for i in cat.interpretations}
    sources = {s.id for s in cat.sources}
    described = {
        "criteria": [c.id for c in cat.criteria],
        "needs": [n.id for n in cat.needs],
        "interpretations": [i.id for i in cat.interpretations],
    }
    for name, ids in described.items():
        twice = _duplicates(ids)
        for index, item in enumerate(ids):
            if item in twice:
                yield ("catalogue", name, index, "id"), f"{item} is described twice"
    cited: list[tuple[Path, list[str], str | None]] = [
        (("catalogue", "criteria", i, "interpretations"), c.interpretations, c.source)
        for i, c in enumerate(cat.criteria)
    ]
    for key, param in cat.params.items():
        if key != f"{param.name}@{param.fy}":
            yield ("catalogue", "params", key), f"describes {param.name}@{param.fy}, not {key}"
        cited.append((("catalogue", "params", key, "interpretations"), param.interpretations, param.source))
    for key, quantity in cat.quantities.items():
        if key != quantity.id:
            yield ("catalogue", "quantities", key), f"describes quantity {quantity.id}, not {key}"
        cited.append((("catalogue", "quantities", key, "interpretations"), quantity.interpretations, quantity.source))
    for path, refs, source in cited:
        for ref in _unknown(refs, interpretations):
            yield path, f"interpretation {ref} is not in the catalogue"
        if source is not None and source.split(" ", 1)[0] not in sources:
            yield (*path[:-1], "source"), f"cites {source!r}, whose document is not among the sources"
    for index, need in enumerate(cat.needs):
        for ref in _unknown([need.quantity or "", *(q or "" for q in need.caps.values())], {"", *cat.quantities}):
            yield ("catalogue", "needs", index), f"quantity {ref} is not in the catalogue"


# the position ---------------------------------------------------------------------------------------------------------
def _position(result: Result) -> Iterator[Inconsistency]:
    quantities = result.catalogue.quantities
    twice = _duplicates(figure.path for figure in result.position.figures)
    for index, figure in enumerate(result.position.figures):
        where: Path = ("position", "figures", index)
        if not figure.path.startswith("position."):
            yield (*where, "path"), "an output of the position has a path starting 'position.'"
        if figure.path in twice:
            yield (*where, "path"), f"{figure.path} is listed twice"
        if figure.kind == "not_defined" or figure.quantity is None:
            continue
        spec = quantities.get(figure.quantity)
        if spec is None:
            yield (*where, "quantity"), f"quantity {figure.quantity} is not in the catalogue"
            continue
        if figure.unit != spec.unit or KIND_OF_UNIT.get(spec.unit) != figure.kind:
            yield (*where, "kind"), f"a {figure.kind} figure in {figure.unit}, but {spec.id} is in {spec.unit}"
        values = [figure.value, *(figure.by_fy or {}).values()]
        if figure.kind == "label" and spec.labels:
            for value in values:
                if value is not None and value not in spec.labels:
                    yield (*where, "value"), f"{value!r} is not one of the labels of {spec.id}"


# the coverage ---------------------------------------------------------------------------------------------------------
def _coverage(result: Result) -> Iterator[Inconsistency]:
    cov = result.coverage
    described = [need.id for need in result.catalogue.needs]
    if [need.id for need in cov.needs] != described:
        yield ("coverage", "needs"), f"the needs are not the catalogue's ({', '.join(described)})"
    for index, need in enumerate(cov.needs):
        where: Path = ("coverage", "needs", index)
        by_kind = sum(row.usable_t for row in need.usable_by_kind)
        if by_kind != need.usable_t:
            yield (*where, "usable_t"), f"{need.usable_t:,} t, but its instruments cover {by_kind:,} t"
        if not 0 <= need.usable_t <= need.need_t:
            yield (*where, "usable_t"), f"{need.usable_t:,} t covered of a need of {need.need_t:,} t"
        if need.offsets_to_buy_t != need.need_t - need.usable_t:
            yield (*where, "offsets_to_buy_t"), f"{need.offsets_to_buy_t:,} t is not the need less what is covered"
        for cls, cap in need.caps.items():
            if not 0 <= cap.usable_t <= cap.cap_t:
                yield (*where, "caps", cls), f"{cap.usable_t:,} t used of a cap of {cap.cap_t:,} t"
        if len({row.kind for row in need.usable_by_kind}) != len(need.usable_by_kind):
            yield (*where, "usable_by_kind"), "a kind is listed twice"
    totals = {
        "need_t": sum(n.need_t for n in cov.needs),
        "usable_t": sum(n.usable_t for n in cov.needs),
        "offsets_to_buy_t": sum(n.offsets_to_buy_t for n in cov.needs),
    }
    for name, total in totals.items():
        if getattr(cov, name) != total:
            yield ("coverage", name), f"{getattr(cov, name):,} t, but the needs add up to {total:,} t"
    if cov.surplus_t != cov.eligible_t - cov.usable_t:
        yield ("coverage", "surplus_t"), "the surplus is not the eligible tonnes less those used"
    if cov.cancelled_t + cov.planned_t != cov.usable_t:
        yield ("coverage", "planned_t"), "cancelled and planned tonnes do not add up to those used"
    for cls, use in cov.classes.items():
        caps = [(n.need_t, n.caps[cls]) for n in cov.needs if cls in n.caps]
        expected = (
            sum(cap.cap_t for amount, cap in caps if amount > 0),
            sum(cap.usable_t for _, cap in caps),
            sum(cap.cap_t - cap.usable_t for amount, cap in caps if amount > 0),
        )
        if (use.cap_t, use.usable_t, use.headroom_t) != expected:
            yield ("coverage", "classes", cls), "its cap, use and headroom are not those of the needs"


# the lots -------------------------------------------------------------------------------------------------------------
def _lots(result: Result) -> Iterator[Inconsistency]:
    duplicated = _duplicates(lot.id for lot in result.lots)
    needs = {need.id for need in result.coverage.needs}
    for index, lot in enumerate(result.lots):
        where: Path = ("lots", index)
        if lot.id in duplicated:
            yield (*where, "id"), f"lot {lot.id} is listed twice"
        yield from _lot_figures(lot, where, needs)
        yield from _lot_criteria(result, lot, where)


def _lot_figures(lot: LotResult, where: Path, needs: set[str]) -> Iterator[Inconsistency]:
    if sum(lot.allocations.values()) != lot.usable_t:
        yield (
            (*where, "usable_t"),
            f"{lot.usable_t:,} t, but its allocations add up to {sum(lot.allocations.values()):,} t",
        )
    if not 0 <= lot.usable_t <= lot.quantity_t:
        yield (*where, "usable_t"), f"{lot.usable_t:,} t counted of a lot of {lot.quantity_t:,} t"
    for need, tonnes in lot.allocations.items():
        if need not in needs:
            yield (*where, "allocations", need), f"need {need} is not one of the coverage's"
        elif tonnes <= 0:
            yield (*where, "allocations", need), f"{tonnes:,} t: an allocation is a positive number of tonnes"
    if lot.usable_t > 0 and lot.verdict != "eligible":
        yield (*where, "usable_t"), f"a lot that is {lot.verdict} counts no tonnes"


def _lot_criteria(result: Result, lot: LotResult, where: Path) -> Iterator[Inconsistency]:
    index, params = result.criterion_index, result.catalogue.params
    read: set[str] = set()
    for cid, record in lot.criteria.items():
        at = (*where, "criteria", cid)
        if cid not in index:
            yield at, f"criterion {cid} is not in the catalogue"
            continue
        spec = index[cid][1]
        read.update(spec.reads, record.extra_reads)
        if (record.message is not None) != (record.outcome in NOT_MET):
            yield (*at, "message"), "a message is given exactly for a criterion that failed or is undecided"
        for pid in _unknown(record.params, params):
            yield (*at, "params"), f"parameter {pid} is not in the catalogue"
        for path in sorted(set(spec.reads) & set(record.extra_reads)):
            yield (*at, "extra_reads"), f"{path} is among the criterion's reads already"
        for path in _unknown(record.values, {*spec.reads, *record.extra_reads}):
            yield (*at, "values", path), "the criterion does not read this path"
    expected = verdict_of([record.outcome for record in lot.criteria.values()])
    if lot.verdict != expected:
        yield (*where, "verdict"), f"{lot.verdict}, but its criteria's outcomes make it {expected}"
    for path in _unknown(lot.values, read):
        yield (*where, "values", path), "no criterion of the lot reads this path"


def _allocations(result: Result) -> Iterator[Inconsistency]:
    """Each need's coverage is what the lots' allocations to it give, kind by kind; and every tonne of the lots is
    used, not needed, to review, ineligible or not counted."""
    kinds = {lot.id: lot.kind for lot in result.lots}
    given: Counter[tuple[str, str]] = Counter()
    for lot in result.lots:
        for need_id, tonnes in lot.allocations.items():
            given[need_id, kinds[lot.id]] += tonnes
    for index, need in enumerate(result.coverage.needs):
        listed = {row.kind: row.usable_t for row in need.usable_by_kind}
        from_lots = {kind: tonnes for (nid, kind), tonnes in given.items() if nid == need.id}
        if listed != from_lots:
            yield ("coverage", "needs", index, "usable_by_kind"), "the tonnes per kind are not what the lots give it"
    cov = result.coverage
    parts = cov.usable_t + cov.surplus_t + cov.pending_review_t + cov.ineligible_t + cov.not_counted_t
    if parts != sum(lot.quantity_t for lot in result.lots):
        yield ("coverage", "ineligible_t"), "used, unneeded, to review, ineligible and uncounted tonnes miss lots"


# the trace and the issues ---------------------------------------------------------------------------------------------
def _trace(result: Result) -> Iterator[Inconsistency]:
    quantities, params = result.catalogue.quantities, result.catalogue.params
    seen: set[tuple[str, int | None]] = set()
    for index, trace in enumerate(result.quantities):
        where: Path = ("quantities", index)
        if (trace.id, trace.fy) in seen:
            yield where, f"quantity {trace.id} is traced twice for the same year"
        seen.add((trace.id, trace.fy))
        for ref in _unknown([trace.id, *trace.uses], quantities):
            yield where, f"quantity {ref} is not in the catalogue"
        for ref in _unknown(trace.params, params):
            yield (*where, "params"), f"parameter {ref} is not in the catalogue"


def _issues(result: Result) -> Iterator[Inconsistency]:
    lots = {lot.id for lot in result.lots}
    for index, issue in enumerate(result.issues):
        if issue.lot is not None and issue.lot not in lots:
            yield ("issues", index, "lot"), f"lot {issue.lot} is not in the result"


# the plan -------------------------------------------------------------------------------------------------------------
def _taxed(at: Path, cost: YenRange, tax: YenRange, with_tax: YenRange) -> Iterator[Inconsistency]:
    for level in ("reference", "low", "high"):
        if getattr(cost, level) + getattr(tax, level) != getattr(with_tax, level):
            yield (*at, "cost_with_tax_jpy", level), "the cost with tax is not the cost plus the tax"


def _plan(plan: Plan, result: Result) -> Iterator[Inconsistency]:
    offsets = {need.id: need.offsets_to_buy_t for need in result.coverage.needs}
    for index, line in enumerate(plan.lines):
        at: Path = ("plan", "lines", index)
        if sum(line.by_need.values()) != line.quantity_t or min(line.by_need.values(), default=1) <= 0:
            yield (*at, "quantity_t"), "the tonnes bought are not what it gives the needs"
        yield from _taxed(at, line.cost_jpy, line.tax_jpy, line.cost_with_tax_jpy)
    payment = plan.payment
    if payment is not None:
        if sum(payment.by_need.values()) != payment.quantity_t:
            yield ("plan", "payment", "quantity_t"), "the tonnes paid for are not what it settles for the needs"
        if payment.quantity_t * payment.unit_price_jpy_per_t != payment.cost_jpy:
            yield ("plan", "payment", "cost_jpy"), "the cost is not the tonnes times the price"
        if payment.cost_jpy + payment.tax_jpy != payment.cost_with_tax_jpy:
            yield ("plan", "payment", "cost_with_tax_jpy"), "the cost with tax is not the cost plus the tax"
    for index, need in enumerate(plan.needs):
        at = ("plan", "needs", index)
        bought = sum(line.by_need.get(need.id, 0) for line in plan.lines)
        paid = payment.by_need.get(need.id, 0) if payment else 0
        if need.id not in offsets or need.offsets_to_buy_t != offsets[need.id]:
            yield (*at, "offsets_to_buy_t"), "not the offsets to buy of a need of the coverage"
        elif (need.planned_t, need.payment_t) != (bought, paid):
            yield (*at, "planned_t"), "the tonnes planned or paid are not what the lines and payment give it"
        elif need.bilateral_or_tender_t != need.offsets_to_buy_t - bought - paid:
            yield (*at, "bilateral_or_tender_t"), "not what is left of the need after purchases and payment"
    yield from _plan_totals(plan)


def _plan_totals(plan: Plan) -> Iterator[Inconsistency]:
    totals, payment = plan.totals, plan.payment
    expected = (
        sum(line.quantity_t for line in plan.lines),
        payment.quantity_t if payment else 0,
        sum(need.bilateral_or_tender_t for need in plan.needs),
    )
    if (totals.quantity_t, totals.payment_t, totals.bilateral_or_tender_t) != expected:
        yield ("plan", "totals", "quantity_t"), "the totals' tonnes are not the lines', the payment's and the needs'"
    fixed = {
        "cost_jpy": payment.cost_jpy if payment else 0,
        "tax_jpy": payment.tax_jpy if payment else 0,
        "cost_with_tax_jpy": payment.cost_with_tax_jpy if payment else 0,
    }
    for name, extra in fixed.items():
        total: YenRange = getattr(totals, name)
        for level in ("reference", "low", "high"):
            summed = sum(getattr(getattr(line, name), level) for line in plan.lines) + extra
            if getattr(total, level) != summed:
                yield (
                    ("plan", "totals", name, level),
                    f"{getattr(total, level):,} yen, but the plan adds up to {summed:,}",
                )
