"""The rule sets' YAML cases are self-contained: every file they name lies in the rule set's folder, so that the
cases run from an installed wheel — built, installed into a fresh virtual environment and run from an empty folder
here — and from a copied rule set, as they do in the repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from gxets_rules.app.cases import collect_cases
from gxets_rules.resources import bundled_rulesets, resolve_ruleset
from tests.conftest import EXAMPLES, ROOT, run_cli

RULES = ROOT / "rules"


def test_the_examples_a_rule_set_tests_are_the_bundled_examples() -> None:
    """tests/data/examples/ holds copies of the examples a rule set's cases pin (examples.yaml, plan.yaml, …): they
    must stay the same bytes as examples/, so that the cases still check the examples people run."""
    copies = sorted(path for path in RULES.glob("*/tests/data/examples/**/*") if path.is_file())
    assert copies, "no example copied into a rule set's tests"
    for copy in copies:
        relative = Path(*copy.relative_to(RULES).parts[4:])  # <id>/tests/data/examples/<relative>
        assert copy.read_bytes() == (EXAMPLES / relative).read_bytes(), f"{copy} differs from examples/{relative}"


def test_a_case_naming_a_file_outside_its_rule_set_fails_with_the_reason(phase1_copy: Path) -> None:
    cases = phase1_copy / "tests" / "examples.yaml"
    text = cases.read_text(encoding="utf-8")
    assert "submission: data/examples/small-maker-x/submission.yaml" in text
    cases.write_text(
        text.replace("data/examples/small-maker-x/", "../../../../examples/small-maker-x/", 1), encoding="utf-8"
    )
    shutil.copytree(EXAMPLES, phase1_copy.parent.parent / "examples")  # it exists: being outside is the fault
    result = run_cli("rules", "test", phase1_copy, "-k", "small-maker")
    assert result.exit_code == 3, result.output
    assert "../../../../examples/small-maker-x/submission.yaml is outside the rule set's folder" in result.output


def test_the_installed_wheel_passes_every_rule_case_from_an_empty_folder(tmp_path: Path) -> None:
    dist, venv, empty = tmp_path / "dist", tmp_path / "venv", tmp_path / "empty"
    empty.mkdir()
    pip = [sys.executable, "-m", "pip", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--wheel-dir", str(dist), str(ROOT)], check=True, capture_output=True)
    (wheel,) = dist.glob("gxets_rules-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([python, "-m", "pip", "--quiet", "install", str(wheel)], check=True, capture_output=True)
    gxets = [venv / "bin" / "gxets", "rules", "test"]
    run = subprocess.run(gxets, check=False, cwd=empty, capture_output=True, text=True)
    expected = sum(len(collect_cases(resolve_ruleset(name))) for name in bundled_rulesets())
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr
    assert run.stdout.splitlines()[-1] == f"{expected} passed, 0 failed"
    assert list(empty.iterdir()) == []
    where = [python, "-c", "from gxets_rules.resources import rules_root; print(rules_root())"]
    rules = Path(subprocess.run(where, cwd=empty, capture_output=True, text=True, check=True).stdout.strip())
    assert rules.is_relative_to(venv), f"the cases ran from {rules}, not from the installed package"
