"""The README shows what gxets really prints: its excerpt is checked against a real run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ACME, PHASE2_EXAMPLE, ROOT, run_cli


def _block_after(text: str, marker: str) -> list[str]:
    start = text.index(marker)
    block = re.search(r"```text\n(.*?)```", text[start:], flags=re.S)
    assert block, f"no text block after {marker!r}"
    return [line for line in block.group(1).splitlines() if line.strip() and line.strip() != "…"]


def test_the_check_excerpt_is_what_check_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = _block_after(readme, "An excerpt of `gxets check examples/acme-steel/submission.yaml --lang en`")
    printed = run_cli("check", ACME, "--lang", "en").output.splitlines()
    position = 0
    for line in excerpt:
        assert line in printed[position:], f"README line not printed (in this order): {line!r}"
        position = printed.index(line, position) + 1


@pytest.mark.parametrize(
    ("marker", "submission", "market"),
    [
        ("adds, for ACME's 77,500 t (an excerpt):", ACME, "tse-2025-levels.yaml"),
        ("adds, for Kanto Cement's 40,000 t (an excerpt;", PHASE2_EXAMPLE, "phase2-fy2027-example.yaml"),
    ],
    ids=["phase1", "phase2"],
)
def test_the_plan_excerpt_is_what_check_with_a_market_prints(marker: str, submission: Path, market: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = _block_after(readme, marker)
    market_file = ROOT / "examples" / "market" / market
    printed = run_cli("check", submission, "--market", market_file, "--lang", "en").output.splitlines()
    for line in excerpt:
        assert line in printed, f"README line not printed: {line!r}"


def test_the_api_example_prints_what_the_readme_says() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- api-example -->")
    code = re.search(r"```python\n(.*?)```", readme[start:], flags=re.S)
    assert code, "no python block after the api-example marker"
    lines = [line for line in code.group(1).splitlines() if line.strip()]
    assert len(lines) == 5, "the README promises a five-line example"
    printed = _block_after(readme, "prints (a test runs it):")
    run = subprocess.run([sys.executable, "-c", code.group(1)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == printed
