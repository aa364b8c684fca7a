"""Write the review reports of a result into a folder (``report.html``, ``report.xlsx``), and a batch's summary.

``gxets check --report`` and ``gxets render`` both come here, and both render from the result's canonical JSON, so
a report made straight after a check and one made later from the saved ``result.json`` are the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gxets_rules.io.writers import atomic_write_bytes, canonical_json, write_json
from gxets_rules.render.html import render_html
from gxets_rules.render.review_csv import render_review_csv
from gxets_rules.render.review_html import render_review_html
from gxets_rules.render.review_xlsx import render_review_xlsx
from gxets_rules.render.xlsx import render_xlsx


def _html(result: dict[str, Any], lang: str) -> bytes:
    return render_html(result, lang).encode("utf-8")


REPORTS: dict[str, tuple[str, Callable[[dict[str, Any], str], bytes]]] = {
    "html": ("report.html", _html),
    "xlsx": ("report.xlsx", render_xlsx),
}


def parse_kinds(text: str) -> list[str]:
    """``html,xlsx`` → ``['html', 'xlsx']``; an unknown kind is a ValueError naming the known ones."""
    kinds = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [k for k in kinds if k not in REPORTS]
    if unknown or not kinds:
        raise ValueError(f"unknown report {', '.join(unknown) or text!r}; choose from {', '.join(REPORTS)}")
    return list(dict.fromkeys(kinds))


def write_reports(result: Any, kinds: Sequence[str], lang: str, out: Path) -> list[Path]:
    """Render each report of ``kinds`` in ``lang`` and write it (whole or not at all) into ``out``."""
    data = json.loads(canonical_json(result))
    written = []
    for kind in kinds:
        name, render = REPORTS[kind]
        atomic_write_bytes(out / name, render(data, lang))
        written.append(out / name)
    return written


def write_summary(summary: dict[str, Any], lang: str, out: Path) -> list[Path]:
    """Write a batch review's summary: ``summary.json`` (gxets.review.v1), ``summary.xlsx``, ``summary.html`` and
    ``summary.csv`` (the firms table)."""
    written = [out / "summary.json", out / "summary.xlsx", out / "summary.html", out / "summary.csv"]
    write_json(written[0], summary)
    atomic_write_bytes(written[1], render_review_xlsx(summary, lang))
    atomic_write_bytes(written[2], render_review_html(summary, lang).encode("utf-8"))
    atomic_write_bytes(written[3], render_review_csv(summary, lang).encode("utf-8-sig"))
    return written
