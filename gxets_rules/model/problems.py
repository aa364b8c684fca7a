"""Errors that carry the location of every problem in the input.

Bad input is the normal case for a compliance checker, not an exception to hide: a firm's
submission or a rule author's YAML may have many problems at once, and the person fixing
them wants all of them, each with its file and line (or sheet and cell), in one run. So
loaders collect :class:`Problem` records and raise one :class:`InputError` at the end;
the CLI prints them and exits with code 2. Anything else that escapes is a bug (exit 1).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from gxets_rules.model.wording import Args, Words, phrase, wording

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

EXIT_BUG = 1
EXIT_INPUT = 2


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a file with an optional line and column, or a sheet cell."""

    file: str
    line: int | None = None
    column: int | None = None
    cell: str | None = None

    @property
    def place(self) -> str:
        """Where in the file, for a message that already names it: ``line 18`` or ``Lots!A5``."""
        if self.cell is not None:
            return self.cell
        return f"line {self.line}" if self.line is not None else self.file

    @property
    def place_words(self) -> tuple[str, str]:
        """:attr:`place` in Japanese and English (``18行目`` / ``line 18``), for a message in either language."""
        if self.cell is not None:
            return (self.cell, self.cell)
        if self.line is not None:
            return (f"{self.line}行目", f"line {self.line}")
        return (self.file, self.file)

    def __str__(self) -> str:
        if self.cell is not None:
            return f"{self.file}:{self.cell}"
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input (or, as a note, one thing read differently from how it was typed), located.

    ``message`` is the English text (logs, tests, ``str``). A problem made with :meth:`of` also carries its catalogue
    key (``code``) and arguments, so it can be told in the reader's language (:meth:`text`); ``field`` names the
    input field by its words in each language (a workbook column's heading), shown instead of the data path.
    """

    location: Location
    message: str
    path: str = ""
    code: str = ""
    args: Args = ()
    field: Words | None = None

    @classmethod
    def of(cls, location: Location, code: str, path: str = "", field: Words | None = None, **args: object) -> Problem:
        """A problem worded by the catalogues (``reports/messages/problems.<lang>.yaml``, key ``code``)."""
        packed = tuple(sorted((name, phrase(value)) for name, value in args.items()))
        return cls(location, wording("en", code, packed), path, code, packed, field)

    def text(self, lang: str) -> str:
        """The message in ``lang`` (the English one where the problem has no catalogue key)."""
        return wording(lang, self.code, self.args) if self.code else self.message

    def where(self, lang: str) -> str:
        """The field the problem is about: its heading in ``lang`` where known, else the data path."""
        if self.field is not None:
            return self.field[0] if lang == "ja" else self.field[1]
        return self.path

    def render(self, lang: str) -> str:
        """``place: field: message`` in ``lang``: what a person reads."""
        field = self.where(lang)
        return f"{self.location}: {field}: {self.text(lang)}" if field else f"{self.location}: {self.text(lang)}"

    def __str__(self) -> str:
        where = f" {self.path}:" if self.path else ""
        return f"{self.location}:{where} {self.message}"


class InputError(Exception):
    """Raised once per input with every problem found in it (exit code 2)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path) -> str:
    """The path as a person typed it, relative to the working directory where possible, printable whatever its name.

    A file name is data too: bytes that are not UTF-8 are shown as escapes (``\\xff``) rather than breaking every
    message and the JSON that carries it, and a line break or other control character in a name is shown escaped, so
    a file named ``x⏎error: …`` cannot forge a line of the report.
    """
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # outside the working directory, or a link loop (RuntimeError)
        shown = str(path)
    return printable_name(shown)


def printable_name(name: str) -> str:
    """A file name as text that can always be printed and encoded: undecodable bytes and controls as escapes."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)
