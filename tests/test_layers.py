"""The package is layered (docs/architecture.md, "Layers"): no module imports from a layer above its own.

The contract lives in ``pyproject.toml`` (``[tool.importlinter]``) and is checked by import-linter, which sees every
import, including those inside functions. The second test plants an upward import in a copy of the package to show
that the check can fail.
"""

from __future__ import annotations

import ast
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


def test_the_root_package_is_above_every_layer() -> None:
    """``gxets_rules/__init__.py`` offers the public API (check, review) from the application layer; so no module of
    a layer may take a name from the root package — it would import the layer above it."""
    modules = {path.stem for path in (ROOT / "gxets_rules").iterdir()} - {"__init__"}
    found = []
    for path in sorted((ROOT / "gxets_rules").rglob("*.py")):
        if path == ROOT / "gxets_rules" / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "gxets_rules":
                found += [f"{path.name}: {a.name}" for a in node.names if a.name.removesuffix(".py") not in modules]
            if isinstance(node, ast.Import):
                found += [f"{path.name}: import gxets_rules" for a in node.names if a.name == "gxets_rules"]
    assert found == []
