"""The Phase-2 rule set through the CLI, the choices its records leave open, and the engine staying scheme-blind.

The numbers themselves are pinned by the YAML cases in rules/gxets-phase2/tests/; these tests cover what those cases
cannot: the command line, input errors that are not checks, alternative readings of an interpretation record (a
rule-set copy with one parameter changed), and the promise that no engine code knows which scheme it runs.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ACME, PHASE2_EXAMPLE, ROOT, run_cli
from tests.test_plan import ENERGY_SAVING, RENEWABLE, excluded_of, lines_of, plan_of, priced, write_snapshot

PHASE2 = ROOT / "rules" / "gxets-phase2"

# A branch on a rule set's id or phase: the id itself, phase1/phase_2 style names, or an interpretation record's id.
SCHEME_NAMES = re.compile(r"gxets-phase|phase_?[12](?!\d)|\bINT-P\d", re.IGNORECASE)
ALLOWED = {("gxets_rules/app/pipeline.py", 'DEFAULT_RULESET = "gxets-phase1"')}


def scheme_names_in(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if SCHEME_NAMES.search(line)]


def test_the_scan_finds_a_branch_on_a_rule_set() -> None:
    assert scheme_names_in("if ruleset.id == 'gxets-phase2':\n    cap = 0.1\n") == ["if ruleset.id == 'gxets-phase2':"]
    assert scheme_names_in("PHASE1_CAP = 5") == ["PHASE1_CAP = 5"]
    assert scheme_names_in("records = ['INT-P2-13']") == ["records = ['INT-P2-13']"]
    assert scheme_names_in("target_phase_total = 1  # Phase-1 total") == []


def test_no_engine_code_names_a_rule_set_or_phase() -> None:
    found = {
        (path.relative_to(ROOT).as_posix(), line)
        for path in sorted((ROOT / "gxets_rules").rglob("*.py"))
        for line in scheme_names_in(path.read_text(encoding="utf-8"))
    }
    assert found == ALLOWED, "engine code must not name a rule set, a phase or a record: put it in rules/<id>/"


def _check(*args: object) -> dict:
    result = run_cli("check", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def test_acceptance_example_through_the_cli() -> None:
    data = _check(PHASE2_EXAMPLE, "--ruleset", "gxets-phase2")
    position = data["position"]
    assert position["emissions"]["actual_direct_t"] == 1_600_000
    assert position["emissions"]["credits_deducted_t"] == 160_000
    assert position["emissions"]["obligation_t"] == 1_440_000
    assert position["allowances"]["held_t"] == 1_400_000
    assert position["compliance"]["shortfall_t"] == 40_000
    assert position["compliance"]["ceiling_payment_jpy"] == 172_000_000
    assert position["compliance"]["noncompliance_charge_jpy"] == 189_200_000
    assert position["deadlines"]["surrender_by"] == "2028-01-31"
    era = next(lot for lot in data["lots"] if lot["kind"] == "era")
    failed = {c["id"]: c["source"] for c in era["criteria"] if c["outcome"] == "fail"}
    assert failed["P2-ERA-NOT-SURRENDERABLE"].startswith("S37 ")
    assert data["period"] == {"first_fy": 2026, "last_fy": 2026}
    assert data["firm"]["group"] is None


def test_what_the_purchase_planner_reads() -> None:
    """Caps and prices are plain outputs: the planner needs no knowledge of the scheme to read them."""
    data = _check(PHASE2_EXAMPLE)
    assert data["coverage"]["offsets_to_buy_t"] == 40_000
    assert data["coverage"]["credits_cap_t"] == 160_000
    assert data["coverage"]["credits_headroom_t"] == 0
    assert data["position"]["prices"]["upper_price_jpy_per_t"] == 4_300
    assert data["fields"]["position.prices.upper_price_jpy_per_t"]["unit"] == "jpy_per_t"


def test_terminal_summary_in_english() -> None:
    result = run_cli("check", PHASE2_EXAMPLE, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "gxets-phase2 1.1.0" in result.output and "· FY2026 ·" in result.output
    assert "Allowances still to surrender, or pay for at the ceiling price: 40,000 t-CO2" in result.output
    assert "Offsets still to buy" not in result.output
    assert "Ceiling payment (shortfall × upper price)        172,000,000 yen" in result.output
    assert "✗ P2-ERA-NOT-SURRENDERABLE" in result.output


def _variant(tmp_path: Path, old: str, new: str, source: Path = PHASE2_EXAMPLE) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("fiscal_year: 2026\n", "", ":4:1: fiscal_year: required field is missing", "evaluates one fiscal year"),
        ("fiscal_year: 2026", "fiscal_year: 2031", ":7:14: fiscal_year:", "FY2031 is outside rule set gxets-phase2's"),
        (
            "  - {fiscal_year: 2026, scope: direct, emissions_t: 1_600_000, assurance: limited, gases: co2}\n",
            "",
            ":16:3: actuals[FY2026].direct.emissions_t is missing",
            "the rule set needs it",
        ),
    ],
    ids=["no-fiscal-year", "fiscal-year-out-of-range", "no-actual-for-the-year"],
)
def test_input_errors_are_located(tmp_path: Path, old: str, new: str, where: str, message: str) -> None:
    path = _variant(tmp_path, old, new)
    result = run_cli("check", path, "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert f"submission.yaml{where}" in result.stderr
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_phase1_submission_is_refused_by_phase2_and_the_other_way_round(tmp_path: Path) -> None:
    result = run_cli("check", ACME, "--ruleset", "gxets-phase2")
    assert result.exit_code == 2
    assert "fiscal_year: required field is missing" in result.stderr
    assert "kind 'voluntary'" not in result.stderr  # voluntary lots are a kind Phase 2 accepts (and rules out)
    result = run_cli("check", PHASE2_EXAMPLE, "--ruleset", "gxets-phase1")
    assert result.exit_code == 2
    for field, line in (("fiscal_year", 7), ("firm.group", 10), ("base_year", 4), ("targets", 4)):
        assert re.search(rf"submission.yaml:{line}:\d+: .*{re.escape(field)}", result.stderr), (field, result.stderr)


def _copy_with(tmp_path: Path, parameter: str, old: str, new: str) -> Path:
    target = tmp_path / "gxets-phase2"
    shutil.copytree(PHASE2, target)
    path = target / "parameters.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  {parameter}:\n")
    path.write_text(text[:start] + text[start:].replace(old, new, 1), encoding="utf-8")
    return target


def test_strictly_more_than_reading_of_the_threshold(tmp_path: Path) -> None:
    """INT-P2-01's alternative: with '>' a mean of exactly 100,000 t is not covered."""
    ruleset = _copy_with(tmp_path, "coverage.threshold_op", 'value: ">="', 'value: ">"')
    ties = [
        f"  - {{fiscal_year: {fy}, scope: direct, emissions_t: 100_000, assurance: limited}}\n" for fy in (2023, 2024)
    ]
    path = _variant(
        tmp_path,
        "  - {fiscal_year: 2023, scope: direct, emissions_t: 1_650_000, assurance: limited, gases: co2}\n"
        "  - {fiscal_year: 2024, scope: direct, emissions_t: 1_620_000, assurance: limited, gases: co2}\n"
        "  - {fiscal_year: 2025, scope: direct, emissions_t: 1_610_000, assurance: limited, gases: co2}\n",
        "".join(ties) + "  - {fiscal_year: 2025, scope: direct, emissions_t: 100_000, assurance: limited}\n",
    )
    data = _check(path, "--ruleset", ruleset)
    assert data["position"]["coverage_test"]["covered"] is False
    assert data["position"]["status"] == "not_covered"
    assert "INT-P2-01" in {i["id"] for i in data["interpretations"]}
    assert _check(path)["position"]["coverage_test"]["covered"] is True  # the shipped '>=' reading


FY2030_GRANDFATHERED = """\
format: gxets.submission.v1
as_of: 2031-12-15
fiscal_year: 2030
firm: {id: boilers-inc, name: Boilers K.K.}
actuals:
  - {fiscal_year: 2027, scope: direct, emissions_t: 210_000, assurance: reasonable}
  - {fiscal_year: 2028, scope: direct, emissions_t: 205_000, assurance: reasonable}
  - {fiscal_year: 2029, scope: direct, emissions_t: 200_000, assurance: reasonable}
  - {fiscal_year: 2030, scope: direct, emissions_t: 190_000, assurance: reasonable}
allowances: {}
allocation:
  grandfathered_sources:
    - {id: boilers, base_emissions_t: 200_000}
"""


def test_compounding_reading_of_the_grandfathering_path(tmp_path: Path) -> None:
    """INT-P2-04's alternative: FY2030 200,000 × 0.983⁵ = 183,568.26 → 183,568 (linear: 200,000 × 0.915 = 183,000)."""
    path = tmp_path / "fy2030.yaml"
    path.write_text(FY2030_GRANDFATHERED, encoding="utf-8")
    ruleset = _copy_with(tmp_path, "alloc.gf.form", "value: linear", "value: compounding")
    compounding = _check(path, "--ruleset", ruleset)["position"]
    linear = _check(path, "--ruleset", "gxets-phase2")["position"]
    assert compounding["allocation"]["grandfathering_t"] == 183_568
    assert linear["allocation"]["grandfathering_t"] == 183_000
    assert linear["allowances"]["allocated_t"] == 183_000  # the estimate stands in (INT-P2-22)
    assert linear["compliance"]["shortfall_t"] == 7_000


def test_phase1_warns_that_annual_compliance_fields_are_ignored(tmp_path: Path) -> None:
    path = _variant(tmp_path, "lots:\n", "allowances: {allocated_t: 1}\nlots:\n", source=ACME)
    data = _check(path)
    assert [issue["check"] for issue in data["issues"]] == ["CHK-SUB-ANNUAL-FIELDS-UNUSED"]


def test_a_member_left_out_of_a_group_filing_is_named(tmp_path: Path) -> None:
    member = (
        "group_filing:\n  members:\n    - id: kanto-logistics\n      name: Kanto Logistics K.K.\n"
        "      relation: sister\n      allowances: {allocated_t: 0}\n      actuals:\n"
        + "".join(
            f"        - {{fiscal_year: {fy}, scope: direct, emissions_t: 80_000, assurance: limited}}\n"
            for fy in (2023, 2024, 2025, 2026)
        )
    )
    path = _variant(tmp_path, "lots:\n", member + "lots:\n")
    data = _check(path, "--lang", "en")
    (issue,) = data["issues"]
    assert issue["message"]["en"].startswith("member(s) kanto-logistics are not themselves covered")
    assert data["position"]["coverage_test"]["group_members_left_out"] == 1


# --- the purchase plan: allowances, credits within the cap, or the ceiling payment, whichever costs less ------------
def _allowances(price: int, available_t: int = 25_000) -> dict:
    return {
        **priced({"id": "gx", "kind": "allowance", "title": {"ja": "排出枠", "en": "Allowances"}}, price),
        "available_t": available_t,
    }


@pytest.mark.parametrize("price", [4_500, 4_300], ids=["above-the-ceiling", "at-the-ceiling"])
def test_allowances_that_cost_no_less_than_the_ceiling_are_not_bought(tmp_path: Path, price: int) -> None:
    """FY2026's upper price is ¥4,300: allowances at ¥4,500 (or ¥4,300) lose to the ceiling payment on all 40,000 t."""
    plan = plan_of(PHASE2_EXAMPLE, write_snapshot(tmp_path, [_allowances(price)]))
    assert lines_of(plan) == {}
    assert excluded_of(plan) == {"gx": "payment_cheaper"}
    assert (plan["payment"]["quantity_t"], plan["payment"]["cost_jpy"]) == (40_000, 172_000_000)
    assert plan["totals"]["cost_with_tax_jpy"]["reference"] == 172_000_000


def test_credits_fill_the_cap_headroom_first_then_allowances_then_the_ceiling(tmp_path: Path) -> None:
    """With the 80,000 t lot cancelled for FY2025 instead, Kanto's J-credits cover 120,000 of the 200,000 t allowances
    leave: 80,000 t to buy and 160,000 − 120,000 = 40,000 t of cap headroom. Energy saving at ¥3,000 (30,000 t on
    offer), then JCM at ¥3,500 (10,000 t) fill the headroom; allowances at ¥3,900 give 25,000 t; the last 15,000 t are
    paid at ¥4,300. Renewable J-credits at ¥4,000 would beat the allowances, but cheaper credits fill the cap."""
    submission = _variant(
        tmp_path,
        "status_date: 2027-12-01\n    cancelled_for_fy: 2026\n",
        "status_date: 2027-12-01\n    cancelled_for_fy: 2025\n",
    )
    products = [
        _allowances(3_900),
        {**priced(ENERGY_SAVING, 3_000), "available_t": 30_000},
        {**priced(RENEWABLE, 4_000), "available_t": 30_000},
        {**priced({"id": "jcm", "kind": "jcm", "title": {"ja": "JCM", "en": "JCM"}}, 3_500), "available_t": 10_000},
    ]
    data = _check(submission, "--market", write_snapshot(tmp_path, products))
    assert (data["coverage"]["offsets_to_buy_t"], data["coverage"]["credits_headroom_t"]) == (80_000, 40_000)
    plan = data["plan"]
    assert lines_of(plan) == {"gx": 25_000, "es": 30_000, "jcm": 10_000}
    assert plan["payment"]["quantity_t"] == 15_000
    assert excluded_of(plan) == {"re": "not_needed"}
    assert plan["needs"][0]["cap_planned_t"] == {"credits": 40_000}
    # 97,500,000 + 90,000,000 + 35,000,000 + 64,500,000; tax 10 % of the 222,500,000 bought, none on the payment
    assert plan["totals"]["cost_jpy"]["reference"] == 287_000_000
    assert plan["totals"]["cost_with_tax_jpy"]["reference"] == 309_250_000
    jcm = next(line for line in plan["lines"] if line["product"] == "jcm")
    assert (jcm["venue"], jcm["deliver_by"]) == ("bilateral", "2028-01-28")
    assert data["position"]["compliance"]["ceiling_payment_jpy"] == 344_000_000  # paying on all 80,000 t


def test_the_terminal_shows_the_ceiling_payment_as_a_plan_line() -> None:
    result = run_cli(
        "check", PHASE2_EXAMPLE, "--market", ROOT / "examples" / "market" / "phase2-fy2027-example.yaml", "--lang", "en"
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "Last order date: 2028-01-21 15:00 · Planned purchases 25,000 t-CO2 · "
        "Ceiling payment at the reference upper price 15,000 t-CO2" in result.output
    )
    assert "  Ceiling payment at the reference upper price  15,000 t-CO2 × 4,300 yen/t" in result.output
    assert "Cost before tax 64,500,000 yen · Cost with tax 64,500,000 yen · Pay by 2028-01-31" in result.output
    assert "Cost before tax 162,000,000 yen (162,000,000–162,000,000)" in result.output
    assert "Bilateral or tender needed" not in result.output
    assert "J-credit energy saving: No cap headroom left" in result.output
