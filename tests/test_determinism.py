"""Same inputs and rule set ⇒ byte-identical result JSON, wherever and however often gxets runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ACME, PHASE2_EXAMPLE, ROOT, run_cli


def _check_json(cwd: Path, submission: Path) -> bytes:
    proc = subprocess.run(
        [sys.executable, "-m", "gxets_rules.app.cli", "check", str(submission), "--format", "json"],
        capture_output=True,
        cwd=cwd,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "random"},
    )
    return proc.stdout


@pytest.mark.parametrize("submission", [ACME, PHASE2_EXAMPLE], ids=["phase1", "phase2"])
def test_result_is_byte_identical_across_runs_and_working_directories(tmp_path: Path, submission: Path) -> None:
    first = _check_json(ROOT, submission)
    second = _check_json(ROOT, submission)
    elsewhere = _check_json(tmp_path, submission)
    assert first == second == elsewhere
    data = json.loads(first)
    assert list(data["run"]["inputs"]) == ["submission:submission.yaml"]


def test_out_file_equals_stdout(tmp_path: Path) -> None:
    result = run_cli("check", ACME, "--format", "json", "--out", tmp_path)
    assert (tmp_path / "result.json").read_text(encoding="utf-8") == result.output
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file is left behind"


def test_result_names_the_rule_set_revision_and_inputs() -> None:
    data = json.loads(run_cli("check", ACME, "--format", "json").output)
    assert data["ruleset"]["id"] == "gxets-phase1"
    assert len(data["ruleset"]["sha256"]) == 64
    assert sorted(data["run"]) == ["engine", "inputs"]  # the rule set and the date once, beside the run record
    assert data["as_of"] == "2026-12-07"


def test_a_result_with_data_issues_does_not_depend_on_the_working_folder(tmp_path: Path) -> None:
    """Issue locations name the file, not the path it was reached by."""
    text = ACME.read_text(encoding="utf-8").replace(
        "    vintage: 2023\n    tse_category: renewable_electricity\n", "    tse_category: renewable_electricity\n"
    )
    submission = tmp_path / "firm" / "submission.yaml"
    submission.parent.mkdir()
    submission.write_text(text, encoding="utf-8")
    here, there = _check_json(ROOT, submission), _check_json(tmp_path, submission)
    assert here == there
    [issue] = json.loads(here)["issues"]
    assert (issue["check"], issue["lot"], issue["location"]) == ("CHK-LOT-VINTAGE-GIVEN", "L1", "submission.yaml:41:5")
