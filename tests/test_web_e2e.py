"""gxets serve in a real browser: the system's headless Chromium, driven by Playwright, against a server on 127.0.0.1.

Needs chromium (Debian; .ci/run installs it) and Playwright (the `test` extra; it drives the installed browser and
downloads none). Without Chromium the tests are skipped — or fail when GXETS_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic_batch import generate_batch
from gxets_rules.app.web.jobs import REVIEW, RUN_FILE
from tests.conftest import EXAMPLES
from tests.test_review_desk import OTHER_USE, held_j_credits, largest_short_firms, read_lots, write_lots
from tests.web_support import PASSWORD, USER, chromium_context, live_server, playwright_driver, web_app

TIMEOUT_MS = 60_000
BATCH = [
    EXAMPLES / "acme-steel" / "submission.xlsx",
    EXAMPLES / "phase2-fy2026" / "submission.yaml",
    EXAMPLES / "small-maker-x" / "submission.yaml",
    EXAMPLES / "green-steel-era" / "submission.yaml",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("e2e")
    with live_server(web_app(folder)) as base:
        yield base, folder


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with playwright_driver() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(driver: Any) -> Iterator[Any]:
    with chromium_context(driver, viewport={"width": 1280, "height": 900}) as context:
        context.set_default_timeout(TIMEOUT_MS)
        yield context


def test_the_public_page_checks_the_acme_workbook(site: tuple[str, Path], browser: Any) -> None:
    base, _ = site
    page = browser.new_page()
    page.goto(base + "/")
    page.set_input_files("#submission", str(EXAMPLES / "acme-steel" / "submission.xlsx"))
    page.select_option("#lang", "en")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert "77,500" in page.inner_text("#verdict")
    assert "nothing is kept on the server" in page.inner_text("#answer")
    with page.expect_download() as download:
        page.click("a[download='report.xlsx']")
    assert download.value.suggested_filename == "report.xlsx"
    page.close()


def _log_in(page: Any, base: str) -> None:
    page.goto(base + "/review")
    assert "/login" in page.url
    page.fill("#name", USER)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert page.url == base + "/review"


def _visible_rows(page: Any) -> list[str]:
    cells = "#firm-table tbody tr:not([hidden]) td:first-child"
    return page.eval_on_selector_all(cells, "cs => cs.map(c => c.innerText)")


def test_a_reviewer_uploads_a_batch_and_works_the_firm_table(site: tuple[str, Path], browser: Any) -> None:
    base, _ = site
    page = browser.new_page()
    _log_in(page, base)
    page.set_input_files("#files", [str(path) for path in BATCH])
    page.click("button[type=submit].primary")
    page.wait_for_url("**/review/runs/*", timeout=TIMEOUT_MS)  # the progress page goes on by itself when done
    assert sorted(_visible_rows(page)) == ["acme-steel", "green-steel", "kanto-cement", "small-maker"]
    page.evaluate("window.stillTheSamePage = true")
    page.fill("#q", "acme")
    assert _visible_rows(page) == ["acme-steel"]
    page.fill("#q", "")
    page.click("th[data-key=offsets_to_buy_t] a")
    offsets = page.eval_on_selector_all(
        "#firm-table tbody tr td:nth-child(6)", "cs => cs.map(c => Number(c.dataset.value))"
    )
    assert offsets == sorted(offsets) and 77_500 in offsets
    assert page.evaluate("window.stillTheSamePage === true"), "filtered and sorted without reloading"
    with page.expect_navigation():
        page.click("#firm-table a:text('acme-steel')")
    assert "77,500" in page.inner_text("#verdict")
    page.close()


def _thousand_firm_run(folder: Path, template_run: Path) -> str:
    """A run of 1,000 firms for the table (the page reads the summary only): the real summary's rows, varied."""
    summary = json.loads((template_run / REVIEW / "summary.json").read_text(encoding="utf-8"))
    rows = []
    for number in range(1_000):
        row = copy.deepcopy(summary["firms"][number % len(summary["firms"])])
        row["firm_id"] = f"firm-{number:04d}"
        row["firm_name"] = f"Firm {number:04d} K.K."
        row["offsets_to_buy_t"] = (number * 7919) % 100_000
        rows.append(row)
    summary["firms"] = rows
    run = folder / "data" / "runs" / "29991231T235959Z-abc123"
    (run / REVIEW).mkdir(parents=True)
    (run / REVIEW / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (run / RUN_FILE).write_text("{}", encoding="utf-8")
    return run.name


def test_the_firm_table_of_1000_firms_filters_and_sorts_without_reloading(site: tuple[str, Path], browser: Any) -> None:
    base, folder = site
    runs = sorted((folder / "data" / "runs").iterdir())
    assert runs, "runs after the batch test"
    run = _thousand_firm_run(folder, runs[-1])
    page = browser.new_page()
    page.goto(f"{base}/review/runs/{run}")
    assert len(_visible_rows(page)) == 1_000
    page.evaluate("window.stillTheSamePage = true")
    started = time.perf_counter()
    page.fill("#q", "firm 0042")
    assert _visible_rows(page) == ["firm-0042"]
    page.fill("#q", "")
    page.select_option("#status", index=1)
    status = page.eval_on_selector("#status", "s => s.value")
    statuses = page.eval_on_selector_all(
        "#firm-table tbody tr:not([hidden])", "rs => [...new Set(rs.map(r => r.dataset.status))]"
    )
    assert statuses == [status]
    page.select_option("#status", "")
    page.click("th[data-key=offsets_to_buy_t] a")
    page.click("th[data-key=offsets_to_buy_t] a")
    offsets = page.eval_on_selector_all(
        "#firm-table tbody tr td:nth-child(6)", "cs => cs.map(c => Number(c.dataset.value))"
    )
    elapsed = time.perf_counter() - started
    assert offsets == sorted(offsets, reverse=True) and len(offsets) == 1_000
    assert page.evaluate("window.stillTheSamePage === true")
    assert elapsed < 10, f"search, filter and two sorts of 1,000 rows took {elapsed:.1f} s"
    page.close()


def test_without_script_the_filter_form_still_works(site: tuple[str, Path], driver: Any) -> None:
    base, _ = site
    with chromium_context(driver, java_script_enabled=False) as context:
        page = context.new_page()
        _log_in(page, base)
        page.click("table.runs a >> nth=-1")  # the oldest run: the batch of the examples
        page.fill("#q", "kanto")
        with page.expect_navigation():
            page.click("form.filters button[type=submit]")
        assert "q=kanto" in page.url
        assert _visible_rows(page) == ["kanto-cement"]


def _two_rounds(folder: Path) -> tuple[list[Path], list[Path], list[str]]:
    """The desk's scenario in small: round 1 of 12 firms, two of them with a J-credit lot in fact cancelled for
    another purpose; round 2 with those two corrected (the lot held again)."""
    generate_batch(folder, firms=12, lots=10, entities=0, seed=16, across=0, within=0, excess=0)
    submissions = folder / "submissions"
    corrected = folder / "corrected"
    corrected.mkdir()
    planted = largest_short_firms(submissions)[:2]
    for firm in planted:
        rows = read_lots(submissions / f"{firm}.lots.csv")
        write_lots(corrected / f"{firm}.lots.csv", rows)
        (corrected / f"{firm}.yaml").write_text((submissions / f"{firm}.yaml").read_text("utf-8"), "utf-8")
        held_j_credits(rows)[0].update(OTHER_USE)
        write_lots(submissions / f"{firm}.lots.csv", rows)
    return sorted(submissions.iterdir()), sorted(corrected.iterdir()), planted


def _decide(page: Any, firm: str, decision: str, note: str) -> None:
    with page.expect_navigation():
        page.click(f"#firm-table a:text('{firm}')")
    page.check(f"form.decide input[value={decision}]")
    page.fill("#note", note)
    with page.expect_navigation():
        page.click("form.decide button[type=submit]")
    assert note in page.inner_text("#decisions")
    with page.expect_navigation():
        page.click("#desk a:text-matches('Back to the run')")


def _decisions_shown(page: Any) -> dict[str, str]:
    rows = page.eval_on_selector_all(
        "#firm-table tbody tr:not([hidden])", "rs => rs.map(r => [r.cells[0].innerText, r.dataset.decision])"
    )
    return dict(rows)


def test_the_two_round_scenario_in_the_browser(tmp_path: Path, driver: Any) -> None:
    round_one, round_two, planted = _two_rounds(tmp_path / "scenario")
    with (
        live_server(web_app(tmp_path)) as base,
        chromium_context(driver, viewport={"width": 1280, "height": 900}) as ctx,
    ):
        ctx.set_default_timeout(TIMEOUT_MS)
        page = ctx.new_page()
        _log_in(page, base)
        page.goto(base + "/review?lang=en")
        page.set_input_files("#files", [str(path) for path in round_one])
        page.fill("#round", "1")
        page.click("form.upload button[type=submit]")
        page.wait_for_url("**/review/runs/*")
        assert len(_visible_rows(page)) == 12
        for firm in planted:  # the reviewer returns the two firms whose lot was cancelled for another purpose
            _decide(page, firm, "returned", f"{firm}: 他目的で無効化されたロットを訂正してください")
        assert {firm: d for firm, d in _decisions_shown(page).items() if d != "none"} == dict.fromkeys(
            planted, "returned"
        )
        page.goto(base + "/review")
        page.set_input_files("#files", [str(path) for path in round_two])
        page.fill("#round", "2")
        page.click("form.upload button[type=submit]")
        page.wait_for_url("**/review/runs/*")
        page.evaluate("window.stillTheSamePage = true")
        page.select_option("#decision", "returned")
        assert sorted(_visible_rows(page)) == sorted(planted), "the table filtered to 'returned'"
        assert page.evaluate("window.stillTheSamePage === true")
        first = planted[0]
        with page.expect_navigation():
            page.click(f"#firm-table a:text('{first}')")
        assert "1 → 2" in page.inner_text("#changes"), "its changes since round 1"
        page.check("form.decide input[value=accepted]")
        page.fill("#note", "訂正を確認しました")
        with page.expect_navigation():
            page.click("form.decide button[type=submit]")
        assert page.inner_text("#latest-decision") == "Accepted"
        with page.expect_navigation():
            page.click("#desk a:text-matches('Back to the run')")
        assert _decisions_shown(page)[first] == "accepted", "the decision, in the table"
        page.select_option("#decision", "returned")
        assert _visible_rows(page) == [planted[1]]
