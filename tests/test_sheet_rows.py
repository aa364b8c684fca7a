"""A long table written as text (render/sheet_rows.py) is byte for byte what openpyxl writes for the same rows."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from gxets_rules.render.xlsx import HEADER_FONT, Num, ReportWorkbook, Sheet, Text, workbook_bytes

AWKWARD = [
    "plain",
    "",
    " leading and trailing ",
    "a & b < c > d \" ' quote",
    "line\nbreak\ttab\rreturn",
    "日本語の文 😀 é \u2028",
    '=HYPERLINK("http://x")',
    "+1",
    "bell \x07 null \x00",
]
ROWS = [
    [Text("title", HEADER_FONT), None, Num(1_234_567, "t"), Num(10, "jpy"), Num(2, None), Num(2.5, "t")],
    [*AWKWARD[:5], 7, True, False],
    [Text(text, wrap=True) for text in AWKWARD],
    [date(2026, 12, 7), datetime(2026, 12, 1, 9, 30), 0.1, -3],
    [],
    [None, None, Text("", wrap=True), Text("bold wrapped " * 20, HEADER_FONT, wrap=True)],
]


def _sheets(streamed: bool) -> dict[str, bytes]:
    wb = ReportWorkbook()
    for name in ("one", "two"):
        sheet = Sheet(wb, name, [10, 20, 12, 12, 12, 12, 12, 12, 12], streamed=streamed)
        sheet.title(f"{name} 表")
        sheet.table(["A", "見出し", "C"], ROWS)
    data = workbook_bytes(wb, date(2026, 12, 7))
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name) for name in book.namelist()}


def test_streamed_rows_are_the_bytes_openpyxl_writes() -> None:
    written, streamed = _sheets(False), _sheets(True)
    assert written.keys() == streamed.keys()
    for name in written:
        assert streamed[name] == written[name], name
