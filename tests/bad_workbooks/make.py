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


def dropped(data: bytes, part: str) -> bytes:
    """The workbook without one of its parts (its sheet still listed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info.filename), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def recompressed(data: bytes, part: str, method: int) -> bytes:
    """The workbook with one part compressed by another method (bzip2 and LZMA are zip methods, not xlsx ones)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            chosen = method if info.filename == part else zipfile.ZIP_DEFLATED
            dst.writestr(info.filename, src.read(info.filename), chosen)
    return out.getvalue()


def patched(data: bytes, part: str, patch) -> bytes:
    """The workbook's bytes with ``patch(raw, local_header_offset, central_entry_offset)`` applied for one part."""
    raw = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = archive.getinfo(part).header_offset
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        length = int.from_bytes(raw[central + 28 : central + 30], "little")
        if bytes(raw[central + 46 : central + 46 + length]) == part.encode():
            break
        central = raw.find(b"PK\x01\x02", central + 4)
    patch(raw, local, central)
    return bytes(raw)


def with_method(data: bytes, part: str, method: int) -> bytes:
    """The part claims a compression method it was not compressed with (Deflate64, AES…)."""

    def patch(raw: bytearray, local: int, central: int) -> None:
        raw[local + 8 : local + 10] = raw[central + 10 : central + 12] = method.to_bytes(2, "little")

    return patched(data, part, patch)


def encrypted(data: bytes, part: str) -> bytes:
    def patch(raw: bytearray, local: int, central: int) -> None:
        raw[local + 6] |= 1
        raw[central + 8] |= 1

    return patched(data, part, patch)


def bad_crc(data: bytes, part: str) -> bytes:
    def patch(raw: bytearray, local: int, central: int) -> None:
        raw[local + 14] ^= 0xFF
        raw[central + 16] ^= 0xFF

    return patched(data, part, patch)


def relinked(data: bytes, part: str, target: str) -> bytes:
    """The workbook whose relationship to a sheet's part points elsewhere (outside the package)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    name = part.removeprefix("xl/")
    assert name in rels
    return rezip(data, {"xl/_rels/workbook.xml.rels": rels.replace(name, target).encode()})


Case = tuple[bytes, str, str, str]
"""(bytes, place — a Sheet!Cell or "" for the file —, message, why the input is hostile)."""


def cases() -> dict[str, Case]:
    """File name → the case."""
    acme = acme_bytes()
    lots_part = part_of(acme, LOTS)
    firm_part = part_of(acme, "企業")

    def cell(ref: str, value: object):
        def edit(wb: openpyxl.Workbook) -> None:
            wb[LOTS][ref] = value

        return edit

    def merged_header(wb: openpyxl.Workbook) -> None:
        wb[LOTS].merge_cells("D1:E1")

    def missing_sheet(wb: openpyxl.Workbook) -> None:
        del wb["企業"]

    def second_lots_sheet(wb: openpyxl.Workbook) -> None:
        wb.copy_worksheet(wb[LOTS]).title = "Lots"

    def error_cell(wb: openpyxl.Workbook) -> None:
        wb[LOTS]["C2"] = "#REF!"
        wb[LOTS]["C2"].data_type = "e"

    sheet_xml = rezip(acme, {})
    with zipfile.ZipFile(io.BytesIO(sheet_xml)) as archive:
        lots_xml = archive.read(lots_part)
    unknown_string = lots_xml.replace(
        b'<c r="A2" t="inlineStr"><is><t>L1</t></is></c>', b'<c r="A2" t="s"><v>999999</v></c>'
    )
    assert unknown_string != lots_xml
    return {
        "zip-bomb.xlsx": (
            rezip(acme, {}, {"xl/media/padding.bin": bytes(BOMB_BYTES)}),
            "",
            "over the limit of 104,857,600 (5 × --max-bytes); refused before decompressing it",
            "a part that unpacks to 600 MB: refused from the zip directory",
        ),
        "entity-expansion.xlsx": (
            rezip(acme, {lots_part: LAUGHS.encode()}),
            f"{LOTS}!A1",
            "refused for safety",
            "a billion laughs in a sheet",
        ),
        "macro.xlsm": (acme, "", "a macro-enabled workbook (.xlsm) is refused", "a macro workbook"),
        "text-in-tonnes.xlsx": (
            edited(acme, cell("C3", "一万")),
            f"{LOTS}!C3",
            "Quantity (t-CO2): expected a whole number, got '一万'",
            "text in a number column",
        ),
        "merged-header.xlsx": (edited(acme, merged_header), f"{LOTS}!D1:E1", "merged cells", "merged headers"),
        "missing-sheet.xlsx": (edited(acme, missing_sheet), "", "the sheet 企業 / Firm is missing", "a required sheet"),
        "blank-required-cell.xlsx": (
            edited(acme, cell("T2", None)),
            f"{LOTS}!T2",
            "Status: required field is missing",
            "a required cell left blank",
        ),
        "formula-without-value.xlsx": (
            edited(acme, cell("C2", "=15000*2")),
            f"{LOTS}!C2",
            "formula =15000*2 has no saved result",
            "a formula never calculated",
        ),
        "lots-60000-rows.xlsx": (
            lots_60000(),
            f"{LOTS}!A10002",
            "more than 10,000 rows",
            "a lots sheet of 60,000 rows",
        ),
        "lots-sheet-part-missing.xlsx": (
            dropped(acme, lots_part),
            LOTS,
            "the workbook lists this sheet but does not hold its part",
            "the lots sheet listed, its part gone: it was read as a workbook without lots",
        ),
        "firm-sheet-part-missing.xlsx": (
            dropped(acme, firm_part),
            "企業",
            "the workbook lists this sheet but does not hold its part",
            "the firm sheet's part gone",
        ),
        "sheet-part-outside-the-package.xlsx": (
            relinked(acme, lots_part, "../../../etc/passwd"),
            LOTS,
            "does not hold its part",
            "a relationship pointing out of the package",
        ),
        "deflate64-part.xlsx": (
            with_method(acme, lots_part, 9),
            "",
            "is compressed with method 9",
            "Deflate64, which Python's zip reader cannot read (an internal error before)",
        ),
        "aes-part.xlsx": (
            with_method(acme, lots_part, 99),
            "",
            "is compressed with method 99",
            "AES (WinZip method 99)",
        ),
        "bzip2-part.xlsx": (
            recompressed(acme, lots_part, zipfile.ZIP_BZIP2),
            "",
            "is compressed with method 12",
            "bzip2: a zip method, not an xlsx one",
        ),
        "lzma-part.xlsx": (
            recompressed(acme, lots_part, zipfile.ZIP_LZMA),
            "",
            "is compressed with method 14",
            "LZMA: a zip method, not an xlsx one",
        ),
        "encrypted-part.xlsx": (
            encrypted(acme, lots_part),
            "",
            "the workbook is encrypted or password-protected",
            "a part flagged as encrypted",
        ),
        "bad-checksum.xlsx": (bad_crc(acme, lots_part), f"{LOTS}!A1", "Bad CRC-32", "a corrupted part"),
        "malformed-sheet-xml.xlsx": (
            rezip(acme, {lots_part: b"<worksheet><sheetData><row>"}),
            f"{LOTS}!A1",
            "malformed XML",
            "a sheet's XML cut short",
        ),
        "shared-string-out-of-range.xlsx": (
            rezip(acme, {lots_part: unknown_string}),
            f"{LOTS}!A1",
            "cannot read the sheet",
            "a cell naming shared string 999,999 of a workbook that has none",
        ),
        "not-a-zip.xlsx": (b"id,kind\nL1,j_credit\n", "", "not an .xlsx workbook", "a CSV renamed .xlsx"),
        "truncated.xlsx": (acme[: len(acme) // 2], "", "not an .xlsx workbook", "half a workbook"),
        "empty-file.xlsx": (b"", "", "not an .xlsx workbook", "no bytes at all"),
        "boolean-in-tonnes.xlsx": (
            edited(acme, cell("C2", True)),
            f"{LOTS}!C2",
            "Quantity (t-CO2): expected a whole number, got 'TRUE'",
            "TRUE is not a tonne",
        ),
        "date-in-tonnes.xlsx": (
            edited(acme, cell("C2", __import__("datetime").datetime(2026, 1, 1, 12, 30))),
            f"{LOTS}!C2",
            "got the date and time",
            "a date where tonnes belong",
        ),
        "error-cell.xlsx": (edited(acme, error_cell), f"{LOTS}!C2", "the cell shows the error", "#REF! in a cell"),
        "lots-sheet-twice.xlsx": (
            edited(acme, second_lots_sheet),
            "Lots!A1",
            "the same part as sheet",
            "the lots in a Japanese and an English sheet: which counts would be a guess",
        ),
        "direction-override-in-lot-id.xlsx": (
            edited(acme, cell("A2", "L\u202e1\x9b")),
            f"{LOTS}!A2",
            "contains the invisible or control character U+202E",
            "a right-to-left override and a C1 control in an id cell (XML cannot carry an ESC)",
        ),
        "lot-id-full-width-duplicate.xlsx": (
            edited(acme, cell("A3", "Ｌ1")),
            f"{LOTS}!A3",
            "duplicate lot id 'Ｌ1'",
            "ids that differ only by width",
        ),
    }


def write(name: str, case: Case) -> None:
    data, place, message, why = case
    (HERE / name).write_bytes(data)
    where = f"{name}:{place}" if place else name
    expect = f"# {why}\nwhere: {where}\nmessage: {message}\n"
    (HERE / name).with_suffix(".expect").write_text(expect, encoding="utf-8")


if __name__ == "__main__":
    for name, case in cases().items():
        write(name, case)
        print(f"{name}: {len(case[0]):,} bytes")
