"""Type checking runs in the suite: mypy with the settings of pyproject.toml ([tool.mypy]) — strict on the
foundations, the rule language and the engine, the default checks elsewhere — finds nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _mypy(folder: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--no-incremental"]
    return subprocess.run([*command, "gxets_rules"], capture_output=True, text=True, check=False, cwd=folder)


def test_mypy_finds_nothing() -> None:
    run = _mypy(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("Success: no issues found")


def test_the_engine_is_checked_strictly_and_the_rest_by_default(tmp_path: Path) -> None:
    """An untyped function fails in the engine (strict) but not in a renderer (default settings)."""
    shutil.copytree(ROOT / "gxets_rules", tmp_path / "gxets_rules", ignore=shutil.ignore_patterns("__pycache__"))
    untyped = "\n\ndef planted(value):\n    return value\n"
    for module in ("evaluate/coverage.py", "render/chart.py"):
        path = tmp_path / "gxets_rules" / module
        path.write_text(path.read_text(encoding="utf-8") + untyped, encoding="utf-8")
    run = _mypy(tmp_path)
    assert run.returncode == 1
    assert "gxets_rules/evaluate/coverage.py" in run.stdout and "[no-untyped-def]" in run.stdout
    assert "render/chart.py" not in run.stdout
