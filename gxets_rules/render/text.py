"""The terminal summary of a result: verdict first, then position, coverage and lots.

A view of the result JSON only (it never evaluates anything), so ``gxets check`` and
``gxets render`` print the same summary for the same result.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from gxets_rules.render.view import ReportView, is_per_fy


def display_width(text: str) -> int:
    """Terminal columns a text takes: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(title: str, shown: str, width: int = 64) -> str:
    pad = max(1, width - display_width(title) - display_width(shown))
    return f"  {title}{' ' * pad}{shown}"


def _section_rows(view: ReportView, section: str, values: dict[str, Any]) -> list[str]:
    rows = []
    for name, value in values.items():
        if isinstance(value, dict) and not is_per_fy(value):
            continue  # a sub-section, printed on its own
        field = view.result["fields"].get(f"{section}.{name}", {})
        title = view.t.localized(field.get("title")) or view.t.get(f"field.{name}", name)
        rows.append(_line(title, view.shown(value, field.get("unit"), field.get("labels"))))
    return rows


def render_text(result: dict[str, Any], lang: str = "ja") -> str:
    view = ReportView(result, lang)
    t = view.t
    firm, ruleset, coverage = result["firm"], result["ruleset"], result["coverage"]
    lines = [
        f"{firm['name']} ({firm['id']}) · {t('group')} {firm['group']} · "
        f"{ruleset['id']} {ruleset['version']} ({ruleset['sha256'][:12]}) · {t('as_of')} {result['as_of']}",
        "",
    ]
    status = result["position"].get("status")
    labels = result["fields"].get("position.status", {}).get("labels") or {}
    if status is not None:
        lines.append(f"{t('status')}: {t.localized(labels.get(status)) or status}")
    lines.append(f"{t('offsets_to_buy')}: {t.value(coverage['offsets_to_buy_t'], 't')}")
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
        title = t.get("need." + need_id, need_id)
        lines.append(
            f"  {title}: {t('need')} {need['need_t']:,} · {t('usable')} {need['usable_t']:,}"
            f" · {t('offsets_to_buy')} {need['offsets_to_buy_t']:,}{caps}"
        )
    lines.append(
        f"  {t('eligible_holdings')}: {coverage['usable_t']:,} t ({t('cancelled')} {coverage['cancelled_t']:,} · "
        f"{t('planned')} {coverage['planned_t']:,} · {t('pending_review')} {coverage['pending_review_t']:,} · "
        f"{t('surplus')} {coverage['surplus_t']:,})"
    )
    lines.append("")
    lines.append(t("lots"))
    for lot in result["lots"]:
        lines.append(
            f"  {lot['id']:<10} {t.get('kind.' + lot['kind'], lot['kind']):<22} {lot['quantity_t']:>12,} t  "
            f"{t.get('status.' + lot['status'], lot['status']):<24} {t('verdict.' + lot['verdict']):<12} "
            f"{t('usable')} {lot['usable_t']:,}"
        )
        for criterion in lot["criteria"]:
            if criterion["outcome"] in ("fail", "indeterminate"):
                mark = "✗" if criterion["outcome"] == "fail" else "?"
                lines.append(
                    f"      {mark} {criterion['id']}: {t.localized(criterion['message'])} [{criterion['source']}]"
                )
    if result["issues"]:
        lines.append("")
        lines.append(t("issues"))
        for issue in result["issues"]:
            lot = f"{issue['lot']}: " if issue["lot"] else ""
            lines.append(f"  {issue['severity']} {issue['check']} {lot}{t.localized(issue['message'])}")
    lines.append("")
    lines.append(f"{t('interpretations')}: " + ", ".join(i["id"] for i in result["interpretations"]))
    return "\n".join(lines) + "\n"


def _sections(tree: dict[str, Any], prefix: str = "position") -> list[tuple[str, dict[str, Any]]]:
    """Flatten the nested position into (dotted section, its fields) pairs, parents first."""
    found = [(prefix, tree)]
    for name, value in tree.items():
        if isinstance(value, dict) and not is_per_fy(value):
            found.extend(_sections(value, f"{prefix}.{name}"))
    return found
