"""The HTML and Excel reports of the ACME example show exactly the result's figures (no browser or spreadsheet needed).

The real-tool checks — the page rendered by Chromium, the workbook opened by LibreOffice — are in
test_report_tools.py; these read the files as data.
"""

from __future__ import annotations

import copy
import io
import re
from datetime import datetime
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
from tests.intake_habits import habits_workbook
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
def test_html_is_titled_a_pre_check_report_with_no_developer_wording(html_ja: str) -> None:
    assert "<h1>GX-ETS 事前確認レポート</h1>" in html_ja and "<title>GX-ETS 事前確認レポート — ACME Steel" in html_ja
    assert "審査レポート" not in html_ja and "結果JSON" not in html_ja and "gxets.result" not in html_ja


def test_html_summary_box_accounts_for_every_tonne(html_ja: str) -> None:
    assert re.search(r'id="offsets-to-buy">77,500 t-CO2<', html_ja)
    assert rows_of(html_ja, "tally") == [
        ["250,000 t-CO2"],  # the need: cancelled + held to cancel + still to procure
        ["10,000 t-CO2"],
        ["162,500 t-CO2"],
        ["77,500 t-CO2"],
        ["172,500 t-CO2"],  # the lots (245,000 t): used, eligible but not needed, to review, ineligible
        ["17,500 t-CO2"],
        ["0 t-CO2"],
        ["55,000 t-CO2"],
    ]
    text, _ = page_text(html_ja[html_ja.index('id="verdict"') : html_ja.index('id="reconciliation"')])
    for line in (
        "不足あり（提出期間内に調達するか、未達の理由を説明）",
        "調達が必要な量 77,500 t-CO2",
        "充当が必要な量（合計） 250,000 t-CO2 無効化済みのクレジット等で充当 10,000 t-CO2 "
        "保有分で充当（期限までに無効化が必要） 162,500 t-CO2 調達が必要な量 77,500 t-CO2",
        "充当に数えた量 172,500 t-CO2 適格だが充当に不要（上限・必要量を超える分） 17,500 t-CO2 "
        "確認待ち（要確認のロット） 0 t-CO2 不適格 55,000 t-CO2",
        "超過削減枠等提出期間（末日） 2026-12-31",
        "保有ロットを目標達成のために無効化できる最後の日 2026-12-25",
        "判定の根拠: GX-ETS 第1フェーズ（2023〜2025年度）（ルールセット gxets-phase1 1.2.0）。"
        "公開されている二次資料から作成したルールで、一次資料（gxets-phase1-rules-2023, "
        "eligible-credit-guideline-2024）との条項ごとの照合は未了です。",
    ):
        assert line in text, line
    assert html_ja.index('id="verdict"') < html_ja.index('id="reconciliation"') < html_ja.index('id="lots"')
    assert 'class="verdict alert"' in html_ja


def test_the_provenance_comes_from_the_rule_set_s_sources(acme: Result) -> None:
    """Only documents marked ``confirmed: false`` are named pending; a rule set marking none says what it rests on."""
    sources = [s.model_copy(update={"confirmed": None}) for s in acme.catalogue.sources]
    unmarked = acme.model_copy(update={"catalogue": acme.catalogue.model_copy(update={"sources": sources})})
    text, _ = page_text(render_html(unmarked, "en"))
    assert f"The rules rest on the {len(sources)} documents they cite." in text
    assert "confirmation against the primary documents" not in text
    en, _ = page_text(render_html(acme, "en"))
    assert (
        "Basis: GX-ETS Phase 1 (FY2023–FY2025) (rule set gxets-phase1 1.2.0). The rules are encoded from public "
        "secondary sources; clause-by-clause confirmation against the primary documents (gxets-phase1-rules-2023, "
        "eligible-credit-guideline-2024) is pending."
    ) in en


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


def test_html_lists_failed_and_undecided_criteria_in_full_and_counts_the_rest(html_ja: str) -> None:
    """Only the lots with a criterion not met get a block, holding just those criteria; the tally counts every lot."""
    assert re.findall(r'<details class="lot" id="lot-(\d+)"', html_ja) == ["4", "5"]
    assert set(lot_criteria(html_ja, 4)) == {
        "P1-VOL-METHOD-FAMILY",
        "P1-VOL-REGISTERED",
        "P1-VOL-INVOLVEMENT",
        "P1-VOL-INITIAL-PHASE",
        "P1-VOL-CONTINUITY",
    }
    assert "このロットの他の基準 9件は、充足又は対象外です。" in html_ja
    tally = {row[0]: row[2:6] for row in rows_of(html_ja, "criteria-tally")}
    assert tally["P1-STATUS-NOT-OTHER-USE"] == ["4", "1", "0", "0"]  # pass, fail, to review, not applicable
    assert tally["P1-VOL-INVOLVEMENT"] == ["0", "0", "1", "1"]
    assert len(tally) == 16 and all(1 <= sum(map(int, counts)) <= 5 for counts in tally.values())
    assert tally["P1-STATUS-NOT-SOLD"] == ["5", "0", "0", "0"]  # every lot has it


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
        "− その他の適格カーボン・クレジット",
        "− J-クレジット",
        "= 調達が必要な量",
    ]
    text, _ = page_text(fragment)
    assert (
        "上限 132,500 t-CO2 · 使用 132,500 t-CO2 [seed-daiwa-2024 本文: ボランタリー・クレジットの使用上限は排出量の5%]"
        in text
    )


def test_a_zero_shortfall_draws_no_bar(html_ja: str) -> None:
    """ACME's indirect need is 0 t: its own row has no bar, and there is no waterfall of nothing."""
    fragment = html_ja[html_ja.index('id="need-indirect"') : html_ja.index('id="chart"')]
    (zero,) = [row for row in fragment.split("<tr")[1:] if "= 間接排出の不足量" in row]
    assert 'class="track"' not in zero and 'class="fill' not in zero
    assert "row-buy" not in fragment and "不足はないため、充当するものはありません。" in fragment
    widths = [float(w) for w in re.findall(r"width: ([0-9.]+)%", html_ja)]
    assert widths and min(widths) > 0  # no empty bar anywhere


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


def test_html_wide_tables_scroll_in_their_own_box(html_ja: str) -> None:
    """Every table but the summary's tallies sits in a box that scrolls sideways, so the page itself never does (the
    browser test measures it at 390 and 1,280 px)."""
    outside = re.sub(r'<div class="scroll">.*?</div>', "", html_ja, flags=re.S)
    assert re.findall(r"<table(?: class=\"([^\"]*)\")?", outside) == ["tally", "tally"]


def test_html_in_english(acme: Result) -> None:
    html = render_html(acme, "en")
    assert '<html lang="en">' in html and "<h1>GX-ETS pre-check report</h1>" in html
    assert re.search(r'id="offsets-to-buy">77,500 t-CO2<', html)
    assert [row[4] for row in rows_of(html, "lots")] == ["eligible"] * 3 + ["ineligible"] * 2
    assert lot_criteria(html, 4)["P1-VOL-METHOD-FAMILY"][0] == "fail"


def test_a_firm_in_no_group_is_headed_without_one() -> None:
    """Kanto Cement (the Phase-2 example) gives no group: its header must not read 'Group None'."""
    result = check_result(PHASE2_EXAMPLE)
    assert result.firm.group is None
    name = "Kanto Cement K.K.（関東セメント株式会社）"
    firm = f'<p id="firm"><strong translate="no">{name}</strong> (<code>kanto-cement</code>)</p>'
    assert firm in render_html(result, "en")
    assert render_text(result, "en").startswith(
        "Kanto Cement K.K.（関東セメント株式会社） (kanto-cement) · gxets-phase2 "
    )


def test_same_result_same_html(acme: Result, html_ja: str) -> None:
    assert render_html(copy.deepcopy(acme), "ja") == html_ja


# --- Excel --------------------------------------------------------------------------------------------------------
SHEETS_JA = ["概要", "排出量の推移", "算定の詳細", "ロット", "基準ごとの判定", "満たさない基準"]
SHEETS_JA += ["所有関係の根拠", "入力の読み替え", "依拠した解釈", "実行記録"]


def test_workbook_sheets_are_named_in_the_report_s_language(acme: Result, xlsx_ja: bytes) -> None:
    assert openpyxl.load_workbook(io.BytesIO(xlsx_ja)).sheetnames == SHEETS_JA
    assert openpyxl.load_workbook(io.BytesIO(render_xlsx(acme, "en"))).sheetnames == [
        "Summary",
        "Emissions paths",
        "Figures",
        "Lots",
        "Criteria tally",
        "Criteria not met",
        "Ownership evidence",
        "Input readings",
        "Interpretations",
        "Run",
    ]


def test_workbook_summary_holds_typed_cells(xlsx_ja: bytes) -> None:
    """Tonnes are numbers formatted #,##0, dates are dates, and the NDC-equivalent (an exact fraction) is a number."""
    summary = openpyxl.load_workbook(io.BytesIO(xlsx_ja))["概要"]
    cells = {row[0].value: row[1] for row in summary.iter_rows() if row[0].value and len(row) > 1}
    assert (cells["調達が必要な量"].value, cells["調達が必要な量"].number_format) == (77500, "#,##0")
    assert [cells[f"  {title}"].value for title in ("充当に数えた量", "確認待ち（要確認のロット）", "不適格")] == [
        172500,
        0,
        55000,
    ]
    deadline = cells["超過削減枠等提出期間（末日）"]
    assert (deadline.value, deadline.number_format) == (datetime(2026, 12, 31), "yyyy-mm-dd")
    ndc = cells["NDC相当排出量（第1フェーズ合計）"]
    assert (ndc.value, ndc.number_format) == (pytest.approx(2108108.108108), "#,##0")
    assert [c.value for title, c in cells.items() if title == "= 調達が必要な量"] == [0]  # the last need's (indirect)


def test_workbook_tables_are_typed_frozen_and_filtered(xlsx_ja: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_ja))
    lots = wb["ロット"]
    assert (lots.freeze_panes, lots.auto_filter.ref) == ("A2", "A1:J6")
    assert [[c.value for c in row[:6]] for row in lots.iter_rows(min_row=2)] == [
        ["L1", "J-クレジット", 30000, "保有", "適格", 30000],
        ["L2", "JCMクレジット", 10000, "GX-ETS向けに無効化済み", "適格", 10000],
        ["L3", "その他の適格カーボン・クレジット", 150000, "保有", "適格", 132500],
        ["L4", "その他の適格カーボン・クレジット", 50000, "保有", "不適格", 0],
        ["L5", "J-クレジット", 5000, "他目的で無効化済み", "不適格", 0],
    ]
    assert lots["C2"].number_format == "#,##0"
    assert lots["I5"].value == "P1-VOL-METHOD-FAMILY, P1-VOL-REGISTERED"
    assert (
        lots["J5"].value == "P1-VOL-INVOLVEMENT, P1-VOL-INITIAL-PHASE, P1-VOL-CONTINUITY"
    )  # Peru: never a JCM partner
    for name in SHEETS_JA[2:]:
        assert wb[name].freeze_panes == "A2", name
        assert wb[name].auto_filter.ref.startswith("A1:"), name


def test_workbook_prints_on_a4_fit_to_width_with_its_headers_repeated(xlsx_ja: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_ja))
    for sheet in wb.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.fitToWidth, sheet.sheet_properties.pageSetUpPr.fitToPage) == (9, 1, True)
        one_page = sheet.title in ("概要", "排出量の推移")
        assert setup.fitToHeight == (1 if one_page else 0), sheet.title
        if sheet.title in SHEETS_JA[2:]:
            assert sheet.print_title_rows == "$1:$1", sheet.title


def test_workbook_criteria_not_met_in_full_with_citations(xlsx_ja: bytes) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_ja))["満たさない基準"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("L4", "P1-VOL-METHOD-FAMILY", "不充足"),
        ("L4", "P1-VOL-REGISTERED", "不充足"),
        ("L4", "P1-VOL-INVOLVEMENT", "要確認"),
        ("L4", "P1-VOL-INITIAL-PHASE", "要確認"),
        ("L4", "P1-VOL-CONTINUITY", "要確認"),
        ("L5", "P1-STATUS-NOT-OTHER-USE", "不充足"),
    ]
    failed = {(r[0], r[1]): r[5] for r in rows if r[2] == "不充足"}
    assert failed == {("L4", cid): src for cid, src in L4_FAILS.items()} | {("L5", c): s for c, s in L5_FAILS.items()}
    tally = {
        r[0]: r[2:6]
        for r in openpyxl.load_workbook(io.BytesIO(xlsx_ja))["基準ごとの判定"].iter_rows(min_row=2, values_only=True)
    }
    assert tally["P1-STATUS-NOT-OTHER-USE"] == (4, 1, 0, 0)


def test_workbook_reads_cite_a_clause_only_where_a_parameter_has_one(acme: Result) -> None:
    """A parameter without a clause reads as the HTML shows it: no ``[None]`` after its value."""
    l4 = next(lot for lot in acme.lots if lot.id == "L4")
    (pid,) = l4.criteria["P1-VOL-METHOD-FAMILY"].params
    params = dict(acme.catalogue.params)
    params[pid] = params[pid].model_copy(update={"source": None})
    data = acme.model_copy(update={"catalogue": acme.catalogue.model_copy(update={"params": params})})
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(data, "en")))["Criteria not met"]
    (reads,) = [r[4] for r in sheet.iter_rows(min_row=2, values_only=True) if r[:2] == ("L4", "P1-VOL-METHOD-FAMILY")]
    last = reads.splitlines()[-1]
    assert last.startswith(f"{params[pid].name} (FY") and not last.endswith("]"), last


def test_workbook_has_a_native_chart_of_the_paths_and_no_formula(xlsx_ja: bytes) -> None:
    parts = workbook_xml(xlsx_ja)
    chart = parts["xl/charts/chart1.xml"]
    assert "<scatterChart>" in chart and re.search(r'<dispBlanksAs val="gap" ?/>', chart)
    assert chart.count("<ser>") == 3 and "'排出量の推移'!$A$" in chart
    sheets = [text for name, text in parts.items() if name.startswith("xl/worksheets/")]
    assert len(sheets) == 10
    assert not any("<f>" in text or "<f " in text for text in sheets)
    paths = openpyxl.load_workbook(io.BytesIO(xlsx_ja))["排出量の推移"]
    grid = {row[0]: row[1:4] for row in paths.iter_rows(values_only=True) if isinstance(row[0], int)}
    assert grid[2013] == (None, None, 1000000) and grid[2024] == (880000, 702703, None)
    assert grid[2030] == (None, None, 600000) and grid[2027] == (None, None, None)


def test_workbook_says_when_there_is_no_evidence() -> None:
    small_maker = check_result(EXAMPLES / "small-maker-x" / "submission.yaml")  # no voluntary lots, no evidence
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(small_maker, "ja")))["所有関係の根拠"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "根拠の項目（所有関係の経路など）はありません。"
    ]


def test_same_result_same_workbook_bytes(acme: Result, xlsx_ja: bytes) -> None:
    assert render_xlsx(copy.deepcopy(acme), "ja") == xlsx_ja


def test_workbook_in_english(acme: Result) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(acme, "en")))
    assert [c.value for c in wb["Lots"][1]][:5] == ["Lot", "Kind", "Quantity (t-CO2)", "Status", "Verdict"]
    assert wb["Lots"]["E5"].value == "ineligible"
    assert wb["Summary"]["A1"].value == "GX-ETS pre-check report"


# --- the purchase plan ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def acme_with_market() -> Result:
    return check_result(ACME, "--market", EXAMPLES / "market" / "tse-2025-levels.yaml")


PLAN_JA = [
    [
        "超過削減枠（GXクレジット） 超過削減枠",
        "東証カーボン・クレジット市場",
        "280",
        "1,800 1,800–1,800",
        "504,000 504,000–504,000",
        "554,400 554,400–554,400",
        "2026-12-18 15:00",
        "2026-12-25",
        "2026-12-28",
        "流動性による上限 280 t-CO2（直近売買高による）",
    ],
    [
        "J-クレジット 省エネルギー J-クレジット",
        "東証カーボン・クレジット市場",
        "6,880",
        "4,700 4,150–4,700",
        "32,336,000 28,552,000–32,336,000",
        "35,569,600 31,407,200–35,569,600",
        "2026-12-18 15:00",
        "2026-12-25",
        "2026-12-28",
        "流動性による上限 6,880 t-CO2（直近売買高による）",
    ],
    [
        "J-クレジット 再生可能エネルギー（電力） J-クレジット",
        "東証カーボン・クレジット市場",
        "13,770",
        "6,000 6,000–6,600",
        "82,620,000 82,620,000–90,882,000",
        "90,882,000 90,882,000–99,970,200",
        "2026-12-18 15:00",
        "2026-12-25",
        "2026-12-28",
        "流動性による上限 13,770 t-CO2（直近売買高による）",
    ],
    ["相対取引又は入札で調達が必要な量", "56,570", ""],
    [  # the totals (the table's foot)
        "20,930",
        "",
        "115,460,000 111,676,000–123,722,000",
        "127,006,000 122,843,600–136,094,200",
        "最終発注日 2026-12-18 15:00",
    ],
]


def test_plan_table_has_a_row_per_product_with_tonnes_price_cost_and_dates(acme_with_market: Result) -> None:
    html = render_html(acme_with_market, "ja")
    assert html.index('id="verdict"') < html.index('id="plan"') < html.index('id="reconciliation"')
    assert rows_of(html, "plan") == PLAN_JA
    plan = html[html.index('id="plan"') : html.index('id="reconciliation"')]
    numbers = re.findall(r'<td class="num" data-value="(\d+)">', plan)
    assert numbers[:6] == ["280", "1800", "504000", "554400", "6880", "4700"]  # tonnes, price, cost, with tax …
    text, _ = page_text(plan)
    assert "合計 20,930" in text
    assert "最終発注日 2026-12-18 15:00" in text
    assert "価格データの経過日数 346 日 · 例示データ（実勢価格ではない）" in text
    assert "円未満の端数処理 切り捨て" in text and "消費税率 10%" in text
    for raw in ("liquidity_basis", "orders_close", "venue_title", "high:", "cancellable_on:"):
        assert raw not in text, raw
    box, _ = page_text(html[html.index('id="verdict"') : html.index('id="plan"')])
    assert "最終発注日 2026-12-18 15:00" in box


def test_plan_sheet_holds_numbers_dates_and_the_remainder(acme_with_market: Result) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(acme_with_market, "ja")))
    assert wb.sheetnames[:2] == ["概要", "調達計画"]
    rows = [list(row) for row in wb["調達計画"].iter_rows()]
    (energy_saving,) = [row for row in rows if str(row[0].value).startswith("J-クレジット 省エネルギー")]
    assert [(c.value, c.number_format) for c in energy_saving[2:10]] == [
        (6880, "#,##0"),
        (4700, "¥#,##0"),
        (4150, "¥#,##0"),
        (4700, "¥#,##0"),
        (32336000, "¥#,##0"),
        (35569600, "¥#,##0"),
        (31407200, "¥#,##0"),
        (35569600, "¥#,##0"),
    ]
    assert [(c.value, c.number_format) for c in energy_saving[10:13]] == [
        (datetime(2026, 12, 18, 15, 0), "yyyy-mm-dd hh:mm"),
        (datetime(2026, 12, 25), "yyyy-mm-dd"),
        (datetime(2026, 12, 28), "yyyy-mm-dd"),
    ]
    (remainder,) = [row for row in rows if row[0].value == "相対取引又は入札で調達が必要な量"]
    assert (remainder[2].value, remainder[2].number_format) == (56570, "#,##0")
    (total,) = [row for row in rows if row[0].value == "合計"]
    assert [c.value for c in total[2:10]] == [20930, None, None, None, 115460000, 127006000, 122843600, 136094200]
    plan = wb["調達計画"]
    assert (plan.freeze_panes, plan.print_title_rows, plan.page_setup.orientation) == ("A5", "$4:$4", "landscape")
    assert plan.page_setup.fitToHeight == 1


def test_a_payment_in_lieu_is_a_plan_row_in_both_reports() -> None:
    """Kanto Cement with the example market: the ceiling payment (15,000 t × ¥4,300 = ¥64,500,000, due 2028-01-31) is
    one row beside the allowances bought and the totals; nothing is left for a bilateral deal."""
    result = check_result(PHASE2_EXAMPLE, "--market", EXAMPLES / "market" / "phase2-fy2027-example.yaml")
    html = render_html(result, "en")
    rows = rows_of(html, "plan")
    (payment,) = [row for row in rows if row[0].startswith("Ceiling payment at the reference upper price")]
    assert payment[1:] == ["15,000", "4,300", "64,500,000", "64,500,000", "Pay by 2028-01-31"]
    assert rows[-1][:4] == ["40,000", "", "162,000,000 162,000,000–162,000,000", "171,750,000 171,750,000–171,750,000"]
    assert rows[0][0] == "Allowances (illustrative) allowance"
    assert not any(row[0] == "Bilateral or tender needed" for row in rows)
    text, _ = page_text(html[html.index('id="verdict"') : html.index('id="plan"')])
    assert "Ceiling payment at the reference upper price: Pay by 2028-01-31" in text
    plan = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, "en")))["Plan"]
    (row,) = [r for r in plan.iter_rows() if r[0].value == "Ceiling payment at the reference upper price"]
    cells = {c.value: c.number_format for c in row if isinstance(c.value, int)}
    assert cells == {64_500_000: "¥#,##0", 15_000: "#,##0", 4_300: "¥#,##0"}


def test_a_line_limited_by_a_cap_says_so() -> None:
    """A cap class whose headroom the plan uses up is what limited its line, in words, by the class's name."""
    result = check_result(ACME, "--market", EXAMPLES / "market" / "tse-2025-levels.yaml")
    assert result.plan is not None
    line = result.plan.lines[1].model_copy(update={"bound_by": "cap", "cap_class": "voluntary"})
    plan = result.plan.model_copy(update={"lines": [result.plan.lines[0], line, *result.plan.lines[2:]]})
    html = render_html(result.model_copy(update={"plan": plan}), "ja")
    assert rows_of(html, "plan")[1][-1] == "使用上限の残り: その他の適格カーボン・クレジット"


# --- evidence and the inputs' readings -------------------------------------------------------------------------------
def with_evidence(result: Result, lot_id: str, criterion_id: str, evidence: EvidenceItem) -> Result:
    """The result with one piece of evidence under one criterion of a lot, and none anywhere else in that lot."""

    def changed(lot: LotResult) -> LotResult:
        criteria = {
            cid: record.model_copy(update={"evidence": [evidence] if cid == criterion_id else []})
            for cid, record in lot.criteria.items()
        }
        return lot.model_copy(update={"criteria": criteria})

    return result.model_copy(update={"lots": [changed(lot) if lot.id == lot_id else lot for lot in result.lots]})


def test_evidence_is_worded_in_the_report_s_language(acme: Result) -> None:
    path = EvidenceItem(
        kind="ownership.path",
        data={"chain": ["alpha", "jv1", "VCS-1234"], "shares": ["3/10", "1/5"], "effective": "3/50"},
    )
    data = with_evidence(acme, "L4", "P1-VOL-INVOLVEMENT", path)
    ja = render_html(data, "ja")
    assert (
        "根拠: 按分による間接出資: alpha →30%→ jv1 →20%→ VCS-1234 = 6%" in lot_criteria(ja, 4)["P1-VOL-INVOLVEMENT"][2]
    )
    en = render_html(data, "en")
    assert "Evidence: look-through: alpha →30%→ jv1 →20%→ VCS-1234 = 6%" in lot_criteria(en, 4)["P1-VOL-INVOLVEMENT"][2]
    rows = list(
        openpyxl.load_workbook(io.BytesIO(render_xlsx(data, "ja")))["所有関係の根拠"].iter_rows(values_only=True)
    )
    assert rows[1:] == [
        ("L4", "P1-VOL-INVOLVEMENT", "要確認", "按分による間接出資: alpha →30%→ jv1 →20%→ VCS-1234 = 6%")
    ]


def test_intake_notes_are_shown_in_both_reports(tmp_path: Path) -> None:
    """How the inputs were read (保有 → held, 令和8年 → 2026 …) is a section of the page and a sheet of the workbook."""
    path = habits_workbook(tmp_path)
    result = check_result(path)
    assert result.intake
    html = render_html(result, "ja")
    rows = rows_of(html, "intake")
    assert len(rows) == len(result.intake)
    assert ["注記", "habits.xlsx:クレジット!O2", "状態", "「保有」を held として読み取りました"] in rows
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(result, "ja")))["入力の読み替え"]
    cells = list(sheet.iter_rows(min_row=2, values_only=True))
    assert ("注記", "habits.xlsx:クレジット!O2", "状態", "「保有」を held として読み取りました") in cells
    assert "入力の読み替えはありません。" in render_html(check_result(ACME), "ja")


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
