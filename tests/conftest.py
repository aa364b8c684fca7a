"""Shared helpers for the test suite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gxets_rules.app.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ACME = EXAMPLES / "acme-steel" / "submission.yaml"
PHASE2_EXAMPLE = EXAMPLES / "phase2-fy2026" / "submission.yaml"
PHASE1 = ROOT / "rules" / "gxets-phase1"


def run_cli(*args: str) -> Result:
    """Run `gxets` in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def lint_folder(folder: Path) -> tuple[int, str]:
    """`gxets rules lint FOLDER`: its exit code and findings."""
    result = run_cli("rules", "lint", folder)
    return result.exit_code, result.stderr


@pytest.fixture
def phase1_copy(tmp_path: Path) -> Path:
    """A scratch copy of the Phase-1 rule set that a test may break."""
    target = tmp_path / "gxets-phase1"
    shutil.copytree(PHASE1, target)
    return target
