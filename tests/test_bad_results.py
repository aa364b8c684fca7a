"""Every hostile or tampered result is refused by `gxets render`: exit code 2, the place and words, nothing written.

The corpus (tests/bad_results/, made by scripts/make_bad_results.py) holds true results of the examples broken in one
way each — JSON no gxets writes, another format, a wrong type, figures that no longer add up. NAME.expect: the place
(``-`` the file, ``LINE:COLUMN`` JSON syntax, else the JSON path) and a fragment of the message.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

BAD = ROOT / "tests" / "bad_results"
CASES = sorted(BAD.glob("*.json"))


def test_there_are_at_least_twenty_bad_results() -> None:
    assert len(CASES) >= 20
    assert sorted(p.stem for p in BAD.glob("*.expect")) == [p.stem for p in CASES]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_result_is_refused_with_its_place(path: Path, tmp_path: Path) -> None:
    place, fragment = path.with_suffix(".expect").read_text(encoding="utf-8").splitlines()
    result = run_cli("render", path, "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    name = str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)
    if place == "-":
        where = f"{name}: "
    elif re.fullmatch(r"\d+:\d+", place):
        where = f"{name}:{place}: "
    else:
        where = f"{name}: {place}: "
    assert any(line.strip().startswith(where) and fragment in line for line in result.stderr.splitlines()), (
        result.stderr
    )
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not (tmp_path / "out").exists(), "nothing may be written for a bad result"
    assert result.stdout == "", "no summary of a result that was refused"


def test_the_first_inconsistency_is_the_one_named() -> None:
    """A result with two inconsistencies names the first a reader meets (the lot before the coverage it feeds)."""
    result = run_cli("render", BAD / "lot-counts-more-than-it-holds.json", "--out", "unused")
    assert result.exit_code == 2
    assert result.stderr.count("inconsistent:") == 1  # the coverage's tonnes per kind no longer add up either
