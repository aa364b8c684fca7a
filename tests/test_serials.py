"""The one sort-and-sweep that finds overlapping serial ranges, inside a submission and across a batch."""

from __future__ import annotations

import random

from gxets_rules.evaluate.serials import SerialRange, overlaps


def _pairs(ranges: list[SerialRange[str]]) -> list[tuple[str, str, int, int]]:
    return [(o.first.item, o.second.item, o.start, o.end) for o in overlaps(ranges)]


def test_overlaps_share_a_key_and_a_serial() -> None:
    key, other = ("j_credit_registry", "JCL-1"), ("j_credit_registry", "JCL-2")
    ranges = [
        SerialRange(key, 1, 100, "a"),
        SerialRange(key, 101, 200, "b"),  # touches a: no shared serial
        SerialRange(key, 150, 160, "c"),  # inside b
        SerialRange(key, 100, 100, "d"),  # the last serial of a
        SerialRange(other, 1, 500, "e"),  # same serials, other certification number
        SerialRange(key, 90, 400, "f"),  # spans a, d, b and c
    ]
    assert _pairs(ranges) == [
        ("a", "f", 90, 100),
        ("a", "d", 100, 100),
        ("f", "d", 100, 100),
        ("f", "b", 101, 200),
        ("f", "c", 150, 160),
        ("b", "c", 150, 160),
    ]


def test_the_sweep_agrees_with_comparing_every_pair() -> None:
    rng = random.Random(11)
    for _ in range(200):
        ranges = []
        for index in range(rng.randrange(1, 30)):
            start = rng.randrange(1, 60)
            ranges.append(SerialRange(("r", rng.choice("xy")), start, start + rng.randrange(0, 15), f"l{index}"))
        expected = {
            frozenset((a.item, b.item)): (max(a.start, b.start), min(a.end, b.end))
            for i, a in enumerate(ranges)
            for b in ranges[i + 1 :]
            if a.key == b.key and a.start <= b.end and b.start <= a.end
        }
        found = {frozenset((o.first.item, o.second.item)): (o.start, o.end) for o in overlaps(ranges)}
        assert found == expected
        assert len(found) == len(list(overlaps(ranges))), "each pair is reported once"
