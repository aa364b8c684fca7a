"""The terminal summary of a result: verdict first, then position, coverage and lots.

A view of the typed result only (it never evaluates anything), so ``gxets check`` and
``gxets render`` print the same summary for the same result.
"""

from __future__ import annotations

from collections.abc import Callable

from gxets_rules.model.plan import Plan, PlanSession, YenRange
from gxets_rules.model.result import IntakeNote, Result
from gxets_rules.render.catalogue import Text
from gxets_rules.render.evidence import evidence_text
from gxets_rules.render.view import ReportView
from gxets_rules.render.width import display_width, pad


def _line(title: str, shown: str, width: int = 64) -> str:
    gap = max(1, width - display_width(title) - display_width(shown))
    return f"  {title}{' ' * gap}{shown}"


def _table(rows: list[list[str]], right: frozenset[int] = frozenset()) -> list[str]:
    """Rows as columns aligned by display width (a Japanese character takes two columns); ``right``: the columns of
    figures, aligned on the right."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
    return ["  " + "  ".join(pad(cell, widths[i], i in right) for i, cell in enumerate(row)).rstrip() for row in rows]


def _sections(view: ReportView) -> list[tuple[str, list[str]]]:
    """The position's sections with their outputs, as the rule set declares them: a section, then the sections within
    it, each after the one declared before it; a section's own outputs in their order."""
    by_section: dict[str, list[str]] = {}
    first: dict[str, int] = {}  # each section and enclosing section → where it first appears
    for index, figure in enumerate(view.result.position.figures):
        section, _, name = figure.path.rpartition(".")
        by_section.setdefault(section, []).append(name)
        parts = section.split(".")
        for depth in range(1, len(parts) + 1):
            first.setdefault(".".join(parts[:depth]), index)

    def place(section: str) -> tuple[int, ...]:
        parts = section.split(".")
        return tuple(first[".".join(parts[:depth])] for depth in range(1, len(parts) + 1))

    return sorted(by_section.items(), key=lambda item: place(item[0]))


def render_text(result: Result, lang: str = "ja") -> str:
    view = ReportView(result, lang)
    t = view.t
    firm, ruleset, coverage, period = result.firm, result.ruleset, result.coverage, result.period
    group = f" · {view.group}" if view.group else ""
    years = f"FY{period.first_fy}" + (f"–FY{period.last_fy}" if period.last_fy != period.first_fy else "")
    lines = [
        f"{firm.name} ({firm.id}){group} · {ruleset.id} {ruleset.version} ({ruleset.sha256[:12]}) · "
        f"{years} · {t('as_of')} {result.as_of}",
        *([f"⚠ {view.ruleset_from_path}"] if view.ruleset_from_path else []),
        "",
    ]
    status = view.status
    if status is not None and status.value is not None:
        lines.append(f"{t('status')}: {status.shown}")
    lines.append(f"{view.to_buy_title}: {t.value(coverage.offsets_to_buy_t, 't')}")
    plan = result.plan
    if plan and (plan.last_order or plan.payment):
        lines.append(_plan_headline(plan, t))
    lines.append("")
    for section, names in _sections(view):
        shown = [name for name in names if not (section == "position" and name == "status")]
        if shown:
            lines.append(t.get(f"section.{section}", section))
            lines.extend(_line(f.title, f.shown) for f in (view.cited(f"{section}.{name}") for name in shown))
            lines.append("")
    lines.append(t("coverage"))
    described = {need.id: need for need in result.catalogue.needs}
    for need in coverage.needs:
        caps = "".join(
            f" · {t.kind(cls)} {t('cap')} {cap.cap_t:,} {t('used')} {cap.usable_t:,}" for cls, cap in need.caps.items()
        )
        title = t.localized(described[need.id].title)
        lines.append(
            f"  {title}: {t('need')} {need.need_t:,} · {t('usable')} {need.usable_t:,}"
            f" · {view.to_buy_title} {need.offsets_to_buy_t:,}{caps}"
        )
    lines.append(
        f"  {t('eligible_holdings')}: {coverage.usable_t:,} t ({t('cancelled')} {coverage.cancelled_t:,} · "
        f"{t('planned')} {coverage.planned_t:,} · {t('pending_review')} {coverage.pending_review_t:,} · "
        f"{t('surplus')} {coverage.surplus_t:,})"
    )
    lines.append("")
    lines.append(t("lots"))
    rows = [
        [
            lot.id,
            t.kind(lot.kind),
            f"{lot.quantity_t:,} t",
            t.lot_status(lot.status),
            t.verdict(lot.verdict),
            f"{t('usable')} {lot.usable_t:,}",
        ]
        for lot in result.lots
    ]
    for lot, row in zip(result.lots, _table(rows, frozenset({2})), strict=True):
        lines.append(row)
        for criterion in view.failing(lot):
            mark = "✗" if criterion.outcome == "fail" else "?"
            lines.append(f"      {mark} {criterion.id}: {t.localized(criterion.message)} [{criterion.source}]")
    if plan:
        lines.append("")
        lines.extend(_plan_rows(plan, t))
    if result.issues:
        lines.append("")
        lines.append(t("issues"))
        for issue in result.issues:
            lot_id = f"{issue.lot}: " if issue.lot else ""
            lines.append(f"  {issue.severity} {issue.check} {lot_id}{t.localized(issue.message)}")
    lines.extend(_intake_rows(result.intake, t))
    lines.append("")
    lines.append(f"{t('interpretations')}: " + ", ".join(i.id for i in view.interpretations()))
    return "\n".join(lines) + "\n"


def _intake_rows(notes: list[IntakeNote], t: Text) -> list[str]:
    """How the inputs were read, where that differs from how they were typed (none: no section)."""
    if not notes:
        return []
    rows = ["", t("intake")]
    for note in notes:
        field = f"{t.localized(note.field)}: " if note.field else ""
        rows.append(f"  {note.location}: {field}{t.localized(note.message)}")
    return rows


def _session(session: PlanSession, words: Callable[[str], str]) -> str:
    return (
        f"{session.date} {session.time} ({words('orders')} {session.orders_open}–{session.orders_close})"
        f" · {words('settlement_date')} {session.settlement_date}"
        f" · {words('cancellable_on')} {session.cancellable_on}"
    )


def _yen(amounts: YenRange, t: Text) -> str:
    """Reference amount, then the low–high range in brackets."""
    return f"{t.value(amounts.reference, 'jpy')} ({amounts.low:,}–{amounts.high:,})"


def _vocabulary(plan: Plan, t: Text) -> Callable[[str], str]:
    """The plan's own titles (it carries them in both languages), in this language."""

    def words(key: str) -> str:
        return t.localized(plan.vocabulary[key].title)

    return words


def _plan_headline(plan: Plan, t: Text) -> str:
    """The plan in one line under the verdict: by when to order, what is bought and paid, what is left over."""
    words, last = _vocabulary(plan, t), plan.last_order
    parts = [f"{words('last_order')}: {last.date} {last.time}"] if last else []
    parts.append(_settled(plan, t))
    if not plan.payment:
        parts.append(f"{words('bilateral_or_tender_t')} {t.value(plan.totals.bilateral_or_tender_t, 't')}")
    return " · ".join(parts)


def _settled(plan: Plan, t: Text) -> str:
    """The tonnes the plan's cost is for: those bought and, with a payment in lieu, those paid for."""
    words, payment = _vocabulary(plan, t), plan.payment
    text = f"{words('planned_t')} {t.value(plan.totals.quantity_t, 't')}"
    return text + (f" · {t.localized(payment.title)} {t.value(payment.quantity_t, 't')}" if payment else "")


def _plan_rows(plan: Plan, t: Text) -> list[str]:
    """The purchase plan: snapshot and terms, one block per product, the payment in lieu or what the market cannot
    supply, totals."""
    words = _vocabulary(plan, t)
    snap = plan.snapshot
    label = f" · {words('example')}" if snap.example else ""
    age = f"{words('age_days')} {snap.age_days:,} {t('unit.days')}"
    rows = [
        f"{words('plan')} ({words('snapshot')}: {t.localized(snap.title)} · {t('as_of')} {snap.as_of} · {age}{label})",
        f"  {snap.source.title}" + (f" <{snap.source.url}>" if snap.source.url else ""),
        "  " + " · ".join(f"{words('term.' + term.name)} {term.shown}" for term in plan.terms),
    ]
    for line in plan.lines:
        price = line.price_jpy_per_t
        rows.append(
            f"  {t.localized(line.title)} [{t.localized(line.venue_title)}]  "
            f"{t.value(line.quantity_t, 't')} × {price.reference:,} {t('unit.jpy_per_t')}"
            f" ({price.low:,}–{price.high:,})"
        )
        rows.append(
            f"      {words('cost_jpy')} {_yen(line.cost_jpy, t)} · "
            f"{words('cost_with_tax_jpy')} {_yen(line.cost_with_tax_jpy, t)}"
        )
        limit = line.liquidity_limit_t
        shown_limit = t.value(limit, "t") if limit is not None else "–"
        days = f" · {words('liquidity_days')} {line.liquidity_days}" if line.liquidity_days is not None else ""
        rows.append(
            f"      {words('liquidity_limit_t')} {shown_limit} ({words('liquidity.' + line.liquidity_basis)}{days})"
        )
        if line.last_session:
            rows.append(f"      {words('last_session')} {_session(line.last_session, words)}")
        if line.deliver_by:
            rows.append(f"      {words('deliver_by')} {line.deliver_by}")
    totals, payment = plan.totals, plan.payment
    if payment:
        rows.append(
            f"  {t.localized(payment.title)}  {t.value(payment.quantity_t, 't')}"
            f" × {payment.unit_price_jpy_per_t:,} {t('unit.jpy_per_t')}"
        )
        rows.append(
            f"      {words('cost_jpy')} {t.value(payment.cost_jpy, 'jpy')} · "
            f"{words('cost_with_tax_jpy')} {t.value(payment.cost_with_tax_jpy, 'jpy')} · "
            f"{words('due')} {payment.due}"
        )
    else:
        rows.append(f"  {words('bilateral_or_tender_t')}: {t.value(totals.bilateral_or_tender_t, 't')}")
    rows.append(
        f"  {_settled(plan, t)}: "
        f"{words('cost_jpy')} {_yen(totals.cost_jpy, t)} · "
        f"{words('cost_with_tax_jpy')} {_yen(totals.cost_with_tax_jpy, t)}"
    )
    if plan.last_order:
        rows.append(f"  {words('last_order')}: {_session(plan.last_order, words)}")
    for item in plan.excluded:
        why = t.localized(item.message) if item.message else words("reason." + item.reason)
        rows.append(f"  – {t.localized(item.title)}: {why}")
    return rows


_MARKS = {"pass": "✓", "fail": "✗", "indeterminate": "?", "not_applicable": "–"}


def render_lot(result: Result, lot_id: str, lang: str = "ja") -> str:
    """One lot, criterion by criterion, with everything each criterion read and the evidence behind it."""
    view = ReportView(result, lang)
    t = view.t
    lot = next(item for item in result.lots if item.id == lot_id)
    project = f" · {lot.project_id} ({lot.project_country})" if lot.project_id else ""
    lines = [
        f"{lot.id} · {t.kind(lot.kind)} · {lot.quantity_t:,} t · {t.lot_status(lot.status)}{project}",
        f"{t.verdict(lot.verdict)} · {t('usable')} {lot.usable_t:,} t",
        "",
    ]
    for criterion in view.criteria(lot):
        mark = _MARKS[criterion.outcome]
        lines.append(f"{mark} {criterion.id} ({t.outcome(criterion.outcome)}) [{criterion.source}]")
        lines.append(f"    {t.localized(criterion.message)}")
        if criterion.outcome == "not_applicable":
            continue
        for path, value in sorted(criterion.inputs.items()):
            lines.append(f"    {t('explain.input')}: {path} = {t.value(value)}")
        for param in criterion.params:
            source = f" [{param.source}]" if param.source else ""
            lines.append(f"    {t('explain.param')}: {param.name} (FY{param.fy}) = {t.value(param.value)}{source}")
        if criterion.interpretations:
            lines.append(f"    {t('explain.interpretations')}: {', '.join(criterion.interpretations)}")
        for evidence in criterion.evidence:
            lines.append(f"    {t('explain.evidence')}: {evidence_text(evidence, t)}")
    return "\n".join(lines) + "\n"
