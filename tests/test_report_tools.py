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
from tests.conftest import ACME
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
SHEETS = ["Summary", "Position", "Lots", "Criteria", "Ownership", "Interpretations", "Run"]


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


def libreoffice_csv(workbook: bytes, tmp_path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as LibreOffice Calc shows it (formatted values), converted to CSV."""
    source = tmp_path / "report.xlsx"
    source.write_bytes(workbook)
    out = tmp_path / "csv"
    # CSV filter: comma, quote, UTF-8, from line 1, …, cells as shown (formatted), every sheet (-1) to its own file
    options = "44,34,76,1,,0,false,true,true,false,false,-1"
    command = [
        tool(LIBREOFFICE, "opens the Excel report"),
        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
        "--headless",
        "--convert-to",
        f"csv:Text - txt - csv (StarCalc):{options}",
        "--outdir",
        str(out),
        str(source),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Error" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    sheets = {}
    for name in SHEETS:
        with (out / f"report-{name}.csv").open(encoding="utf-8", newline="") as handle:
            sheets[name] = list(csv.reader(handle))
    return sheets


def test_libreoffice_opens_the_workbook_and_shows_the_same_figures(acme: Result, tmp_path: Path) -> None:
    workbook = render_xlsx(acme, "ja")
    sheets = libreoffice_csv(workbook, tmp_path)
    summary = [row[:2] for row in sheets["Summary"]]
    assert ["市場調達が必要な量", "77,500"] in summary
    assert ["= 市場調達が必要な量", "77,500"] in summary
    lots = [row[:6] for row in sheets["Lots"][1:]]
    assert lots == [[row[0], row[1], row[2], row[3], row[4], row[5]] for row in LOTS_JA]
    failed = {(r[0], r[1]): r[5] for r in sheets["Criteria"][1:] if r[3] == "不充足"}
    assert failed == {("L4", c): s for c, s in L4_FAILS.items()} | {("L5", c): s for c, s in L5_FAILS.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns about parts it had to repair or drop
        assert openpyxl.load_workbook(io.BytesIO(workbook)).sheetnames == SHEETS


def test_libreoffice_shows_a_formula_like_lot_id_as_text(hostile: Result, tmp_path: Path) -> None:
    sheets = libreoffice_csv(render_xlsx(hostile, "ja"), tmp_path)
    assert sheets["Lots"][1][0] == LOT_ID
    assert sheets["Lots"][2][6] == "@SUM(1+1)"
    assert not any(cell == "http://x" for rows in sheets.values() for row in rows for cell in row)
    assert FIRM in sheets["Summary"][1][1]
