"""Code lists: methodology codes, JCM partner countries, TSE categories, programmes.

Registries write the same code in several ways (``VM0033``, ``VM 0033``, ``vm-0033``);
key fields named in ``normalise`` are compared after upper-casing and dropping spaces,
hyphens, underscores and dots, so a registry quirk is mapped in data, not in code. An
entry may give a list for a key field (a methodology several programmes use): it is then
found under each value. An entry may carry a validity start (``from``) or, where the date
is not known, the window it lies in (``from_earliest`` … ``from_latest``): membership at a
date inside that window is UNKNOWN, never guessed.

Registries also write a code inside free text — ``ACM0001: Flaring or use of landfill gas -
Version 19.0``, ``VM0007; VM0033``. A code list with ``match`` finds entries in such a
string: the whole string (less ``ignore`` patterns such as a version) against the codes and
``aliases``, else the codes its ``codes`` patterns pick out. One distinct code is a match;
several are reported as several (:class:`Found`), never guessed between.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from gxets_rules.ruleset.schema import CodelistFile, CodelistMatch
from gxets_rules.ruleset.values import UNKNOWN

_FOLD = re.compile(r"[\s\-_.]+")


def fold(text: Any) -> Any:
    """The comparison form of a code: ``vm-0033`` → ``VM0033``."""
    if isinstance(text, str):
        return _FOLD.sub("", text).upper()
    return text


FOUND_CACHE = 10_000
"""Most keys a code list remembers answers for (a batch repeats the same few; the bound guards hostile files)."""


@dataclass(frozen=True)
class Found:
    """What a key names in a code list: the entry (if it names exactly one listed code) and the codes it names."""

    entry: dict[str, Any] | None
    codes: tuple[str, ...]  # as the code list writes them; several codes give no entry


class Matcher:
    """Finds the codes a registry's string names (see the module docstring); built once per code list."""

    def __init__(self, spec: CodelistFile, match: CodelistMatch) -> None:
        self.codes: dict[str, str] = {}  # folded code → as listed
        self.aliases: dict[str, set[str]] = {}  # folded alias → folded codes it names
        for entry in spec.entries:
            code = entry.get(match.field)
            if not isinstance(code, str):
                continue
            self.codes.setdefault(fold(code), code)
            for alias in entry.get(match.aliases, ()) if match.aliases else ():
                self.aliases.setdefault(fold(alias), set()).add(fold(code))
        self.ignore = [re.compile(pattern, re.IGNORECASE) for pattern in match.ignore]
        combined = "|".join(f"(?:{pattern})" for pattern in match.codes)
        self.pattern = re.compile(combined, re.IGNORECASE) if combined else None

    def named(self, text: str) -> tuple[str, ...]:
        """The folded codes ``text`` names, sorted."""
        stripped = text
        for pattern in self.ignore:
            stripped = pattern.sub("", stripped)
        for whole in (fold(text), fold(stripped)):
            if whole in self.codes:
                return (whole,)
            if whole in self.aliases:
                return tuple(sorted(self.aliases[whole]))
        if self.pattern is None:
            return ()
        found: set[str] = set()
        for token in (fold(m.group(0)) for m in self.pattern.finditer(text)):
            found |= {token} if token in self.codes else self.aliases.get(token, set())
        return tuple(sorted(found))


class Codelist:
    """An indexed code list; lookups return ``None`` for an unknown key."""

    def __init__(self, spec: CodelistFile) -> None:
        self.spec = spec
        self.id = spec.codelist
        self._folded = [field in spec.normalise for field in spec.key]
        self._index: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.duplicates: list[tuple[Any, ...]] = []
        for entry in spec.entries:
            values = [entry.get(field) for field in spec.key]
            for combination in itertools.product(*(v if isinstance(v, list) else [v] for v in values)):
                key = self.key_of(combination)
                if key in self._index:
                    self.duplicates.append(key)
                self._index[key] = entry
        self.matcher = Matcher(spec, spec.match) if spec.match is not None else None
        self._matched_at = spec.key.index(spec.match.field) if spec.match is not None else -1
        self._found: dict[tuple[Any, ...], Found] = {}

    def key_of(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(fold(v) if folded else v for v, folded in zip(values, self._folded, strict=True))

    def entry(self, key: Any) -> dict[str, Any] | None:
        return self.find(key).entry

    def find(self, key: Any) -> Found:
        """The entry a key names and the codes it names (free text matched where the list says how).

        Answers are remembered per key (bounded): a batch asks about the same few codes for every lot, and folding a
        key costs more than the dictionary lookup it prepares.
        """
        values = tuple(key) if isinstance(key, list | tuple) else (key,)
        found = self._found.get(values)
        if found is None:
            if len(values) != len(self.spec.key):
                raise ValueError(f"codelist {self.id!r} is keyed by {self.spec.key}, got {len(values)} values")
            if len(self._found) >= FOUND_CACHE:  # a batch's distinct keys; bounded against a hostile file
                self._found.clear()
            found = self._found[values] = self._find(values)
        return found

    def _find(self, values: tuple[Any, ...]) -> Found:
        exact = self._index.get(self.key_of(values))
        if self.matcher is None:
            return Found(exact, ())
        at = self._matched_at
        if exact is not None or not isinstance(values[at], str):
            return Found(exact, () if exact is None else (exact[self.spec.key[at]],))
        named = self.matcher.named(values[at])
        entry = self._index.get(self.key_of((*values[:at], named[0], *values[at + 1 :]))) if len(named) == 1 else None
        return Found(entry, tuple(self.matcher.codes[code] for code in named))

    def member_on(self, key: Any, on: date) -> Any:
        """Whether ``key`` is on the list at date ``on``: True, False or UNKNOWN."""
        entry = self.entry(key)
        if entry is None:
            return False
        start = entry.get("from")
        if isinstance(start, date):
            return on >= start
        earliest, latest = entry.get("from_earliest"), entry.get("from_latest")
        if isinstance(earliest, date) and on < earliest:
            return False
        if isinstance(latest, date) and on >= latest:
            return True
        return UNKNOWN

    def table(self, name: str) -> dict[str, dict[str, Any]]:
        return self.spec.tables.get(name, {})

    def __len__(self) -> int:
        return len(self._index)
