"""Every benchmark of issue 18 runs, at a size the suite can afford: the scripts stay runnable and their checks of
equal answers (the engine's outcomes against the hand-written function's, ZEN's) hold. No timing is asserted here —
figures come from running the scripts at their full size (benchmarks/README.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

SMOKE = {
    "cli_bench.py": ["--repeat", "1"],
    "check_bench.py": ["--lots", "120", "--repeat", "1"],
    "eligibility_bench.py": ["--firms", "6", "--lots", "40", "--entities", "600", "--repeat", "1"],
    "ownership_bench.py": ["--entities", "2000", "--holdings", "6000", "--projects", "200"],
    "hostile_sizes.py": ["--lots", "200"],
    "render_bench.py": ["--lots", "200"],
}


@pytest.mark.parametrize("script", sorted(SMOKE))
def test_benchmark_runs(script: str) -> None:
    found = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *SMOKE[script]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # 0: goals met; 1: goals not met (expected at these sizes, on a loaded machine). Anything else is a failure.
    assert found.returncode in (0, 1), found.stderr[-3000:]
    assert "Traceback" not in found.stderr, found.stderr[-3000:]
    assert found.stdout.strip(), "a benchmark prints its figures"
