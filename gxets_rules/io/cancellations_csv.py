"""The registry's cancellation records, as a CSV export (``gxets review --registry-cancellations FILE``).

A registry (the J-credit registry, the JCM registry, a voluntary programme's) lists each cancellation it carried out:
which credits (registry, certification number, serial range), when, for what purpose and from whose account. The
review checks every claimed ``cancelled_*`` lot against these records (``app/review/registry.py``).

Columns, by their English name or the Japanese heading a registry export may carry (any order; other columns are
ignored): ``registry`` (登録簿), ``certification_number`` (認証番号), ``serial_start`` (シリアル開始),
``serial_end`` (シリアル終了), ``cancelled_on`` (無効化日; ``2026-12-03`` or ``2026/12/03``), ``purpose`` (用途;
``gxets`` — also written ``GX-ETS`` — for GX-ETS compliance, any other text for another purpose), ``account_holder``
(口座名義). UTF-8 (with or
without BOM) or CP932, as Excel saves it. Full-width digits and thousands separators in the serials are read as the
numbers they show. Every bad row is reported with its line, and none of the file is used then.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gxets_rules.io.csv_text import excel_csv_text
from gxets_rules.model.problems import InputError, Location, Problem

COLUMNS: dict[str, tuple[str, ...]] = {
    "registry": ("registry", "登録簿"),
    "certification_number": ("certification_number", "認証番号"),
    "serial_start": ("serial_start", "シリアル開始"),
    "serial_end": ("serial_end", "シリアル終了"),
    "cancelled_on": ("cancelled_on", "無効化日"),
    "purpose": ("purpose", "用途"),
    "account_holder": ("account_holder", "口座名義"),
}


@dataclass(frozen=True)
class CancellationRecord:
    """One cancellation the registry carried out; ``line`` is where it is in the file."""

    line: int
    registry: str
    certification_number: str
    serial_start: int
    serial_end: int
    cancelled_on: date
    purpose: str
    account_holder: str


@dataclass(frozen=True)
class Cancellations:
    """The records of a cancellations file, with the file's name and SHA-256 (the summary names both)."""

    file: str
    sha256: str
    records: tuple[CancellationRecord, ...]


def _text(raw: bytes, where: str) -> str:
    found = excel_csv_text(raw)
    if found is None:
        raise InputError([Problem(Location(where), "neither UTF-8 nor CP932 text")])
    return found[0]


def _number(text: str) -> int:
    normal = unicodedata.normalize("NFKC", text).replace(",", "").replace("_", "").strip()
    if not normal.isdigit():
        raise ValueError(f"not a whole serial number: {text!r}")
    return int(normal)


def _date(text: str) -> date:
    normal = unicodedata.normalize("NFKC", text).strip().replace("/", "-")
    try:
        return date.fromisoformat(normal)
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _columns(header: list[str], where: str) -> dict[str, int]:
    names = [unicodedata.normalize("NFKC", name).strip().lower() for name in header]
    found: dict[str, int] = {}
    problems = []
    for column, aliases in COLUMNS.items():
        places = [i for i, name in enumerate(names) if name in aliases]
        if not places:
            problems.append(Problem(Location(where, 1), f"no column {column} ({aliases[1]})"))
        else:
            found[column] = places[0]
    if problems:
        raise InputError(problems)
    return found


def _record(line: int, cells: list[str], columns: dict[str, int]) -> CancellationRecord:
    values = {column: (cells[i].strip() if i < len(cells) else "") for column, i in columns.items()}
    for column, value in values.items():
        if not value:
            raise ValueError(f"{column} is empty")
    start, end = _number(values["serial_start"]), _number(values["serial_end"])
    if end < start:
        raise ValueError(f"serial_end {end} is before serial_start {start}")
    return CancellationRecord(
        line=line,
        registry=values["registry"],
        certification_number=values["certification_number"],
        serial_start=start,
        serial_end=end,
        cancelled_on=_date(values["cancelled_on"]),
        purpose=values["purpose"],
        account_holder=values["account_holder"],
    )


def read_cancellations(path: Path, max_bytes: int) -> Cancellations:
    """Every record of a cancellations CSV; any bad row is an input error naming its line (nothing is half-read)."""
    where = str(path)
    try:
        if path.stat().st_size > max_bytes:
            raise InputError([Problem(Location(where), f"larger than {max_bytes:,} bytes (--max-bytes)")])
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(Location(where), f"cannot read: {exc.strerror}")]) from None
    rows = csv.reader(io.StringIO(_text(raw, where), newline=""))
    header = next(rows, None)
    if not header:
        raise InputError([Problem(Location(where), "empty: a header row of the columns is expected")])
    columns = _columns(header, where)
    records, problems = [], []
    for cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        try:
            records.append(_record(rows.line_num, cells, columns))
        except ValueError as exc:
            problems.append(Problem(Location(where, rows.line_num), str(exc)))
    if problems:
        raise InputError(problems)
    return Cancellations(where, hashlib.sha256(raw).hexdigest(), tuple(records))
