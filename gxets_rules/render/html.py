"""The HTML review report: one self-contained file rendered from ``reports/html/`` (Jinja2, autoescaped).

Everything the page needs is inside it — the stylesheet inline, the chart as inline SVG, no script, no web font, no
image or link to fetch — and a Content-Security-Policy forbids any fetch, so the report opens the same offline, in a
mail attachment or a document archive. Text from the submission (a firm name, a lot id) is escaped by the template
engine, never trusted as markup. Japanese renders with the locally installed CJK fonts named in the stylesheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from gxets_rules.model.result import OUTCOMES, QuantityTrace, Result
from gxets_rules.render.chart import plot
from gxets_rules.render.view import Cited, Need, ReportView
from gxets_rules.resources import data_dir


@dataclass(frozen=True)
class Bar:
    """One row of a reconciliation: a figure and its bar, placed in percent of the row's scale."""

    title: str
    shown: str
    start: float
    width: float
    role: str  # basis, need, covered, buy
    source: str | None = None
    formula: str | None = None


def _pct(part: float, whole: float) -> float:
    return round(100 * part / whole, 2) if whole else 0.0


def _magnitude(figure: Cited, trace: QuantityTrace | None) -> float:
    """How long a figure's bar is: its value, or for an exact fraction its decimal rendering (layout only)."""
    if isinstance(figure.value, int) and not isinstance(figure.value, bool):
        return float(figure.value)
    if trace and trace.decimal:
        return float(trace.decimal)
    return 0.0


def derivation_bars(view: ReportView, need: Need) -> list[Bar]:
    """The figures a need was computed from, each drawn from zero on a common scale, then the need itself."""
    sizes = [_magnitude(b, view.quantity(b.quantity)) for b in need.basis]
    amount = need.need.value or 0
    scale = max([*sizes, float(amount), 1.0])  # a need may exceed every figure it adds up (a deduction + a shortfall)
    bars = [
        Bar(b.title, b.shown, 0.0, _pct(size, scale), "basis", b.source, b.formula)
        for b, size in zip(need.basis, sizes, strict=True)
    ]
    bars.append(
        Bar(need.need.title, need.need.shown, 0.0, _pct(amount, scale), "need", need.need.source, need.need.formula)
    )
    return bars


def coverage_bars(view: ReportView, need: Need) -> list[Bar]:
    """The waterfall of one need: the need, each instrument's share taken off it, and what is left to buy."""
    amount = need.need.value or 0
    bars = [Bar(need.need.title, view.t.value(amount, "t"), 0.0, 100.0 if amount else 0.0, "need")]
    right = float(amount)
    for kind, tonnes in need.covered:
        bars.append(Bar(kind, view.t.value(tonnes, "t"), _pct(right - tonnes, amount), _pct(tonnes, amount), "covered"))
        right -= tonnes
    bars.append(
        Bar(
            view.to_buy_title,
            view.t.value(need.offsets_to_buy_t, "t"),
            0.0,
            _pct(need.offsets_to_buy_t, amount),
            "buy",
        )
    )
    return bars


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(data_dir("reports") / "html"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(zip=zip)
    env.filters.update(REPORT_FILTERS)
    return env


_CODE_SPAN = re.compile(r"`([^`]+)`")


def codes(text: str) -> Markup:
    """A rule set's text with its code spans (```rounding.yen = floor```) set as ``<code>``, everything escaped: a
    parameter or value named inside Japanese prose reads as code, not as an untranslated word."""
    return Markup(_CODE_SPAN.sub(lambda m: Markup("<code>{}</code>").format(m.group(1)), str(escape(text))))


def lot_rows(view: ReportView) -> Iterator[Markup]:
    """The rows of the lots table, one a lot — its id (a link to its criteria when one is not met), kind, tonnes,
    status, verdict, usable tonnes, project and the criteria not met — as the template's loop wrote them, character
    for character, but in Python: at 10,000 lots the template's loop and its macro call a row were most of the page's
    time. Everything from the result is escaped."""
    t = view.t
    for index, lot in enumerate(view.result.lots, 1):
        failing = view.failing_ids(lot)
        name = escape(lot.id)
        shown = f'<a href="#lot-{index}">{name}</a>' if failing else name
        country = f" ({escape(lot.project_country)})" if lot.project_country else ""
        not_met = ", ".join(
            f'<code class="outcome-{escape(outcome)}">{escape(cid)}{"?" if outcome == "indeterminate" else ""}</code>'
            for cid, outcome in failing
        )
        yield Markup(
            f'    <tr id="lot-row-{index}">\n'
            f'      <td translate="no">{shown}</td>\n'
            f"      <td>{escape(t.kind(lot.kind))}</td>\n"
            f'      <td class="num">{escape(t.value(lot.quantity_t))}</td>\n'
            f"      <td>{escape(t.lot_status(lot.status))}</td>\n"
            f'      <td class="verdict-{escape(lot.verdict)}">{escape(t.verdict(lot.verdict))}</td>\n'
            f'      <td class="num">{escape(t.value(lot.usable_t))}</td>\n'
            f'      <td translate="no">{escape(lot.project_id or "")}{country}</td>\n'
            f"      <td>{not_met}</td>\n"
            "    </tr>\n"
        )


def cite(source: Any, interpretations: Iterable[Any] = ()) -> Markup:
    """A source and the interpretations relied on, as the page cites them: ``[source]`` and each interpretation's id
    as code (written in Python, not as a template macro: the page cites a source per criterion and per parameter read,
    tens of thousands of calls at 10,000 lots)."""
    cited = f'<span class="cite">[{escape(source)}]</span>' if source else ""
    return Markup(cited + "".join(f' <code class="cite">{escape(i)}</code>' for i in interpretations))


REPORT_FILTERS = {"codes": codes}
"""The filters the report templates use; every environment that renders them (the CLI's, the web app's) adds these."""


@cache
def stylesheet() -> Markup:
    """The reports' stylesheet, inlined into each page (our own file, shipped with the package)."""
    return Markup((data_dir("reports") / "html" / "report.css").read_text(encoding="utf-8"))


def report_context(result: Result, lang: str, purpose: str = "precheck") -> dict[str, Any]:
    """What ``report.html.j2`` is rendered with; the web page that extends the report renders it with the same.
    ``purpose``: a firm's own pre-check (``precheck``) or the secretariat's review of it (``review``)."""
    return view_context(ReportView(result, lang, purpose))


def view_context(view: ReportView) -> dict[str, Any]:
    """What ``report.html.j2`` is rendered with, from a view another report of the same check may share."""
    series, notes = view.series()
    return {
        "v": view,
        "t": view.t,
        "r": view.result,
        "css": stylesheet(),
        "needs": [(need, derivation_bars(view, need), coverage_bars(view, need)) for need in view.needs()],
        "series": series,
        "series_notes": notes,
        "plot": plot(series),
        "outcomes": OUTCOMES,
        "lot_rows": lot_rows,
        "cite": cite,
    }


def render_html(result: Result, lang: str = "ja", purpose: str = "precheck") -> str:
    """The report of a result in one language, for a firm's pre-check or the secretariat's review."""
    return html_report(ReportView(result, lang, purpose))


def html_report(view: ReportView) -> str:
    """The report of a view's result, in its language and for its purpose."""
    return environment().get_template("report.html.j2").render(view_context(view))


def html_pieces(view: ReportView) -> Iterator[bytes]:
    """The same report as UTF-8, in pieces as the template renders them (a few hundred at a time): a page of 100,000
    lots is written to its file as it is made, never held whole (as text and again as bytes) in memory."""
    batch: list[str] = []
    for piece in environment().get_template("report.html.j2").generate(view_context(view)):
        batch.append(piece)
        if len(batch) >= _PIECES:
            yield "".join(batch).encode("utf-8")
            batch.clear()
    yield "".join(batch).encode("utf-8")


_PIECES = 512
