"""The Phase-2 rule set through the CLI, the choices its records leave open, and the engine staying scheme-blind.

The numbers themselves are pinned by the YAML cases in rules/gxets-phase2/tests/; these tests cover what those cases
cannot: the command line, input errors that are not checks, alternative readings of an interpretation record (a
rule-set copy with one parameter changed), and the promise that no engine code knows which scheme it runs.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from gxets_rules.io.result_reader import read_result
from gxets_rules.model.result import Result
from tests.conftest import ACME, EXAMPLES, PHASE2_EXAMPLE, ROOT, run_cli
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


# The formats that enumerate statuses, kinds and groups: where those codes are defined (their JSON Schemas are where the
# scan below reads them), so they may spell them.
CODE_DEFINITIONS = {"gxets_rules/model/submission.py", "gxets_rules/model/market.py"}
# A code spelled as a name, not branched on: the review format's section of allowance balances is called `era`; and
# the ISO code of Japan, which heads the template's country list (it is also a J-credit scheme code by coincidence).
ALLOWED_CODES = {("gxets_rules/render/review_view.py", "era"), ("gxets_rules/io/countries.py", "JP")}
FORMAT_ENUMS = {  # schema → (definition, property) whose values are rule-set codes
    "submission": [("CreditLot", "kind"), ("CreditLot", "status"), ("CreditLot", "j_credit_origin"), ("Firm", "group")],
    "market": [("MarketProduct", "kind")],
}


def _enum_values(node: object) -> list[str]:
    if isinstance(node, dict):
        return [*node.get("enum", []), *(v for item in node.get("anyOf", []) for v in _enum_values(item))]
    return []


def rule_set_codes() -> dict[str, str]:
    """Every code a rule set speaks in (code → where it is listed): lot statuses, kinds, origins and groups of the
    formats; the kinds, statuses, cap classes and needs each bundled rule set names; the keys of its code lists."""
    codes: dict[str, str] = {}
    for schema, fields in FORMAT_ENUMS.items():
        defs = json.loads((ROOT / "schemas" / f"{schema}.schema.json").read_text(encoding="utf-8"))["$defs"]
        for definition, prop in fields:
            for value in _enum_values(defs[definition]["properties"][prop]):
                codes.setdefault(value, f"{schema}.schema.json {definition}.{prop}")
    for folder in sorted((ROOT / "rules").iterdir()):
        manifest = yaml.safe_load((folder / "ruleset.yaml").read_text(encoding="utf-8"))
        claims = manifest.get("claims", {})
        created = claims.get("created") or {}
        named = [*manifest["kinds"], *claims.get("unclaimed_statuses", []), *claims.get("categorised_kinds", [])]
        coverage = yaml.safe_load((folder / "position.yaml").read_text(encoding="utf-8"))["coverage"]
        named += [created["kind"]] if created else []
        named += coverage["counted_statuses"] + coverage["held_statuses"] + coverage["kind_order"]
        named += [*coverage["classes"], *(k for kinds in coverage["classes"].values() for k in kinds)]
        named += [need["id"] for need in coverage["needs"]]
        for code in named:
            codes.setdefault(code, f"{folder.name}/ruleset.yaml or position.yaml")
        for path in sorted(folder.glob("codelists/*.yaml")):
            codelist = yaml.safe_load(path.read_text(encoding="utf-8"))
            keys = [k for k in codelist["key"] if k != "country"]  # ISO country codes are no scheme's words
            found = [e[k] for e in codelist["entries"] for k in keys] + [
                k for t in codelist.get("tables", {}).values() for k in t
            ]
            for code in found:
                codes.setdefault(str(code), f"{folder.name}/codelists/{path.name}")
    return codes


def codes_in(text: str, codes: dict[str, str]) -> list[tuple[int, str]]:
    """(line, code) of every string literal that is a rule-set code, except a key that names a field of a format
    (``summary["era"]``, ``{"era": …}``): a name is not a branch on a code."""
    tree = ast.parse(text)
    names = {id(node.slice) for node in ast.walk(tree) if isinstance(node, ast.Subscript)}
    names |= {id(key) for node in ast.walk(tree) if isinstance(node, ast.Dict) for key in node.keys if key is not None}
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in codes
        and id(node) not in names
    )


def test_the_code_scan_finds_a_status_a_kind_and_a_group() -> None:
    codes = rule_set_codes()
    assert {"held", "sold", "era", "j_credit", "G", "voluntary", "energy_saving", "daccs", "verra_vcs"} <= codes.keys()
    planted = 'if lot.status == "held":\n    x = 1\nNOT_A_CLAIM = "sold"\ngroup: Literal["G", "X"]\nkinds = ("era",)\n'
    assert codes_in(planted, codes) == [(1, "held"), (3, "sold"), (4, "G"), (4, "X"), (5, "era")]
    assert codes_in('summary["era"]\nSHEETS = {"era": "Allowances"}\nlabel = "held_t"\n', codes) == []


def test_no_engine_code_spells_a_rule_set_code() -> None:
    """Statuses that hold, what claims nothing, which kind participants create, which figures are caps: all of it is
    said by the rule set (ruleset.yaml claims, position.yaml coverage), so that a rule set can say it differently."""
    codes = rule_set_codes()
    found = {
        (path.relative_to(ROOT).as_posix(), code, line)
        for path in sorted((ROOT / "gxets_rules").rglob("*.py"))
        if path.relative_to(ROOT).as_posix() not in CODE_DEFINITIONS
        for line, code in codes_in(path.read_text(encoding="utf-8"), codes)
    }
    unexpected = sorted(
        (file, line, code, codes[code]) for file, code, line in found if (file, code) not in ALLOWED_CODES
    )
    assert unexpected == [], "engine code must not spell a rule set's codes (file, line, code, listed in)"
    assert {(file, code) for file, code, _ in found} == ALLOWED_CODES, "an allowance no longer needed: drop it"


def test_which_lots_are_still_held_is_the_rule_sets_to_say(phase1_copy: Path) -> None:
    """Small Maker's J-credit is cancelled for GX-ETS: already used, so the target is achieved with cancelled credits.
    A copy that counts that status as held plans the same tonnes instead, and words the status accordingly."""
    small_maker = EXAMPLES / "small-maker-x" / "submission.yaml"
    result = _check(small_maker)
    assert (result.coverage.cancelled_t, result.coverage.planned_t) == (6_050, 0)
    assert value(result, "position.status") == "achieved_with_cancelled_credits"
    path = phase1_copy / "position.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("held_statuses: [held]", "held_statuses: [cancelled_gxets, held]"), encoding="utf-8")
    result = _check(small_maker, "--ruleset", phase1_copy)
    assert (result.coverage.cancelled_t, result.coverage.planned_t) == (0, 6_050)
    assert value(result, "position.status") == "covered_if_held_lots_cancelled"


def _check(*args: object) -> Result:
    result = run_cli("check", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return read_result(result.output, "check")


def value(result: Result, path: str) -> object:
    """The value of an output of the position (``position.compliance.shortfall_t``)."""
    figure = result.figure(path)
    assert figure is not None and figure.kind != "not_defined", path
    return figure.value  # type: ignore[union-attr]


def test_acceptance_example_through_the_cli() -> None:
    data = _check(PHASE2_EXAMPLE, "--ruleset", "gxets-phase2")
    assert value(data, "position.emissions.actual_direct_t") == 1_600_000
    assert value(data, "position.emissions.credits_deducted_t") == 160_000
    assert value(data, "position.emissions.obligation_t") == 1_440_000
    assert value(data, "position.allowances.held_t") == 1_400_000
    assert value(data, "position.compliance.shortfall_t") == 40_000
    assert value(data, "position.compliance.ceiling_payment_jpy") == 172_000_000
    assert value(data, "position.compliance.noncompliance_charge_jpy") == 189_200_000
    assert value(data, "position.deadlines.surrender_by") == date(2028, 1, 31)
    era = next(lot for lot in data.lots if lot.kind == "era")
    failed = {c.id: c.source for c in data.criteria_of(era) if c.outcome == "fail"}
    assert (failed["P2-ERA-NOT-SURRENDERABLE"] or "").startswith("S37 ")
    assert (data.period.first_fy, data.period.last_fy) == (2026, 2026)
    assert data.firm.group is None


def test_what_the_purchase_planner_reads() -> None:
    """Caps and prices are plain outputs: the planner needs no knowledge of the scheme to read them."""
    data = _check(PHASE2_EXAMPLE)
    assert data.coverage.offsets_to_buy_t == 40_000
    assert (data.coverage.classes["credits"].cap_t, data.coverage.classes["credits"].headroom_t) == (160_000, 0)
    price = data.figure("position.prices.upper_price_jpy_per_t")
    assert price is not None and (price.kind, price.unit, price.value) == ("whole", "jpy_per_t", 4_300)


def test_terminal_summary_in_english() -> None:
    result = run_cli("check", PHASE2_EXAMPLE, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "gxets-phase2 1.2.0" in result.output and "· FY2026 ·" in result.output
    assert "Allowances still to surrender, or pay for at the ceiling price: 40,000 t-CO2" in result.output
    assert "Still to procure" not in result.output
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
    result = run_cli("check", path, "--out", tmp_path / "out", "--lang", "en")
    assert result.exit_code == 2, result.output
    assert f"submission.yaml{where}" in result.stderr
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_phase1_submission_is_refused_by_phase2_and_the_other_way_round(tmp_path: Path) -> None:
    result = run_cli("check", ACME, "--ruleset", "gxets-phase2", "--lang", "en")
    assert result.exit_code == 2
    assert "fiscal_year: required field is missing" in result.stderr
    assert "kind 'voluntary'" not in result.stderr  # voluntary lots are a kind Phase 2 accepts (and rules out)
    result = run_cli("check", PHASE2_EXAMPLE, "--ruleset", "gxets-phase1", "--lang", "en")
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
    assert value(data, "position.coverage_test.covered") is False
    assert value(data, "position.status") == "not_covered"
    assert "INT-P2-01" in {i.id for i in data.relied_on()}
    assert value(_check(path), "position.coverage_test.covered") is True  # the shipped '>=' reading


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
    compounding = _check(path, "--ruleset", ruleset)
    linear = _check(path, "--ruleset", "gxets-phase2")
    assert value(compounding, "position.allocation.grandfathering_t") == 183_568
    assert value(linear, "position.allocation.grandfathering_t") == 183_000
    assert value(linear, "position.allowances.allocated_t") == 183_000  # the estimate stands in (INT-P2-22)
    assert value(linear, "position.compliance.shortfall_t") == 7_000


def test_phase1_warns_that_annual_compliance_fields_are_ignored(tmp_path: Path) -> None:
    path = _variant(tmp_path, "lots:\n", "allowances: {allocated_t: 1}\nlots:\n", source=ACME)
    data = _check(path)
    assert [issue.check for issue in data.issues] == ["CHK-SUB-ANNUAL-FIELDS-UNUSED"]


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
    (issue,) = data.issues
    assert issue.message.en.startswith("member(s) kanto-logistics are not themselves covered")
    assert value(data, "position.coverage_test.group_members_left_out") == 1


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
    """With the 80,000 t lot cancelled for the Phase-1 target instead, Kanto's J-credits cover 120,000 of the
    200,000 t allowances leave: 80,000 t to buy and 160,000 − 120,000 = 40,000 t of cap headroom. Energy saving at
    ¥3,000 (30,000 t on offer), then JCM at ¥3,500 (10,000 t) fill the headroom; allowances at ¥3,900 give 25,000 t;
    the last 15,000 t are paid at ¥4,300. Renewable J-credits at ¥4,000 would beat the allowances, but cheaper
    credits fill the cap."""
    submission = _variant(
        tmp_path,
        "status_date: 2027-12-01\n    cancellation_purpose: phase2_fy2026\n",
        "status_date: 2027-12-01\n    cancellation_purpose: phase1_target\n",
    )
    products = [
        _allowances(3_900),
        {**priced(ENERGY_SAVING, 3_000), "available_t": 30_000},
        {**priced(RENEWABLE, 4_000), "available_t": 30_000},
        {**priced({"id": "jcm", "kind": "jcm", "title": {"ja": "JCM", "en": "JCM"}}, 3_500), "available_t": 10_000},
    ]
    data = _check(submission, "--market", write_snapshot(tmp_path, products))
    assert (data.coverage.offsets_to_buy_t, data.coverage.classes["credits"].headroom_t) == (80_000, 40_000)
    assert data.plan is not None
    plan = data.plan.model_dump(mode="json")
    assert lines_of(plan) == {"gx": 25_000, "es": 30_000, "jcm": 10_000}
    assert plan["payment"]["quantity_t"] == 15_000
    assert excluded_of(plan) == {"re": "not_needed"}
    assert plan["needs"][0]["cap_planned_t"] == {"credits": 40_000}
    # 97,500,000 + 90,000,000 + 35,000,000 + 64,500,000; tax 10 % of the 222,500,000 bought, none on the payment
    assert plan["totals"]["cost_jpy"]["reference"] == 287_000_000
    assert plan["totals"]["cost_with_tax_jpy"]["reference"] == 309_250_000
    jcm = next(line for line in plan["lines"] if line["product"] == "jcm")
    assert (jcm["venue"], jcm["deliver_by"]) == ("bilateral", "2028-01-28")
    assert value(data, "position.compliance.ceiling_payment_jpy") == 344_000_000  # paying on all 80,000 t


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
