"""The template is generated from the models and the rule set: every field has its header in both languages, the
drop-downs are the rule set's lists, and LibreOffice opens it without complaint."""

from __future__ import annotations

import re
import subprocess
import warnings
from pathlib import Path

import openpyxl
import pytest

from gxets_rules.app.pipeline import ruleset_for
from gxets_rules.io.xlsx.layout import LANGS, ROOTS, aliases, header, layout, sheet_aliases, sheet_name, words
from tests.conftest import lint_folder, run_cli
from tests.reports_support import LIBREOFFICE, tool

TIMEOUT_S = 120


def template(tmp_path: Path, *args: str) -> openpyxl.Workbook:
    path = tmp_path / "template.xlsx"
    result = run_cli("template", "-o", path, *args)
    assert result.exit_code == 0, result.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns about parts it had to repair or drop
        return openpyxl.load_workbook(path)


def test_every_model_field_has_a_header_in_both_languages_and_no_entry_is_stale() -> None:
    used = {key for root in ROOTS for spec in layout(root) for column in spec.columns for key in column.keys}
    assert sorted(set(words()["fields"]) - used) == []
    for root in ROOTS:
        for spec in layout(root):
            assert len(sheet_name(spec, "ja")) <= 31 and len(sheet_name(spec, "en")) <= 31
            names = [name for column in spec.columns for name in aliases(column)]
            assert len(names) == len(set(names)), f"two columns of {spec.key} share a name"


def test_sheet_names_differ_across_both_parts() -> None:
    names = [name for root in ROOTS for spec in layout(root) for name in sheet_aliases(spec)]
    names += [sheet_name(own, lang) for own in ("readme", "lists") for lang in LANGS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("lang", LANGS)
def test_the_template_has_a_sheet_per_part_the_rule_set_reads_with_headers_and_comments(
    lang: str, tmp_path: Path
) -> None:
    wb = template(tmp_path, "--lang", lang)
    reads = set(ruleset_for("gxets-phase1").manifest.inputs or ())
    expected = [sheet_name("readme", lang)]
    expected += [sheet_name(spec, lang) for spec in layout("submission") if not spec.at or spec.at[0] in reads]
    expected += [sheet_name(spec, lang) for spec in layout("ownership")]
    assert wb.sheetnames == [*expected, sheet_name("lists", lang)]
    lots = next(spec for spec in layout("submission") if spec.key == "lots")
    ws = wb[sheet_name(lots, lang)]
    assert [cell.value for cell in ws[1]] == [header(column, lang) for column in lots.columns]
    assert all(cell.comment is not None for cell in ws[1])
    assert ws.freeze_panes == "A2"


def test_each_rule_set_template_has_only_its_own_sheets(tmp_path: Path) -> None:
    phase1 = template(tmp_path, "--lang", "ja").sheetnames
    phase2 = template(tmp_path, "--lang", "ja", "--ruleset", "gxets-phase2").sheetnames
    phase2_only = {"排出枠", "割当", "ベンチマーク事業所", "事業所の活動量", "グランドファザリング", "密接関係者"}
    assert phase2_only | {"密接関係者の排出実績"} <= set(phase2)
    assert not phase2_only & set(phase1)
    assert {"基準年度", "目標", "所有_事業体"} <= set(phase1)
    assert not {"基準年度", "目標", "所有_事業体"} & set(phase2)


def test_every_column_has_japanese_help(tmp_path: Path) -> None:
    wb = template(tmp_path, "--lang", "ja")
    for ws in wb.worksheets[1:-1]:
        if ws.cell(1, 1).value == "項目":  # a form: the help is the third column of each item
            helps = [ws.cell(row, 3).value for row in range(2, ws.max_row + 1)]
            assert all(text and re.search(r"[ぁ-んァ-ヶ一-龠]", text) for text in helps), ws.title
            continue
        for cell in ws[1]:
            assert cell.comment is not None and re.search(r"[ぁ-んァ-ヶ一-龠]", cell.comment.text), (
                ws.title,
                cell.value,
            )


def _lists(wb: openpyxl.Workbook, title: str) -> dict[str, list[tuple[str, str]]]:
    """Each drop-down of the code-list sheet: (what it shows, its code) per row."""
    lists = wb[title]
    return {
        lists.cell(1, c).value: [
            (lists.cell(r, c).value, lists.cell(r, c + 1).value)
            for r in range(2, lists.max_row + 1)
            if lists.cell(r, c + 1).value is not None
        ]
        for c in range(1, lists.max_column + 1, 2)
    }


def test_the_drop_downs_come_from_the_rule_set_with_their_words_and_codes(tmp_path: Path) -> None:
    wb = template(tmp_path, "--lang", "ja")
    lists = _lists(wb, "コード一覧")
    assert lists["クレジット: 種類"] == [
        ("超過削減枠", "era"),
        ("J-クレジット", "j_credit"),
        ("JCMクレジット", "jcm"),
        ("その他の適格カーボン・クレジット", "voluntary"),
    ]
    assert lists["クレジット: 状態"][0] == ("保有", "held")
    assert lists["クレジット: 売買の区分"][:2] == [
        ("省エネルギー", "energy_saving"),
        ("再生可能エネルギー（電力）", "renewable_electricity"),
    ]
    families = ruleset_for("gxets-phase1").codelists["methodologies"].spec.tables["families"]
    assert [code for _, code in lists["クレジット: プロジェクト・方法論分野"]] == list(families)
    assert len(families) == 23
    assert all(label for values in lists.values() for label, _ in values)  # 名称 filled for every code
    countries = lists["クレジット: プロジェクト・実施国"]
    assert countries[0] == ("日本", "JP") and len(countries) == 249
    assert ("モンゴル国", "MN") in countries and ("米国", "US") in countries
    assert lists["所有_事業体: 種別"] == [
        ("企業", "company"),
        ("プロジェクト", "project"),
        ("ファンド", "fund"),
        ("公的機関", "public_body"),
    ]
    lots = wb["クレジット"]
    letter = {cell.value: cell.column_letter for cell in lots[1]}  # columns move when the format gains a field
    rules = {str(dv.sqref): dv for dv in lots.data_validations.dataValidation}
    tse = rules["{0}2:{0}1048576".format(letter["売買の区分"])]
    assert tse.type == "list" and tse.formula1.startswith("'コード一覧'!$")
    assert tse.errorStyle == "warning"  # a code or another name typed instead is read too, with a note


def test_a_rule_set_without_a_list_offers_none(tmp_path: Path) -> None:
    wb = template(tmp_path, "--lang", "en", "--ruleset", "gxets-phase2")
    lots = wb["Credit lots"]
    letter = next(cell.column_letter for cell in lots[1] if cell.value == "Project – programme")
    rules = {str(dv.sqref) for dv in lots.data_validations.dataValidation}
    assert f"{letter}2:{letter}1048576" not in rules  # Phase 2 ships no list of voluntary-credit programmes
    form = wb["Submission"]
    assert [form.cell(2, 1).value, form.cell(2, 2).value] == ["Rule set", "gxets-phase2"]


def test_the_template_checks_as_an_incomplete_submission(tmp_path: Path) -> None:
    template(tmp_path)
    result = run_cli("check", tmp_path / "template.xlsx", "--lang", "en")
    assert result.exit_code == 2
    assert "template.xlsx:企業!B2: Firm id: required field is missing" in result.stderr
    assert "template.xlsx:企業!B3: Firm name: required field is missing" in result.stderr


def test_the_output_must_be_an_xlsx(tmp_path: Path) -> None:
    result = run_cli("template", "-o", tmp_path / "template.xlsm")
    assert result.exit_code == 2
    assert "the template is an .xlsx workbook" in result.stderr


def test_libreoffice_opens_the_template_without_errors(tmp_path: Path) -> None:
    template(tmp_path, "--lang", "ja")
    command = [
        tool(LIBREOFFICE, "opens the Excel template"),
        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
        "--headless",
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
        "--outdir",
        str(tmp_path / "csv"),
        str(tmp_path / "template.xlsx"),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Error" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    lots = (tmp_path / "csv" / "template-クレジット.csv").read_text(encoding="utf-8").splitlines()
    assert lots[0].startswith("ロットID,種類,数量（t-CO2）,")
    form = (tmp_path / "csv" / "template-提出.csv").read_text(encoding="utf-8").splitlines()
    assert form[1].startswith("ルールセット,gxets-phase1,")


def test_lint_finds_a_code_list_offered_to_a_field_that_does_not_exist(phase1_copy: Path) -> None:
    path = phase1_copy / "codelists" / "tse_categories.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("field: lot.tse_category", "field: lot.tse_categry"), encoding="utf-8")
    code, findings = lint_folder(phase1_copy)
    assert code == 3
    assert "bad-input" in findings and "codelist tse_categories input lot.tse_categry: lot has no field" in findings
