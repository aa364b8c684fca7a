"""The workbook is a second form of the same models: YAML → xlsx → model gives the model back, xlsx → YAML → xlsx
gives the same cells, the committed example workbooks match their YAML, and a template filled in by hand checks to the
same result as the YAML it was copied from."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from gxets_rules.app.convert import read_part
from gxets_rules.io.xlsx.guard import XlsxLimits
from tests.conftest import ACME, EXAMPLES, PHASE2_EXAMPLE, run_cli
from tests.xlsx_support import EXAMPLE_PAIRS, cell_values

IDS = [f"{source.parent.name}/{source.name}" for source, _ in EXAMPLE_PAIRS]


def convert(source: Path, target: Path, *args: str) -> None:
    result = run_cli("convert", source, target, *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def check_json(*args: object) -> dict:
    result = run_cli("check", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    data["run"]["inputs"] = {}  # the input files differ by name and hash; everything decided must not
    return data


def test_there_is_an_example_workbook_per_yaml_example() -> None:
    assert len(EXAMPLE_PAIRS) == 7
    assert all(target.is_file() for _, target in EXAMPLE_PAIRS)


@pytest.mark.parametrize(("source", "target"), EXAMPLE_PAIRS, ids=IDS)
def test_yaml_to_xlsx_to_model_is_the_original_model(source: Path, target: Path, tmp_path: Path) -> None:
    workbook = tmp_path / target.name
    convert(source, workbook, "--lang", "en")
    original, again = read_part(source, XlsxLimits()), read_part(workbook, XlsxLimits())
    assert again.part == original.part
    assert again.model == original.model
    assert again.warnings == []


@pytest.mark.parametrize(("source", "target"), EXAMPLE_PAIRS, ids=IDS)
def test_xlsx_to_yaml_to_xlsx_gives_the_same_cells(source: Path, target: Path, tmp_path: Path) -> None:
    convert(target, tmp_path / "back.yaml")
    convert(tmp_path / "back.yaml", tmp_path / "again.xlsx")
    assert cell_values(tmp_path / "again.xlsx") == cell_values(target)


@pytest.mark.parametrize(("source", "target"), EXAMPLE_PAIRS, ids=IDS)
def test_the_example_workbooks_are_in_sync_with_their_yaml(source: Path, target: Path, tmp_path: Path) -> None:
    """Regenerate (as scripts/make_example_workbooks.py does) and compare every cell value."""
    convert(source, tmp_path / target.name, "--lang", "ja")
    assert cell_values(tmp_path / target.name) == cell_values(target), "run scripts/make_example_workbooks.py"


@pytest.mark.parametrize("example", [ACME, PHASE2_EXAMPLE, EXAMPLES / "overseas-daccs" / "submission.yaml"])
def test_an_example_workbook_checks_to_the_same_result_as_its_yaml(example: Path) -> None:
    assert check_json(example.with_suffix(".xlsx")) == check_json(example)


def test_ownership_from_a_workbook_gives_the_same_result() -> None:
    folder = EXAMPLES / "overseas-daccs"
    from_yaml = check_json(folder / "submission.yaml")
    assert check_json(folder / "submission.yaml", "--ownership", folder / "ownership.xlsx") == from_yaml


def _fill(ws: openpyxl.worksheet.worksheet.Worksheet, headers: list[str], rows: list[list[object]]) -> None:
    """Type records under the headers, as a person does: find each header in row 1, write under it."""
    where = {cell.value: cell.column for cell in ws[1] if cell.value}
    for number, row in enumerate(rows, 2):
        for name, value in zip(headers, row, strict=True):
            ws.cell(number, where[name], value)


def _form(ws: openpyxl.worksheet.worksheet.Worksheet, items: dict[str, object]) -> None:
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for item, value in items.items():
        ws.cell(rows[item], 2, value)


def test_a_template_filled_in_japanese_checks_like_the_yaml_example(tmp_path: Path) -> None:
    result = run_cli("template", "--lang", "ja", "-o", tmp_path / "template.xlsx")
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(tmp_path / "template.xlsx")
    _form(wb["提出"], {"評価日": "2026-12-07"})
    _form(
        wb["企業"],
        {"企業ID": "acme-steel", "企業名": "ACME Steel K.K.（エーシーエムイー製鉄株式会社）", "グループ": "G"},
    )
    _form(
        wb["基準年度"],
        {
            "基準年度": 2013,
            "算定方法": "single_year",
            "基準年度の直接排出量（t-CO2）": 1_000_000,
            "基準年度の間接排出量（t-CO2）": 420_000,
            "第三者検証": "limited",
        },
    )
    _form(wb["提出"], {"制度開始前の排出実績（3カ年度平均、t-CO2）": 1_380_000})
    _form(
        wb["目標"],
        {
            "直接排出・第1フェーズ合計目標（t-CO2）": 2_400_000,
            "直接排出・2025年度目標（t-CO2）": 780_000,
            "直接排出・2030年度目標（t-CO2）": 600_000,
            "間接排出・第1フェーズ合計目標（t-CO2）": 1_100_000,
            "間接排出・2025年度目標（t-CO2）": 355_000,
            "間接排出・2030年度目標（t-CO2）": 300_000,
        },
    )
    actuals = [
        [fy, scope, tonnes, "limited"]
        for scope, values in (("direct", (900_000, 880_000, 870_000)), ("indirect", (360_000, 350_000, 340_000)))
        for fy, tonnes in zip((2023, 2024, 2025), values, strict=True)
    ]
    _fill(wb["排出実績"], ["年度", "区分", "排出量（t-CO2）", "第三者検証"], actuals)
    lot_headers = [
        "ロットID",
        "種類",
        "数量（t-CO2）",
        "登録簿",
        "認証番号",
        "シリアル番号（開始）",
        "シリアル番号（終了）",
    ]
    lot_headers += ["ヴィンテージ", "売買の区分", "プロジェクト・ID", "プロジェクト・名称", "プロジェクト・実施国"]
    lot_headers += ["プロジェクト・プログラム", "プロジェクト・方法論コード", "プロジェクト・事務局登録ID"]
    lot_headers += ["プロジェクト・登録申請日", "状態", "状態の日付", "状態の備考", "無効化の目的"]
    held = ["held", None, None, None]
    lots = [
        [
            "L1",
            "j_credit",
            30000,
            "j_credit_registry",
            "JCL-R-0042-0007",
            100001,
            130000,
            2023,
            "renewable_electricity",
            "JCL-R-0042",
            "Rooftop solar programme, Kanto",
            "JP",
            "j_credit",
            "EN-R-002",
            None,
            None,
            *held,
        ],
        [
            "L2",
            "jcm",
            10000,
            "jcm_registry",
            "MN-JP-011-2024",
            5001,
            15000,
            2022,
            None,
            "MN011",
            "High-efficiency heat-only boilers, Ulaanbaatar",
            "MN",
            "jcm",
            "MN_AM003",
            None,
            None,
            "cancelled_gxets",
            "2026-12-05",
            None,
            "phase1_target",
        ],
        [
            "L3",
            "voluntary",
            150000,
            "isometric",
            "ISO-DAC-JP-0007-2025",
            1,
            150000,
            2025,
            None,
            "isometric-jp-dac-0007",
            "Hokkaido direct air capture with geological storage",
            "JP",
            "isometric",
            "direct-air-capture",
            "GX-VC-2025-0031",
            "2025-06-02",
            *held,
        ],
        [
            "L4",
            "voluntary",
            50000,
            "verra",
            "VCS-1234-2021",
            9000001,
            9050000,
            2021,
            None,
            "VCS-1234",
            "Amazon avoided deforestation (REDD+)",
            "PE",
            "verra_vcs",
            "VM0007",
            None,
            None,
            *held,
        ],
        [
            "L5",
            "j_credit",
            5000,
            "j_credit_registry",
            "JCL-S-0113-0002",
            40001,
            45000,
            2022,
            "energy_saving",
            "JCL-S-0113",
            "Boiler upgrade programme",
            "JP",
            "j_credit",
            "EN-S-001",
            None,
            None,
            "cancelled_other",
            "2025-06-30",
            "温対法（SHK制度）の調整後排出量報告のための無効化",
            None,
        ],
    ]
    lot_headers.append("プロジェクト・方法論モジュール")
    for row in lots:
        row.append("BL-UP" if row[0] == "L4" else None)  # the REDD+ framework's module (INT-P1-25)
    _fill(wb["クレジット"], lot_headers, lots)
    wb.save(tmp_path / "filled.xlsx")
    assert check_json(tmp_path / "filled.xlsx") == check_json(ACME)


def test_english_headers_in_any_column_order_read_the_same(tmp_path: Path) -> None:
    """Columns are found by name: shuffle the lots sheet's columns and rename them to English headers."""
    convert(ACME, tmp_path / "acme.xlsx", "--lang", "en")
    wb = openpyxl.load_workbook(tmp_path / "acme.xlsx")
    ws = wb["Credit lots"]
    columns = [[(cell.value, cell.number_format) for cell in column] for column in ws.iter_cols()]
    for index, values in enumerate(reversed(columns), 1):
        for row, (value, number_format) in enumerate(values, 1):
            cell = ws.cell(row, index)
            cell.value, cell.number_format = value, number_format
    wb.save(tmp_path / "shuffled.xlsx")
    assert read_part(tmp_path / "shuffled.xlsx", XlsxLimits()).model == read_part(ACME, XlsxLimits()).model


def test_ownership_sheets_in_the_submission_workbook_are_its_ownership(tmp_path: Path) -> None:
    folder = EXAMPLES / "overseas-daccs"
    submission = openpyxl.load_workbook(folder / "submission.xlsx")
    ownership = openpyxl.load_workbook(folder / "ownership.xlsx")
    for sheet in ownership.worksheets:
        if sheet.title in submission.sheetnames and sheet.title.startswith("所有_"):
            target = submission[sheet.title]
            for row in sheet.iter_rows():
                for cell in row:
                    copy = target.cell(cell.row, cell.column)
                    copy.value, copy.number_format = cell.value, cell.number_format
    form = submission["提出"]
    row = next(r for r in range(2, form.max_row + 1) if form.cell(r, 1).value == "資本関係ファイル")
    form.cell(row, 2).value = None
    submission.save(tmp_path / "submission.xlsx")
    got = check_json(tmp_path / "submission.xlsx")
    assert got == check_json(folder / "submission.yaml")
    form.cell(row, 2).value = "ownership.yaml"
    submission.save(tmp_path / "twice.xlsx")
    result = run_cli("check", tmp_path / "twice.xlsx", "--lang", "en")
    assert result.exit_code == 2
    assert f"twice.xlsx:提出!B{row}: the ownership is given twice" in result.stderr


def test_yaml_written_by_convert_reads_back_strictly(tmp_path: Path) -> None:
    convert(EXAMPLES / "overseas-daccs" / "ownership.xlsx", tmp_path / "ownership.yaml")
    text = (tmp_path / "ownership.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        "# gxets.ownership.v1, converted from ownership.xlsx by gxets convert\nformat: gxets.ownership.v1\n"
    )
    assert "  share: 0.35\n" in text and "&" not in text and "!!" not in text
    original = read_part(EXAMPLES / "overseas-daccs" / "ownership.yaml", XlsxLimits()).model
    assert read_part(tmp_path / "ownership.yaml", XlsxLimits()).model == original
