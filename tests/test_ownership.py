"""Participants etc. (※1) and involvement (※2–※4) on small hand-checked graphs, with exact shares."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from gxets_rules.evaluate.context import Evidence
from gxets_rules.evaluate.ownership.graph import OwnershipGraph, Thresholds, involvement
from gxets_rules.io.ownership_reader import load_ownership
from gxets_rules.model.ownership import Ownership
from gxets_rules.model.problems import InputError
from gxets_rules.model.result import EvidenceItem
from gxets_rules.render.catalogue import Text
from gxets_rules.render.evidence import evidence_text, status_text
from gxets_rules.ruleset.values import Range, jsonable

RULES = Thresholds(control=Fraction(1, 2), joint=Fraction(51, 100), joint_ventures_count=False)
DAY = date(2026, 12, 7)


def graph(
    holdings: list[tuple[str, str, Any]], representatives: tuple[str, ...] = ("a", "b"), **extra: Any
) -> OwnershipGraph:
    names = {name for owner, owned, _ in holdings for name in (owner, owned)} | set(representatives)
    return OwnershipGraph(
        Ownership.model_validate(
            {
                "format": "gxets.ownership.v1",
                "entities": [
                    {"id": n, "name": n, "country": "US", "kind": "project" if n.startswith("p") else "company"}
                    for n in sorted(names)
                ],
                "participants": [{"entity": r, "from": "2023-04-01"} for r in representatives],
                "holdings": [
                    {"owner": o, "owned": d, "share": s if isinstance(s, dict) else Decimal(s), "from": "2020-01-01"}
                    for o, d, s in holdings
                ],
                **extra,
            }
        )
    )


def status(g: OwnershipGraph, entity: str) -> bool | None:
    return g.status_on(DAY, RULES).of(entity)


@pytest.mark.parametrize(
    ("a_share", "b_share", "expected"),
    [("0.30", "0.21", True), ("0.30", "0.20", False), ("0.30", "0.205", False)],
)
def test_joint_holding_is_at_least_51_percent_exactly(a_share: str, b_share: str, expected: bool) -> None:
    """30 % + 21 % = 51 % qualifies; 30 % + 20 % does not; 50.5 % held by two groups is neither control nor joint."""
    g = graph([("a", "jv", a_share), ("b", "jv", b_share)])
    assert status(g, "jv") is expected


def test_subsidiaries_of_subsidiaries_and_joint_ventures_of_joint_ventures() -> None:
    """a →60%→ s1 →55%→ s2 (subsidiaries); jv1 = a 30% + b 21%; jv2 = s2 26% + jv1 25%.

    Only holders under items 1–3 of ※1 count toward a joint holding (INT-P1-13), so jv2 has 26 % and does not
    qualify; a rule set that lets joint ventures count runs the joint rule to a fixpoint and jv2 qualifies via jv1.
    """
    holdings = [
        ("a", "s1", "0.60"),
        ("s1", "s2", "0.55"),
        ("a", "jv1", "0.30"),
        ("b", "jv1", "0.21"),
        ("s2", "jv2", "0.26"),
        ("jv1", "jv2", "0.25"),
    ]
    g = graph(holdings)
    status_now = g.status_on(DAY, RULES)
    found = status_now.certain
    assert (found["s1"].basis, found["s2"].basis, found["jv1"].basis) == ("subsidiary", "subsidiary", "joint")
    assert "jv2" not in found and status(g, "jv2") is False
    described = jsonable(status_now.describe(g, "jv1"))
    assert described == {
        "entity": "jv1",
        "basis": "joint",
        "holders": [["a", "3/10"], ["b", "21/100"]],
        "total": "51/100",
        "excluded": [],
    }
    assert status_text(described, Text("en")) == "jv1: held jointly by participants etc. (a 30% + b 21% = 51%)"
    assert status_text(described, Text("ja")) == "jv1: GXリーグ参画企業等が共同で保有（a 30% + b 21% = 51%）"

    chained = Thresholds(RULES.control, RULES.joint, joint_ventures_count=True)
    status_chained = graph(holdings).status_on(DAY, chained)
    assert status_chained.certain["jv2"].basis == "joint"
    assert status_text(jsonable(status_chained.describe(g, "jv2")), Text("en")) == (
        "jv2: held jointly by participants etc. (jv1 25% + s2 26% = 51%)"
    )
    without_b = graph(
        [("a", "s1", "0.60"), ("s1", "s2", "0.55"), ("a", "jv1", "0.30"), ("s2", "jv2", "0.26"), ("jv1", "jv2", "0.25")]
    )
    assert without_b.status_on(DAY, chained).of("jv2") is False


def test_a_joint_venture_s_own_subsidiary_is_not_a_participant_etc() -> None:
    """jv = a 30% + b 21% qualifies jointly; jv holds 60 % of x, but x is neither a subsidiary of items 1–2 nor
    jointly held by entities under items 1–3 (INT-P1-13)."""
    g = graph([("a", "jv", "0.30"), ("b", "jv", "0.21"), ("jv", "x", "0.60")])
    assert status(g, "jv") is True
    assert status(g, "x") is False


def test_a_share_range_straddling_51_percent_is_unknown() -> None:
    g = graph([("a", "jv", {"min": Decimal("0.20"), "max": Decimal("0.35")}), ("b", "jv", "0.21")])
    assert status(g, "jv") is None


def test_cross_holding_cycle_terminates_with_exact_effective_shares() -> None:
    """a holds 40 % of c1; c1 holds 50 % of c2; c2 holds 10 % of c1 and 60 % of the project.

    x_c1 = 0.4 + 0.1·x_c2 and x_c2 = 0.5·x_c1 give x_c1 = 8/19 and x_c2 = 4/19, so participants hold
    0.6 · 4/19 = 12/95 of the project through the cycle (every path, cycles included).
    """
    g = graph(
        [("a", "c1", "0.40"), ("c1", "c2", "0.50"), ("c2", "c1", "0.10"), ("c2", "p1", "0.60")],
        projects=[{"entity": "p1", "first_issuance_completed_on": "2024-03-01"}],
    )
    assert status(g, "c1") is False and status(g, "c2") is False
    found = involvement(g, "p1", date(2024, 2, 29), DAY, RULES)
    assert found.direct_counted == Range(Fraction(0), Fraction(0))
    assert found.look_through_counted == Range(Fraction(12, 95), Fraction(12, 95))


def test_look_through_only_reaches_20_percent() -> None:
    g = graph(
        [("a", "v", "0.30"), ("b", "v", "0.20"), ("o", "v", "0.50"), ("v", "p1", "0.40")],
        projects=[{"entity": "p1", "first_issuance_completed_on": "2024-03-01"}],
    )
    found = involvement(g, "p1", date(2024, 2, 29), DAY, RULES)
    assert status(g, "v") is False
    assert found.direct_counted == Range(Fraction(0), Fraction(0))
    assert found.look_through_counted == Range(Fraction(1, 5), Fraction(1, 5))
    assert found.look_through_lines[0] == Evidence(
        "ownership.path",
        {"chain": ["a", "v", "p1"], "shares": [Fraction(3, 10), Fraction(2, 5)], "effective": Fraction(3, 25)},
    )
    assert worded(found.look_through_lines, "en") == [
        "look-through: a →30%→ v →40%→ p1 = 12%",
        "look-through: b →20%→ v →40%→ p1 = 8%",
    ]
    assert worded(found.look_through_lines, "ja") == [
        "按分による間接出資: a →30%→ v →40%→ p1 = 12%",
        "按分による間接出資: b →20%→ v →40%→ p1 = 8%",
    ]


def worded(witnesses: list[Evidence], lang: str) -> list[str]:
    """Witnesses as a report words them (they travel in the result as data)."""
    items = [EvidenceItem(kind=w.kind, data=jsonable(w.data)) for w in witnesses]
    return [evidence_text(item, Text(lang)) for item in items]


def one_project(holder: str, joined: str, holdings: list[tuple[str, str]]) -> OwnershipGraph:
    """A representative ``holder`` (on the roster from ``joined``) with dated stakes (share, from) in project p1."""
    return OwnershipGraph(
        Ownership.model_validate(
            {
                "format": "gxets.ownership.v1",
                "entities": [
                    {"id": holder, "name": holder, "country": "JP", "kind": "company"},
                    {"id": "p1", "name": "P", "country": "US", "kind": "project"},
                ],
                "participants": [{"entity": holder, "from": joined}],
                "holdings": [
                    {"owner": holder, "owned": "p1", "share": Decimal(share), "from": start}
                    for share, start in holdings
                ],
                "projects": [{"entity": "p1", "first_issuance_completed_on": "2024-03-01"}],
            }
        )
    )


def test_a_stake_increased_after_the_initial_phase_counts_only_its_initial_part() -> None:
    g = one_project("a", "2023-04-01", [("0.10", "2021-01-01"), ("0.15", "2025-01-01")])
    found = involvement(g, "p1", date(2024, 2, 29), DAY, RULES)
    assert found.direct_now == Range(Fraction(1, 4), Fraction(1, 4))
    assert found.direct_counted == Range(Fraction(1, 10), Fraction(1, 10))


def test_a_participant_that_joined_the_league_after_the_initial_phase_does_not_count() -> None:
    g = one_project("late", "2025-04-01", [("0.40", "2021-01-01")])
    found = involvement(g, "p1", date(2024, 2, 29), DAY, RULES)
    assert found.direct_now == Range(Fraction(2, 5), Fraction(2, 5))
    assert found.direct_counted == Range(Fraction(0), Fraction(0))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ownership.yaml"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = """format: gxets.ownership.v1
entities:
  - {id: a, name: A, country: JP, kind: company}
  - {id: b, name: B, country: JP, kind: company}
  - {id: x, name: X, country: US, kind: company}
"""


def test_shares_over_100_percent_on_a_day_are_a_located_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + "holdings:\n"
        + "  - {owner: a, owned: x, share: 0.60, from: 2020-01-01}\n"
        + "  - {owner: b, owned: x, share: 0.50, from: 2021-06-01}\n",
    )
    with pytest.raises(InputError) as raised:
        load_ownership(path)
    [problem] = raised.value.problems
    assert (problem.location.line, problem.location.column) == (8, 5)  # the holding that pushes it over
    assert "shares of x add up to 110% on 2021-06-01 (a 60% + b 50%)" in problem.message


def test_consecutive_holdings_that_never_overlap_are_fine(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + "holdings:\n"
        + "  - {owner: a, owned: x, share: 0.60, from: 2020-01-01, to: 2021-05-31}\n"
        + "  - {owner: b, owned: x, share: 0.60, from: 2021-06-01}\n",
    )
    graph = load_ownership(path).graph
    assert (graph.held_on("a", "x", date(2021, 5, 31)), graph.held_on("b", "x", date(2021, 6, 1))) == (
        (Fraction(3, 5), Fraction(3, 5)),
        (Fraction(3, 5), Fraction(3, 5)),
    )


def test_unknown_references_are_located(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "holdings:\n  - {owner: a, owned: nobody, share: 0.6, from: 2020-01-01}\n")
    with pytest.raises(InputError) as raised:
        load_ownership(path)
    assert [(p.path, p.message) for p in raised.value.problems] == [
        ("holdings[0].owned", "no entity 'nobody' is declared")
    ]
    assert raised.value.problems[0].location.line == 7


def test_a_ring_whose_closing_holdings_never_overlap_is_not_closed(tmp_path: Path) -> None:
    # a held all of b in 2020 only, b held all of a from 2021: on no single day do they hold all of each other
    path = _write(
        tmp_path,
        HEADER
        + "holdings:\n"
        + "  - {owner: a, owned: b, share: 1, from: 2020-01-01, to: 2020-12-31}\n"
        + "  - {owner: b, owned: a, share: 1, from: 2021-01-01}\n",
    )
    assert load_ownership(path).graph.held_on("b", "a", date(2021, 1, 1)) == (Fraction(1), Fraction(1))


def test_a_ring_closes_on_the_day_its_last_holding_starts_after_another_ended(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + "holdings:\n"
        + "  - {owner: a, owned: b, share: 1, from: 2020-01-01}\n"
        + "  - {owner: x, owned: a, share: 0.5, from: 2020-01-01, to: 2022-03-31}\n"
        + "  - {owner: b, owned: a, share: 0.5, from: 2020-01-01}\n"
        + "  - {owner: b, owned: a, share: 0.5, from: 2022-04-01}\n",
    )
    with pytest.raises(InputError) as raised:
        load_ownership(path)
    [problem] = raised.value.problems
    assert problem.location.line == 10  # the holding that closed the ring on 2022-04-01
    assert "2022-04-01" in problem.message


@pytest.mark.parametrize("joint_ventures_count", [False, True])
def test_status_carried_forward_from_date_to_date_is_the_status_worked_out_afresh(joint_ventures_count: bool) -> None:
    """The status chain (ownership/closure.py) continues each date's fixpoints to the next when nothing ended in
    between, widens the certain one into the possible one, and starts afresh otherwise: the members and their reasons
    on every date must be those of a graph asked about that date alone. Holdings start on different days (one of
    them ranged, one sold), a representative joins the roster late and a boundary declaration ends."""
    dated = {
        "format": "gxets.ownership.v1",
        "entities": [
            {"id": n, "name": n, "country": "US", "kind": "company"}
            for n in ("a", "b", "s1", "s2", "jv1", "jv2", "x", "y")
        ],
        "participants": [{"entity": "a", "from": "2023-04-01"}, {"entity": "b", "from": "2024-01-01"}],
        "boundaries": [{"entity": "y", "representative": "a", "from": "2023-04-01", "to": "2024-06-30"}],
        "holdings": [
            {"owner": "a", "owned": "s1", "share": Decimal("0.60"), "from": "2020-01-01"},
            {"owner": "s1", "owned": "s2", "share": Decimal("0.55"), "from": "2023-10-01"},
            {"owner": "a", "owned": "jv1", "share": Decimal("0.30"), "from": "2020-01-01"},
            {
                "owner": "b",
                "owned": "jv1",
                "share": {"min": Decimal("0.15"), "max": Decimal("0.25")},
                "from": "2020-01-01",
            },
            {"owner": "s2", "owned": "jv2", "share": Decimal("0.26"), "from": "2023-10-01"},
            {"owner": "jv1", "owned": "jv2", "share": Decimal("0.25"), "from": "2024-02-01"},
            {"owner": "y", "owned": "x", "share": Decimal("0.60"), "from": "2020-01-01"},
            {"owner": "a", "owned": "x", "share": Decimal("0.40"), "from": "2020-01-01", "to": "2024-03-31"},
        ],
    }
    rules = Thresholds(RULES.control, RULES.joint, joint_ventures_count)
    days = [date(2023, 3, 31), date(2023, 4, 1), date(2023, 10, 1), date(2024, 1, 1), date(2024, 2, 1)]
    days += [date(2024, 4, 1), date(2024, 6, 30), date(2024, 7, 1), date(2026, 12, 7)]
    carried = OwnershipGraph(Ownership.model_validate(dated))
    carried.prepare(days, rules)
    for day in days:
        alone = OwnershipGraph(Ownership.model_validate(dated)).status_on(day, rules)
        assert carried.status_on(day, rules).certain == alone.certain, day
        assert carried.status_on(day, rules).possible == alone.possible, day
    assert carried.status_on(date(2024, 2, 1), rules).of("jv1") is None  # 30 % + 15–25 % straddles 51 %
    assert carried.status_on(date(2024, 2, 1), rules).of("s2") is True
    assert carried.status_on(date(2024, 7, 1), rules).of("x") is False  # y left the boundary, a sold its 40 %
