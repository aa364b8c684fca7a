"""A firm's review page: its row of the round's summary, every decision recorded on it, and its changes since the
submission it replaces (``gxets.diff.v1``), laid out with the report's stylesheet; autoescaped, no script."""

from __future__ import annotations

from dataclasses import dataclass

from gxets_rules.model.desk import Change, Decision, FirmDiff, japan_time
from gxets_rules.model.review import FirmRow
from gxets_rules.render.catalogue import Text
from gxets_rules.render.desk_text import change_value, field_title, lot_words
from gxets_rules.render.html import environment, stylesheet
from gxets_rules.render.review_view import DECISION_TONES, status_tone


@dataclass(frozen=True)
class FirmPage:
    """What a firm's review page shows."""

    row: FirmRow
    round: str
    decisions: list[Decision]
    diff: FirmDiff | None
    diff_unavailable: str | None = None


class FirmPageView:
    def __init__(self, page: FirmPage, lang: str) -> None:
        self.page, self.lang, self.t = page, lang, Text(lang)

    @property
    def status(self) -> tuple[str, str]:
        row = self.page.row
        return self.t.localized(row.status_label) or row.status or "–", status_tone(row)

    def decision_rows(self) -> list[tuple[str, str, str, str, str, str, str]]:
        t = self.t
        return [
            (
                japan_time(d.decided_at),
                d.round,
                t("desk.decision." + d.decision),
                d.lot_id or "–",
                d.reviewer,
                d.deadline.isoformat() if d.deadline else "–",
                d.note,
            )
            for d in reversed(self.page.decisions)
        ]

    @staticmethod
    def tone(decision: str) -> str:
        return DECISION_TONES.get(decision, "none")

    def lots(self, which: str) -> list[str]:
        diff = self.page.diff
        return [lot_words(lot, self.t) for lot in getattr(diff, which)] if diff else []

    def lot_changes(self, which: str) -> list[tuple[str, str, str, str]]:
        diff = self.page.diff
        if diff is None:
            return []
        return [
            (group.lot_id, field_title(c, self.t), change_value(c, c.before, self.t), change_value(c, c.after, self.t))
            for group in getattr(diff, which)
            for c in group.changes
        ]

    def figures(self) -> list[tuple[str, str, str]]:
        diff = self.page.diff
        changes: list[Change] = diff.figures_changed if diff else []
        return [
            (field_title(c, self.t), change_value(c, c.before, self.t), change_value(c, c.after, self.t))
            for c in changes
        ]


def render_firm_page(page: FirmPage, lang: str) -> str:
    view = FirmPageView(page, lang)
    return environment().get_template("firm_review.html.j2").render(v=view, t=view.t, p=page, css=stylesheet())
