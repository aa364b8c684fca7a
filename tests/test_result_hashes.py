"""Results stay byte-identical to main's for every example and every benchmark input (issue 18: speed-ups change
no result). When a result is meant to change, regenerate tests/result_hashes.json with
``scripts/result_hashes.py --write`` in the same commit and say why."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_every_result_is_as_recorded() -> None:
    # In its own process: thirty checks would leave this one larger, and other tests measure what their children
    # inherit from it.
    found = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "result_hashes.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert found.returncode == 0, found.stdout + found.stderr
    assert "results as recorded" in found.stdout
