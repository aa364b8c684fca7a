"""Result building runs a criterion again only if it can record (issue 18): skipping the others changes no result.

``evaluate/result.py`` decides from the rule language's signatures (``records``) which criteria can add to a trace
when run again. Were a recording function not flagged, its criterion's parameters, inputs or evidence would silently
go missing from every result; here every example is built both ways and the results must be equal.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gxets_rules.app.pipeline import CheckRequest, run_evaluation
from gxets_rules.evaluate import result as building
from gxets_rules.evaluate.stdlib import FUNCTIONS
from gxets_rules.io.writers import canonical_json_bytes
from tests.conftest import EXAMPLES

SUBMISSIONS = sorted(EXAMPLES.glob("*/submission.yaml"))


def test_the_functions_that_record_are_flagged() -> None:
    assert {name for name, function in FUNCTIONS.items() if function.records} == {
        "param",
        "actual",
        "assurance",
        "input",
        "involvement",
    }


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=[path.parent.name for path in SUBMISSIONS])
def test_skipping_criteria_that_cannot_record_changes_no_result(
    submission: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluation = run_evaluation(CheckRequest(submission), today=date(2026, 12, 7))
    skipping = canonical_json_bytes(building.build_result(evaluation))
    monkeypatch.setattr(building, "may_record", lambda compiled, lets: True)
    assert canonical_json_bytes(building.build_result(evaluation)) == skipping


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=[path.parent.name for path in SUBMISSIONS])
def test_traced_code_records_what_the_closures_record(submission: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second pass runs generated code (evaluate/traced.py); through the closures it builds the same result."""
    evaluation = run_evaluation(CheckRequest(submission), today=date(2026, 12, 7))
    generated = canonical_json_bytes(building.build_result(evaluation))
    monkeypatch.setattr(building, "traced_runner", lambda ruleset, compiled: compiled)
    assert canonical_json_bytes(building.build_result(evaluation)) == generated
