"""Notes of an intake: what a reader read differently from how it was typed, or passed over, said once.

A column of a thousand lots all marked 保有 is one note ("read 保有 as held", at its first cell, and how many more),
not a thousand: notes are grouped by what was read as what in which column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gxets_rules.model.problems import Location, Problem
from gxets_rules.model.wording import Words, wording

_ROW = re.compile(r"\d+$")


def _column_of(location: Location) -> tuple[Any, ...]:
    """A location without its row: the column a note is about (``Lots!C``, or a CSV file's column)."""
    if location.cell is not None:
        return (location.file, _ROW.sub("", location.cell))
    return (location.file, location.column)


@dataclass
class Notes:
    """Notes as they are found, grouped by column and by what was read as what."""

    _groups: dict[tuple[Any, ...], list[Location]] = field(default_factory=dict)
    _args: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)

    def add(self, where: Location, note: tuple[str, dict[str, Any]], named: Words | None) -> None:
        """Count a note in its group (worded only once, when the notes are collected: a big sheet has many)."""
        code, args = note
        key = (_column_of(where), code, tuple(sorted((k, str(v)) for k, v in args.items())), named)
        self._args.setdefault(key, args)
        self._groups.setdefault(key, []).append(where)

    def problems(self) -> list[Problem]:
        """One note per group, at its first place; a group of several says how many more places it covers."""
        found = []
        for key, places in self._groups.items():
            _, code, _, named = key
            first = Problem.of(places[0], code, field=named, **self._args[key])
            if len(places) == 1:
                found.append(first)
                continue
            said = (wording("ja", first.code, first.args), wording("en", first.code, first.args))
            found.append(
                Problem.of(first.location, "note.repeated", field=first.field, note=said, more=len(places) - 1)
            )
        return found
