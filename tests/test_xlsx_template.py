"""The template is generated from the models and the rule set: every field has its header in both languages, the
drop-downs are the rule set's lists, and LibreOffice opens it without complaint."""

from __future__ import annotations

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
def test_the_template_has_a_sheet_per_part_with_headers_and_comments(lang: str, tmp_path: Path) -> None:
    wb = template(tmp_path, "--lang", lang)
    expected = [sheet_name("readme", lang)]
    expected += [sheet_name(spec, lang) for root in ("submission", "ownership") for spec in layout(root)]
    assert wb.sheetnames == [*expected, sheet_name("lists", lang)]
    lots = next(spec for spec in layout("submission") if spec.key == "lots")
    ws = wb[sheet_name(lots, lang)]
    assert [cell.value for cell in ws[1]] == [header(column, lang) for column in lots.columns]
    assert all(cell.comment is not None for cell in ws[1])
    assert ws.freeze_panes == "A2"


def test_the_drop_downs_come_from_the_rule_set(tmp_path: Path) -> None:
    wb = template(tmp_path, "--lang", "en")
    lists = wb["Code lists"]
    columns = {
        lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)]
        for c in range(1, lists.max_column + 1, 2)
    }
    codes = {name: [v for v in values if v is not None] for name, values in columns.items()}
    assert codes["Credit lots: Kind"] == ["era", "j_credit", "jcm", "voluntary"]
    assert codes["Credit lots: TSE category"][:2] == ["energy_saving", "renewable_electricity"]
    families = ruleset_for("gxets-phase1").codelists["methodologies"].spec.tables["families"]
    assert codes["Credit lots: Project – methodology family"] == list(families)
    assert len(families) == 23
    assert codes["Credit lots: Project – country"][:2] == ["MN", "BD"]
    assert codes["Ownership entities: Kind"] == ["company", "project", "fund", "public_body"]
    lots = wb["Credit lots"]
    letter = {cell.value: cell.column_letter for cell in lots[1]}
    rules = {str(dv.sqref): dv for dv in lots.data_validations.dataValidation}
    tse = rules["{0}2:{0}1048576".format(letter["TSE category"])]
    assert tse.type == "list" and tse.errorStyle == "stop" and tse.formula1.startswith("'Code lists'!$")
    family = rules["{0}2:{0}1048576".format(letter["Project – methodology family"])]
    assert family.errorStyle == "warning"  # a family not on the list is allowed, and checked later


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
    result = run_cli("check", tmp_path / "template.xlsx")
    assert result.exit_code == 2
    assert "template.xlsx:企業!B2: firm.id: required field is missing" in result.stderr
    assert "template.xlsx:企業!B3: firm.name: required field is missing" in result.stderr


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
