"""Results stay byte-identical to main's for every example and every benchmark input (issue 18: speed-ups change
no result). When a result is meant to change, regenerate tests/result_hashes.json with
``scripts/result_hashes.py --write`` in the same commit and say why."""

from __future__ import annotations

import json

from scripts.result_hashes import HASHES, result_hashes


def test_every_result_is_as_recorded() -> None:
    expected = json.loads(HASHES.read_text(encoding="utf-8"))
    found = result_hashes()
    assert found.keys() == expected.keys()
    differ = sorted(name for name in found if found[name] != expected[name])
    assert not differ, f"results changed for {differ}: run scripts/result_hashes.py --write if that is intended"
