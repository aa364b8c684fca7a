"""Overlapping serial ranges, found by one sort and sweep: inside a submission and across a batch of them.

A credit is identified by its registry, its certification number and its serial number, so two lots claim the same
credits exactly when their serial ranges of the same registry and certification number overlap. Comparing every pair
would be quadratic in the number of lots (a batch has hundreds of thousands); instead the ranges are sorted by key and
start, and a sweep keeps the ranges still open in a heap ordered by their end: a range overlaps precisely the open
ranges left once those ending before it starts are dropped. That is O(n log n + k) for n ranges and k overlapping
pairs. The integrity check of one submission (``serial_overlaps``) and the batch review's double claims both use it.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from gxets_rules.model.canonical import canonical_registry, canonical_text

T = TypeVar("T")


class HasSerials(Protocol):
    """What states a serial range: a credit lot, or a batch review's claim on one."""

    @property
    def registry(self) -> str | None: ...
    @property
    def certification_number(self) -> str | None: ...
    @property
    def serial_start(self) -> int | None: ...
    @property
    def serial_end(self) -> int | None: ...


S = TypeVar("S", bound=HasSerials)


@dataclass(frozen=True)
class SerialRange(Generic[T]):
    """One claimed range: ``key`` is (registry, certification number), ``start``/``end`` inclusive, ``item`` whose."""

    key: Hashable
    start: int
    end: int
    item: T


@dataclass(frozen=True)
class Overlap(Generic[T]):
    """Two ranges of the same key that share serials ``start``…``end``; ``first`` starts no later than ``second``."""

    first: SerialRange[T]
    second: SerialRange[T]
    start: int
    end: int


def serial_ranges(holders: Iterable[S]) -> list[SerialRange[S]]:
    """The range of every holder that states one, keyed by (registry, certification number) for :func:`overlaps`.

    Keys are canonical (``model/canonical.py``): a registry by its code whatever alias names it, a certification
    number whatever its width, case, dashes or invisible characters, so a claim cannot slip past by its spelling. A
    missing registry or certification number keys as empty, so holders that both leave it out are still compared.
    The integrity check of one submission and the batch review build their ranges here, so they never disagree on
    which claims can meet.
    """
    return [
        SerialRange(claim_key(h.registry, h.certification_number), h.serial_start, h.serial_end, h)
        for h in holders
        if h.serial_start is not None and h.serial_end is not None
    ]


def claim_key(registry: str | None, certification_number: str | None) -> tuple[str, str]:
    """What two serial ranges must share to claim the same credits: the canonical registry and certification."""
    return canonical_registry(registry or ""), canonical_text(certification_number or "")


def overlaps(ranges: Iterable[SerialRange[T]]) -> Iterator[Overlap[T]]:
    """Every pair of ranges with the same key that share a serial, in key and start order."""
    ordered = sorted(ranges, key=lambda r: (r.key, r.start, r.end))
    open_ranges: list[tuple[int, int, SerialRange[T]]] = []  # heap of (end, order, range) for the current key
    key: Hashable = object()
    for order, current in enumerate(ordered):
        if current.key != key:
            key, open_ranges = current.key, []
        while open_ranges and open_ranges[0][0] < current.start:
            heapq.heappop(open_ranges)
        for end, _, other in sorted(open_ranges, key=lambda entry: entry[1]):
            yield Overlap(other, current, current.start, min(end, current.end))
        heapq.heappush(open_ranges, (current.end, order, current))
