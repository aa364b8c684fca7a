"""Take the README's screenshots of the Japanese report of the ACME example, in headless Chromium.

    .venv/bin/python scripts/report_screenshots.py [--out docs]

Writes ``acme-report-ja.png`` (the top of the page at 1,280 px: the summary box, the reconciliation and the chart)
and ``acme-plan-ja.png`` (the purchase plan with the 2025 TSE price levels: a row per product, the remainder for a
bilateral deal or tender, the totals), driving the system's Chromium through Playwright as the layout tests do.
Look at them before committing them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gxets_rules.app.pipeline import CheckRequest, run_check  # noqa: E402
from gxets_rules.render.html import render_html  # noqa: E402
from tests.web_support import chromium_context, playwright_driver  # noqa: E402

ACME = ROOT / "examples" / "acme-steel" / "submission.yaml"
MARKET = ROOT / "examples" / "market" / "tse-2025-levels.yaml"
TODAY = date(2026, 12, 7)  # the example's evaluation date is its own; this only stands in for the clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, playwright_driver() as driver:
        report, planned = Path(scratch) / "report.html", Path(scratch) / "plan.html"
        report.write_text(render_html(run_check(CheckRequest(ACME), today=TODAY), "ja"), encoding="utf-8")
        with_market = run_check(CheckRequest(ACME, market=MARKET), today=TODAY)
        planned.write_text(render_html(with_market, "ja"), encoding="utf-8")
        with chromium_context(driver, viewport={"width": 1280, "height": 2000}) as context:
            page = context.new_page()
            page.goto(report.as_uri())
            page.screenshot(path=str(args.out / "acme-report-ja.png"))
            page.goto(planned.as_uri())
            page.locator("#plan").screenshot(path=str(args.out / "acme-plan-ja.png"))
    for name in ("acme-report-ja.png", "acme-plan-ja.png"):
        print(f"→ {args.out / name}")


if __name__ == "__main__":
    main()
