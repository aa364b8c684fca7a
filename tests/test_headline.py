"""The headline names what is left as the rule set words it (issue 11): Phase 2 speaks of allowances to surrender or
pay for, never offsets to buy; once it is too late to act, either rule set says the rest is unmet or unsurrendered.
The figures come from the YAML cases; here the words and bars as a reader sees them in the three reports."""

from __future__ import annotations

import io
import re

import openpyxl

from gxets_rules.model.result import Result
from gxets_rules.render.html import render_html
from gxets_rules.render.text import render_text
from gxets_rules.render.xlsx import render_xlsx
from tests.conftest import ACME, EXAMPLES, PHASE2_EXAMPLE
from tests.reports_support import check_result, page_text

AFTER_WINDOW = EXAMPLES / "after-window" / "submission.yaml"
MARKET = EXAMPLES / "market" / "tse-2025-levels.yaml"


def summary_rows(result: Result) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, "en")))["Summary"]
    return [row for row in sheet.iter_rows(values_only=True) if row[0] is not None]


def test_phase2_headline_speaks_of_allowances_to_surrender_or_pay() -> None:
    result = check_result(PHASE2_EXAMPLE)
    words = "Allowances still to surrender, or pay for at the ceiling price"
    text = render_text(result, "en")
    assert f"{words}: 40,000 t-CO2" in text and "Still to procure" not in text
    page, _ = page_text(render_html(result, "en"))
    assert f"{words} 40,000 t-CO2" in page and "Still to procure" not in page
    assert (words, 40_000) in [row[:2] for row in summary_rows(result)]
    assert "なお必要な排出枠の償却又は上限価格での支払: 40,000 t-CO2" in render_text(result, "ja")


def test_phase1_headline_keeps_offsets_to_buy_before_the_window_closes() -> None:
    assert "Still to procure: 77,500 t-CO2" in render_text(check_result(ACME), "en")


def test_after_the_window_the_rest_is_unmet_and_there_is_no_plan() -> None:
    result = check_result(AFTER_WINDOW, "--market", MARKET)
    assert result.plan is None
    text = render_text(result, "en")
    assert "Status: Not achieved (the time to cancel has passed; explain the reasons)" in text
    assert "Unmet (too late to procure): 95,000 t-CO2" in text
    assert "Purchase plan" not in text
    assert "未達の量（調達の期間は終了）: 95,000 t-CO2" in render_text(result, "ja")


def test_no_reconciliation_bar_runs_past_its_track() -> None:
    """Kanto's need (160,000 deducted + 40,000 short) exceeds each figure it adds up: the scale takes the need too."""
    html = render_html(check_result(PHASE2_EXAMPLE), "en")
    widths = [float(w) for w in re.findall(r"width: ([0-9.]+)%", html)]
    assert widths and max(widths) == 100.0
