"""Methodology strings as registries write them (issue 11 point 13): every protocol of CarbonPlan's offsets-db-data
mapping is covered by the Phase-1 methodology code list, and every one of its known strings finds its protocol's
entry — or, where a string names several different methodologies, is reported as several (a review), never guessed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from gxets_rules.app.pipeline import ruleset_for
from gxets_rules.ruleset.codelists import Found

MAPPING = json.loads((Path(__file__).parent / "data" / "offsets-db-data" / "all-protocol-mapping.json").read_text())
CODELIST = ruleset_for("gxets-phase1").codelist("methodologies")
ENTRIES = CODELIST.spec.entries
NO_METHODOLOGY = "unknown"  # the mapping's pseudo-protocol: 'Not provided', 'Other', 'Methodology Under Development'
PROGRAMME = {"cdm": "verra_vcs", "vcs": "verra_vcs", "verra": "verra_vcs", "acr": "acr", "car": "car", "arb": "acr"}
PROGRAMME |= {"ecy": "acr", "ccb": "cercarbono", "epa": "acr", "iso": "isometric"}

# Strings the mapping lists under one protocol although they name two methodologies: several codes stay a review.
NAMES_TWO = {
    "ACM0001: Flaring or use of landfill gas - Version 19.0 ;  ACM0022: Alternative waste treatment processes - "
    "Version 3.0",
    "ACM0001: Flaring or use of landfill gas - Version 19.0 ;  ACM0022: Alternative waste treatment processes - "
    "Version 3.0'",
    "ACM0001: Flaring or use of landfill gas - Version 19.0;  ACM0022: Alternative waste treatment processes - "
    "Version 3.0",
    "ACM0001: Flaring or use of landfill gas - Version 19.0;  ACM0022: Alternative waste treatment processes - "
    "Version 3.0'",
    "ACM0001: “Flaring or use of landfill gas” Version 19.0 and ACM0022: “Alternative waste treatment processes” "
    "Version 3.0",
    "AMS I.D Version 18 & ACM0002 , version 20.0",
    "AMS-I.D.; AMS-III.H",
    "AR-AMS0007; AR-ACM0003",
}
# A string the mapping files under another protocol than the one it names: the code it names wins.
NAMES_ANOTHER = {"ACM0022; Methodology Under Development": "ACM0022"}


def known_strings(protocol: dict) -> list[str]:
    return list(dict.fromkeys(protocol.get("known-strings", []) + protocol.get("known-string", [])))


def programme_of(key: str, protocol: dict) -> str:
    if key.startswith("gs-"):
        return "gold_standard"
    return {"art-trees": "art", "car-forest-mx": "car"}.get(key) or PROGRAMME[protocol["program"]]


OWNERS: dict[str, set[str]] = defaultdict(set)
for _key, _protocol in MAPPING.items():
    for _text in known_strings(_protocol):
        OWNERS[_text].add(_key)
CASES = sorted((key, text) for key, protocol in MAPPING.items() for text in known_strings(protocol))


def test_the_mapping_is_the_one_described() -> None:
    assert (len(MAPPING), len(CASES), len(OWNERS)) == (251, 1_024, 831)


def test_every_protocol_is_covered_by_an_entry_and_every_cover_exists() -> None:
    covered = {key for entry in ENTRIES for key in entry.get("carbonplan", [])}
    assert sorted(set(MAPPING) - covered - {NO_METHODOLOGY}) == []
    assert sorted(covered - set(MAPPING)) == []


def test_every_entry_names_known_families() -> None:
    families = set(CODELIST.spec.tables["families"])
    for entry in ENTRIES:
        assert entry["families"] and set(entry["families"]) <= families, entry["code"]


@pytest.mark.parametrize(("key", "text"), CASES)
def test_every_known_string_finds_its_protocol(key: str, text: str) -> None:
    found: Found = CODELIST.find([programme_of(key, MAPPING[key]) if key != NO_METHODOLOGY else "verra_vcs", text])
    owners = OWNERS[text] - {NO_METHODOLOGY}
    if not owners:
        assert (found.entry, found.codes) == (None, ()), "names no methodology"
    elif len(owners) > 1 or text in NAMES_TWO:
        assert found.entry is None and len(found.codes) > 1, f"names {sorted(owners)}: several, a review"
    elif text in NAMES_ANOTHER:
        assert found.codes == (NAMES_ANOTHER[text],)
    else:
        assert found.entry is not None and key in found.entry["carbonplan"], found.codes
