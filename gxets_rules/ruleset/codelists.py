"""Code lists: methodology codes, JCM partner countries, TSE categories, programmes.

Registries write the same code in several ways (``VM0033``, ``VM 0033``, ``vm-0033``);
key fields named in ``normalise`` are compared after upper-casing and dropping spaces,
hyphens, underscores and dots, so a registry quirk is mapped in data, not in code. An
entry may carry a validity start (``from``) or, where the date is not known, the
window it lies in (``from_earliest`` … ``from_latest``): membership at a date inside
that window is UNKNOWN, never guessed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from gxets_rules.ruleset.schema import CodelistFile
from gxets_rules.ruleset.values import UNKNOWN

_FOLD = re.compile(r"[\s\-_.]+")


def fold(text: Any) -> Any:
    """The comparison form of a code: ``vm-0033`` → ``VM0033``."""
    if isinstance(text, str):
        return _FOLD.sub("", text).upper()
    return text


class Codelist:
    """An indexed code list; lookups return ``None`` for an unknown key."""

    def __init__(self, spec: CodelistFile) -> None:
        self.spec = spec
        self.id = spec.codelist
        self._folded = [field in spec.normalise for field in spec.key]
        self._index: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.duplicates: list[tuple[Any, ...]] = []
        for entry in spec.entries:
            key = self.key_of(tuple(entry.get(field) for field in spec.key))
            if key in self._index:
                self.duplicates.append(key)
            self._index[key] = entry

    def key_of(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(fold(v) if folded else v for v, folded in zip(values, self._folded, strict=True))

    def entry(self, key: Any) -> dict[str, Any] | None:
        values = tuple(key) if isinstance(key, list | tuple) else (key,)
        if len(values) != len(self.spec.key):
            raise ValueError(f"codelist {self.id!r} is keyed by {self.spec.key}, got {len(values)} values")
        return self._index.get(self.key_of(values))

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
