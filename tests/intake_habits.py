"""The ACME example typed into the Japanese template the way Japanese compliance staff type it (issue 15).

Labels instead of codes (保有, J-クレジット, 直接, 単年度, 限定的保証), a code in capitals (JCM), full-width letters and
digits (Ｇ, ３４５，０００), thousands separators, slash and 和暦 dates (2026/11/20, 令和8年12月7日), fiscal years
as 2013年度 and FY2023, 日本 for the country, a 備考 column, a 合計 row with =SUM, and the last three lots in a CSV
saved by Japanese Excel (CP932). Read, it must give the same result as ``examples/acme-steel/submission.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from tests.conftest import run_cli

LOT_HEADERS = [
    "ロットID",
    "種類",
    "数量（t-CO2）",
    "登録簿",
    "認証番号",
    "シリアル番号（開始）",
    "シリアル番号（終了）",
    "ヴィンテージ",
    "売買の区分",
    "プロジェクト・ID",
    "プロジェクト・名称",
    "プロジェクト・実施国",
    "プロジェクト・プログラム",
    "プロジェクト・方法論コード",
    "状態",
    "状態の日付",
    "無効化の目的",
    "備考",
]
LOTS = [
    [
        "L1",
        "J-クレジット",
        "３０，０００",
        "j_credit_registry",
        "JCL-R-0042-0007",
        "100,001",
        130000,
        "FY2023",
        "再生可能エネルギー（電力）",
        "JCL-R-0042",
        "Rooftop solar programme, Kanto",
        "日本",
        "j_credit",
        "EN-R-002",
        "保有",
        None,
        None,
        "社内管理番号 A-17",
    ],
    [
        "L2",
        "JCM",
        10000,
        "jcm_registry",
        "MN-JP-011-2024",
        5001,
        "１５０００",
        "2022年度",
        None,
        "MN011",
        "High-efficiency heat-only boilers, Ulaanbaatar",
        "モンゴル",
        "jcm",
        "MN_AM003",
        "GX-ETS向けに無効化済み",
        "令和8年12月5日",
        "第1フェーズの目標達成",
        None,
    ],
]
CSV_LINES = [
    "id,kind,quantity_t,registry,certification_number,serial_start,serial_end,vintage,tse_category,project.id,"
    "project.name,project.country,project.programme,project.methodology_code,project.methodology_module,project.registration_id,"
    "project.registration_applied_on,status,status_date,status_note,備考",
    'L3,ボランタリー・クレジット,"150,000",isometric,ISO-DAC-JP-0007-2025,1,150000,2025年度,,isometric-jp-dac-0007,'
    "Hokkaido direct air capture with geological storage,JP,Isometric,direct-air-capture,,GX-VC-2025-0031,"
    "2025/6/2,held,,,北海道",
    "L4,voluntary,５００００,verra,VCS-1234-2021,9000001,9050000,FY2021,,VCS-1234,Amazon avoided deforestation (REDD+),"
    "ペルー,verra_vcs,VM0007,BL-UP,,,保有,,,",
    "L5,J-クレジット,5000,j_credit_registry,JCL-S-0113-0002,40001,45000,2022,省エネルギー,JCL-S-0113,"
    "Boiler upgrade programme,Japan,j_credit,EN-S-001,,,,他目的で無効化済み,令和7年6月30日,"
    "温対法（SHK制度）の調整後排出量報告のための無効化,",
]


def form(ws: Worksheet, items: dict[str, object]) -> None:
    """Fill a form sheet's value cells by item name."""
    rows = {ws.cell(row, 1).value: row for row in range(2, ws.max_row + 1)}
    for item, value in items.items():
        ws.cell(rows[item], 2, value)


def fill(ws: Worksheet, headers: list[str], rows: list[list[object]]) -> None:
    """Write a table sheet's headers and rows from A1 (the template's own headers are replaced)."""
    for col in range(1, ws.max_column + 1):
        ws.cell(1, col).value = None
    for col, text in enumerate(headers, 1):
        ws.cell(1, col, text)
    for number, row in enumerate(rows, 2):
        for col, value in enumerate(row, 1):
            if value is not None:
                ws.cell(number, col, value)


def habits_workbook(folder: Path) -> Path:
    """The workbook (and its CP932 lots CSV beside it) in ``folder``; returns the workbook's path."""
    result = run_cli("template", "--lang", "ja", "-o", folder / "template.xlsx")
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(folder / "template.xlsx")
    form(
        wb["提出"],
        {
            "評価日": "令和8年12月7日",
            "制度開始前の排出実績（3カ年度平均、t-CO2）": "1,380,000",
            "ロットCSV": "lots.csv",
        },
    )
    form(
        wb["企業"],
        {"企業ID": "acme-steel", "企業名": "ACME Steel K.K.（エーシーエムイー製鉄株式会社）", "グループ": "Ｇ"},
    )
    form(
        wb["基準年度"],
        {
            "基準年度": "2013年度",
            "算定方法": "単年度",
            "基準年度の直接排出量（t-CO2）": "１，０００，０００",
            "基準年度の間接排出量（t-CO2）": 420_000,
            "第三者検証": "限定的保証",
        },
    )
    form(
        wb["目標"],
        {
            "直接排出・第1フェーズ合計目標（t-CO2）": "2,400,000",
            "直接排出・2025年度目標（t-CO2）": 780_000,
            "直接排出・2030年度目標（t-CO2）": "600,000",
            "間接排出・第1フェーズ合計目標（t-CO2）": 1_100_000,
            "間接排出・2025年度目標（t-CO2）": "３５５，０００",
            "間接排出・2030年度目標（t-CO2）": 300_000,
        },
    )
    actuals: list[list[object]] = [
        ["FY2023", "直接", "９００，０００", "限定的保証", None],
        ["2024年度", "直接排出", 880_000, "limited", None],
        [2025, "Direct", "870,000", "LIMITED", "速報値から更新"],
        ["令和5年度", "間接", 360_000, "限定的保証", None],
        [2024, "間接排出", "350000", "限定的保証", None],
        ["2025", "indirect", 340_000, "限定的保証", None],
        ["合計", None, "=SUM(C2:C7)", None, None],
    ]
    fill(wb["排出実績"], ["年度", "区分", "排出量（t-CO2）", "第三者検証", "備考"], actuals)
    fill(wb["クレジット"], LOT_HEADERS, [*LOTS, [None, None, "=SUM(C2:C3)", *[None] * 15]])
    wb.save(folder / "habits.xlsx")
    (folder / "lots.csv").write_bytes(("\r\n".join(CSV_LINES) + "\r\n").encode("cp932"))
    return folder / "habits.xlsx"
