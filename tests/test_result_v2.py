"""``gxets.result.v2``: compact, typed, and nothing lost — every v1 fact of every example rebuilt from it.

The oracle is the v1 builder kept in ``tests/v1_support.py`` (the package has no v1 code); the examples are every
bundled example run (with the market snapshots they are documented with) and every YAML case of the bundled rule sets.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from gxets_rules.app.cases import case_evaluation, collect_cases
from gxets_rules.app.pipeline import CheckRequest, run_evaluation
from gxets_rules.evaluate.engine import Evaluation
from gxets_rules.evaluate.result import build_result, shared_values
from gxets_rules.evaluate.rulesets import load_ruleset
from gxets_rules.io.result_reader import read_result
from gxets_rules.io.writers import canonical_json, result_bytes
from gxets_rules.model.problems import InputError
from gxets_rules.model.result import Result
from gxets_rules.model.result_checks import inconsistencies
from gxets_rules.render.html import render_html
from gxets_rules.render.text import render_lot, render_text
from gxets_rules.render.xlsx import render_xlsx
from gxets_rules.resources import bundled_rulesets, resolve_ruleset
from tests.conftest import ACME, EXAMPLES, PHASE2_EXAMPLE
from tests.v1_support import facts, v1_of, v1_result

MARKET = EXAMPLES / "market"
RUNS = {
    "acme": (ACME, None),
    "acme-xlsx": (EXAMPLES / "acme-steel" / "submission.xlsx", None),
    "acme-tse-2025": (ACME, MARKET / "tse-2025-levels.yaml"),
    "acme-tse-2023": (ACME, MARKET / "tse-2023-10-11_2024-03-29.yaml"),
    "green-steel": (EXAMPLES / "green-steel-era" / "submission.yaml", None),
    "overseas-daccs": (EXAMPLES / "overseas-daccs" / "submission.yaml", None),
    "kanto-cement": (PHASE2_EXAMPLE, None),
    "kanto-cement-market": (PHASE2_EXAMPLE, MARKET / "phase2-fy2027-example.yaml"),
    "small-maker": (EXAMPLES / "small-maker-x" / "submission.yaml", None),
}


def _run(name: str) -> Evaluation:
    submission, market = RUNS[name]
    return run_evaluation(CheckRequest(submission, market=market), today=date(2026, 12, 7))


def _cases() -> list[tuple[str, Any]]:
    found = []
    for ref in bundled_rulesets():
        folder = resolve_ruleset(ref)
        ruleset = load_ruleset(folder)
        found.extend((f"{ref}::{item.case.id}", (ruleset, item)) for item in collect_cases(folder))
    return found


CASES = _cases()


def _typed(found: dict[tuple[Any, ...], Any]) -> dict[tuple[Any, ...], tuple[str, Any]]:
    """Facts with their JSON types, so that true is not 1."""
    return {path: (type(value).__name__, value) for path, value in found.items()}


def assert_no_fact_lost(ev: Evaluation) -> Result:
    """Every fact of the v1 result (the v1 builder on this evaluation) is the fact v2 gives for the same path."""
    result = build_result(ev)
    before, after = _typed(facts(v1_result(ev))), _typed(facts(v1_of(result)))
    lost = {path: value for path, value in before.items() if after.get(path) != value}
    added = {path: value for path, value in after.items() if path not in before}
    assert not lost and not added, f"lost or changed: {list(lost.items())[:5]}; added: {list(added.items())[:5]}"
    return result


@pytest.mark.parametrize("name", RUNS)
def test_every_v1_fact_of_an_example_is_rebuilt_from_v2(name: str) -> None:
    result = assert_no_fact_lost(_run(name))
    assert list(inconsistencies(result)) == []


@pytest.mark.parametrize("case", [case for _, case in CASES], ids=[name for name, _ in CASES])
def test_every_v1_fact_of_a_rule_case_is_rebuilt_from_v2(case: Any) -> None:
    ruleset, item = case
    try:
        ev = case_evaluation(ruleset, item)
    except InputError:
        assert item.case.expect.input_errors, "only a case that expects its submission refused has no result"
        return
    result = assert_no_fact_lost(ev)
    assert list(inconsistencies(result)) == []


@pytest.mark.parametrize("name", RUNS)
def test_a_result_read_back_from_its_file_is_the_same_model_and_renders_the_same(name: str) -> None:
    """`check --report` renders the result in memory, `render` the one read from the file: the same bytes."""
    built = build_result(_run(name))
    read = read_result(result_bytes(built).decode("utf-8"), "result.json")
    assert read == built
    assert canonical_json(read) == canonical_json(built)
    for lang in ("ja", "en"):
        assert render_text(read, lang) == render_text(built, lang)
        assert render_html(read, lang) == render_html(built, lang)
        assert render_xlsx(read, lang) == render_xlsx(built, lang)
        for lot in built.lots:
            assert render_lot(read, lot.id, lang) == render_lot(built, lot.id, lang)


def test_the_result_file_is_compact_canonical_json() -> None:
    built = build_result(_run("acme"))
    text = result_bytes(built).decode("utf-8")
    assert text.startswith('{"as_of":"2026-12-07","catalogue":{') and text.endswith("}\n") and text.count("\n") == 1
    assert canonical_json(built, indent=None) == text


def test_a_typical_eligible_lot_weighs_under_one_kilobyte() -> None:
    """ACME's J-credit L1 and JCM credit L2 (eligible: five criteria each) in the file as written; the voluntary L3
    (twelve criteria, five of them about a project abroad that does not apply) a little more."""
    built = build_result(_run("acme"))
    size = {lot.id: len(canonical_json(lot, indent=None).encode("utf-8")) - 1 for lot in built.lots}
    assert size["L1"] <= 1024 and size["L2"] <= 1024, size
    assert size["L3"] <= 1280, size
    assert {lot.id: lot.verdict for lot in built.lots if lot.id in {"L1", "L2", "L3"}} == dict.fromkeys(
        ("L1", "L2", "L3"), "eligible"
    )


def test_each_criterion_parameter_and_interpretation_is_described_once() -> None:
    built = build_result(_run("overseas-daccs"))
    text = result_bytes(built).decode("utf-8")
    for spec in built.catalogue.criteria:
        assert text.count(f'"{spec.title.en}"') == 1, spec.id  # the title: in the catalogue, never in a lot
    for param in built.catalogue.params.values():
        if param.source:
            assert text.count(f'"source":"{param.source}"') >= 1
    ids = [i.id for i in built.catalogue.interpretations]
    assert len(ids) == len(set(ids))
    passed = [record for lot in built.lots for record in lot.criteria.values() if record.outcome == "pass"]
    assert passed and all(record.message is None for record in passed)  # a message only where not met


def test_a_lot_shows_no_value_that_another_lot_bound(tmp_path: Path) -> None:
    """The overseas rule binds ``inv`` (involvement) for an overseas lot; a domestic lot after it must not show those
    figures under its not-applicable criteria (v1 did: the previous lot's values)."""
    source = EXAMPLES / "overseas-daccs"
    text = (source / "submission.yaml").read_text(encoding="utf-8")
    domestic = (
        "  - id: DOMESTIC-DAC\n    kind: voluntary\n    quantity_t: 1000\n    status: held\n    vintage: 2025\n"
        "    project: {id: jp-dac-1, country: JP, programme: isometric, methodology_code: direct-air-capture, "
        "registration_id: GX-VC-2025-0099, registration_applied_on: 2025-06-02}\n"
        "    registry: isometric\n    certification_number: JP-DAC-1\n    serial_start: 1\n    serial_end: 1000\n"
    )
    assert text.count("\n  - id: JC-2026-01\n") == 1
    text = text.replace("\n  - id: JC-2026-01\n", "\n" + domestic + "  - id: JC-2026-01\n")
    (tmp_path / "submission.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "ownership.yaml").write_text((source / "ownership.yaml").read_text(encoding="utf-8"), "utf-8")
    ev = run_evaluation(CheckRequest(tmp_path / "submission.yaml"), today=date(2026, 12, 7))
    result = assert_no_fact_lost(ev)
    lots = {lot.id: lot for lot in result.lots}
    assert [lots["DOMESTIC-DAC"].criteria[c].outcome for c in ("P1-VOL-INVOLVEMENT", "P1-VOL-CONTINUITY")] == [
        "not_applicable"
    ] * 2
    assert not [path for path in lots["DOMESTIC-DAC"].values if path.startswith("inv.")]
    assert [path for path in lots["BECCS-CA-2025"].values if path.startswith("inv.")]  # the overseas lot's own


def test_values_two_criteria_read_differently_under_one_path_stay_apart() -> None:
    """Two rules may bind a let of the same name: the lot keeps the first reading, the other criterion its own."""
    lot, own = shared_values([{"x.a": 1, "lot.kind": "jcm", "x.b": None}, {"x.a": True, "lot.kind": "jcm"}, {"x.b": 5}])
    assert lot == {"x.a": 1, "lot.kind": "jcm"}  # x.b was null where first read: left out
    assert own == [{}, {"x.a": True}, {"x.b": 5}]  # true is not 1
