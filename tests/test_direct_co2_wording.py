"""Phase 2 counts direct CO2 only (INT-P2-28, issue 11 point 6), and the firm must be told so where it fills in and
where it reads its position: the Phase-2 submission template (its README and the help on each `gases` column) and the
Phase-2 report (the actual-emissions figure, and the interpretation in the HTML and workbook reports). The YAML cases
(rules/gxets-phase2/tests/co2.yaml) pin what the engine does with a GHG total; this pins the words, so that a rewording
that drops "direct CO2 only" fails here rather than going unnoticed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from gxets_rules.io.xlsx.layout import header, layout, sheet_name
from gxets_rules.model.result import Result
from gxets_rules.render.html import render_html
from gxets_rules.render.text import render_text
from gxets_rules.render.xlsx import render_xlsx
from tests.conftest import PHASE2_EXAMPLE, run_cli
from tests.reports_support import check_result, page_text

SUMMARY = {  # the rule set's summary, which the template's README shows
    "en": "Emissions are direct CO2 only (energy- and non-energy-origin); a GHG total including other gases is not "
    "accepted.",
    "ja": "排出量はエネルギー起源・非エネルギー起源の直接CO2だけを数え、"
    "CO2以外の温室効果ガスを含む合計は受け付けない。",
}
GASES_HELP = {  # the comment on every `gases` column
    "en": "Phase 2 counts direct CO2 only (energy and non-energy origin).",
    "ja": "第2フェーズはエネルギー起源・非エネルギー起源の直接CO2のみ（ghg は入力エラー）。",
}
ACTUAL = {"en": "Actual emissions (direct CO2, fiscal year, pooled)", "ja": "実排出量（直接CO2排出量、対象年度、合算）"}
INTERPRETATION = {"en": "Which emissions count (direct CO2 only)", "ja": "対象となる排出量（直接CO2のみ）"}


def _joined(text: str, lang: str) -> str:
    """Whitespace collapsed; in Japanese removed, where a folded YAML line leaves a space between two characters."""
    return re.sub(r"\s+", "" if lang == "ja" else " ", text)


@pytest.fixture(scope="module")
def phase2_result() -> Result:
    return check_result(PHASE2_EXAMPLE)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_phase2_template_says_direct_co2_only(lang: str, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    result = run_cli("template", "--ruleset", "gxets-phase2", "--lang", lang, "-o", path)
    assert result.exit_code == 0, result.stderr
    workbook = openpyxl.load_workbook(path)
    readme_rows = workbook[sheet_name("readme", lang)].iter_rows(values_only=True)
    readme = " ".join(str(value) for row in readme_rows for value in row if value)
    assert _joined(SUMMARY[lang], lang) in _joined(readme, lang)
    gases_columns = [
        (spec, column) for spec in layout("submission") for column in spec.columns if column.keys == ("Actual.gases",)
    ]
    assert len(gases_columns) == 2  # the firm's own actuals and a group member's
    for spec, column in gases_columns:
        sheet = workbook[sheet_name(spec, lang)]
        (cell,) = [cell for cell in sheet[1] if cell.value == header(column, lang)]
        assert cell.comment is not None and GASES_HELP[lang] in cell.comment.text, sheet.title


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_phase2_report_says_direct_co2_only(lang: str, phase2_result: Result) -> None:
    assert "INT-P2-28" in {interpretation.id for interpretation in phase2_result.relied_on()}
    assert ACTUAL[lang] in render_text(phase2_result, lang)
    page, _ = page_text(render_html(phase2_result, lang))
    assert ACTUAL[lang] in page and INTERPRETATION[lang] in page
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(phase2_result, lang)), read_only=True)
    cells = {v for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row}
    assert ACTUAL[lang] in cells and INTERPRETATION[lang] in cells
