"""Text from a submission is inert in both reports: no markup in the HTML, no formula in the workbook."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from gxets_rules.model.result import Result
from gxets_rules.render.html import render_html
from gxets_rules.render.xlsx import render_xlsx
from tests.conftest import ACME
from tests.reports_support import check_result, page_text, workbook_xml

LOT_ID = '=HYPERLINK("http://x")'
FIRM = "<script>alert(1)</script>"
PROJECT_IDS = {"MN011": "@SUM(1+1)", "isometric-jp-dac-0007": "-2+3", "VCS-1234": "+cmd|' /C calc'!A0"}


def hostile_submission(folder: Path) -> Path:
    """ACME with a formula for a lot id, a script for a firm name and project ids starting with @, - and +."""
    text = ACME.read_text(encoding="utf-8")
    replacements = {
        "  - id: L1\n": f"  - id: '{LOT_ID}'\n",
        "  name: ACME Steel K.K.（エーシーエムイー製鉄株式会社）\n": f"  name: '{FIRM}'\n",
    }
    replacements |= {f"      id: {old}\n": f'      id: "{new}"\n' for old, new in PROJECT_IDS.items()}
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "submission.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Result:
    result = check_result(hostile_submission(tmp_path_factory.mktemp("hostile")))
    assert result.firm.name == FIRM and result.lots[0].id == LOT_ID
    return result


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_html_escapes_the_firm_name_and_lot_id(hostile: Result, lang: str) -> None:
    page = render_html(hostile, lang)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text, tags = page_text(page)
    assert "script" not in tags
    assert FIRM in text and LOT_ID in text  # shown to the reader as the text it is
    assert "=HYPERLINK(&#34;http://x&#34;)" in page  # quotes escaped too: safe inside an attribute


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_workbook_stores_every_such_text_as_a_string(hostile: Result, lang: str) -> None:
    data = render_xlsx(hostile, lang)
    parts = workbook_xml(data)
    sheets = {name: text for name, text in parts.items() if name.startswith("xl/worksheets/sheet")}
    assert not any(re.search(r"<f[ >]", text) for text in sheets.values()), "no formula anywhere"
    wb = openpyxl.load_workbook(io.BytesIO(data))
    lots_title, summary_title = {"ja": ("ロット", "概要"), "en": ("Lots", "Summary")}[lang]
    lots = sheets[f"xl/worksheets/sheet{wb.sheetnames.index(lots_title) + 1}.xml"]
    assert '<c r="A2" t="inlineStr"><is><t>=HYPERLINK("http://x")</t></is></c>' in lots
    a2 = wb[lots_title]["A2"]
    assert (a2.value, a2.data_type) == (LOT_ID, "s")
    projects = {row[6].value: row[6].data_type for row in wb[lots_title].iter_rows(min_row=2)}
    assert {value: projects[value] for value in PROJECT_IDS.values()} == dict.fromkeys(PROJECT_IDS.values(), "s")
    assert FIRM in wb[summary_title]["B2"].value
