"""What ``gxets review`` prints: the verdict figures and the findings, one line each (the summary files hold all)."""

from __future__ import annotations

from gxets_rules.model.review import ReviewSummary
from gxets_rules.render.review_view import ReviewView

MAX_LINES = 50


def render_review_text(summary: ReviewSummary, lang: str) -> str:
    """The round and the verdict figures, then each double claim, allowance excess, registry mismatch and invalid file
    (at most 50 of each)."""
    view = ReviewView(summary, lang)
    t = view.t
    heading = f"{t('desk.round')} {summary.round}: " if summary.round else ""
    lines = [heading + " · ".join(f"{f.title} {t.value(f.value)}" for f in view.figures())]
    for claim in summary.double_claims[:MAX_LINES]:
        scope = t("review.scope." + claim.scope)
        lines.append(
            f"  {scope}: {claim.registry} {claim.certification_number} "
            f"{claim.overlap_start}–{claim.overlap_end} ({t.value(claim.overlap_t, 't')}): "
            f"{view.claim(claim.first)} × {view.claim(claim.second)}"
        )
    for balance in [b for b in summary.era if b.excess_t > 0][:MAX_LINES]:
        lines.append(
            f"  {t('review.era_excess_t')} {balance.seller_firm_id}: {t.value(balance.claimed_t, 't')} > "
            f"{t.value(balance.created_t, 't')}"
        )
    for finding in (summary.registry.findings if summary.registry else [])[:MAX_LINES]:
        serials = f" {finding.serial_start}–{finding.serial_end}" if finding.serial_start is not None else ""
        lines.append(
            f"  {t('desk.registry.problem.' + finding.problem)}: {finding.firm_id} {finding.lot_id} "
            f"{finding.certification_number or ''}{serials}"
            + (f" ({finding.claimed} ≠ {finding.recorded})" if finding.recorded is not None else "")
        )
    for invalid in summary.invalid[:MAX_LINES]:
        lines.append(f"  {t('review.invalid_files')}: {invalid.file} ({len(invalid.problems)})")
    return "\n".join(lines) + "\n"
