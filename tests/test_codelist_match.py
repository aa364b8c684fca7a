"""A code list's `match`: free text as a registry writes it finds one entry, several codes, or none — never a guess;
and an entry may list several values for a key field."""

from __future__ import annotations

import pytest

from gxets_rules.ruleset.codelists import FOUND_CACHE, Codelist
from gxets_rules.ruleset.schema import CodelistFile

SPEC = {
    "codelist": "methods",
    "title": {"ja": "方法論", "en": "Methods"},
    "key": ["programme", "code"],
    "normalise": ["code"],
    "match": {
        "field": "code",
        "aliases": "strings",
        "ignore": [r"[\s,;(]*\b(?:version|v\.?)\s*\d+(?:\.\d+)*\)?\s*$"],
        "codes": [r"(?<![A-Z0-9])VM\d{4}(?!\d)", r"(?<![A-Z0-9])ACM\d{4}(?!\d)"],
    },
    "entries": [
        {"programme": ["vcs", "gs"], "code": "ACM0001", "family": "landfill"},
        {"programme": "vcs", "code": "VM0033", "family": "blue", "strings": ["VM00033"]},
        {"programme": "vcs", "code": "VM0007", "family": "redd"},
        {"programme": "gs", "code": "GS TPDDTEC", "family": "cookstoves"},
    ],
}


@pytest.fixture
def methods() -> Codelist:
    return Codelist(CodelistFile.model_validate(SPEC))


@pytest.mark.parametrize(
    ("programme", "text", "family", "codes"),
    [
        ("vcs", "vm-0033", "blue", ("VM0033",)),  # folded, as before
        ("vcs", "VM0033 v2.1", "blue", ("VM0033",)),  # a code with a version
        ("vcs", "ACM0001: Flaring or use of landfill gas - Version 19.0", "landfill", ("ACM0001",)),
        ("gs", "CDM - ACM0001 Flaring or use of landfill gas", "landfill", ("ACM0001",)),  # the programme list
        ("gs", "GS TPDDTEC v3.1", "cookstoves", ("GS TPDDTEC",)),  # a title code less its version
        ("vcs", "VM00033", "blue", ("VM0033",)),  # a registry's other spelling, listed
        ("vcs", "VM0007; VM0033", None, ("VM0007", "VM0033")),  # several codes: no entry
        ("vcs", "VM0007; VM0007", "redd", ("VM0007",)),  # one code named twice is one code
        ("gs", "VM0033", None, ("VM0033",)),  # named, but not listed for this programme
        ("vcs", "Methodology under development", None, ()),
    ],
)
def test_a_string_finds_one_entry_several_codes_or_none(
    methods: Codelist, programme: str, text: str, family: str | None, codes: tuple[str, ...]
) -> None:
    found = methods.find([programme, text])
    assert (None if found.entry is None else found.entry["family"], found.codes) == (family, codes)
    assert methods.entry([programme, text]) is found.entry


def test_a_list_value_of_a_key_field_is_found_under_each_value(methods: Codelist) -> None:
    assert methods.entry(["vcs", "ACM0001"]) is methods.entry(["gs", "acm 0001"]) is not None
    assert methods.duplicates == []


def test_the_remembered_strings_are_bounded(methods: Codelist) -> None:
    for n in range(FOUND_CACHE + 5):
        methods.find(["vcs", f"project {n} VM0033"])
    assert len(methods._found) <= FOUND_CACHE


def test_a_code_list_without_match_compares_keys_only() -> None:
    plain = Codelist(CodelistFile.model_validate({**SPEC, "match": None}))
    assert plain.find(["vcs", "VM0033 v2.1"]).entry is None
    assert plain.find(["vcs", "VM0033"]).codes == ()
