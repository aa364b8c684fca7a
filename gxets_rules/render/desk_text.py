"""What the review desk's commands print: a ledger line, a recorded decision, a firm's changes between rounds.

Times are shown in Japan time (the ledger stores UTC); words come from the catalogues, Japanese by default.
"""

from __future__ import annotations

from gxets_rules.model.base import LocalizedText
from gxets_rules.model.desk import Change, Decision, FirmDiff, LedgerSubmission, LotSummary, japan_time
from gxets_rules.render.catalogue import Text


def decision_words(decision: Decision | None, t: Text) -> str:
    """A decision in a few words: ``差戻し (round 1, 2026-12-04 18:03 JST, tanaka)``."""
    if decision is None:
        return t("desk.no_decision")
    lot = f" {t('desk.lot')} {decision.lot_id}" if decision.lot_id else ""
    when = japan_time(decision.decided_at)
    return f"{t('desk.decision.' + decision.decision)}{lot} ({decision.round}, {when}, {decision.reviewer})"


def ledger_line(submission: LedgerSubmission, decision: Decision | None, lang: str) -> str:
    """One recorded submission on one line, as ``gxets ledger list`` prints it."""
    t = Text(lang)
    summary = submission.summary
    label = summary.get("status_label")  # the ledger keeps the summary row as it was written (JSON)
    status = t.localized(LocalizedText.model_validate(label) if label else None) or summary.get("status") or "-"
    return "  ".join(
        (
            f"#{submission.id:<5}",
            japan_time(submission.recorded_at),
            f"{t('desk.round')} {submission.round}",
            submission.firm_id,
            f"{submission.ruleset_id} {submission.ruleset_version}",
            status,
            decision_words(decision, t),
            submission.content_sha256[:12],
            f"{t('review.lots')} {summary.get('lots', 0)}",
            submission.file,
        )
    )


def render_decision(decision: Decision, lang: str) -> str:
    """A recorded decision, as ``gxets decide`` confirms it."""
    t = Text(lang)
    lines = [f"{t('desk.decision_recorded')}: #{decision.id}  {decision.firm_id}  {decision_words(decision, t)}"]
    lines.append(f"  {t('desk.result_sha256')}: {decision.result_sha256 or '-'}")
    if decision.deadline:
        lines.append(f"  {t('desk.deadline')}: {decision.deadline.isoformat()}")
    if decision.note:
        lines.append(f"  {t('desk.note')}: {decision.note}")
    return "\n".join(lines)


def field_title(change: Change, t: Text) -> str:
    """A changed item's name: a lot field's word, or a figure's title with its path."""
    if change.title is not None:
        return f"{t.localized(change.title)} ({change.path})"
    return t.get("desk.field." + change.path, change.path)


def change_value(change: Change, value: object, t: Text) -> str:
    if change.path == "verdict" and isinstance(value, str):
        return t.verdict(value)
    if change.path == "status" and isinstance(value, str):
        return t.lot_status(value)
    if change.path == "kind" and isinstance(value, str):
        return t.kind(value)
    unit = change.unit if change.unit in {"t", "jpy"} else ("t" if change.path.endswith("_t") else None)
    return t.value(value, unit)


def lot_words(lot: LotSummary, t: Text) -> str:
    return (
        f"{lot.lot_id}: {t.kind(lot.kind)} {t.value(lot.quantity_t, 't')}, {t.lot_status(lot.status)}, "
        f"{t.verdict(lot.verdict)} ({t('desk.field.usable_t')} {t.value(lot.usable_t, 't')})"
    )


def render_diff_text(diff: FirmDiff, lang: str) -> str:
    """A firm's changes between two rounds, section by section."""
    t = Text(lang)
    lines = [
        f"{t('desk.diff.title')}: {diff.firm_id}  {t('desk.round')} {diff.from_round} (#{diff.from_submission}) → "
        f"{diff.to_round} (#{diff.to_submission})"
    ]
    if diff.empty:
        lines.append(f"  {t('desk.diff.none')}")
    for title, lots in ((t("desk.diff.lots_added"), diff.lots_added), (t("desk.diff.lots_removed"), diff.lots_removed)):
        if lots:
            lines.append(f"{title}:")
            lines += [f"  {lot_words(lot, t)}" for lot in lots]
    for title, groups in (
        (t("desk.diff.lots_changed"), diff.lots_changed),
        (t("desk.diff.verdicts_changed"), diff.verdicts_changed),
    ):
        if groups:
            lines.append(f"{title}:")
            for group in groups:
                for c in group.changes:
                    before, after = change_value(c, c.before, t), change_value(c, c.after, t)
                    lines.append(f"  {group.lot_id}: {field_title(c, t)}: {before} → {after}")
    if diff.figures_changed:
        lines.append(f"{t('desk.diff.figures_changed')}:")
        for c in diff.figures_changed:
            lines.append(f"  {field_title(c, t)}: {change_value(c, c.before, t)} → {change_value(c, c.after, t)}")
    return "\n".join(lines) + "\n"
