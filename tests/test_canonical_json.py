"""Canonical JSON is byte for byte what the standard library's sorted, indented, UTF-8 JSON is — only faster."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from gxets_rules.app.pipeline import CheckRequest, run_check
from gxets_rules.io.writers import canonical_json, canonical_json_bytes, result_bytes
from tests.conftest import ACME, EXAMPLES, PHASE2_EXAMPLE


def _reference(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


@pytest.mark.parametrize(
    ("submission", "market"),
    [(ACME, EXAMPLES / "market" / "tse-2025-levels.yaml"), (PHASE2_EXAMPLE, None)],
    ids=["phase1-with-plan", "phase2"],
)
def test_a_result_encodes_as_the_standard_library_does(submission: Path, market: Path | None) -> None:
    data = run_check(CheckRequest(submission, market=market), today=date(2026, 12, 7)).model_dump(mode="json")
    assert canonical_json(data) == _reference(data)


def test_awkward_text_numbers_and_keys() -> None:
    data = {
        "text": 'quote " backslash \\ newline \n tab \t bell \x07 del \x7f 日本語 \u2028 😀 </script>',
        "numbers": [0, -1, 10**18, True, False, None],
        "empty": {"list": [], "map": {}},
        "b": 1,
        "a": {"z": [{"y": 1, "x": 2}], "é": 1, "e": 2},
        "years": {2030: 1, 2025: 2, 999: 3},
    }
    assert canonical_json(data) == _reference(data)


def test_keys_that_json_cannot_name_are_refused() -> None:
    with pytest.raises(TypeError, match="keys must be str or int"):
        canonical_json({(1, 2): "tuple key"})


@pytest.mark.parametrize(
    ("submission", "market"),
    [(ACME, EXAMPLES / "market" / "tse-2025-levels.yaml"), (PHASE2_EXAMPLE, None)],
    ids=["phase1-with-plan", "phase2"],
)
def test_a_result_file_encoded_lot_by_lot_is_the_whole_result_encoded(submission: Path, market: Path | None) -> None:
    result = run_check(CheckRequest(submission, market=market), today=date(2026, 12, 7))
    data = result.model_dump(mode="json")
    reference = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    assert result_bytes(result) == canonical_json_bytes(result, indent=None) == reference.encode("utf-8")
