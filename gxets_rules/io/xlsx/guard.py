"""Open an untrusted workbook only after it has shown it is safe to parse.

A secretariat reads hundreds of workbooks from outside, so nothing is decompressed or parsed on trust:

- the suffix must be ``.xlsx`` (a macro workbook such as ``.xlsm`` is refused by name, and an ``.xlsx`` that carries a
  VBA project inside is refused by content);
- the file must be at most ``max_bytes``, and the zip directory — read before anything is decompressed — must declare
  at most ``max_unzipped_bytes`` in at most ``MAX_PARTS`` parts, none encrypted. Python's zip reader never returns
  more bytes than a part declares, so the declared sizes bound the work: a zip bomb is refused before decompression;
- every XML part is parsed by openpyxl through defusedxml (openpyxl uses it when it is installed; here it is a
  dependency, and reading refuses to start if openpyxl has it switched off), so a DTD or an entity expansion attack
  is an error, not a billion laughs.

Hidden sheets and links to external workbooks are not errors, but a reviewer must know: they come back as warnings.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree

from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.ruleset.files import require_size_within
from gxets_rules.ruleset.strict_yaml import DEFAULT_MAX_BYTES

XLSX_SUFFIX = ".xlsx"
REFUSED_SUFFIXES = {
    ".xlsm": "a macro-enabled workbook (.xlsm) is refused; save it as an .xlsx workbook without macros",
    ".xltm": "a macro-enabled template (.xltm) is refused; save it as an .xlsx workbook without macros",
    ".xlam": "an add-in (.xlam) is refused; save the data as an .xlsx workbook",
    ".xlsb": "a binary workbook (.xlsb) is not read; save it as an .xlsx workbook",
    ".xls": "an Excel 97–2003 workbook (.xls) is not read; save it as an .xlsx workbook",
}
DEFAULT_MAX_ROWS = 10_000
"""Most records a sheet may hold; bulk credit lots belong in a lots CSV (parsed far faster)."""
UNZIP_FACTOR = 5
"""The uncompressed parts of a workbook may add up to this many times ``max_bytes``."""
MAX_PARTS = 2_000
MACRO_PARTS = ("vbaproject.bin", "vbaprojectsignature.bin")
# Exceptions openpyxl and the zip and XML layers raise on a malformed or hostile file (anything else is a bug).
UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    defusedxml.DefusedXmlException,
    ParseError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    EOFError,
    OSError,
)


@dataclass(frozen=True)
class XlsxLimits:
    """How much an input workbook may hold; both limits are command-line options."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS

    @property
    def max_unzipped_bytes(self) -> int:
        return UNZIP_FACTOR * self.max_bytes


@dataclass(frozen=True)
class SheetPart:
    """A worksheet of the package: its title, its XML part and whether it is hidden."""

    title: str
    part: str
    state: str


@dataclass
class Package:
    """An opened workbook: its sheets and what reading their cells needs (shared strings, date styles)."""

    archive: zipfile.ZipFile
    sheets: list[SheetPart]
    shared_strings: list[Any]
    epoch: Any
    date_formats: set[int] = field(default_factory=set)
    timedelta_formats: set[int] = field(default_factory=set)

    def close(self) -> None:
        self.archive.close()


def is_workbook(path: Path) -> bool:
    """Whether a path is read as a workbook (or refused as one), by its suffix."""
    suffix = path.suffix.lower()
    return suffix == XLSX_SUFFIX or suffix in REFUSED_SUFFIXES


def _refuse(shown: str, message: str) -> InputError:
    return InputError([Problem(Location(shown), message)])


def _external_links(archive: zipfile.ZipFile, names: list[str]) -> list[str]:
    """The targets of the workbook's links to other workbooks (from each link part's relationships)."""
    targets = []
    for name in names:
        part = PurePosixPath(name)
        if part.parent.as_posix() != "xl/externalLinks" or part.suffix != ".xml":
            continue
        rels = f"xl/externalLinks/_rels/{part.name}.rels"
        found = []
        if rels in names:
            tree = defusedxml.ElementTree.fromstring(archive.read(rels))
            found = [rel.get("Target", "") for rel in tree if rel.get("TargetMode") == "External"]
        targets.append(", ".join(found) or part.name)
    return targets


def inspect_archive(path: Path, shown: str, limits: XlsxLimits) -> list[Problem]:
    """Check the zip directory before anything is decompressed; return warnings about external links."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_PARTS:
                raise _refuse(shown, f"the workbook has {len(infos):,} parts, more than {MAX_PARTS:,}")
            declared = sum(info.file_size for info in infos)
            if declared > limits.max_unzipped_bytes:
                raise _refuse(
                    shown,
                    f"the workbook unpacks to {declared:,} bytes, over the limit of {limits.max_unzipped_bytes:,} "
                    f"({UNZIP_FACTOR} × --max-bytes); refused before decompressing it",
                )
            names = [info.filename for info in infos]
            if any(info.flag_bits & 0x1 for info in infos):
                raise _refuse(shown, "the workbook is encrypted or password-protected; save it without a password")
            if any(PurePosixPath(name).name.lower() in MACRO_PARTS for name in names):
                raise _refuse(shown, "the workbook contains macros (a VBA project); save it as .xlsx without macros")
            links = _external_links(archive, names)
    except zipfile.BadZipFile:
        raise _refuse(shown, "not an .xlsx workbook (it is not a zip archive)") from None
    except (defusedxml.DefusedXmlException, ParseError) as exc:
        raise _refuse(shown, f"the workbook's link parts are not safe XML ({type(exc).__name__})") from None
    return [
        Problem(Location(shown), f"the workbook links to an external workbook ({target}); its values are not read")
        for target in links
    ]


def _package(path: Path) -> Package:
    """The workbook's manifest, shared strings, sheet list and styles, read as openpyxl reads them.

    openpyxl's own ``load_workbook(read_only=True)`` also reads each sheet's ``<dimension>`` — and, where a sheet has
    none, parses the whole sheet to look for it; so the package is opened with its reader's steps up to the sheets,
    and the cells are streamed afterwards (``io/xlsx/cells.py``) under a row limit.
    """
    from openpyxl.reader.excel import ExcelReader  # noqa: PLC0415 (openpyxl only for a workbook: DESIGN §8)
    from openpyxl.styles.stylesheet import apply_stylesheet  # noqa: PLC0415

    reader = ExcelReader(path, read_only=True, keep_vba=False, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            SheetPart(sheet.name, rel.target, sheet.state or "visible")
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except BaseException:
        reader.archive.close()
        raise
    wb = reader.wb
    return Package(reader.archive, sheets, reader.shared_strings, wb.epoch, wb._date_formats, wb._timedelta_formats)


def open_workbook(path: Path, limits: XlsxLimits) -> tuple[Package, list[Problem]]:
    """The workbook's package, and warnings (hidden sheets, external links); or an input error."""
    shown = display_path(path)
    suffix = path.suffix.lower()
    if suffix in REFUSED_SUFFIXES:
        raise _refuse(shown, REFUSED_SUFFIXES[suffix])
    import openpyxl  # noqa: PLC0415 (imported when a workbook is read, not by every command: DESIGN §8)

    if not openpyxl.DEFUSEDXML:
        raise _refuse(shown, "refusing to read a workbook: openpyxl is not using defusedxml (OPENPYXL_DEFUSEDXML)")
    require_size_within(path, shown, limits.max_bytes, "advice.max_bytes")
    warnings = inspect_archive(path, shown, limits)
    try:
        package = _package(path)
    except UNREADABLE as exc:
        raise _refuse(shown, f"cannot read the workbook: {unreadable(exc)}") from None
    for sheet in package.sheets:
        if sheet.state != "visible":
            state = "very hidden" if sheet.state == "veryHidden" else "hidden"
            where = Location(shown, cell=sheet.title)
            warnings.append(Problem(where, f"the sheet is {state}; it is read all the same"))
    return package, warnings


def unreadable(exc: BaseException) -> str:
    """A short reason for a file openpyxl could not parse (the first cause that says more, if it wrapped one)."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, UNREADABLE):
        return unreadable(cause)
    if isinstance(exc, defusedxml.DefusedXmlException):
        return f"it contains XML that is refused for safety ({type(exc).__name__}: a DTD or entity declaration)"
    if isinstance(exc, ParseError):
        return f"malformed XML ({exc})"
    if isinstance(exc, KeyError):
        return f"a part is missing ({exc})"
    return f"{type(exc).__name__}: {exc}"
