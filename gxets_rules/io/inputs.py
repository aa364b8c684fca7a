"""One reading path for every input file: a workbook (by its suffix) or YAML, into a located document.

The submission and ownership loaders validate a :class:`Document` whatever it came from; this is the only place that
decides by suffix how the document is read, so a new form of input is added here once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from gxets_rules.errors import Problem
from gxets_rules.io.strict_yaml import Document, read_yaml_file
from gxets_rules.io.xlsx_guard import XlsxLimits, is_workbook
from gxets_rules.io.xlsx_reader import read_workbook

T = TypeVar("T")


def read_input(
    path: Path, part: str, load: Callable[[Document], T], max_bytes: int, max_rows: int
) -> tuple[T, tuple[Problem, ...]]:
    """``load`` applied to the file's document (``part``: which part of a workbook), and the reading's warnings."""
    if is_workbook(path):
        read = read_workbook(path, part, XlsxLimits(max_bytes, max_rows))
        return read.validated(load), tuple(read.warnings)
    return load(read_yaml_file(path, max_bytes=max_bytes)), ()
