"""Every example report reads on a laptop and a phone and prints on A4, in real Chromium; and no English is left in a
Japanese report (issue 14).

Chromium is driven by Playwright (the `test` extra) over the system's browser: each report of each example — in
Japanese and English, with and without a market snapshot — is opened at 1,280 and 390 px wide and must not scroll
sideways (wide tables scroll inside their own box), and laid out for print at the width of an A4 page less its
margins, where no table may run past the page. Without Chromium the layout tests are skipped, unless
GXETS_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gxets_rules.model.result import Result
from gxets_rules.render.html import render_html
from gxets_rules.render.xlsx import render_xlsx
from tests.conftest import EXAMPLES
from tests.reports_support import check_result
from tests.untranslated import english_in_html, english_in_xlsx
from tests.web_support import chromium_context, playwright_driver

MARKETS = {
    "acme-steel": EXAMPLES / "market" / "tse-2025-levels.yaml",
    "phase2-fy2026": EXAMPLES / "market" / "phase2-fy2027-example.yaml",
}
CASES = [
    *((name, None) for name in sorted(p.parent.name for p in EXAMPLES.glob("*/submission.yaml"))),
    *MARKETS.items(),
]
IDS = [name + ("+market" if market else "") for name, market in CASES]
WIDTHS = (1280, 390)
PRINT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)
"""CSS pixels across an A4 page less the stylesheet's 12 mm margins (@page): 703."""


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    return {
        case: check_result(EXAMPLES / name / "submission.yaml", *(("--market", market) if market else ()))
        for case, (name, market) in zip(IDS, CASES, strict=True)
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_driver() as driver, chromium_context(driver) as context:
        yield context.new_page()


def test_every_example_is_covered() -> None:
    assert len(CASES) == 8 and {"acme-steel+market", "phase2-fy2026+market", "after-window"} <= set(IDS)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("case", IDS)
def test_the_page_never_scrolls_sideways_and_prints_within_a4(
    case: str, lang: str, results: dict[str, Result], browser: Any, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(results[case], lang), encoding="utf-8")
    browser.emulate_media(media="screen")
    for width in WIDTHS:
        browser.set_viewport_size({"width": width, "height": 900})
        browser.goto(page.as_uri())
        scroll, inner = browser.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert scroll <= inner, f"{case} ({lang}) scrolls sideways at {width} px: {scroll} > {inner}"
    browser.emulate_media(media="print")
    browser.set_viewport_size({"width": PRINT_WIDTH, "height": 1100})
    browser.goto(page.as_uri())
    beyond = browser.evaluate(
        "[...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().right > innerWidth + 0.5)"
        ".map(t => t.className || t.parentElement.id)"
    )
    assert beyond == [], f"{case} ({lang}): tables cut off on A4: {beyond}"
    assert browser.evaluate("document.documentElement.scrollWidth") <= PRINT_WIDTH


@pytest.mark.parametrize("case", IDS)
def test_no_english_is_left_in_the_japanese_report(case: str, results: dict[str, Result]) -> None:
    """Outside codes, ids, numbers and the inputs' own words (tests/untranslated.py), every word is Japanese: headings,
    labels, sheet names, messages, citations and the ownership evidence."""
    result = results[case]
    assert english_in_html(render_html(result, "ja"), result) == []
    assert english_in_xlsx(render_xlsx(result, "ja"), result) == []


def test_the_scan_finds_english_where_it_is() -> None:
    """The scan itself: an English label, a sentence or an English citation is found; codes and inputs are not."""
    result = check_result(EXAMPLES / "acme-steel" / "submission.yaml")
    page = (
        "<p>Offsets still to buy</p><p>[S22 project registration opened 2024-04-22]</p>"
        "<p>t-CO2 GX-ETS INT-P1-04 lot.status PwC 2,650,000</p><code>sum(actual('direct', y) for y in period)</code>"
        "<p>ACME Steel K.K.（エーシーエムイー製鉄株式会社） L4 VCS-1234 verra_vcs</p>"
    )
    assert [word for word, _ in english_in_html(page, result)] == [
        "Offsets",
        "still",
        "to",
        "buy",
        "project",
        "registration",
        "opened",
    ]
