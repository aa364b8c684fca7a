"""Take the README's screenshots of gxets serve: every page at 1,280 and 390 px wide, in headless Chromium.

    .venv/bin/python scripts/web_screenshots.py [--out docs/web]

Starts the application on 127.0.0.1 with a scratch folder, drives the system's Chromium through Playwright (as the
end-to-end tests do), and writes PNG files named PAGE-WIDTH.png. Look at them before committing them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_batch import generate_batch  # noqa: E402
from tests.web_support import (  # noqa: E402
    PASSWORD,
    USER,
    chromium_context,
    live_server,
    playwright_driver,
    web_app,
)

EXAMPLES = ROOT / "examples"
WIDTHS = {1280: 900, 390: 844}


def shoot(page: object, out: Path, name: str, width: int) -> None:
    page.screenshot(path=str(out / f"{name}-{width}.png"))  # type: ignore[attr-defined]
    print(f"→ {out / f'{name}-{width}.png'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "web")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as scratch:
        folder = Path(scratch)
        generate_batch(folder / "batch", firms=150, lots=20, entities=0, seed=11, across=3, within=1, excess=0)
        batch = sorted(str(p) for p in (folder / "batch" / "submissions").iterdir())
        with live_server(web_app(folder)) as base, playwright_driver() as driver:
            for width, height in WIDTHS.items():
                lang = "ja" if width == 390 else "en"
                with chromium_context(driver, viewport={"width": width, "height": height}) as context:
                    page = context.new_page()
                    page.goto(f"{base}/?lang={lang}")
                    shoot(page, args.out, "precheck", width)
                    page.set_input_files("#submission", str(EXAMPLES / "acme-steel" / "submission.xlsx"))
                    with page.expect_navigation():
                        page.click("button[type=submit].primary")
                    shoot(page, args.out, "result", width)
                    page.goto(f"{base}/")
                    page.set_input_files("#submission", str(ROOT / "tests" / "bad_workbooks" / "text-in-tonnes.xlsx"))
                    with page.expect_navigation():
                        page.click("button[type=submit].primary")
                    shoot(page, args.out, "refused", width)
                    page.goto(f"{base}/review")
                    shoot(page, args.out, "login", width)
                    page.fill("#name", USER)
                    page.fill("#password", PASSWORD)
                    with page.expect_navigation():
                        page.click("button[type=submit].primary")
                    page.set_input_files("#files", batch)
                    page.fill("#round", "1" if width == 1280 else "2")  # the second width reviews round 2
                    with page.expect_navigation():
                        page.click("button[type=submit].primary")
                    while int(page.inner_text("#done")) < 5:  # a polled wait: the page's CSP forbids eval
                        page.wait_for_timeout(100)
                    shoot(page, args.out, "progress", width)
                    page.wait_for_url("**/review/runs/*", timeout=300_000)
                    run = page.url
                    page.click("#firm-table tbody a >> nth=0")
                    page.check("form.decide input[value=returned]")
                    page.fill("#note", "L3: 無効化の証明書を添付してください / attach the cancellation certificate")
                    page.fill("#deadline", "2026-12-18")
                    with page.expect_navigation():
                        page.click("form.decide button[type=submit]")
                    page.evaluate("window.scrollTo(0, 0)")
                    shoot(page, args.out, "firm", width)
                    page.goto(run)
                    shoot(page, args.out, "run", width)
                    page.goto(f"{base}/review")
                    shoot(page, args.out, "review", width)


if __name__ == "__main__":
    main()
