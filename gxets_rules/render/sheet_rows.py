"""The rows of a long worksheet table as SpreadsheetML, written straight to text: the same bytes openpyxl writes.

openpyxl's write-only writer makes a cell object per value, looks up its style and hands it to lxml element by element:
at 10,000 lots that was most of the workbook's time (the lots, the criteria not met, the ownership evidence). A long
table's rows are written here instead, as openpyxl (with lxml) writes them — ``<row r="2">``, a string inline
(``t="inlineStr"``, never a formula), a number ``t="n"``, a style by its index in the workbook's cell styles — and
put into the sheet's part when the workbook is saved. Text is escaped as libxml2 escapes it (``&amp; &lt; &gt;``, a
carriage return as ``&#13;``, every character beyond ASCII as a decimal reference), so a workbook is byte for byte
what it was when openpyxl wrote every row.

A style is registered with the workbook the first time a cell of it is written — through an openpyxl cell made for
that, at the same moment openpyxl would have registered it — so the style table and its indices stay as they were.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Hashable, Iterator
from datetime import date

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

_EMPTY_SHEET_DATA = b"<sheetData></sheetData>"
_BATCH = 1_000  # rows encoded and spooled to the sheet's temporary file at a time
_CHUNK = 1 << 20  # bytes read back at a time into the zip entry


def xml_text(text: str) -> str:
    """Text as libxml2 writes it into an ASCII document: markup characters escaped, the rest as decimal references."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if text.isascii():
        return text
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def number_text(value: int | float) -> str:
    """A number as openpyxl writes it (``safe_string``): an integer whole, a float to 16 significant digits."""
    return str(value) if isinstance(value, int) else "%.16g" % value  # noqa: UP031 (openpyxl's own formatting)


class SheetRows:
    """The rows of one write-only worksheet, spooled to a temporary file until the workbook is saved (as openpyxl's
    writer spools them: 100,000 rows are not held in memory). ``style(key, make)`` is the index of a cell style,
    ``make(cell)`` setting it on a fresh openpyxl cell the first time ``key`` is seen."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self._pending: list[str] = []
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (read back and closed by chunks(), when saved)
        self._styles: dict[Hashable, str] = {}
        self._columns: list[str] = [""]

    def style(self, key: Hashable, make: Callable[[WriteOnlyCell], None]) -> str:
        found = self._styles.get(key)
        if found is None:
            cell = WriteOnlyCell(self.ws)
            make(cell)
            found = self._styles[key] = str(cell.style_id)  # registered with the workbook now, as openpyxl would
        return found

    def refs(self, row: int, count: int) -> list[str]:
        """The references of the first ``count`` cells of a row (``A12``, ``B12``, …)."""
        while len(self._columns) <= count:
            self._columns.append(get_column_letter(len(self._columns)))
        return [f"{letter}{row}" for letter in self._columns[1 : count + 1]]

    def row(self, index: int, cells: list[str], height: float | None = None) -> None:
        """A row of cells already written (:meth:`number`, :meth:`day`; a text cell is ``<c r="A1"`` and its
        :meth:`text_tail`); a height in points if set."""
        attrs = f' ht="{number_text(height)}" customHeight="1"' if height is not None else ""
        self._pending.append(f'<row r="{index}"{attrs}>{"".join(cells)}</row>')
        if len(self._pending) >= _BATCH:
            self._spool()

    def _spool(self) -> None:
        self._file.write("".join(self._pending).encode("ascii"))
        self._pending.clear()

    @staticmethod
    def text_tail(value: str, style: str | None = None) -> str:
        """A text cell's XML after its reference (``<c r="A12"`` and this): the same for every cell of that text and
        style, so a sheet may remember it."""
        s = f' s="{style}"' if style is not None else ""
        if not value:
            return f'{s} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'{s} t="inlineStr"><is><t{space}>{xml_text(value)}</t></is></c>'

    def number(self, ref: str, value: int | float, style: str | None = None) -> str:
        s = f' s="{style}"' if style is not None else ""
        return f'<c r="{ref}"{s} t="n"><v>{number_text(value)}</v></c>'

    def day(self, ref: str, value: date, style: str) -> str:
        """A date or a time as Excel's serial day number (openpyxl's default for a write-only workbook)."""
        serial = to_excel(value, self.ws.parent.epoch)
        return f'<c r="{ref}" s="{style}" t="n"><v>{number_text(serial)}</v></c>'

    def chunks(self) -> Iterator[bytes]:
        """The sheet data, read back from the spool in pieces (once: the spool is closed after)."""
        self._spool()
        yield b"<sheetData>"
        with self._file:
            self._file.seek(0)
            while chunk := self._file.read(_CHUNK):
                yield chunk
        yield b"</sheetData>"


def with_rows(content: bytes, rows: SheetRows) -> Iterator[bytes]:
    """A saved worksheet part, in pieces, with its (empty) sheet data replaced by the rows kept for it."""
    if content.count(_EMPTY_SHEET_DATA) != 1:
        raise ValueError(f"{rows.ws.title}: the saved sheet has rows of its own")
    head, tail = content.split(_EMPTY_SHEET_DATA)
    yield head
    yield from rows.chunks()
    yield tail
