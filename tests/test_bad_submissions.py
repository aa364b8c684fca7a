"""Every bad submission gets a located message and exit code 2 — never a traceback, never a half-written file."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ACME, ROOT, run_cli

BAD = ROOT / "tests" / "bad_submissions"
CASES = sorted(BAD.glob("*.yaml"))


def test_there_are_at_least_twenty_bad_submissions() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_submission_is_reported_with_its_location(path: Path, tmp_path: Path) -> None:
    line, text = path.with_suffix(".expect").read_text(encoding="utf-8").splitlines()
    result = run_cli("check", path, "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert text in result.stderr
    if line != "-":
        assert f"{path.name}:{line}:" in result.stderr or f"{path.name}:{line} " in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists(), "nothing may be written for bad input"


def test_a_50_mb_file_is_refused_quickly(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("w") as handle:
        handle.write(ACME.read_text(encoding="utf-8"))
        chunk = "# padding " + "x" * 1000 + "\n"
        for _ in range(52 * 1024):
            handle.write(chunk)
    assert big.stat().st_size > 50 * 1024 * 1024
    started = time.monotonic()
    result = run_cli("check", big)
    assert result.exit_code == 2
    assert "over the limit of 20,971,520 bytes" in result.stderr
    assert time.monotonic() - started < 30  # a guard against reading the whole file, not a benchmark


def test_bad_input_exits_2_in_a_real_process() -> None:
    """The exit code a shell sees, not only the in-process one."""
    proc = subprocess.run(
        [sys.executable, "-m", "gxets_rules.app.cli", "check", str(BAD / "duplicate-lot-id.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "duplicate lot id 'L1'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_several_problems_are_reported_together(tmp_path: Path) -> None:
    text = (BAD / "text-in-tonnes.yaml").read_text(encoding="utf-8")
    text = text.replace("group: G}", "group: Z}").replace("emissions_t: 900000", "emissions_t: -1")
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", path)
    assert result.exit_code == 2
    assert "3 problem(s)" in result.stderr
    for expected in ("many.yaml:3:", "many.yaml:10:", "many.yaml:17:"):
        assert expected in result.stderr


def test_a_missing_input_names_only_what_the_failed_figures_read() -> None:
    """The missing FY2024 actual is blamed; the optional FY2025/FY2030 target points, unknown too, are not."""
    result = run_cli("check", BAD / "missing-fiscal-year.yaml")
    assert result.exit_code == 2
    assert "actuals[FY2024].direct.emissions_t is missing" in result.stderr
    assert "1 problem(s)" in result.stderr
    assert "fy2025_t" not in result.stderr and "fy2030_t" not in result.stderr
