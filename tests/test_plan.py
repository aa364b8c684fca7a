"""The purchase plan, end to end through `gxets check --market`, and the optimiser on its own."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import yaml

from gxets_rules.evaluate.plan.planner import Demand, Offer, least_cost_mix
from tests.conftest import ACME, EXAMPLES, run_cli

ERA = {"id": "era", "kind": "era", "title": {"ja": "超過削減枠", "en": "ERA"}, "available_t": 20000}
ENERGY_SAVING = {"id": "es", "kind": "j_credit", "tse_category": "energy_saving", "title": {"ja": "省エネ", "en": "ES"}}
RENEWABLE = {
    "id": "re",
    "kind": "j_credit",
    "tse_category": "renewable_electricity",
    "title": {"ja": "再エネ", "en": "RE"},
}


def priced(product: dict[str, Any], reference: int, low: int | None = None, high: int | None = None) -> dict[str, Any]:
    low = reference if low is None else low
    high = reference if high is None else high
    return {**product, "reference_price_jpy": reference, "low_jpy": low, "high_jpy": high}


ACCEPTANCE = [priced(ERA, 1800), priced(ENERGY_SAVING, 4700), priced(RENEWABLE, 6000)]


def write_snapshot(folder: Path, products: list[dict[str, Any]], name: str = "market.yaml") -> Path:
    path = folder / name
    data = {
        "format": "gxets.market.v1",
        "as_of": "2026-12-04",
        "example": True,
        "title": {"ja": "試験", "en": "Test"},
        "source": {"title": "hand-made for the test"},
        "products": products,
    }
    plain = json.loads(json.dumps(data))  # no shared objects, so PyYAML writes no aliases (the reader refuses them)
    path.write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def plan_of(submission: Path, market: Path, *extra: Any) -> dict[str, Any]:
    result = run_cli("check", submission, "--market", market, "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["plan"]


def lines_of(plan: dict[str, Any]) -> dict[str, int]:
    return {line["product"]: line["quantity_t"] for line in plan["lines"]}


def excluded_of(plan: dict[str, Any]) -> dict[str, str]:
    return {item["product"]: item["reason"] for item in plan["excluded"]}


def test_acceptance_least_cost_mix_and_cost(tmp_path: Path) -> None:
    """77,500 t: 20,000 t ERA at 1,800 (all on offer), then 57,500 t energy saving at 4,700; renewables not needed."""
    plan = plan_of(ACME, write_snapshot(tmp_path, ACCEPTANCE))
    assert lines_of(plan) == {"era": 20000, "es": 57500}
    totals = plan["totals"]
    assert totals["quantity_t"] == 77500
    assert totals["bilateral_or_tender_t"] == 0
    assert totals["cost_jpy"]["reference"] == 306_250_000  # 20,000 × 1,800 + 57,500 × 4,700
    assert totals["tax_jpy"]["reference"] == 30_625_000
    assert totals["cost_with_tax_jpy"]["reference"] == 336_875_000
    assert excluded_of(plan) == {"re": "not_needed"}
    by_product = {line["product"]: line for line in plan["lines"]}
    assert by_product["era"]["liquidity_basis"] == "available"
    assert by_product["es"]["liquidity_basis"] == "none"
    assert by_product["es"]["by_need"] == {"direct": 57500}
    es_session = by_product["es"]["last_session"]
    assert (es_session["date"], es_session["time"], es_session["settlement_date"], es_session["cancellable_on"]) == (
        "2026-12-18",
        "15:00",
        "2026-12-25",
        "2026-12-28",  # a session on 12-21 settles on 12-28, but the registry is closed 29 Dec – 3 Jan (INT-P1-31)
    )
    assert plan["registry_calendar"]["closed"] == ["12-29..01-03"]
    assert plan["last_order"]["date"] == "2026-12-18"  # the ERA auction comes first
    terms = {term["name"]: term["shown"] for term in plan["terms"]}
    assert terms == {
        "deadline": "2026-12-31",
        "settlement_business_day": "6",
        "cancellation_lead_business_days": "1",
        "liquidity_days": "20",
        "tax_rate": "10%",
        "rounding": "floor",
    }


def test_the_low_high_range_costs_the_same_mix(tmp_path: Path) -> None:
    products = [priced(ERA, 1800, 1738, 1900), priced(ENERGY_SAVING, 4700, 4150, 4800), priced(RENEWABLE, 6000)]
    plan = plan_of(ACME, write_snapshot(tmp_path, products))
    assert lines_of(plan) == {"era": 20000, "es": 57500}
    assert plan["totals"]["cost_jpy"] == {
        "reference": 306_250_000,
        "low": 20000 * 1738 + 57500 * 4150,  # 273,385,000
        "high": 20000 * 1900 + 57500 * 4800,  # 314,000,000
    }
    assert plan["totals"]["cost_with_tax_jpy"]["high"] == 345_400_000


def test_tax_fractions_of_a_yen_are_rounded_down_per_line(tmp_path: Path) -> None:
    products = [{**priced(ENERGY_SAVING, 4701), "available_t": 7}, priced(RENEWABLE, 6003)]
    plan = plan_of(ACME, write_snapshot(tmp_path, products))
    by_product = {line["product"]: line for line in plan["lines"]}
    assert by_product["es"]["cost_jpy"]["reference"] == 32_907  # 7 × 4,701
    assert by_product["es"]["tax_jpy"]["reference"] == 3_290  # 3,290.7 rounded down
    assert by_product["re"]["quantity_t"] == 77_493
    assert by_product["re"]["tax_jpy"]["reference"] == 46_519_047  # 465,190,479 / 10 = 46,519,047.9
    assert plan["totals"]["tax_jpy"]["reference"] == 3_290 + 46_519_047


def test_no_voluntary_product_once_the_voluntary_cap_is_used(tmp_path: Path) -> None:
    """ACME's voluntary lot already fills the 5 % cap (132,500 t), so a cheaper voluntary credit is not bought."""
    cheap = priced({"id": "dac", "kind": "voluntary", "title": {"ja": "DAC", "en": "DAC"}}, 900)
    plan = plan_of(ACME, write_snapshot(tmp_path, [cheap, *ACCEPTANCE]))
    assert lines_of(plan) == {"era": 20000, "es": 57500}
    assert excluded_of(plan)["dac"] == "cap_exhausted"
    assert plan["needs"][0]["cap_headroom_t"] == {"voluntary": 0}


def test_voluntary_purchases_stop_at_the_cap_headroom(tmp_path: Path) -> None:
    """Without its own voluntary lot, ACME may buy voluntary credits up to the whole 132,500 t cap, and no more."""
    data = yaml.safe_load(ACME.read_text(encoding="utf-8"))
    data["lots"] = [lot for lot in data["lots"] if lot["id"] != "L3"]
    submission = tmp_path / "acme-without-l3.yaml"
    submission.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cheap = priced({"id": "dac", "kind": "voluntary", "title": {"ja": "DAC", "en": "DAC"}}, 900)
    plan = plan_of(submission, write_snapshot(tmp_path, [cheap, *ACCEPTANCE]))
    # need 250,000 − usable 40,000 (L1 30,000 held + L2 10,000 cancelled) = 210,000
    assert plan["needs"][0]["offsets_to_buy_t"] == 210_000
    assert lines_of(plan) == {"dac": 132_500, "era": 20_000, "es": 57_500}
    dac = next(line for line in plan["lines"] if line["product"] == "dac")
    assert (dac["venue"], dac["last_session"], dac["deliver_by"]) == ("bilateral", None, "2026-12-25")
    assert plan["needs"][0]["cap_planned_t"] == {"voluntary": 132_500}


def test_beyond_the_liquidity_limit_the_remainder_is_reported(tmp_path: Path) -> None:
    """Checked on 2026-12-07, 10 business days are left through the last session (12-18), fewer than the 20 of the
    liquidity term: energy saving 1,000 t/day → 10,000 t, renewables 500 t/day → 5,000 t."""
    products = [
        priced(ERA, 1800),
        {**priced(ENERGY_SAVING, 4700), "daily_volume_t": 1000},
        {**priced(RENEWABLE, 6000), "daily_volume_t": 500},
    ]
    plan = plan_of(ACME, write_snapshot(tmp_path, products))
    assert lines_of(plan) == {"era": 20000, "es": 10000, "re": 5000}
    assert plan["totals"]["quantity_t"] == 35000
    assert plan["totals"]["bilateral_or_tender_t"] == 42500
    assert plan["needs"][0]["bilateral_or_tender_t"] == 42500
    assert {line["product"]: line["liquidity_days"] for line in plan["lines"]} == {"era": None, "es": 10, "re": 10}
    assert {line["product"]: line["liquidity_limit_t"] for line in plan["lines"]} == {
        "era": 20000,
        "es": 10000,
        "re": 5000,
    }


def test_products_the_rule_set_does_not_let_a_firm_buy_are_left_out_with_a_reason(tmp_path: Path) -> None:
    allowance = priced({"id": "gx", "kind": "allowance", "title": {"ja": "排出枠", "en": "Allowance"}}, 100)
    jver = priced({**ENERGY_SAVING, "id": "jver", "tse_category": "j_ver_unmigrated_forest"}, 100)
    typo = priced({**ENERGY_SAVING, "id": "typo", "tse_category": "energy_savings"}, 100)
    plan = plan_of(ACME, write_snapshot(tmp_path, [allowance, jver, typo, *ACCEPTANCE]))
    assert lines_of(plan) == {"era": 20000, "es": 57500}
    reasons = excluded_of(plan)
    assert (reasons["gx"], reasons["jver"], reasons["typo"]) == ("not_purchasable", "not_eligible", "not_eligible")
    message = next(item["message"] for item in plan["excluded"] if item["product"] == "jver")
    assert "j_ver_unmigrated_forest" in message["en"] and "INT-P1-09" in message["ja"]


def test_a_check_after_the_last_session_plans_nothing_on_the_market(tmp_path: Path) -> None:
    plan = plan_of(ACME, write_snapshot(tmp_path, ACCEPTANCE), "--as-of", "2026-12-23")
    assert lines_of(plan) == {}
    assert set(excluded_of(plan).values()) == {"no_session"}
    assert plan["totals"]["bilateral_or_tender_t"] == 77500
    assert plan["last_order"] is None


def test_a_rule_set_with_allowances_and_a_price_ceiling_needs_no_planner_change(
    phase1_copy: Path, tmp_path: Path
) -> None:
    """Phase-2 style: allowances bought at an exchange, and a ceiling on what a tonne can cost — data only."""
    market = phase1_copy / "market.yaml"
    text = market.read_text(encoding="utf-8")
    text = text.replace(
        "    schedule: tse_j_credit\n",
        '    schedule: tse_j_credit\n    price_ceiling: "4300"\n',
    )
    text += (
        "  - kind: allowance\n"
        "    title: {ja: 排出枠, en: Allowances}\n"
        "    venue: tse\n"
        "    schedule: tse_j_credit\n"
        '    source: {doc: ref-market, clause: "§3.3"}\n'
    )
    market.write_text(text, encoding="utf-8")
    allowance = {
        **priced({"id": "gx", "kind": "allowance", "title": {"ja": "排出枠", "en": "Allowance"}}, 4500),
        "available_t": 7500,
    }
    products = [allowance, priced(ENERGY_SAVING, 4700, 4150, 4800), priced(RENEWABLE, 6000)]
    plan = plan_of(ACME, write_snapshot(tmp_path, products), "--ruleset", phase1_copy)
    # J-credits are capped at 4,300 yen, so both categories cost 4,300; energy saving comes first in the snapshot.
    assert lines_of(plan) == {"es": 77500}
    es = plan["lines"][0]
    assert es["price_jpy_per_t"] == {"reference": 4300, "low": 4150, "high": 4300}
    assert es["price_capped"] is True
    assert excluded_of(plan) == {"gx": "not_needed", "re": "not_needed"}


def test_least_cost_mix_serves_the_capped_need_from_the_capped_product() -> None:
    """A greedy fill in need order would give the scarce J-credit to need A and leave B short."""
    offers = [Offer("j_credit", 1000, None, 100), Offer("voluntary", 2000, "voluntary", None)]
    demands = [Demand("a", 100, {"voluntary": 100}), Demand("b", 100, {"voluntary": 0})]
    assert least_cost_mix(offers, demands) == {"j_credit": {"b": 100}, "voluntary": {"a": 100}}


def test_least_cost_mix_breaks_ties_by_product_then_need_order() -> None:
    offers = [Offer("first", 1000, None, 60), Offer("second", 1000, None, None)]
    assert least_cost_mix(offers, [Demand("a", 50, {}), Demand("b", 50, {})]) == {
        "first": {"a": 50, "b": 10},
        "second": {"b": 40},
    }
    assert least_cost_mix(offers, [Demand("a", 0, {})]) == {}
    assert least_cost_mix([], [Demand("a", 10, {})]) == {}


def test_examples_print_a_plan_and_a_last_order_date() -> None:
    result = run_cli("check", ACME, "--market", EXAMPLES / "market" / "tse-2025-levels.yaml", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert (
        "Last order date: 2026-12-18 15:00 · Planned purchases 20,930 t-CO2 · Bilateral or tender needed 56,570 t-CO2"
        in result.output
    )
    assert "Purchase plan (Market snapshot: TSE carbon-credit market, 2025 price levels (example)" in result.output
    assert "Example figures, not live prices" in result.output
    assert "Cost before tax 115,460,000 yen (111,676,000–123,722,000)" in result.output
    japanese = run_cli("check", ACME, "--market", EXAMPLES / "market" / "tse-2023-10-11_2024-03-29.yaml")
    assert "最終発注日: 2026-12-18 15:00" in japanese.output
    assert "相対取引又は入札で調達が必要な量: 58,790 t-CO2" in japanese.output


def test_without_a_market_there_is_no_plan() -> None:
    result = run_cli("check", ACME, "--format", "json")
    assert json.loads(result.output)["plan"] is None
    assert "Last order date" not in run_cli("check", ACME, "--lang", "en").output


def _brute_force(offers: list[Offer], demands: list[Demand]) -> tuple[int, int]:
    """(tonnes covered, cost) of the best plan, by trying every allocation of up to 3 t per product and need."""
    best = (0, 0)
    pairs = [(o, d) for o in range(len(offers)) for d in range(len(demands))]
    for amounts in itertools.product(range(4), repeat=len(pairs)):
        take = dict(zip(pairs, amounts, strict=True))
        if any(
            offers[o].limit_t is not None and sum(take[o, d] for d in range(len(demands))) > offers[o].limit_t
            for o in range(len(offers))
        ):
            continue
        if any(sum(take[o, d] for o in range(len(offers))) > demand.quantity_t for d, demand in enumerate(demands)):
            continue
        if any(
            sum(take[o, d] for o in range(len(offers)) if offers[o].cap_class == cls) > room
            for d, demand in enumerate(demands)
            for cls, room in demand.headroom_t.items()
        ):
            continue
        covered = sum(amounts)
        cost = sum(offers[o].price * t for (o, _), t in take.items())
        if covered > best[0] or (covered == best[0] and cost < best[1]):
            best = (covered, cost)
    return best


def test_least_cost_mix_matches_brute_force_on_small_random_cases() -> None:
    rng = random.Random(6)
    for _ in range(40):
        offers = [
            Offer(
                f"p{i}",
                rng.choice([100, 101, 150, 200]),
                rng.choice([None, "voluntary"]),
                rng.choice([None, 0, 1, 2, 3]),
            )
            for i in range(3)
        ]
        demands = [Demand(n, rng.randint(0, 3), {"voluntary": rng.randint(0, 3)}) for n in ("a", "b")]
        mix = least_cost_mix(offers, demands)
        covered = sum(t for by_need in mix.values() for t in by_need.values())
        prices = {o.key: o.price for o in offers}
        cost = sum(prices[key] * t for key, by_need in mix.items() for t in by_need.values())
        assert (covered, cost) == _brute_force(offers, demands), (offers, demands, mix)


def test_an_instrument_test_may_read_the_position(phase1_copy: Path, tmp_path: Path) -> None:
    """`when` sees the position's quantities (computed on first read), not only the product."""
    market = phase1_copy / "market.yaml"
    text = market.read_text(encoding="utf-8")
    old = "    when: \"listed('tse_categories', product.tse_category) and"
    assert old in text
    market.write_text(
        text.replace(old, "    when: \"era_special_total == 0 and listed('tse_categories', product.tse_category) and"),
        encoding="utf-8",
    )
    plan = plan_of(ACME, write_snapshot(tmp_path, ACCEPTANCE), "--ruleset", phase1_copy)
    assert lines_of(plan) == {"era": 20000, "es": 57500}


def with_payment_in_lieu(ruleset: Path, price: int) -> Path:
    """A copy of a rule set whose market.yaml also accepts a payment of `price` yen a tonne instead of a product."""
    market = ruleset / "market.yaml"
    market.write_text(
        market.read_text(encoding="utf-8") + "payment_in_lieu:\n"
        "  title: {ja: 代わりの支払, en: Payment instead}\n"
        f'  price: "{price}"\n'
        "  due: window_end\n"
        '  tax_rate: "0"\n'
        '  source: {doc: ref-market, clause: "§6"}\n',
        encoding="utf-8",
    )
    return ruleset


def test_a_payment_in_lieu_settles_what_no_cheaper_product_supplies(phase1_copy: Path, tmp_path: Path) -> None:
    """77,500 t with a 5,000-yen payment in lieu: ERA 20,000 × 1,800 and energy saving 10,000 × 4,700 (1,000 t/day for
    the 10 business days left) are bought; renewables at 6,000 cost more than the payment, so 47,500 t are paid —
    nothing is left."""
    products = [
        priced(ERA, 1800),
        {**priced(ENERGY_SAVING, 4700), "daily_volume_t": 1000},
        {**priced(RENEWABLE, 6000), "daily_volume_t": 500},
    ]
    ruleset = with_payment_in_lieu(phase1_copy, 5000)
    plan = plan_of(ACME, write_snapshot(tmp_path, products), "--ruleset", ruleset)
    assert lines_of(plan) == {"era": 20000, "es": 10000}
    assert excluded_of(plan) == {"re": "payment_cheaper"}
    payment = plan["payment"]
    assert (payment["quantity_t"], payment["by_need"], payment["unit_price_jpy_per_t"]) == (
        47500,
        {"direct": 47500},
        5000,
    )
    assert (payment["cost_jpy"], payment["tax_jpy"], payment["cost_with_tax_jpy"]) == (237_500_000, 0, 237_500_000)
    assert payment["due"] == "2026-12-31"
    assert (
        plan["needs"][0]["planned_t"],
        plan["needs"][0]["payment_t"],
        plan["needs"][0]["bilateral_or_tender_t"],
    ) == (
        30000,
        47500,
        0,
    )
    totals = plan["totals"]
    assert (totals["quantity_t"], totals["payment_t"], totals["bilateral_or_tender_t"]) == (30000, 47500, 0)
    assert totals["cost_jpy"]["reference"] == 320_500_000  # 36,000,000 + 47,000,000 + 237,500,000
    assert totals["tax_jpy"]["reference"] == 8_300_000  # 10 % of the two purchases; the payment bears none here
    assert totals["cost_with_tax_jpy"]["reference"] == 328_800_000


def test_at_the_same_price_the_payment_in_lieu_is_chosen(phase1_copy: Path, tmp_path: Path) -> None:
    """Energy saving at 4,700 costs no less than a 4,700 payment: the plan pays rather than trades."""
    plan = plan_of(ACME, write_snapshot(tmp_path, ACCEPTANCE), "--ruleset", with_payment_in_lieu(phase1_copy, 4700))
    assert lines_of(plan) == {"era": 20000}
    assert plan["payment"]["quantity_t"] == 57500
    assert excluded_of(plan) == {"es": "payment_cheaper", "re": "payment_cheaper"}


def test_without_a_payment_in_lieu_the_plan_has_none() -> None:
    plan = plan_of(ACME, EXAMPLES / "market" / "tse-2025-levels.yaml")
    assert plan["payment"] is None
    assert (plan["totals"]["payment_t"], plan["needs"][0]["payment_t"]) == (0, 0)
