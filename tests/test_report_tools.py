"""The reports in the real tools: the HTML rendered by headless Chromium, the workbook opened by LibreOffice Calc.

These need chromium, libreoffice-calc and fonts-noto-cjk (Debian packages; .ci/run installs them). Without them a
test is skipped with the reason — except when GXETS_REQUIRE_TOOLS=1 (set by .ci/run), where a missing tool fails.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import subprocess
import warnings
from pathlib import Path

import openpyxl
import pytest

from gxets_rules.model.result import Result
from gxets_rules.render.html import render_html
from gxets_rules.render.xlsx import render_xlsx
from tests.conftest import ACME, EXAMPLES
from tests.reports_support import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    L4_FAILS,
    L5_FAILS,
    LIBREOFFICE,
    LOTS_JA,
    check_result,
    lot_criteria,
    missing,
    page_text,
    rows_of,
    tool,
)
from tests.test_report_injection import FIRM, LOT_ID, hostile_submission

TIMEOUT_S = 120
SCREEN = (1280, 2400)
SHEETS = ["概要", "排出量の推移", "算定の詳細", "ロット", "基準ごとの判定", "満たさない基準"]
SHEETS += ["所有関係の根拠", "入力の読み替え", "依拠した解釈", "実行記録"]
MARKET = EXAMPLES / "market" / "tse-2025-levels.yaml"


@pytest.fixture(scope="module")
def acme() -> Result:
    return check_result(ACME)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return check_result(hostile_submission(tmp_path_factory.mktemp("hostile")))


def chromium(page: Path, tmp_path: Path, *args: str) -> str:
    """Run headless Chromium on a local page, with every network and background service off."""
    command = [
        tool(CHROMIUM, "renders the HTML report"),
        *CHROMIUM_FLAGS,
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        *args,
        page.as_uri(),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def dom_of(result: Result, lang: str, tmp_path: Path) -> str:
    page = tmp_path / f"report-{lang}.html"
    page.write_text(render_html(result, lang), encoding="utf-8")
    return chromium(page, tmp_path, "--dump-dom")


def test_chromium_renders_the_key_figures(acme: Result, tmp_path: Path) -> None:
    dom = dom_of(acme, "ja", tmp_path)
    assert re.search(r'id="offsets-to-buy">77,500 t-CO2<', dom)
    assert rows_of(dom, "lots") == LOTS_JA
    for index, fails in ((4, L4_FAILS), (5, L5_FAILS)):
        rows = lot_criteria(dom, index)
        assert {cid for cid, row in rows.items() if row[0] == "不充足"} == set(fails)
        for cid, source in fails.items():
            assert rows[cid][3].startswith(f"[{source}]")
    _, tags = page_text(dom)
    assert "svg" in tags and "script" not in tags


def test_chromium_renders_the_english_report(acme: Result, tmp_path: Path) -> None:
    dom = dom_of(acme, "en", tmp_path)
    assert re.search(r'id="offsets-to-buy">77,500 t-CO2<', dom)
    assert [row[4] for row in rows_of(dom, "lots")] == ["eligible"] * 3 + ["ineligible"] * 2


def test_chromium_takes_a_screenshot_with_japanese_fonts(acme: Result, tmp_path: Path) -> None:
    fonts = subprocess.run(
        [tool(("fc-list",), "lists the installed fonts"), ":lang=ja", "family"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Noto Sans CJK JP" not in fonts:  # the first font of the report's stack; without it Japanese may show as tofu
        missing("Noto Sans CJK JP (Debian fonts-noto-cjk)", "the report's Japanese font; without it, tofu")
    page = tmp_path / "report-ja.html"
    page.write_text(render_html(acme, "ja"), encoding="utf-8")
    shot = tmp_path / "report-ja.png"
    chromium(page, tmp_path, "--hide-scrollbars", f"--window-size={SCREEN[0]},{SCREEN[1]}", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == SCREEN
    assert len(data) > 100_000, "a page of text, tables and a chart, not a blank image"


def test_chromium_prints_the_report_on_a4(acme: Result, tmp_path: Path) -> None:
    page = tmp_path / "report-ja.html"
    page.write_text(render_html(acme, "ja"), encoding="utf-8")
    pdf = tmp_path / "report-ja.pdf"
    chromium(page, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf.read_bytes())
    assert len(boxes) >= 2
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}  # A4 in points, every page


def test_chromium_keeps_a_hostile_firm_name_inert(hostile: Result, tmp_path: Path) -> None:
    dom = dom_of(hostile, "ja", tmp_path)
    text, tags = page_text(dom)
    assert "script" not in tags
    assert FIRM in text and LOT_ID in text


def libreoffice(workbook: bytes, tmp_path: Path, target: str) -> Path:
    """A workbook converted by LibreOffice Calc (``csv:…`` or ``pdf``); the folder the output is in."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "report.xlsx"
    source.write_bytes(workbook)
    out = tmp_path / "converted"
    command = [
        tool(LIBREOFFICE, "opens the Excel report"),
        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
        "--headless",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        str(source),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Error" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return out


def libreoffice_csv(workbook: bytes, tmp_path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as LibreOffice Calc shows it (formatted values), converted to CSV."""
    # CSV filter: comma, quote, UTF-8, from line 1, …, cells as shown (formatted), every sheet (-1) to its own file
    out = libreoffice(
        workbook, tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    )
    names = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True).sheetnames
    sheets = {}
    for name in names:
        with (out / f"report-{name}.csv").open(encoding="utf-8", newline="") as handle:
            sheets[name] = list(csv.reader(handle))
    return sheets


def printed_pages(workbook: bytes, tmp_path: Path, sheet: str | None = None) -> int:
    """How many A4 pages LibreOffice prints the workbook on (or one sheet of it, alone in a copy of the workbook)."""
    if sheet is not None:
        book = openpyxl.load_workbook(io.BytesIO(workbook))
        for other in [name for name in book.sheetnames if name != sheet]:
            del book[other]
        buffer = io.BytesIO()
        book.save(buffer)
        workbook = buffer.getvalue()
    pdf = (libreoffice(workbook, tmp_path / (sheet or "whole"), "pdf") / "report.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\[0 0 ([0-9.]+) ([0-9.]+)\]", pdf)  # each page's (the tree's root has its own)
    assert {tuple(sorted((round(float(w)), round(float(h))))) for w, h in boxes} == {(595, 842)}  # A4, any way round
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_libreoffice_opens_the_workbook_and_shows_the_same_figures(acme: Result, tmp_path: Path) -> None:
    workbook = render_xlsx(acme, "ja")
    sheets = libreoffice_csv(workbook, tmp_path)
    summary = [row[:2] for row in sheets["概要"]]
    assert ["調達が必要な量", "77,500"] in summary
    assert ["= 調達が必要な量", "77,500"] in summary
    assert ["超過削減枠等提出期間（末日）", "2026-12-31"] in summary  # a date cell, shown as a date
    assert ["NDC相当排出量（第1フェーズ合計）", "2,108,108"] in summary  # a number, not 2,108,108.108108 text
    lots = [row[:6] for row in sheets["ロット"][1:]]
    assert lots == [[row[0], row[1], row[2], row[3], row[4], row[5]] for row in LOTS_JA]
    failed = {(r[0], r[1]): r[5] for r in sheets["満たさない基準"][1:] if r[2] == "不充足"}
    assert failed == {("L4", c): s for c, s in L4_FAILS.items()} | {("L5", c): s for c, s in L5_FAILS.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns about parts it had to repair or drop
        assert openpyxl.load_workbook(io.BytesIO(workbook)).sheetnames == SHEETS


def test_libreoffice_shows_the_plan_s_numbers_and_dates(tmp_path: Path) -> None:
    workbook = render_xlsx(check_result(ACME, "--market", MARKET), "ja")
    plan = libreoffice_csv(workbook, tmp_path)["調達計画"]
    (line,) = [row for row in plan if row[0].startswith("J-クレジット 省エネルギー")]
    assert line[2:13] == [
        "6,880",
        "¥4,700",
        "¥4,150",
        "¥4,700",
        "¥32,336,000",
        "¥35,569,600",
        "¥31,407,200",
        "¥35,569,600",
        "2026-12-18 15:00",
        "2026-12-25",
        "2026-12-28",
    ]


def test_the_acme_summary_and_plan_each_print_on_one_a4_page(tmp_path: Path) -> None:
    """Issue 14: the Summary and the Plan print on one page each (LibreOffice, A4); the whole workbook prints on a
    handful of pages (41 before, labels and values apart) — the figure is printed for the closing note."""
    workbook = render_xlsx(check_result(ACME, "--market", MARKET), "ja")
    assert printed_pages(workbook, tmp_path, "概要") == 1
    assert printed_pages(workbook, tmp_path, "調達計画") == 1
    whole = printed_pages(workbook, tmp_path)
    print(f"ACME with the 2025 TSE levels: the workbook prints on {whole} A4 pages")
    assert whole <= 16


def test_libreoffice_shows_a_formula_like_lot_id_as_text(hostile: Result, tmp_path: Path) -> None:
    sheets = libreoffice_csv(render_xlsx(hostile, "ja"), tmp_path)
    assert sheets["ロット"][1][0] == LOT_ID
    assert sheets["ロット"][2][6] == "@SUM(1+1)"
    assert not any(cell == "http://x" for rows in sheets.values() for row in rows for cell in row)
    assert FIRM in sheets["概要"][1][1]
