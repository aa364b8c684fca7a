"""A result encoded a lot at a time is byte for byte the result encoded whole (issue 12 item 13: bounded memory)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gxets_rules.app.pipeline import CheckRequest, run_check
from gxets_rules.io.result_json import result_json_bytes
from gxets_rules.io.writers import canonical_json_bytes
from tests.conftest import EXAMPLES

SUBMISSIONS = sorted(EXAMPLES.glob("*/submission.yaml"))


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=[path.parent.name for path in SUBMISSIONS])
def test_every_example_encodes_alike(submission: Path) -> None:
    result = run_check(CheckRequest(submission), today=date(2026, 12, 7))
    assert result_json_bytes(result) == canonical_json_bytes(result, indent=None)


def test_a_result_with_a_plan_and_one_without_lots_encode_alike() -> None:
    market = EXAMPLES / "market" / "tse-2025-levels.yaml"
    result = run_check(CheckRequest(EXAMPLES / "acme-steel" / "submission.yaml", market=market), date(2026, 12, 7))
    assert result.plan is not None
    assert result_json_bytes(result) == canonical_json_bytes(result, indent=None)
    empty = result.model_copy(update={"lots": []})
    assert result_json_bytes(empty) == canonical_json_bytes(empty, indent=None)
