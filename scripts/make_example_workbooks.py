"""Write examples/*/submission.xlsx (and ownership.xlsx) from the YAML examples, in Japanese.

Run `python scripts/make_example_workbooks.py` after changing an example or the workbook layout;
tests/test_xlsx_roundtrip.py fails while a workbook and its YAML disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gxets_rules.app.convert import convert_file  # noqa: E402
from gxets_rules.io.xlsx.guard import XlsxLimits  # noqa: E402

LANG = "ja"


def example_pairs() -> list[tuple[Path, Path]]:
    """Each example YAML (submission or ownership) with the workbook made from it."""
    sources = sorted(ROOT.glob("examples/*/submission.yaml")) + sorted(ROOT.glob("examples/*/ownership.yaml"))
    return [(source, source.with_suffix(".xlsx")) for source in sources]


if __name__ == "__main__":
    for source, target in example_pairs():
        convert_file(source, target, LANG, XlsxLimits())
        print(f"{source.relative_to(ROOT)} → {target.relative_to(ROOT)}")
