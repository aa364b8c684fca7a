"""The summary page of a batch review (``summary.html``): one self-contained file, like the per-firm report.

It uses the per-firm report's template environment (autoescaped, strict) and stylesheet, so it looks like the firm
reports and is as safe: no script, nothing fetched, every text from a submission escaped.
"""

from __future__ import annotations

from gxets_rules.model.review import ReviewSummary
from gxets_rules.render.html import environment, stylesheet
from gxets_rules.render.review_view import ReviewView


def render_review_html(summary: ReviewSummary, lang: str = "ja") -> str:
    """The summary page of a review summary in one language."""
    view = ReviewView(summary, lang)
    figures = view.figures()
    return (
        environment()
        .get_template("review.html.j2")
        .render(
            v=view,
            t=view.t,
            s=summary,
            css=stylesheet(),
            figures=figures,
            alert=any(figure.alert for figure in figures),
        )
    )
