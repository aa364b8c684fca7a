"""One reading path for every input file: a workbook (by its suffix) or YAML, into a located document.

The submission and ownership loaders validate a :class:`Document` whatever it came from; this is the only place that
decides by suffix how the document is read, so a new form of input is added here once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from gxets_rules.io.vocabulary import VocabularyFor
from gxets_rules.io.xlsx.guard import XlsxLimits, is_workbook
from gxets_rules.model.ownership import OWNERSHIP_FORMAT
from gxets_rules.model.problems import InputError, Problem
from gxets_rules.model.submission import SUBMISSION_FORMAT
from gxets_rules.ruleset.strict_yaml import Document, read_yaml_file

T = TypeVar("T")


def read_input(
    path: Path,
    part: str,
    load: Callable[[Document], T],
    max_bytes: int,
    max_rows: int,
    vocabulary_for: VocabularyFor | None = None,
) -> tuple[T, tuple[Problem, ...]]:
    """``load`` applied to the file's document (``part``: which part of a workbook), and the reading's warnings and
    notes (how typed values were read: ``vocabulary_for`` gives the words of the submission's rule set)."""
    if is_workbook(path):
        from gxets_rules.io.xlsx.reader import read_workbook  # noqa: PLC0415 (openpyxl only for a workbook)

        read = read_workbook(path, part, XlsxLimits(max_bytes, max_rows), vocabulary_for)
        return read.validated(load), tuple(read.warnings)
    return load(read_yaml_file(path, max_bytes=max_bytes)), ()


_FORMAT_LINE = re.compile(r"^format:[ \t]*[\"']?([A-Za-z0-9_.]+)", re.MULTILINE)


def declared_format(path: Path, limits: XlsxLimits) -> str | None:
    """The format a file says it is, read cheaply — a YAML file's ``format:`` line, a workbook's sheets — or None.

    Used only to tell which files of a folder are submissions; a file that says nothing (or cannot be read) is left
    to the loader, which reports it properly.
    """
    try:
        if is_workbook(path):
            from gxets_rules.io.xlsx.reader import parts_in  # noqa: PLC0415 (openpyxl only for a workbook)

            parts = parts_in(path, limits)
            if "submission" in parts:
                return SUBMISSION_FORMAT
            return OWNERSHIP_FORMAT if "ownership" in parts else None
        with path.open("rb") as handle:
            head = handle.read(65_536).decode("utf-8", errors="replace")
    except (InputError, OSError):
        return None
    found = _FORMAT_LINE.search(head)
    return found.group(1) if found else None
