"""Write the review reports of a result into a folder (``report.html``, ``report.xlsx``), and a batch's summary.

``gxets check --report`` renders the typed result it has just built, in memory; ``gxets render`` the same result read
back from ``result.json``. The two are equal models (mappings are kept in key order, the file holds every value
exactly), so a report made straight after a check and one made later from the saved file are the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gxets_rules.io.writers import atomic_write_bytes, write_json
from gxets_rules.model.result import Result
from gxets_rules.render.html import html_pieces
from gxets_rules.render.view import ReportView
from gxets_rules.render.xlsx import xlsx_report

if TYPE_CHECKING:
    from gxets_rules.model.review import ReviewSummary


def _xlsx(view: ReportView) -> Iterator[bytes]:
    yield xlsx_report(view)


REPORTS: dict[str, tuple[str, Callable[[ReportView], Iterable[bytes]]]] = {
    "html": ("report.html", html_pieces),
    "xlsx": ("report.xlsx", _xlsx),
}
"""Report kind → its file name and renderer ``(view) → the file's bytes, in pieces`` (the page is written as it is
rendered). The reports of one check share one :class:`ReportView`: what both show (the evidence in words, above all)
is worked out once."""


def parse_kinds(text: str) -> list[str]:
    """``html,xlsx`` → ``['html', 'xlsx']``; an unknown kind is a ValueError naming the known ones."""
    kinds = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [k for k in kinds if k not in REPORTS]
    if unknown or not kinds:
        raise ValueError(f"unknown report {', '.join(unknown) or text!r}; choose from {', '.join(REPORTS)}")
    return list(dict.fromkeys(kinds))


def write_reports(result: Result, kinds: Sequence[str], lang: str, out: Path, purpose: str = "precheck") -> list[Path]:
    """Render each report of ``kinds`` in ``lang`` and write it (whole or not at all) into ``out``: a firm's pre-check
    report (事前確認レポート), or with ``purpose="review"`` the secretariat's review result (審査結果)."""
    written = []
    view = ReportView(result, lang, purpose)
    for kind in kinds:
        name, render = REPORTS[kind]
        atomic_write_bytes(out / name, render(view))
        written.append(out / name)
    return written


def write_summary(summary: ReviewSummary, lang: str, out: Path) -> list[Path]:
    """Write a batch review's summary: ``summary.json`` (gxets.review.v1), ``summary.xlsx``, ``summary.html`` and
    ``summary.csv`` (the firms table). The summary's writers are imported here: a check writes none of them."""
    from gxets_rules.render.review_csv import render_review_csv  # noqa: PLC0415
    from gxets_rules.render.review_html import render_review_html  # noqa: PLC0415
    from gxets_rules.render.review_xlsx import render_review_xlsx  # noqa: PLC0415

    written = [out / "summary.json", out / "summary.xlsx", out / "summary.html", out / "summary.csv"]
    write_json(written[0], summary)
    atomic_write_bytes(written[1], render_review_xlsx(summary, lang))
    atomic_write_bytes(written[2], render_review_html(summary, lang).encode("utf-8"))
    atomic_write_bytes(written[3], render_review_csv(summary, lang).encode("utf-8-sig"))
    return written
