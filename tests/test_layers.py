"""The package is layered (DESIGN.md §3): no module imports from a layer above its own.

The contract lives in ``pyproject.toml`` (``[tool.importlinter]``) and is checked by import-linter, which sees every
import, including those inside functions. The second test plants an upward import in a copy of the package to show
that the check can fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
        cwd=package_parent,
        env=env,
    )


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


def test_a_planted_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "gxets_rules", tmp_path / "gxets_rules", ignore=shutil.ignore_patterns("__pycache__"))
    planted = tmp_path / "gxets_rules" / "model" / "problems.py"
    planted.write_text(planted.read_text(encoding="utf-8") + "\nfrom gxets_rules.app import cli  # noqa\n")
    run = _lint_imports(tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "gxets_rules.model.problems -> gxets_rules.app.cli" in run.stdout
