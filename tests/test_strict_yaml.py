"""The strict YAML reader refuses what a plain safe_load would silently accept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gxets_rules.model.problems import InputError
from gxets_rules.ruleset.strict_yaml import read_yaml_text


def test_floats_are_exact_decimals_and_lines_are_kept() -> None:
    doc = read_yaml_text("a: 0.51\nb:\n  c: 30_000\n", "f.yaml")
    assert doc.data == {"a": Decimal("0.51"), "b": {"c": 30000}}
    assert str(doc.location_of(("b", "c"))) == "f.yaml:3:6"
    assert str(doc.location_of(("b", "nope"))) == "f.yaml:3:3"


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        ("a: 1\na: 2\n", "duplicate key 'a' (first at line 1)", "f.yaml:2:1"),
        ("a: &x [1, 2]\nb: *x\n", "anchors and aliases", "f.yaml:2:4"),
        ("a: !!python/object:os.system x\n", "tags are not allowed", "f.yaml:1:4"),
        ("a: !!str 12\n", "tags are not allowed", "f.yaml:1:4"),
        ("<<: {a: 1}\n", "merge keys", "f.yaml:1:1"),
        ("a: .inf\n", "not a finite number", "f.yaml:1:4"),
        ("a: [1, 2\n", "malformed YAML", "f.yaml:2:1"),
        ("", "the file is empty", "f.yaml"),
        ("a: 1\n---\nb: 2\n", "expected a single document", "f.yaml:2:1"),
        ("a: !!set {x}\n", "tags are not allowed", "f.yaml:1:4"),
        ("? [1, 2]\n: x\nb: 1\nb: 2\n", "a mapping key must be a plain scalar", "f.yaml:1:3"),
    ],
)
def test_refused(text: str, message: str, where: str) -> None:
    with pytest.raises(InputError) as raised:
        read_yaml_text(text, "f.yaml")
    first = raised.value.problems[0]
    assert message in first.message
    assert str(first.location) == where


def test_an_alias_bomb_is_refused_without_expansion() -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 9) + "]" for i in range(20)]
    with pytest.raises(InputError) as raised:
        read_yaml_text("\n".join(levels) + "\n", "bomb.yaml")
    assert all("aliases" in p.message for p in raised.value.problems)


def test_places_of_items_and_of_whole_number_keys_are_found_when_asked() -> None:
    doc = read_yaml_text("lots:\n  - id: a\n  - id: b\n    quantity_t: 5\nyears:\n  2030: 1\n", "f.yaml")
    assert doc.data == {"lots": [{"id": "a"}, {"id": "b", "quantity_t": 5}], "years": {2030: 1}}
    assert str(doc.location_of(("lots", 1, "quantity_t"))) == "f.yaml:4:17"
    assert str(doc.location_of(("lots", 1))) == "f.yaml:3:5"
    assert str(doc.location_of(("years", 2030))) == "f.yaml:6:9"
    assert str(doc.location_of(())) == "f.yaml:1:1"
