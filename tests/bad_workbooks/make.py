"""Make the bad workbooks of this folder from the ACME example: `python tests/bad_workbooks/make.py`.

Each is the ACME submission as `gxets convert` writes it (Japanese headers), broken in one way; its `.expect` file
holds the place (`Sheet!Cell`, or `-` for the file itself) and the text of the message `gxets check` must give.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from gxets_rules.app.pipeline import ruleset_for  # noqa: E402
from gxets_rules.io.submission_reader import load_submission  # noqa: E402
from gxets_rules.io.xlsx.template import submission_workbook  # noqa: E402

ACME = HERE.parent.parent / "examples" / "acme-steel" / "submission.yaml"
LOTS = "クレジット"
BOMB_BYTES = 600 * 1024 * 1024
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    + '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def acme_bytes() -> bytes:
    submission = load_submission(ACME).submission
    return submission_workbook(submission, ruleset_for(submission.ruleset or "gxets-phase1"), "ja")


def part_of(data: bytes, title: str) -> str:
    """The zip part name of the sheet with this title."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{title}"[^>]*r:id="(rId\d+)"', book).group(1)
    target = re.search(rf'<Relationship [^>]*Target="/?(?:xl/)?([^"]+)"[^>]*Id="{rid}"', rels).group(1)
    return f"xl/{target}"


def rezip(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, replace.get(info.filename, src.read(info.filename)), zipfile.ZIP_DEFLATED)
        for name, content in (add or {}).items():
            dst.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def edited(data: bytes, edit) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def lots_60000() -> bytes:
    """The ACME workbook whose lots sheet holds 60,000 lots (written in streaming mode)."""
    source = openpyxl.load_workbook(io.BytesIO(acme_bytes()))
    target = openpyxl.Workbook(write_only=True)
    for sheet in source.worksheets:
        ws = target.create_sheet(sheet.title)
        rows = list(sheet.iter_rows(values_only=True))
        if sheet.title != LOTS:
            for row in rows:
                ws.append(list(row))
            continue
        ws.append(list(rows[0]))
        template = list(rows[1])
        for number in range(60_000):
            row = list(template)
            row[0], row[5], row[6] = f"L{number:05d}", number * 30_000 + 1, number * 30_000 + 30_000
            ws.append([WriteOnlyCell(ws, value) if value is not None else None for value in row])
    out = io.BytesIO()
    target.save(out)
    return out.getvalue()


def cases() -> dict[str, tuple[bytes, str, str]]:
    """File name → (bytes, place, message)."""
    acme = acme_bytes()
    lots_part = part_of(acme, LOTS)

    def text_in_tonnes(wb: openpyxl.Workbook) -> None:
        wb[LOTS]["C3"] = "一万"

    def merged_header(wb: openpyxl.Workbook) -> None:
        wb[LOTS].merge_cells("D1:E1")

    def missing_sheet(wb: openpyxl.Workbook) -> None:
        del wb["企業"]

    def blank_required(wb: openpyxl.Workbook) -> None:
        wb[LOTS]["T2"] = None

    def formula_without_value(wb: openpyxl.Workbook) -> None:
        wb[LOTS]["C2"] = "=15000*2"

    return {
        "zip-bomb.xlsx": (
            rezip(acme, {}, {"xl/media/padding.bin": bytes(BOMB_BYTES)}),
            "-",
            "over the limit of 104,857,600 (5 × --max-bytes); refused before decompressing it",
        ),
        "entity-expansion.xlsx": (rezip(acme, {lots_part: LAUGHS.encode()}), f"{LOTS}!A1", "refused for safety"),
        "macro.xlsm": (acme, "-", "a macro-enabled workbook (.xlsm) is refused"),
        "text-in-tonnes.xlsx": (edited(acme, text_in_tonnes), f"{LOTS}!C3", "lots[1](L2).quantity_t: Input should be"),
        "merged-header.xlsx": (edited(acme, merged_header), f"{LOTS}!D1:E1", "merged cells"),
        "missing-sheet.xlsx": (edited(acme, missing_sheet), "-", "the sheet 企業 / Firm is missing"),
        "blank-required-cell.xlsx": (
            edited(acme, blank_required),
            f"{LOTS}!T2",
            "lots[0](L1).status: required field is missing",
        ),
        "formula-without-value.xlsx": (
            edited(acme, formula_without_value),
            f"{LOTS}!C2",
            "formula =15000*2 has no saved result",
        ),
        "lots-60000-rows.xlsx": (lots_60000(), f"{LOTS}!A10002", "more than 10,000 rows"),
    }


if __name__ == "__main__":
    for name, (data, place, message) in cases().items():
        (HERE / name).write_bytes(data)
        (HERE / name).with_suffix(".expect").write_text(f"{place}\n{message}\n", encoding="utf-8")
        print(f"{name}: {len(data):,} bytes")
