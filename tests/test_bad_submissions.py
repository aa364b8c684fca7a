"""Bad submissions beyond the corpus (tests/bad_submissions/, run by tests/test_hostile_inputs.py): size, a real
process, several problems at once, what a missing input blames."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ACME, ROOT, run_cli

BAD = ROOT / "tests" / "bad_submissions"
CASES = sorted(BAD.glob("*.yaml"))


def test_there_are_at_least_twenty_bad_submissions() -> None:
    """Each is run by the corpus runner (tests/test_hostile_inputs.py) with its .expect file."""
    assert len(CASES) >= 20


def test_a_50_mb_file_is_refused_quickly(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("w") as handle:
        handle.write(ACME.read_text(encoding="utf-8"))
        chunk = "# padding " + "x" * 1000 + "\n"
        for _ in range(52 * 1024):
            handle.write(chunk)
    assert big.stat().st_size > 50 * 1024 * 1024
    started = time.monotonic()
    result = run_cli("check", big, "--lang", "en")
    assert result.exit_code == 2
    assert "over the limit of 20,971,520 bytes" in result.stderr
    assert time.monotonic() - started < 30  # a guard against reading the whole file, not a benchmark


def test_bad_input_exits_2_in_a_real_process() -> None:
    """The exit code a shell sees, not only the in-process one."""
    proc = subprocess.run(
        [sys.executable, "-m", "gxets_rules.app.cli", "check", str(BAD / "duplicate-lot-id.yaml"), "--lang", "en"],
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
    result = run_cli("check", path, "--lang", "en")
    assert result.exit_code == 2
    assert "3 problem(s)" in result.stderr
    for expected in ("many.yaml:3:", "many.yaml:10:", "many.yaml:17:"):
        assert expected in result.stderr


def test_a_missing_input_names_only_what_the_failed_figures_read() -> None:
    """The missing FY2024 actual is blamed; the optional FY2025/FY2030 target points, unknown too, are not."""
    result = run_cli("check", BAD / "missing-fiscal-year.yaml", "--lang", "en")
    assert result.exit_code == 2
    assert "actuals[FY2024].direct.emissions_t is missing" in result.stderr
    assert "1 problem(s)" in result.stderr
    assert "fy2025_t" not in result.stderr and "fy2030_t" not in result.stderr
