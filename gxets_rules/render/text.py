"""The terminal summary of a result: verdict first, then position, coverage and lots.

A view of the result JSON only (it never evaluates anything), so ``gxets check`` and
``gxets render`` print the same summary for the same result.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from gxets_rules.render.catalogue import Text
from gxets_rules.render.view import ReportView, is_per_fy, not_met


def display_width(text: str) -> int:
    """Terminal columns a text takes: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(title: str, shown: str, width: int = 64) -> str:
    pad = max(1, width - display_width(title) - display_width(shown))
    return f"  {title}{' ' * pad}{shown}"


def _section_rows(view: ReportView, section: str, values: dict[str, Any]) -> list[str]:
    figures = [view.cited(f"{section}.{name}") for name, value in values.items() if not _is_section(value)]
    return [_line(figure.title, figure.shown) for figure in figures]


def _is_section(value: Any) -> bool:
    """A sub-section of the position (printed on its own), not a figure or a per-year map."""
    return isinstance(value, dict) and not is_per_fy(value)


def render_text(result: dict[str, Any], lang: str = "ja") -> str:
    view = ReportView(result, lang)
    t = view.t
    firm, ruleset, coverage = result["firm"], result["ruleset"], result["coverage"]
    group = f" · {view.group}" if view.group else ""
    period = result["period"]
    years = f"FY{period['first_fy']}" + (f"–FY{period['last_fy']}" if period["last_fy"] != period["first_fy"] else "")
    lines = [
        f"{firm['name']} ({firm['id']}){group} · {ruleset['id']} {ruleset['version']} ({ruleset['sha256'][:12]}) · "
        f"{years} · {t('as_of')} {result['as_of']}",
        *([f"⚠ {view.ruleset_from_path}"] if view.ruleset_from_path else []),
        "",
    ]
    status = view.status
    if status is not None and status.value is not None:
        lines.append(f"{t('status')}: {status.shown}")
    lines.append(f"{view.to_buy_title}: {t.value(coverage['offsets_to_buy_t'], 't')}")
    plan = result.get("plan")
    if plan and (plan["last_order"] or plan.get("payment")):
        lines.append(_plan_headline(plan, t))
    lines.append("")
    for section, values in _sections(result["position"]):
        shown = {k: v for k, v in values.items() if not (section == "position" and k == "status")}
        rows = _section_rows(view, section, shown)
        if rows:
            lines.append(t.get(f"section.{section}", section))
            lines.extend(rows)
            lines.append("")
    lines.append(t("coverage"))
    for need_id, need in coverage["needs"].items():
        caps = ""
        for key in need:
            if key.endswith("_cap_t"):
                cls = key.removesuffix("_cap_t")
                caps += f" · {cls} {t('cap')} {need[key]:,} {t('used')} {need[cls + '_usable_t']:,}"
        title = view.cited(f"coverage.needs.{need_id}.need_t").title
        lines.append(
            f"  {title}: {t('need')} {need['need_t']:,} · {t('usable')} {need['usable_t']:,}"
            f" · {view.to_buy_title} {need['offsets_to_buy_t']:,}{caps}"
        )
    lines.append(
        f"  {t('eligible_holdings')}: {coverage['usable_t']:,} t ({t('cancelled')} {coverage['cancelled_t']:,} · "
        f"{t('planned')} {coverage['planned_t']:,} · {t('pending_review')} {coverage['pending_review_t']:,} · "
        f"{t('surplus')} {coverage['surplus_t']:,})"
    )
    lines.append("")
    lines.append(t("lots"))
    width = max((len(lot["id"]) for lot in result["lots"]), default=0)
    for lot in result["lots"]:
        lines.append(
            f"  {lot['id']:<{width}} {t.kind(lot['kind']):<22} {lot['quantity_t']:>12,} t  "
            f"{t.lot_status(lot['status']):<24} {t.verdict(lot['verdict']):<12} "
            f"{t('usable')} {lot['usable_t']:,}"
        )
        for criterion in lot["criteria"]:
            if not_met(criterion):
                mark = "✗" if criterion["outcome"] == "fail" else "?"
                lines.append(
                    f"      {mark} {criterion['id']}: {t.localized(criterion['message'])} [{criterion['source']}]"
                )
    if result.get("plan"):
        lines.append("")
        lines.extend(_plan_rows(result["plan"], t))
    if result["issues"]:
        lines.append("")
        lines.append(t("issues"))
        for issue in result["issues"]:
            lot = f"{issue['lot']}: " if issue["lot"] else ""
            lines.append(f"  {issue['severity']} {issue['check']} {lot}{t.localized(issue['message'])}")
    lines.append("")
    lines.append(f"{t('interpretations')}: " + ", ".join(i["id"] for i in result["interpretations"]))
    return "\n".join(lines) + "\n"


def _session(session: dict[str, Any], words: Callable[[str], str]) -> str:
    return (
        f"{session['date']} {session['time']} ({words('orders')} {session['orders_open']}–{session['orders_close']})"
        f" · {words('settlement_date')} {session['settlement_date']}"
        f" · {words('cancellable_on')} {session['cancellable_on']}"
    )


def _yen(amounts: dict[str, int], t: Text) -> str:
    """Reference amount, then the low–high range in brackets."""
    return f"{t.value(amounts['reference'], 'jpy')} ({amounts['low']:,}–{amounts['high']:,})"


def _vocabulary(plan: dict[str, Any], t: Text) -> Callable[[str], str]:
    """The plan's own titles (it carries them in both languages), in this language."""

    def words(key: str) -> str:
        return t.localized(plan["vocabulary"][key]["title"])

    return words


def _plan_headline(plan: dict[str, Any], t: Text) -> str:
    """The plan in one line under the verdict: by when to order, what is bought and paid, what is left over."""
    words, last = _vocabulary(plan, t), plan["last_order"]
    parts = [f"{words('last_order')}: {last['date']} {last['time']}"] if last else []
    parts.append(_settled(plan, t))
    if not plan.get("payment"):
        parts.append(f"{words('bilateral_or_tender_t')} {t.value(plan['totals']['bilateral_or_tender_t'], 't')}")
    return " · ".join(parts)


def _settled(plan: dict[str, Any], t: Text) -> str:
    """The tonnes the plan's cost is for: those bought and, with a payment in lieu, those paid for."""
    words, payment = _vocabulary(plan, t), plan.get("payment")
    text = f"{words('planned_t')} {t.value(plan['totals']['quantity_t'], 't')}"
    return text + (f" · {t.localized(payment['title'])} {t.value(payment['quantity_t'], 't')}" if payment else "")


def _plan_rows(plan: dict[str, Any], t: Text) -> list[str]:
    """The purchase plan: snapshot and terms, one block per product, the payment in lieu or what the market cannot
    supply, totals."""
    words = _vocabulary(plan, t)
    snap = plan["snapshot"]
    label = f" · {words('example')}" if snap["example"] else ""
    age = f"{words('age_days')} {snap['age_days']:,} {t('unit.days')}"
    rows = [
        f"{words('plan')} ({words('snapshot')}: {t.localized(snap['title'])} · {t('as_of')} {snap['as_of']} · {age}"
        f"{label})",
        f"  {snap['source']['title']}" + (f" <{snap['source']['url']}>" if snap["source"].get("url") else ""),
        "  " + " · ".join(f"{words('term.' + term['name'])} {term['shown']}" for term in plan["terms"]),
    ]
    for line in plan["lines"]:
        price = line["price_jpy_per_t"]
        rows.append(
            f"  {t.localized(line['title'])} [{t.localized(line['venue_title'])}]  "
            f"{t.value(line['quantity_t'], 't')} × {price['reference']:,} {t('unit.jpy_per_t')}"
            f" ({price['low']:,}–{price['high']:,})"
        )
        rows.append(
            f"      {words('cost_jpy')} {_yen(line['cost_jpy'], t)} · "
            f"{words('cost_with_tax_jpy')} {_yen(line['cost_with_tax_jpy'], t)}"
        )
        limit = line["liquidity_limit_t"]
        shown_limit = t.value(limit, "t") if limit is not None else "–"
        rows.append(
            f"      {words('liquidity_limit_t')} {shown_limit} ({words('liquidity.' + line['liquidity_basis'])})"
        )
        if line["last_session"]:
            rows.append(f"      {words('last_session')} {_session(line['last_session'], words)}")
        if line["deliver_by"]:
            rows.append(f"      {words('deliver_by')} {line['deliver_by']}")
    totals, payment = plan["totals"], plan.get("payment")
    if payment:
        rows.append(
            f"  {t.localized(payment['title'])}  {t.value(payment['quantity_t'], 't')}"
            f" × {payment['unit_price_jpy_per_t']:,} {t('unit.jpy_per_t')}"
        )
        rows.append(
            f"      {words('cost_jpy')} {t.value(payment['cost_jpy'], 'jpy')} · "
            f"{words('cost_with_tax_jpy')} {t.value(payment['cost_with_tax_jpy'], 'jpy')} · "
            f"{words('due')} {payment['due']}"
        )
    else:
        rows.append(f"  {words('bilateral_or_tender_t')}: {t.value(totals['bilateral_or_tender_t'], 't')}")
    rows.append(
        f"  {_settled(plan, t)}: "
        f"{words('cost_jpy')} {_yen(totals['cost_jpy'], t)} · "
        f"{words('cost_with_tax_jpy')} {_yen(totals['cost_with_tax_jpy'], t)}"
    )
    if plan["last_order"]:
        rows.append(f"  {words('last_order')}: {_session(plan['last_order'], words)}")
    for item in plan["excluded"]:
        why = t.localized(item["message"]) if item["message"] else words("reason." + item["reason"])
        rows.append(f"  – {t.localized(item['title'])}: {why}")
    return rows


def _sections(tree: dict[str, Any], prefix: str = "position") -> list[tuple[str, dict[str, Any]]]:
    """Flatten the nested position into (dotted section, its fields) pairs, parents first."""
    found = [(prefix, tree)]
    for name, value in tree.items():
        if _is_section(value):
            found.extend(_sections(value, f"{prefix}.{name}"))
    return found


_MARKS = {"pass": "✓", "fail": "✗", "indeterminate": "?", "not_applicable": "–"}


def render_lot(result: dict[str, Any], lot_id: str, lang: str = "ja") -> str:
    """One lot, criterion by criterion, with everything each criterion read and the evidence behind it."""
    t = Text(lang)
    lot = next(item for item in result["lots"] if item["id"] == lot_id)
    project = f" · {lot['project_id']} ({lot['project_country']})" if lot["project_id"] else ""
    lines = [
        f"{lot['id']} · {t.kind(lot['kind'])} · {lot['quantity_t']:,} t · {t.lot_status(lot['status'])}{project}",
        f"{t.verdict(lot['verdict'])} · {t('usable')} {lot['usable_t']:,} t",
        "",
    ]
    for criterion in lot["criteria"]:
        mark = _MARKS[criterion["outcome"]]
        lines.append(f"{mark} {criterion['id']} ({t.outcome(criterion['outcome'])}) [{criterion['source']}]")
        lines.append(f"    {t.localized(criterion['message'])}")
        if criterion["outcome"] == "not_applicable":
            continue
        for path, value in criterion["inputs"].items():
            lines.append(f"    {t('explain.input')}: {path} = {t.value(value)}")
        for param in criterion["params"]:
            source = f" [{param['source']}]" if param["source"] else ""
            lines.append(
                f"    {t('explain.param')}: {param['name']} (FY{param['fy']}) = {t.value(param['value'])}{source}"
            )
        if criterion["interpretations"]:
            lines.append(f"    {t('explain.interpretations')}: {', '.join(criterion['interpretations'])}")
        for evidence in criterion["evidence"]:
            lines.append(f"    {t('explain.evidence')}: {evidence['text']}")
    return "\n".join(lines) + "\n"
