"""Helpers for the report tests: the ACME result, text of an HTML page, cells of a workbook, the real tools."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import NoReturn

import pytest

from gxets_rules.io.result_reader import read_result
from gxets_rules.model.result import Result
from tests.conftest import run_cli

REQUIRE_TOOLS = "GXETS_REQUIRE_TOOLS"
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
LIBREOFFICE = ("libreoffice", "soffice")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
"""Headless, and every network and background service off (a fresh --user-data-dir is given beside them)."""

L4_FAILS = {  # a REDD+ lot fails on its field; domestic-programme priority does not apply to it (INT-P1-16)
    "P1-VOL-METHOD-FAMILY": "seed-daiwa-2024 図表6 方法論1",
    "P1-VOL-REGISTERED": "S22 プロジェクト登録の受付開始 2024-04-22",
}
L5_FAILS = {"P1-STATUS-NOT-OTHER-USE": "jcredit-registry 無効化の目的・用途・使用者は変更できない"}
LOTS_JA = [
    ["L1", "J-クレジット", "30,000", "保有", "適格", "30,000", "JCL-R-0042 (JP)", ""],
    ["L2", "JCMクレジット", "10,000", "GX-ETS向けに無効化済み", "適格", "10,000", "MN011 (MN)", ""],
    ["L3", "その他の適格カーボン・クレジット", "150,000", "保有", "適格", "132,500", "isometric-jp-dac-0007 (JP)", ""],
    [
        "L4",
        "その他の適格カーボン・クレジット",
        "50,000",
        "保有",
        "不適格",
        "0",
        "VCS-1234 (PE)",
        ("P1-VOL-METHOD-FAMILY, P1-VOL-REGISTERED, P1-VOL-INVOLVEMENT?, P1-VOL-INITIAL-PHASE?, P1-VOL-CONTINUITY?"),
    ],
    ["L5", "J-クレジット", "5,000", "他目的で無効化済み", "不適格", "0", "JCL-S-0113 (JP)", "P1-STATUS-NOT-OTHER-USE"],
]


def check_result(submission: Path, *options: str | Path) -> Result:
    """What `gxets check --format json` prints, read back as `gxets render` reads a result (every gate passed)."""
    result = run_cli("check", submission, *options, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return read_result(result.output, "check")


class _Text(HTMLParser):
    """The text of a page, one string per element's text run, and the tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.parts.append(" ".join(data.split()))


def page_text(html: str) -> tuple[str, list[str]]:
    """All visible text of a page joined by spaces (whitespace collapsed), and its tag names."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts), parser.tags


def rows_of(html: str, table_class: str) -> list[list[str]]:
    """The body rows of every table with this class, in order, as lists of cell texts."""

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.inside = self.in_body = False
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table" and table_class in (dict(attrs).get("class") or "").split():
                self.inside = True
            elif self.inside and tag == "tbody":
                self.in_body = True
            elif self.in_body and tag == "tr":
                self.rows.append([])
            elif self.in_body and tag == "td":
                self.cell = []
            elif tag == "br" and self.cell is not None:
                self.cell.append(" ")

        def handle_endtag(self, tag: str) -> None:
            if self.in_body and tag == "td" and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "table" and self.inside:
                self.inside = self.in_body = False

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Rows()
    parser.feed(html)
    return parser.rows


def workbook_xml(data: bytes) -> dict[str, str]:
    """Every XML part of a workbook by name, as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}


def missing(what: str, why: str) -> NoReturn:
    """Skip a test whose real tool is absent, saying why — or fail it where the tools are required (CI)."""
    if os.environ.get(REQUIRE_TOOLS) == "1":
        pytest.fail(f"{what} is not installed, and {REQUIRE_TOOLS}=1 requires it ({why})")
    pytest.skip(f"{what} is not installed ({why}); .ci/run installs it and sets {REQUIRE_TOOLS}=1")


def tool(names: tuple[str, ...], why: str) -> str:
    """The path of the first of these programs that is installed."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    missing(names[0], why)


def lot_criteria(html: str, index: int) -> dict[str, list[str]]:
    """Criterion id → its row (outcome, id, message, source) in the expandable section of the index-th lot."""
    start = html.index(f'<details class="lot" id="lot-{index}"')
    fragment = html[start : html.index("</details>", start)]
    return {row[1]: row for row in rows_of(fragment, "criteria")}
