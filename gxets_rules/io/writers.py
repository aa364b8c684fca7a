"""Write outputs whole or not at all, and JSON the same way every time.

An output file is written to a temporary file in the same folder and renamed over the
target only when complete, so a crash or a full disk never leaves half a report. JSON
is canonical: sorted keys, UTF-8, a final newline — the same data gives the same bytes,
which is what the determinism promise means. Summaries and exports are indented by two
spaces; a result, read by programs and large, has no whitespace between tokens.

The text is exactly what ``json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)``
gives (with ``indent=None``, what ``separators=(",", ":")`` gives), but encoded in Rust: by
orjson, which sorts keys as it encodes (``OPT_SORT_KEYS``: by code point, as ``sorted`` does
for text keys) and writes the same separators, UTF-8 text, escapes and float digits. Data
orjson does not take as it is — an integer key (the standard library sorts those by number,
orjson would sort them as text) or an integer beyond 64 bits — is refused by it with a
TypeError and then encoded the slower way: keys sorted here in Python, the text written by
pydantic-core's serializer. A result of 10,000 lots encodes in 0.05 s instead of 1 s (its
model dump, 0.7 s, is the rest). A float that JSON cannot hold (NaN, infinity) is written
``null``, where the standard library writes a ``NaN`` no JSON reader accepts.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel
from pydantic_core import to_json

from gxets_rules.model.result import Result

MAX_CELL_TEXT = 32_767
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


TEMP_SUFFIX = ".tmp"


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the hidden temporary files a killed run left behind under ``folder`` (``.<name>.<random>.tmp``).

    An atomic write renames its temporary file over the target when done; only a process killed mid-write leaves one.
    A run writing into the same folder removes them first, so a crash leaves no trace after the next run.
    """
    stale = sorted(p for p in folder.rglob(f".*{TEMP_SUFFIX}") if p.is_file()) if folder.is_dir() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def atomic_write_bytes(path: Path, data: bytes | Iterable[bytes], mode: int | None = None) -> None:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename (``mode``: e.g. 0o600 for a private file,
    set before the rename so the file is never readable by others; default: an ordinary file under the umask). An
    error names ``path``, not the temporary file: that is the file the person asked for. ``data`` may come in pieces
    (a page of 100,000 lots, written as it is rendered: never whole in memory)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            if isinstance(data, bytes):
                out.write(data)
            else:
                out.writelines(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o666 & ~_umask() if mode is None else mode)  # mkstemp makes 0600; a report is ordinary
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


_PLAIN_ONLY = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
_ORJSON_OPTIONS = {
    None: orjson.OPT_SORT_KEYS | _PLAIN_ONLY,
    2: orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | _PLAIN_ONLY,
}
"""The orjson options of each indentation canonical JSON is written with (orjson indents by two spaces only). Only
plain JSON values are encoded by orjson: a date, a dataclass or a subclass of str or int is refused (TypeError) and
goes the general way, whose wording of them (``...Z`` for UTC, an enum's value) orjson does not share."""


def _key_sorted(value: Any) -> Any:
    """The same data with every mapping's keys in ``sort_keys`` order, named as JSON names them."""
    if isinstance(value, dict):
        return {_key_text(key): _key_sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [_key_sorted(item) for item in value]
    return value


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    raise TypeError(f"keys must be str or int, not {type(key).__name__}")


def canonical_json_bytes(data: Any, *, indent: int | None = 2) -> bytes:
    """Deterministic JSON, UTF-8 encoded, for plain data or a pydantic model (what files hold: no text copy made)."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    options = _ORJSON_OPTIONS.get(indent)
    if options is not None:
        try:
            return orjson.dumps(data, option=options) + b"\n"
        except TypeError:  # an integer key, an integer beyond 64 bits, a date or a subclass: the general way
            pass
    return to_json(_key_sorted(data), indent=indent) + b"\n"


def canonical_json(data: Any, *, indent: int | None = 2) -> str:
    """Deterministic JSON text for plain data or a pydantic model; ``indent=None``: no whitespace between tokens."""
    return canonical_json_bytes(data, indent=indent).decode("utf-8")


def write_json(path: Path, data: Any) -> None:
    atomic_write_bytes(path, canonical_json_bytes(data))


def result_bytes(result: Result) -> bytes:
    """A result as its file holds it: canonical JSON without whitespace between tokens, then a newline.

    A result is read by programs (``gxets render``, a secretariat's tools) and can hold 100,000 lots, so it carries no
    indentation (a third of an indented result's bytes); ``jq .`` shows it indented. Encoded once: the file and
    ``gxets check --format json`` are these bytes.
    """
    try:
        return _result_by_lot(result)
    except TypeError:  # something orjson refuses (an integer beyond 64 bits): the whole result the general way
        return canonical_json_bytes(result, indent=None)


def _result_by_lot(result: Result) -> bytes:
    """The same bytes as the whole result encoded at once, its lots dumped and encoded one at a time: a result of
    100,000 lots is never a tree of Python objects whole (that tree was 700 MiB), only its encoded lots are held.
    The top level's keys are sorted here (its field names: text), each value encoded as orjson encodes it inside."""
    options = _ORJSON_OPTIONS[None]
    head = result.model_dump(mode="json", exclude={"lots"})
    out = io.BytesIO()  # its value is handed over without a copy: the encoded result is held once, not twice
    for number, key in enumerate(sorted({*head, "lots"})):
        out.write((b"," if number else b"{") + orjson.dumps(key) + b":")
        if key != "lots":
            out.write(orjson.dumps(head[key], option=options))
            continue
        out.write(b"[")
        for index, lot in enumerate(result.lots):
            if index:
                out.write(b",")
            out.write(orjson.dumps(lot.model_dump(mode="json"), option=options))
        out.write(b"]")
    out.write(b"}\n")
    return out.getvalue()


def cell_text(value: str) -> str:
    """Text a workbook cell can hold: characters XML cannot carry replaced, cut at Excel's cell limit.

    The caller stores it as a string (``data_type = "s"``), never as a formula, whatever it starts with.
    """
    if value.isprintable():  # no control character at all (most cells): nothing to replace
        return value[:MAX_CELL_TEXT]
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415 (openpyxl only when a workbook is written)

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:MAX_CELL_TEXT]


def fixed_zip_times(
    data: bytes, stamp: datetime, edit: Callable[[str, bytes], bytes | Iterable[bytes]] | None = None
) -> bytes:
    """The same workbook with fixed zip timestamps and document dates, so the same content gives the same bytes;
    ``edit(name, content)`` may change a part on the way (the reports' default cell style) and may give it in pieces
    (a long sheet's rows, read back from their spool: compressed as they come, never whole in memory)."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda m: m.group(1) + iso + m.group(3), content)
            edited = content if edit is None else edit(info.filename, content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            if isinstance(edited, bytes):
                dst.writestr(entry, edited, zipfile.ZIP_DEFLATED)
                continue
            entry.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(entry, "w") as part:
                for piece in edited:
                    part.write(piece)
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run: text starting like a formula gets a leading apostrophe (numbers
    are left as numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
