"""The linter on the real rule set (clean) and on broken copies (each finding named)."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from gxets_rules.ruleset import lint
from tests.conftest import ACME, ROOT, lint_folder, run_cli


def test_phase1_rule_set_is_clean() -> None:
    result = run_cli("rules", "lint", "gxets-phase1")
    assert result.exit_code == 0, result.stderr
    assert "clean" in result.output


def test_a_rule_without_a_citation_fails_lint(phase1_copy: Path) -> None:
    path = phase1_copy / "eligibility.yaml"
    text = path.read_text(encoding="utf-8")
    criterion_source = '\n        source: {doc: S40, clause: "JCMパートナー国一覧"}\n'
    rule_source = '\n    source: {doc: seed-daiwa-2024, clause: "本文: 適格カーボン・クレジット（JCMクレジット）"}\n'
    assert criterion_source in text and rule_source in text
    text = text.replace(criterion_source, "\n", 1).replace(rule_source, "\n", 1)  # P1-JCM and its criterion
    path.write_text(text, encoding="utf-8")
    code, err = lint_folder(phase1_copy)
    assert code == 3
    assert "[missing-citation] criterion P1-JCM-PARTNER has no source" in err
    assert "eligibility.yaml:" in err


def test_a_parameter_asked_for_outside_its_window_fails_lint(phase1_copy: Path) -> None:
    path = phase1_copy / "position.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("formula: \"param('era.grant_by')\"", "formula: \"param('era.grant_by', 2026)\"")
    path.write_text(text, encoding="utf-8")
    code, err = lint_folder(phase1_copy)
    assert code == 3
    assert "[outside-window] quantity era_grant_date asks for parameter 'era.grant_by' at FY2026" in err


def test_a_parameter_window_that_ends_early_is_caught_for_per_year_reads(phase1_copy: Path) -> None:
    path = phase1_copy / "parameters.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  ndc.carbon_neutral_fy:")
    text = text[:start] + text[start:].replace("to_fy: 2025", "to_fy: 2024", 1)
    path.write_text(text, encoding="utf-8")
    code, err = lint_folder(phase1_copy)
    assert code == 3
    assert "asks for parameter 'ndc.carbon_neutral_fy' at FY2025" in err


def test_overlapping_dated_values_unused_parameters_and_orphan_interpretations(phase1_copy: Path) -> None:
    path = phase1_copy / "parameters.yaml"
    text = path.read_text(encoding="utf-8")
    text += (
        "  spare.value:\n    title: {ja: 未使用, en: unused}\n    unit: ratio\n    values:\n"
        "      - {from_fy: 2023, to_fy: 2024, value: 0.1, source: {doc: S3, clause: x}}\n"
        "      - {from_fy: 2024, to_fy: 2025, value: 0.2, source: {doc: S3, clause: x}}\n"
    )
    path.write_text(text, encoding="utf-8")
    interp = phase1_copy / "interpretations.yaml"
    interp.write_text(
        interp.read_text(encoding="utf-8")
        + "  - id: INT-P1-99\n    title: {ja: 孤立, en: orphan}\n    question: {ja: 問, en: q}\n"
        "    decision: {ja: 決, en: d}\n    why: {ja: 理由, en: w}\n    reference: none\n",
        encoding="utf-8",
    )
    code, err = lint_folder(phase1_copy)
    assert code == 3
    assert "[overlapping-values] parameter 'spare.value': values for FY2023–FY2024 and FY2024–FY2025 overlap" in err
    assert "[unused-parameter] parameter 'spare.value'" in err
    assert "[unreferenced-interpretation] INT-P1-99" in err


def test_unknown_parameter_and_bad_field_path(phase1_copy: Path) -> None:
    path = phase1_copy / "eligibility.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("param('instruments.usable_kinds')", "param('instruments.usable_kindz')")
    text = text.replace("listed('jcm_partners', lot.project.country)", "listed('jcm_partners', lot.project.countri)")
    path.write_text(text, encoding="utf-8")
    code, err = lint_folder(phase1_copy)
    assert code == 3
    assert "[unknown-parameter] criterion P1-INSTRUMENT-KIND reads parameter 'instruments.usable_kindz'" in err
    assert "[bad-path] criterion P1-JCM-PARTNER: lot.project has no field 'countri'" in err


def test_a_code_list_pattern_that_does_not_compile_is_a_located_finding(phase1_copy: Path) -> None:
    path = phase1_copy / "codelists" / "methodologies.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("VM[RD]?", "VM[RD", 1), encoding="utf-8")
    code, err = lint_folder(phase1_copy)
    assert code == 3
    assert "codelists/methodologies.yaml" in err and "codelist methodologies: bad pattern" in err


def test_a_broken_rule_set_is_refused_for_evaluation(phase1_copy: Path) -> None:
    path = phase1_copy / "eligibility.yaml"
    broken = path.read_text(encoding="utf-8").replace("lot.status != 'sold'", "lot.status !=", 1)
    path.write_text(broken, encoding="utf-8")
    result = run_cli("check", ACME, "--ruleset", phase1_copy)
    assert result.exit_code == 2
    assert "criterion P1-STATUS-NOT-SOLD test: syntax error" in result.stderr


def test_phase2_rule_set_is_clean() -> None:
    result = run_cli("rules", "lint", "gxets-phase2")
    assert result.exit_code == 0, result.stderr
    assert "gxets-phase2 1.2.0: clean" in result.output


def test_lint_without_an_argument_covers_every_bundled_rule_set() -> None:
    result = run_cli("rules", "lint")
    assert result.exit_code == 0, result.stderr
    assert "gxets-phase1" in result.output and "gxets-phase2" in result.output


def _phase2_copy(tmp_path: Path) -> Path:
    target = tmp_path / "gxets-phase2"
    shutil.copytree(ROOT / "rules" / "gxets-phase2", target)
    return target


def _edit(path: Path, old: str = "", new: str = "", append: str = "") -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text((text.replace(old, new, 1) if old else text) + append, encoding="utf-8")


def test_definitions_unused_recursive_or_taken_are_found(tmp_path: Path) -> None:
    folder = _phase2_copy(tmp_path)
    spare = '  spare:\n    title: {ja: 未使用, en: unused}\n    params: [x]\n    formula: "x + 1"\n'
    _edit(folder / "definitions.yaml", append=spare)
    code, err = lint_folder(folder)
    assert code == 3
    assert "[unused-definition] spare() is never called" in err
    taken = '  len:\n    title: {ja: 重複, en: taken}\n    formula: "1"\n'
    _edit(folder / "definitions.yaml", 'formula: "x + 1"', 'formula: "spare(x)"', append=taken)
    _edit(folder / "position.yaml", 'formula: "fy"', 'formula: "spare(fy)"')
    code, err = lint_folder(folder)
    assert code == 3
    assert "quantity compliance_fy: in spare(): spare() calls itself (through spare)" in err
    assert "definition len: a function of the rule language has that name" in err


def test_a_check_pointing_at_a_field_that_does_not_exist(tmp_path: Path) -> None:
    folder = _phase2_copy(tmp_path)
    _edit(folder / "checks.yaml", "at: allowances\n", "at: allowance\n")
    code, err = lint_folder(folder)
    assert code == 3
    assert "[bad-path] check CHK-SUB-ALLOWANCES-GIVEN at: submission has no field 'allowance'" in err


def _lint_edited(folder: Path, file: str, old: str, new: str) -> tuple[int, str]:
    """Lint a copy of the rule set with one passage of one file replaced (the passage must be there)."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return lint_folder(folder)


def test_a_quantity_with_its_own_fiscal_years_must_state_the_year_of_each_parameter(phase1_copy: Path) -> None:
    pledged = "input('targets.direct.fy2030_t'))"
    code, err = _lint_edited(phase1_copy, "position.yaml", pledged, "param('rounding.reported'))")
    assert code == 3
    assert "[implicit-fy] quantity direct_target_points has its own fiscal years (fys); read 'rounding.reported'" in err


def test_fys_is_only_for_per_year_quantities(phase1_copy: Path) -> None:
    comment = "    # Only the points the submission pledges"
    code, err = _lint_edited(phase1_copy, "position.yaml", f"    per_fy: true\n{comment}", comment)
    assert code == 3
    assert "position.yaml:" in err
    assert "fys names the fiscal years of a per_fy quantity" in err


def test_a_payment_in_lieu_is_linted_like_any_market_term(phase1_copy: Path) -> None:
    market = phase1_copy / "market.yaml"
    market.write_text(
        market.read_text(encoding="utf-8") + "payment_in_lieu:\n"
        "  title: {ja: 支払, en: Payment}\n"
        "  price: \"param('market.payment_price')\"\n"
        "  due: window_end\n"
        '  tax_rate: "0"\n'
        "  interpretations: [INT-P1-98]\n",
        encoding="utf-8",
    )
    code, err = lint_folder(phase1_copy)
    assert code == 3
    assert "[missing-citation] payment_in_lieu has no source" in err
    assert "[unknown-parameter] payment_in_lieu reads parameter 'market.payment_price'" in err
    assert "[unknown-interpretation] payment_in_lieu names INT-P1-98" in err


def test_the_vocabulary_of_statuses_and_kinds_is_checked(phase1_copy: Path) -> None:
    position = phase1_copy / "position.yaml"
    text = position.read_text(encoding="utf-8")
    position.write_text(text.replace("held_statuses: [held]", "held_statuses: [held, sold]"), encoding="utf-8")
    manifest = phase1_copy / "ruleset.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace("creatable: position.era.creatable_t", "creatable: position.era.created_t")
    text = text.replace("kinds: [era, j_credit, jcm, voluntary]", "kinds: [era, jcm, voluntary]")
    text = text.replace(
        "cancelled_for_other: [cancelled_other]", "cancelled_for_other: [cancelled_other, cancelled_gxets]"
    )
    manifest.write_text(text, encoding="utf-8")
    code, err = lint_folder(phase1_copy)
    assert code == 3
    assert "[bad-coverage] held status 'sold' is not a counted status" in err
    assert "[bad-path] claims.created.creatable: position.era.created_t is not an output of position.yaml" in err
    assert "[bad-kind] claims names 'j_credit', not a kind of this rule set" in err
    assert "[bad-claims] claims: status 'cancelled_gxets' is cancelled both for the scheme and for another" in err


def test_is_in_a_rule_is_a_located_finding_not_a_crash(phase1_copy: Path) -> None:
    path = phase1_copy / "eligibility.yaml"
    text = path.read_text(encoding="utf-8")
    old = "lot.status not in ('cancelled_other', 'retired_other')"
    assert old in text
    path.write_text(text.replace(old, "lot.status is not 'cancelled_other'", 1), encoding="utf-8")
    line = text[: text.index("- id: P1-STATUS-NOT-OTHER-USE")].count("\n") + 1  # the criterion's line
    code, err = lint_folder(phase1_copy)
    assert code == 3, err
    assert (
        f"eligibility.yaml:{line}:9: criterion P1-STATUS-NOT-OTHER-USE test: 'is' is not part of the rule language: "
        "compare with == or !=, or use known(x) (column 1)"
    ) in err
    assert "Traceback" not in err and "internal error" not in err


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdef"), st.lists(st.sampled_from("abcdef"), max_size=3), max_size=6))
def test_quantity_cycles_are_found_as_networkx_finds_them(edges: dict[str, list[str]]) -> None:
    """The linter imports networkx only when its own search finds a cycle; both must agree on every graph."""
    graph = {node: [used for used in uses if used in edges] for node, uses in edges.items()}
    reference: nx.DiGraph[str] = nx.DiGraph()
    for node, uses in graph.items():
        reference.add_node(node)
        reference.add_edges_from((node, used) for used in uses)
    assert lint._cycles(graph) == list(nx.simple_cycles(reference))
