"""Untrusted workbooks: every bad one gets a located message and exit code 2, in a real process, within 5 s and
bounded memory — never a traceback, never a half-written output. And the safety nets are really there."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import defusedxml
import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.xml import functions

from gxets_rules.io.submission_reader import load_submission
from gxets_rules.io.xlsx.guard import XlsxLimits, open_workbook
from gxets_rules.model.problems import InputError
from tests.bad_workbooks.make import LAUGHS, LOTS, edited, part_of, rezip
from tests.conftest import ACME, ROOT, run_cli
from tests.hostile.corpus import located, read_expect, with_lang

BAD = ROOT / "tests" / "bad_workbooks"
CASES = sorted(p for p in BAD.iterdir() if p.suffix in (".xlsx", ".xlsm"))
# A guard against a refusal that hangs or grows with the bomb, not a benchmark (benchmarks/ measure speed): the
# bound is wide enough for a loaded 2-core CI machine and far below what expanding a bomb would take.
SECONDS = 30
MAX_RSS_MB = 400
WORKBOOK = ACME.with_suffix(".xlsx")


def test_the_bad_workbooks_of_the_issue_are_all_here() -> None:
    names = {p.stem for p in CASES}
    assert {"zip-bomb", "entity-expansion", "macro", "text-in-tonnes", "merged-header", "missing-sheet"} <= names
    assert {"blank-required-cell", "lots-60000-rows"} <= names


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_bad_workbook_exits_2_with_a_located_message_quickly(path: Path, tmp_path: Path) -> None:
    """In a real process (the corpus runner, tests/test_hostile_inputs.py, runs the same cases in-process)."""
    expect = read_expect(path.with_suffix(".expect"))
    check = with_lang(["check", str(path), "--out", str(tmp_path / "out")], expect.lang)
    command = [sys.executable, "-m", "gxets_rules.app.cli", *check]
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    stdout, stderr = proc.communicate(timeout=60)
    elapsed = time.monotonic() - started
    assert proc.returncode == expect.exit, stdout + stderr
    assert located(stderr, expect.where, expect.message), stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists()
    assert elapsed < SECONDS, f"{elapsed:.1f} s"


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_bad_workbook_memory_stays_bounded(path: Path) -> None:
    """The peak resident memory of the whole process, measured by the kernel (ru_maxrss, in KiB on Linux).

    Measured by a small launcher process that starts the check and waits for it: Linux charges a forked child with the
    memory of the process it was forked from, so a check forked straight from a large test process would be charged
    with the test process's memory.
    """
    launcher = (
        "import os, subprocess, sys\n"
        "proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "_, status, usage = os.wait4(proc.pid, 0)\n"
        "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
    )
    command = [sys.executable, "-m", "gxets_rules.app.cli", "check", str(path)]
    measured = subprocess.run(
        [sys.executable, "-c", launcher, *command], capture_output=True, text=True, cwd=ROOT, check=True
    )
    code, peak_kb = (int(value) for value in measured.stdout.split())
    assert code == 2
    assert peak_kb / 1024 < MAX_RSS_MB, f"{peak_kb / 1024:.0f} MB"


def _check(data: bytes, tmp_path: Path, name: str = "wb.xlsx") -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(data)
    result = run_cli("check", path, "--lang", "en")
    return result.exit_code, result.stderr


def test_openpyxl_parses_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")


def test_entity_expansion_in_the_shared_strings_is_refused_quickly(tmp_path: Path) -> None:
    acme = WORKBOOK.read_bytes()
    laughs = LAUGHS.replace("<worksheet", "<sst").split("<sheetData>")[0] + "<si><t>&lol9;</t></si></sst>"
    started = time.monotonic()
    code, stderr = _check(rezip(acme, {}, {"xl/sharedStrings.xml": laughs.encode()}), tmp_path)
    assert time.monotonic() - started < SECONDS
    if code == 2 and "refused for safety" in stderr:
        return
    # openpyxl reads shared strings only when the manifest names the part; name it and try again
    types = zipfile.ZipFile(io.BytesIO(acme)).read("[Content_Types].xml").decode()
    override = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    data = rezip(acme, {"[Content_Types].xml": types.replace("</Types>", override).encode()})
    code, stderr = _check(rezip(data, {}, {"xl/sharedStrings.xml": laughs.encode()}), tmp_path)
    assert code == 2
    assert "wb.xlsx: cannot read the workbook: it contains XML that is refused for safety" in stderr
    assert time.monotonic() - started < SECONDS


def test_a_vba_project_inside_an_xlsx_is_refused(tmp_path: Path) -> None:
    code, stderr = _check(rezip(WORKBOOK.read_bytes(), {}, {"xl/vbaProject.bin": b"\0" * 64}), tmp_path)
    assert code == 2
    assert "wb.xlsx: the workbook contains macros (a VBA project)" in stderr


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    path.write_bytes(WORKBOOK.read_bytes())
    result = run_cli("check", path, "--max-bytes", "1000", "--lang", "en")
    assert result.exit_code == 2
    assert (
        f"big.xlsx: file is {path.stat().st_size:,} bytes, over the limit of 1,000 bytes (--max-bytes)" in result.stderr
    )


def test_the_row_limit_is_an_option(tmp_path: Path) -> None:
    result = run_cli("check", WORKBOOK, "--max-rows", "4", "--lang", "en")
    assert result.exit_code == 2
    assert "submission.xlsx:クレジット!A6: more than 4 rows" in result.stderr
    assert run_cli("check", WORKBOOK, "--max-rows", "6").exit_code == 0


def test_a_zip_whose_directory_understates_a_part_is_refused(tmp_path: Path) -> None:
    """Python's zip reader never returns more than a part declares; the lie is a CRC error, reported."""
    acme = WORKBOOK.read_bytes()
    lots = part_of(acme, LOTS)
    with zipfile.ZipFile(io.BytesIO(acme)) as archive:
        info = archive.getinfo(lots)
    data = bytearray(acme)
    central = data.rfind(b"PK\x01\x02", 0, data.find(lots.encode(), data.rfind(b"PK\x05\x06") - 4000))
    offset = data.find(lots.encode(), central) - 46 + 24  # uncompressed size in the central directory entry
    data[offset : offset + 4] = (info.file_size // 2).to_bytes(4, "little")
    code, stderr = _check(bytes(data), tmp_path)
    assert code == 2
    assert "wb.xlsx" in stderr and "Traceback" not in stderr


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    code, stderr = _check(b"name,quantity\nL1,30000\n", tmp_path)
    assert code == 2
    assert "wb.xlsx: not an .xlsx workbook (it is not a zip archive)" in stderr


def test_refused_when_openpyxl_is_not_using_defusedxml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(InputError, match="openpyxl is not using defusedxml"):
        open_workbook(WORKBOOK, XlsxLimits())
    assert defusedxml.__version__


def _formula_with_cached_value(acme: bytes) -> bytes:
    lots = part_of(acme, LOTS)
    sheet = zipfile.ZipFile(io.BytesIO(acme)).read(lots).decode()
    start = sheet.index('<c r="C2"')
    end = sheet.index("</c>", start) + 4
    cell = '<c r="C2"><f>15000*2</f><v>30000</v></c>'
    return rezip(acme, {lots: (sheet[:start] + cell + sheet[end:]).encode()})


def test_a_formula_is_read_by_its_saved_result_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "formula.xlsx"
    path.write_bytes(_formula_with_cached_value(WORKBOOK.read_bytes()))
    loaded = load_submission(path)
    assert loaded.submission.lots[0].quantity_t == 30_000
    assert [str(w) for w in loaded.warnings] == [
        f"{path}:クレジット!C2: formula =15000*2 read as its saved result 30000"
    ]
    result = run_cli("check", path, "--lang", "en")
    assert result.exit_code == 0
    assert (
        f"warning: {path}:クレジット!C2: Quantity (t-CO2): formula =15000*2 read as its saved result 30000"
        in result.stderr
    )


def test_hidden_sheets_and_external_links_are_reported(tmp_path: Path) -> None:
    def hide(wb: openpyxl.Workbook) -> None:
        wb["クレジット"].sheet_state = "hidden"
        wb["コード一覧"].sheet_state = "veryHidden"
        wb.create_sheet("メモ")

    link = (
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
        "</externalLink>"
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
        'Target="file:///C:/secret/prices.xlsx" TargetMode="External"/></Relationships>'
    )
    extra = {
        "xl/externalLinks/externalLink1.xml": link.encode(),
        "xl/externalLinks/_rels/externalLink1.xml.rels": rels.encode(),
    }
    path = tmp_path / "hidden.xlsx"
    path.write_bytes(rezip(edited(WORKBOOK.read_bytes(), hide), {}, extra))
    warnings = sorted(str(w) for w in load_submission(path).warnings)
    assert warnings == [
        f"{path}: the workbook links to an external workbook (file:///C:/secret/prices.xlsx); its values are not read",
        f"{path}:クレジット: the sheet is hidden; it is read all the same",
        f"{path}:コード一覧: the sheet is very hidden; it is read all the same",
        f"{path}:メモ!A1: not a sheet of the format; not read",
    ]


def _refused_with(tmp_path: Path, cells: dict[tuple[str, str], object]) -> str:
    """The ACME workbook with these cells (sheet, ref) typed over: it must be refused; its error output."""

    def type_over(wb: openpyxl.Workbook) -> None:
        for (sheet, ref), value in cells.items():
            wb[sheet][ref] = value

    code, stderr = _check(edited(WORKBOOK.read_bytes(), type_over), tmp_path)
    assert code == 2
    return stderr


def _lot_columns() -> list[str]:
    """The ACME workbook's lot-sheet headers, column A first (columns move when the format gains a field)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = openpyxl.load_workbook(WORKBOOK, read_only=True)["クレジット"]
        return [str(cell.value) for cell in next(sheet.iter_rows(max_row=1))]


def test_every_structure_problem_is_reported_at_once(tmp_path: Path) -> None:
    """A mistyped header or item is an error that names what it likely meant; a value without a header too."""
    columns = _lot_columns()
    vintage = get_column_letter(columns.index("ヴィンテージ") + 1)
    after = get_column_letter(len(columns) + 2)  # past the last column, with a blank header between
    cells = {
        ("クレジット", f"{vintage}1"): "ヴィンテジ",
        ("クレジット", f"{after}2"): "memo",
        ("企業", "A3"): "企業 名",
    }
    stderr = _refused_with(tmp_path, cells)
    assert "3 problem(s)" in stderr
    assert f"wb.xlsx:クレジット!{vintage}1: unknown column 'ヴィンテジ'; did you mean 'Vintage'?" in stderr
    assert f"wb.xlsx:クレジット!{after}2: a value in a column without a header" in stderr
    assert "wb.xlsx:企業!A3: unknown item '企業 名'; did you mean 'Firm name'?" in stderr


def test_columns_and_items_people_add_are_notes_not_problems(tmp_path: Path) -> None:
    """備考 and 住所 are not part of the format: read past, each said once as a note, and the check goes on."""
    notes = get_column_letter(len(_lot_columns()) + 1)

    def add(wb: openpyxl.Workbook) -> None:
        wb["クレジット"][f"{notes}1"], wb["クレジット"][f"{notes}2"] = "備考", "社内メモ"
        wb["企業"]["A5"], wb["企業"]["B5"] = "住所", "東京"

    path = tmp_path / "notes.xlsx"
    path.write_bytes(edited(WORKBOOK.read_bytes(), add))
    result = run_cli("check", path, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert (
        f"notes.xlsx:クレジット!{notes}1: '備考' is not part of the format; kept as a note, not read" in result.stdout
    )
    assert "notes.xlsx:企業!A5: '住所' is not part of the format" in result.stdout


def test_value_problems_and_model_problems_come_together(tmp_path: Path) -> None:
    # a formula without a saved result, a bare number in a date column, a kind that does not exist
    date_column = get_column_letter(_lot_columns().index("状態の日付") + 1)
    stderr = _refused_with(
        tmp_path,
        {("クレジット", "C2"): "=1/0", ("クレジット", f"{date_column}2"): 46_363, ("クレジット", "B3"): "gold"},
    )
    assert "3 problem(s)" in stderr
    assert "wb.xlsx:クレジット!C2: Quantity (t-CO2): formula =1/0 has no saved result; enter the value" in stderr
    assert (
        f"wb.xlsx:クレジット!{date_column}2: Status date: expected a date (YYYY-MM-DD), got the number 46363" in stderr
    )
    assert (
        "wb.xlsx:クレジット!B3: Kind: 'gold' is not a value of Kind; use one of: era, j_credit, jcm, voluntary"
        in stderr
    )


def test_a_duplicate_lot_id_names_the_first_cell(tmp_path: Path) -> None:
    stderr = _refused_with(tmp_path, {("クレジット", "A3"): "L1"})
    assert "wb.xlsx:クレジット!A3: Lot id: duplicate lot id 'L1' (first used at クレジット!A2)" in stderr
