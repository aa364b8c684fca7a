"""The HTML and Excel reports of the ACME example show exactly the result's figures (no browser or spreadsheet needed).

The real-tool checks — the page rendered by Chromium, the workbook opened by LibreOffice — are in
test_report_tools.py; these read the files as data.
"""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import openpyxl
import pytest

from gxets_rules.model.result import EvidenceItem, LotResult, Result
from gxets_rules.render.chart import axis_step, plot
from gxets_rules.render.html import render_html
from gxets_rules.render.text import render_text
from gxets_rules.render.view import Series
from gxets_rules.render.xlsx import render_xlsx
from tests.conftest import ACME, EXAMPLES, PHASE2_EXAMPLE
from tests.reports_support import (
    L4_FAILS,
    L5_FAILS,
    LOTS_JA,
    check_result,
    lot_criteria,
    page_text,
    rows_of,
    workbook_xml,
)


@pytest.fixture(scope="module")
def acme() -> Result:
    return check_result(ACME)


@pytest.fixture(scope="module")
def html_ja(acme: Result) -> str:
    return render_html(acme, "ja")


@pytest.fixture(scope="module")
def xlsx_ja(acme: Result) -> bytes:
    return render_xlsx(acme, "ja")


# --- HTML ---------------------------------------------------------------------------------------------------------
def test_html_puts_the_verdict_first(html_ja: str) -> None:
    text, _ = page_text(html_ja)
    assert re.search(r'id="offsets-to-buy">77,500 t-CO2<', html_ja)
    verdict = text[text.index("目標達成の状況") : text.index("不足量の算定と充当")]
    assert "不足あり（提出期間内に調達するか、未達の理由を説明）" in verdict
    assert "市場調達が必要な量 77,500 t-CO2" in verdict
    assert "超過削減枠等提出期間（末日） 2026-12-31" in verdict
    assert html_ja.index('id="verdict"') < html_ja.index('id="reconciliation"') < html_ja.index('id="lots"')


def test_html_lots_table_lists_the_five_lots_with_their_verdicts(html_ja: str) -> None:
    assert rows_of(html_ja, "lots") == LOTS_JA


@pytest.mark.parametrize(("index", "fails"), [(4, L4_FAILS), (5, L5_FAILS)], ids=["L4", "L5"])
def test_html_shows_each_failing_criterion_with_its_citation(html_ja: str, index: int, fails: dict[str, str]) -> None:
    rows = lot_criteria(html_ja, index)
    failed = {cid for cid, row in rows.items() if row[0] == "不充足"}
    assert failed == set(fails)
    for cid, source in fails.items():
        assert rows[cid][3].startswith(f"[{source}]"), rows[cid]
    assert f'<details class="lot" id="lot-{index}" open>' in html_ja, "a failing lot opens (and prints) expanded"


def test_html_reconciliation_walks_from_actual_to_offsets_to_buy(html_ja: str) -> None:
    start = html_ja.index('id="need-direct"')
    fragment = html_ja[start : html_ja.index('id="need-indirect"')]
    steps = [(row[0].split(" ")[0], row[1], row[3]) for row in rows_of(fragment, "bars")]
    assert steps == [
        (
            "第1フェーズの直接排出量（実績合計）",
            "2,650,000 t-CO2",
            "[S2 第1フェーズの排出量合計（2023〜2025年度）と実績の比較]",
        ),
        ("第1フェーズの直接排出目標（合計）", "2,400,000 t-CO2", "[S2 第1フェーズの排出量合計目標]"),
        ("NDC相当排出量（第1フェーズ合計）", "2,108,108.108108 t-CO2", "[S3 NDC相当排出量（第1フェーズ）]"),
        ("=", "250,000 t-CO2", "[S6 調達量は「実績 − NDC相当排出量」と「実績 − 自社目標」の小さい方]"),
        ("=", "250,000 t-CO2", ""),
        ("−", "10,000 t-CO2", ""),
        ("−", "132,500 t-CO2", ""),
        ("−", "30,000 t-CO2", ""),
        ("=", "77,500 t-CO2", ""),
    ]
    assert [row[0] for row in rows_of(fragment, "bars")][5:] == [
        "− JCMクレジット",
        "− ボランタリー・クレジット",
        "− J-クレジット",
        "= 市場調達が必要な量",
    ]
    text, _ = page_text(fragment)
    assert (
        "上限 132,500 t-CO2 · 使用 132,500 t-CO2 [seed-daiwa-2024 本文: ボランタリー・クレジットの使用上限は排出量の5%]"
        in text
    )


def test_html_chart_draws_the_pledged_targets_as_points_only(html_ja: str) -> None:
    svg = html_ja[html_ja.index("<figure") : html_ja.index("</figure>")]
    series = re.findall(r'<g class="series">\s*<title>([^<]*)</title>', svg)
    assert series == [
        "直接排出量（年度実績）",
        "NDC相当排出量（年度、表示用に丸め）",
        "直接排出の目標（基準年度排出量、2025年度・2030年度目標の記載値）",
    ]
    # three points each (plus one marker in the legend); lines FY2023–24–25 for actuals and NDC (and their legend
    # keys), none for the pledged targets: not even in the legend
    assert (svg.count("<circle"), svg.count('<rect class="s1"'), svg.count('<path class="s2"')) == (4, 4, 4)
    assert (svg.count('<line class="s0"'), svg.count('<line class="s1"'), svg.count('<line class="s2"')) == (3, 3, 0)
    table = rows_of(html_ja, "series-table")
    assert [row[:6] for row in table] == [
        ["直接排出量（年度実績）", "", "900,000", "880,000", "870,000", ""],
        ["NDC相当排出量（年度、表示用に丸め）", "", "729,730", "702,703", "675,676", ""],
        ["直接排出の目標（基準年度排出量、2025年度・2030年度目標の記載値）", "1,000,000", "", "", "780,000", "600,000"],
    ]


def test_html_is_self_contained(html_ja: str) -> None:
    _, tags = page_text(html_ja)
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    assert not re.search(r"""\b(src|href)=["'](?!#)""", html_ja), "only in-page links"
    assert "@import" not in html_ja and "url(" not in html_ja and "@font-face" not in html_ja
    assert "default-src 'none'" in html_ja
    assert '"Noto Sans CJK JP"' in html_ja


def test_html_in_english(acme: Result) -> None:
    html = render_html(acme, "en")
    assert '<html lang="en">' in html
    assert re.search(r'id="offsets-to-buy">77,500 t-CO2<', html)
    assert [row[4] for row in rows_of(html, "lots")] == ["eligible"] * 3 + ["ineligible"] * 2
    assert lot_criteria(html, 4)["P1-VOL-METHOD-FAMILY"][0] == "fail"


def test_a_firm_in_no_group_is_headed_without_one() -> None:
    """Kanto Cement (the Phase-2 example) gives no group: its header must not read 'Group None'."""
    result = check_result(PHASE2_EXAMPLE)
    assert result.firm.group is None
    firm = '<p id="firm"><strong>Kanto Cement K.K.（関東セメント株式会社）</strong> (kanto-cement)</p>'
    assert firm in render_html(result, "en")
    assert render_text(result, "en").startswith(
        "Kanto Cement K.K.（関東セメント株式会社） (kanto-cement) · gxets-phase2 "
    )


def test_same_result_same_html(acme: Result, html_ja: str) -> None:
    assert render_html(copy.deepcopy(acme), "ja") == html_ja


# --- Excel --------------------------------------------------------------------------------------------------------
def test_workbook_sheets_tables_and_formats(xlsx_ja: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_ja))
    assert wb.sheetnames == ["Summary", "Position", "Lots", "Criteria", "Ownership", "Interpretations", "Run"]
    summary = [(row[0].value, row[1]) for row in wb["Summary"].iter_rows() if row[0].value]
    buy = [cell for title, cell in summary if title == "市場調達が必要な量"]
    assert [(c.value, c.number_format) for c in buy] == [(77500, "#,##0")]
    assert [c.value for title, c in summary if title == "= 市場調達が必要な量"] == [77500, 0]  # direct, indirect
    lots = wb["Lots"]
    assert (lots.freeze_panes, lots.auto_filter.ref) == ("A2", "A1:J6")
    assert [[c.value for c in row[:6]] for row in lots.iter_rows(min_row=2)] == [
        ["L1", "J-クレジット", 30000, "保有", "適格", 30000],
        ["L2", "JCMクレジット", 10000, "GX-ETS向けに無効化済み", "適格", 10000],
        ["L3", "ボランタリー・クレジット", 150000, "保有", "適格", 132500],
        ["L4", "ボランタリー・クレジット", 50000, "保有", "不適格", 0],
        ["L5", "J-クレジット", 5000, "他目的で無効化済み", "不適格", 0],
    ]
    assert lots["C2"].number_format == "#,##0"
    assert lots["I5"].value == "P1-VOL-METHOD-FAMILY, P1-VOL-REGISTERED"
    assert (
        lots["J5"].value == "P1-VOL-INVOLVEMENT, P1-VOL-INITIAL-PHASE, P1-VOL-CONTINUITY"
    )  # Peru: never a JCM partner
    for name in wb.sheetnames[1:]:
        assert wb[name].freeze_panes == "A2", name
        assert wb[name].auto_filter.ref.startswith("A1:"), name


def test_workbook_criteria_of_l4_and_l5_with_citations(xlsx_ja: bytes) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_ja))["Criteria"]
    failed = {(r[0], r[1]): r[5] for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == "不充足"}
    assert failed == {("L4", cid): src for cid, src in L4_FAILS.items()} | {("L5", c): s for c, s in L5_FAILS.items()}


def test_workbook_reads_cite_a_clause_only_where_a_parameter_has_one(acme: Result) -> None:
    """A parameter without a clause reads as the HTML shows it: no ``[None]`` after its value."""
    l4 = next(lot for lot in acme.lots if lot.id == "L4")
    (pid,) = l4.criteria["P1-VOL-METHOD-FAMILY"].params
    params = dict(acme.catalogue.params)
    params[pid] = params[pid].model_copy(update={"source": None})
    data = acme.model_copy(update={"catalogue": acme.catalogue.model_copy(update={"params": params})})
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(data, "en")))["Criteria"]
    (reads,) = [r[7] for r in sheet.iter_rows(min_row=2, values_only=True) if r[:2] == ("L4", "P1-VOL-METHOD-FAMILY")]
    last = reads.splitlines()[-1]
    assert last.startswith(f"{params[pid].name} (FY") and not last.endswith("]"), last


def test_workbook_has_a_native_chart_of_the_paths_and_no_formula(xlsx_ja: bytes) -> None:
    parts = workbook_xml(xlsx_ja)
    chart = parts["xl/charts/chart1.xml"]
    assert "<scatterChart>" in chart and re.search(r'<dispBlanksAs val="gap" ?/>', chart)
    assert chart.count("<ser>") == 3 and "'Summary'!$A$" in chart
    sheets = [text for name, text in parts.items() if name.startswith("xl/worksheets/")]
    assert len(sheets) == 7
    assert not any("<f>" in text or "<f " in text for text in sheets)
    summary = openpyxl.load_workbook(io.BytesIO(xlsx_ja))["Summary"]
    grid = {row[0]: row[1:4] for row in summary.iter_rows(values_only=True) if isinstance(row[0], int)}
    assert grid[2013] == (None, None, 1000000) and grid[2024] == (880000, 702703, None)
    assert grid[2030] == (None, None, 600000) and grid[2027] == (None, None, None)


def test_workbook_says_when_there_is_no_evidence() -> None:
    small_maker = check_result(EXAMPLES / "small-maker-x" / "submission.yaml")  # no voluntary lots, no evidence
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(small_maker, "ja")))["Ownership"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "根拠の項目（所有関係の経路など）はありません。"
    ]


def test_same_result_same_workbook_bytes(acme: Result, xlsx_ja: bytes) -> None:
    assert render_xlsx(copy.deepcopy(acme), "ja") == xlsx_ja


def test_workbook_in_english(acme: Result) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(acme, "en")))
    assert [c.value for c in wb["Lots"][1]][:5] == ["Lot", "Kind", "Quantity (t-CO2)", "Status", "Verdict"]
    assert wb["Lots"]["E5"].value == "ineligible"


# --- the purchase plan and the evidence ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def acme_with_market() -> Result:
    return check_result(ACME, "--market", EXAMPLES / "market" / "tse-2025-levels.yaml")


def with_evidence(result: Result, lot_id: str, criterion_id: str, evidence: EvidenceItem) -> Result:
    """The result with one piece of evidence under one criterion of a lot, and none anywhere else in that lot."""

    def changed(lot: LotResult) -> LotResult:
        criteria = {
            cid: record.model_copy(update={"evidence": [evidence] if cid == criterion_id else []})
            for cid, record in lot.criteria.items()
        }
        return lot.model_copy(update={"criteria": criteria})

    return result.model_copy(update={"lots": [changed(lot) if lot.id == lot_id else lot for lot in result.lots]})


def test_plan_and_evidence_are_shown_when_present(acme_with_market: Result) -> None:
    evidence = EvidenceItem(kind="ownership_path", text="Alpha →30%→ JV1 →20%→ VCS-1234", data={"share": "0.06"})
    data = with_evidence(acme_with_market, "L4", "P1-VOL-INVOLVEMENT", evidence)
    html = render_html(data, "ja")
    assert html.index('id="verdict"') < html.index('id="plan"') < html.index('id="reconciliation"')
    text, _ = page_text(html[html.index('id="plan"') : html.index('id="reconciliation"')])
    assert "購入に代わる支払 定義なし" in text  # the Phase-1 rule set has no payment in lieu
    assert "j_credit_energy_saving 1001000 6,880 t-CO2" in text  # product, code, quantity to buy
    assert "根拠 (ownership_path): Alpha →30%→ JV1 →20%→ VCS-1234" in lot_criteria(html, 4)["P1-VOL-INVOLVEMENT"][2]
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(data, "ja")))
    assert wb.sheetnames[-1] == "Plan"
    rows = [[c for c in row if c.value is not None] for row in wb["Plan"].iter_rows()]
    (energy_saving,) = [row for row in rows if any(c.value == "j_credit_energy_saving" for c in row)]
    amounts = [(c.value, c.number_format) for c in energy_saving if isinstance(c.value, int)]
    assert amounts == [(10, "General"), (6880, "#,##0"), (6880, "#,##0")]  # days of volume, liquidity limit, quantity
    needs = next(i for i, row in enumerate(rows) if row and row[0].value == "相対取引又は入札で調達が必要な量")
    assert next((c.value, c.number_format) for c in rows[needs + 1] if isinstance(c.value, int)) == (56570, "#,##0")
    evidence_rows = list(wb["Ownership"].iter_rows(min_row=2, values_only=True))
    assert evidence_rows == [
        ("L4", "P1-VOL-INVOLVEMENT", "要確認", "ownership_path", "Alpha →30%→ JV1 →20%→ VCS-1234", '{"share": "0.06"}')
    ]


def test_plan_yes_no_reads_the_same_in_the_workbook_as_in_the_page(acme_with_market: Result) -> None:
    """A plan's booleans (the snapshot's ``example``, a line's ``price_capped``) are words in both reports."""
    html = render_html(acme_with_market, "en")
    text, _ = page_text(html[html.index('id="plan"') : html.index('id="reconciliation"')])
    assert "346 2025-12-26 yes tse-2025-levels.yaml" in text  # the snapshot: age, date, example, file
    assert "volume 10 6,880 t-CO2 no" in text  # a line: liquidity basis, days counted, limit, price capped
    rows = [
        [c.value for c in row]
        for row in openpyxl.load_workbook(io.BytesIO(render_xlsx(acme_with_market, "en")))["Plan"].iter_rows()
    ]
    (snapshot,) = [row for row in rows if "tse-2025-levels.yaml" in row]
    assert snapshot[:4] == [346, "2025-12-26", "yes", "tse-2025-levels.yaml"]
    (line,) = [row for row in rows if "j_credit_energy_saving" in row]
    assert line[6:10] == ["volume", 10, 6880, "no"]


def test_a_yes_no_figure_of_a_reconciliation_is_worded_in_the_workbook() -> None:
    """Kanto Cement's shortfall is derived from 'under the surrender obligation' (yes): the Summary says yes, as the
    page does, not true."""
    result = check_result(PHASE2_EXAMPLE)
    summary = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, "en")))["Summary"]
    (row,) = [r for r in summary.iter_rows(values_only=True) if str(r[0]).startswith("Under the surrender obligation")]
    assert row[1] == "yes"


def test_a_fiscal_year_inside_a_plan_record_is_a_year_not_an_amount() -> None:
    """The plan's terms carry the parameters they read, each with its fiscal year: 'fy: 2025', never 'fy: 2,025'."""
    result = check_result(ACME, "--market", EXAMPLES / "market" / "tse-2025-levels.yaml")
    html = render_html(result, "en")
    plan = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, "en")))["Plan"]
    cells = [str(c.value) for row in plan.iter_rows() for c in row if c.value is not None]
    for shown in (html, *cells):
        assert "fy: 2,0" not in shown
    assert "fy: 2025, " in html and any("fy: 2025, " in cell for cell in cells)


# --- chart geometry ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("highest", "step"), [(1_000_000, 200_000), (1_000_001, 500_000), (250, 50), (0, 1), (7, 2)])
def test_axis_steps_are_round(highest: int, step: int) -> None:
    assert axis_step(highest) == step


def test_lines_join_consecutive_years_only() -> None:
    chart = plot([Series("a", ((2013, 10), (2023, 8), (2024, None), (2025, 7), (2026, 6)), None)])
    assert chart is not None
    assert [(fy, v) for _, _, fy, v in chart.series[0].points] == [(2013, 10), (2023, 8), (2025, 7), (2026, 6)]
    assert len(chart.series[0].segments) == 1  # only 2025–2026: 2024 is not given, 2013 and 2023 are years apart
    assert chart.years == [2013, 2023, 2025, 2026]
    assert [v for _, v in chart.y_ticks] == [0, 2, 4, 6, 8, 10]
    assert plot([Series("empty", ((2023, None),), None)]) is None


def test_data_issues_are_listed_with_their_location(tmp_path: Path) -> None:
    text = ACME.read_text(encoding="utf-8")
    assert text.count("    vintage: 2023\n") == 1
    submission = tmp_path / "submission.yaml"
    submission.write_text(text.replace("    vintage: 2023\n", ""), encoding="utf-8")
    result = check_result(submission)
    assert [(i.check, i.lot) for i in result.issues] == [("CHK-LOT-VINTAGE-GIVEN", "L1")]
    rows = rows_of(render_html(result, "en"), "issues")
    assert len(rows) == 1 and rows[0][:3] == ["warning", "CHK-LOT-VINTAGE-GIVEN", "L1"]
    assert rows[0][3].endswith("submission.yaml:41:5")
    summary = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, "en")))["Summary"]
    assert ("warning (L1)", "CHK-LOT-VINTAGE-GIVEN") in [(r[0], r[1]) for r in summary.iter_rows(values_only=True)]


def test_a_payment_in_lieu_is_a_plan_row_in_both_reports() -> None:
    """Kanto Cement with the example market: the ceiling payment (15,000 t × ¥4,300 = ¥64,500,000, due 2028-01-31) is
    one row with the plan's own column titles, beside the allowances bought and the totals."""
    result = check_result(PHASE2_EXAMPLE, "--market", EXAMPLES / "market" / "phase2-fy2027-example.yaml")
    html = render_html(result, "en")
    text, _ = page_text(html[html.index('id="plan"') : html.index('id="reconciliation"')])
    assert "Settled by payment" in text and "Pay by" in text and "Payment per t" in text
    assert "Ceiling payment at the reference upper price 4,300" in text  # title, then the price per tonne
    assert "credits: 15,000 64,500,000 yen 64,500,000 yen 2028-01-31" in text
    plan = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, "en")))["Plan"]
    (row,) = [r for r in plan.iter_rows() if "Ceiling payment at the reference upper price" in [c.value for c in r]]
    cells = {c.value: c.number_format for c in row if isinstance(c.value, int)}
    assert cells == {64_500_000: "¥#,##0", 0: "¥#,##0", 15_000: "#,##0", 4_300: "¥#,##0"}
