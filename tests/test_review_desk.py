"""The secretariat's review desk over two rounds (issue 16's acceptance scenario).

Round 1: 50 generated firms; five of them (short firms, still buying after every credit) have a J-credit lot planted
as cancelled for another purpose — ineligible. Decisions: those five returned with a deadline, one lot queried, the
rest accepted. Round 2: the five corrected (the planted lot held again, one eligible J-credit lot withdrawn, one new
J-credit lot added) and a newcomer re-claiming a range a round-1 firm (not resubmitted) claimed. The diffs show
exactly the planted changes, with hand-checkable tonnes; the summary shows the decisions and the round each
correction replaces; the reuse is reported against the earlier round; the ledger's chain stays intact.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.synthetic_batch import generate_batch
from gxets_rules.app.review.ledger import open_ledger
from tests.conftest import run_cli
from tests.reports_support import rows_of

FIRMS = 50
CORRECTED = 5
ADDED_T = 1_000
DEADLINE = "2026-12-18"
OTHER_USE = {"status": "cancelled_other", "status_date": "2025-06-30", "status_note": "SHK report"}


def read_lots(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_lots(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def review(folder: Path, paths: list[Path], round_name: str, out: str, *extra: object) -> tuple[int, dict[str, Any]]:
    result = run_cli(
        "review", *paths, "--ledger", folder / "ledger.sqlite", "--new-ledger", "--round", round_name,
        "--out", folder / out, "--jobs", "2", *extra,
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads((folder / out / "summary.json").read_text(encoding="utf-8"))


def cli(folder: Path, *args: object) -> Any:
    return run_cli(*args, "--ledger", folder / "ledger.sqlite")


def held_j_credits(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if r["kind"] == "j_credit" and r["status"] == "held" and not r["j_credit_origin"]]


def largest_short_firms(submissions: Path) -> list[str]:
    """Firms short of their target (a single base year, like ACME), largest first: their shortfall (250 t per 1,000 t
    of base-year direct emissions) is far beyond their 20 lots (≤ 100,000 t), so every credit counts in full."""
    firms = []
    for path in sorted(submissions.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["base_year"]["method"] == "single_year":
            firms.append((-data["base_year"]["direct_t"], data["firm"]["id"]))
    return [firm for _, firm in sorted(firms)]


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("desk")
    generate_batch(folder, firms=FIRMS, lots=20, entities=0, seed=16, across=0, within=0, excess=0)
    submissions = folder / "submissions"
    files = sorted(submissions.glob("*.yaml"))
    assert len(files) == FIRMS
    # plant: a held J-credit of five short firms was in fact cancelled for another purpose
    planted: dict[str, dict[str, Any]] = {}
    for firm in largest_short_firms(submissions)[:CORRECTED]:
        rows = read_lots(submissions / f"{firm}.lots.csv")
        bad, withdrawn = held_j_credits(rows)[:2]
        bad.update(OTHER_USE)
        write_lots(submissions / f"{firm}.lots.csv", rows)
        planted[firm] = {"bad": dict(bad), "withdrawn": dict(withdrawn)}
    code1, summary1 = review(folder, [submissions], "1", "round1")

    # decisions on round 1: the five returned (one lot queried), every other firm accepted
    for firm in planted:
        made = cli(folder, "decide", firm, "--round", "1", "--decision", "returned", "--by", "田中",
                   "--note", "他目的で無効化されたロットを訂正してください", "--deadline", DEADLINE)  # fmt: skip
        assert made.exit_code == 0, made.stderr
    first = next(iter(planted))
    queried = cli(folder, "decide", first, "--round", "1", "--decision", "query", "--by", "田中",
                  "--note", "無効化の証明書を添付してください", "--lot", planted[first]["bad"]["id"])  # fmt: skip
    assert queried.exit_code == 0, queried.stderr
    for row in summary1["firms"]:
        if row["firm_id"] not in planted:
            assert cli(folder, "decide", row["firm_id"], "--round", "1", "--decision", "accepted",
                       "--by", "鈴木", "--note", "").exit_code == 0  # fmt: skip

    # round 2: the five corrected, and a newcomer re-claiming a range of a round-1 firm that did not resubmit
    corrected = folder / "corrected"
    corrected.mkdir()
    for firm, plant in planted.items():
        (corrected / f"{firm}.yaml").write_text((submissions / f"{firm}.yaml").read_text("utf-8"), "utf-8")
        rows = [r for r in read_lots(submissions / f"{firm}.lots.csv") if r["id"] != plant["withdrawn"]["id"]]
        for row in rows:
            if row["id"] == plant["bad"]["id"]:
                row.update(status="held", status_date="", status_note="")
        added = {**plant["withdrawn"], "id": f"{firm}-NEW", "quantity_t": str(ADDED_T)}
        added |= {"certification_number": f"JCL-NEW-{firm}", "serial_start": "1", "serial_end": str(ADDED_T)}
        rows.append(added)
        plant["added"] = added
        write_lots(corrected / f"{firm}.lots.csv", rows)
    victim = next(firm for firm in largest_short_firms(submissions)[CORRECTED:])
    victim_lot = held_j_credits(read_lots(submissions / f"{victim}.lots.csv"))[0]
    newcomer_text = (submissions / f"{victim}.yaml").read_text("utf-8").replace(victim, "newcomer")
    (corrected / "newcomer.yaml").write_text(newcomer_text, "utf-8")
    reused = {**victim_lot, "id": "REUSED"}
    write_lots(corrected / "newcomer.lots.csv", [reused])
    code2, summary2 = review(folder, [corrected], "2", "round2", "--report", "html")
    return {
        "folder": folder,
        "planted": planted,
        "victim": (victim, victim_lot),
        "round1": (code1, summary1),
        "round2": (code2, summary2),
    }


def result_of(folder: Path, out: str, summary: dict[str, Any], firm: str) -> dict[str, Any]:
    row = next(r for r in summary["firms"] if r["firm_id"] == firm)
    return json.loads((folder / out / row["result"]).read_text(encoding="utf-8"))


def test_round_1_finds_the_planted_lots_ineligible_and_records_every_firm(rounds: dict[str, Any]) -> None:
    folder, planted = rounds["folder"], rounds["planted"]
    code, summary = rounds["round1"]
    assert (code, summary["round"], summary["totals"]["firms"], summary["totals"]["invalid"]) == (0, "1", 50, 0)
    for firm, plant in planted.items():
        result = result_of(folder, "round1", summary, firm)
        lot = next(lot for lot in result["lots"] if lot["id"] == plant["bad"]["id"])
        assert (lot["verdict"], lot["usable_t"]) == ("ineligible", 0)
        assert result["coverage"]["offsets_to_buy_t"] > 2 * ADDED_T + int(plant["bad"]["quantity_t"]), (
            "a short firm: every eligible credit it adds counts in full"
        )


def test_each_diff_shows_exactly_the_planted_changes(rounds: dict[str, Any]) -> None:
    folder, planted = rounds["folder"], rounds["planted"]
    _, summary1 = rounds["round1"]
    for firm, plant in planted.items():
        shown = cli(folder, "ledger", "diff", firm, "--from", "1", "--to", "2", "--format", "json")
        assert shown.exit_code == 0, shown.stderr
        diff = json.loads(shown.output)
        bad, withdrawn, added = plant["bad"], plant["withdrawn"], plant["added"]
        quantity, gone = int(bad["quantity_t"]), int(withdrawn["quantity_t"])
        assert diff["lots_added"] == [
            {"lot_id": added["id"], "kind": "j_credit", "quantity_t": ADDED_T, "status": "held", "verdict": "eligible",
             "usable_t": ADDED_T}
        ]  # fmt: skip
        assert diff["lots_removed"] == [
            {"lot_id": withdrawn["id"], "kind": "j_credit", "quantity_t": gone, "status": "held", "verdict": "eligible",
             "usable_t": gone}
        ]  # fmt: skip
        assert diff["lots_changed"] == [
            {"lot_id": bad["id"], "changes": [
                {"path": "status", "title": None, "unit": None, "before": "cancelled_other", "after": "held"}
            ]}
        ]  # fmt: skip
        assert diff["verdicts_changed"] == [
            {"lot_id": bad["id"], "changes": [
                {"path": "verdict", "title": None, "unit": None, "before": "ineligible", "after": "eligible"},
                {"path": "usable_t", "title": None, "unit": None, "before": 0, "after": quantity},
            ]}
        ]  # fmt: skip
        before = result_of(folder, "round1", summary1, firm)["coverage"]
        figures = {c["path"]: (c["before"], c["after"]) for c in diff["figures_changed"]}
        gained = quantity + ADDED_T - gone
        assert figures["coverage.usable_t"] == (before["usable_t"], before["usable_t"] + gained)
        assert figures["coverage.offsets_to_buy_t"] == (before["offsets_to_buy_t"], before["offsets_to_buy_t"] - gained)
        assert not [p for p in figures if p.startswith("position.")], "emissions and targets were not touched"
        text = cli(folder, "ledger", "diff", firm, "--from", "1", "--to", "2").output
        assert f"{bad['id']}: 判定: 不適格 → 適格" in text
        assert f"{bad['id']}: 状態: 他目的で無効化済み → 保有" in text


def test_the_round_2_summary_shows_decisions_superseded_rounds_and_the_reuse(rounds: dict[str, Any]) -> None:
    folder, planted = rounds["folder"], rounds["planted"]
    victim, lot = rounds["victim"]
    code, summary = rounds["round2"]
    assert code == 5, "the reuse of a round-1 range"
    rows = {row["firm_id"]: row for row in summary["firms"]}
    assert sorted(rows) == sorted([*planted, "newcomer"])
    for firm in planted:
        assert rows[firm]["supersedes_round"] == "1"
        assert (rows[firm]["decision"]["decision"], rows[firm]["decision"]["round"]) == ("returned", "1")
        assert rows[firm]["decision"]["deadline"] == DEADLINE
    assert rows["newcomer"]["decision"] is None and rows["newcomer"]["supersedes_round"] is None
    (reuse,) = summary["double_claims"]
    assert (reuse["scope"], reuse["first"]["firm_id"], reuse["first"]["lot_id"]) == ("earlier_round", victim, lot["id"])
    assert (reuse["second"]["firm_id"], reuse["second"]["lot_id"]) == ("newcomer", "REUSED")
    assert (reuse["overlap_start"], reuse["overlap_end"]) == (int(lot["serial_start"]), int(lot["serial_end"]))
    page = (folder / "round2" / "summary.html").read_text(encoding="utf-8")
    assert page.count("差戻し (1, 田中") == CORRECTED
    table = list(csv.reader((folder / "round2" / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert table[0][:4] == ["企業", "名称", "状況", "判断"]
    assert sum(1 for row in table[1:] if row[3].startswith("差戻し (1, 田中")) == CORRECTED


def test_decisions_of_round_2_show_once_the_summary_is_written_again_and_nothing_is_recorded_twice(
    rounds: dict[str, Any],
) -> None:
    folder, planted = rounds["folder"], rounds["planted"]
    for firm in planted:
        assert cli(folder, "decide", firm, "--round", "2", "--decision", "accepted", "--by", "田中",
                   "--note", "訂正を確認しました").exit_code == 0  # fmt: skip
    with open_ledger(folder / "ledger.sqlite") as ledger:
        recorded = len(ledger.submissions())
        assert recorded == FIRMS + CORRECTED + 1
    _, again = review(folder, [folder / "corrected"], "2", "round2-again")
    decided = {row["firm_id"]: row["decision"] for row in again["firms"]}
    assert {firm: decided[firm]["decision"] for firm in planted} == dict.fromkeys(planted, "accepted")
    with open_ledger(folder / "ledger.sqlite") as ledger:
        assert len(ledger.submissions()) == recorded
        states = {state.submission.firm_id: state for state in ledger.firms("2")}
        assert sorted(states) == sorted([*planted, "newcomer"])
        assert all(states[firm].decision.decision == "accepted" for firm in planted)
        first = ledger.firms("1")
        assert len(first) == FIRMS
        assert sum(1 for state in first if state.decision.decision == "returned") == CORRECTED, (
            "round 1 shows the decisions up to round 1"
        )
        assert ledger.verify().ok


def test_ledger_list_and_show_find_a_firm_a_round_and_a_row(rounds: dict[str, Any]) -> None:
    folder, planted = rounds["folder"], rounds["planted"]
    firm = next(iter(planted))
    listing = cli(folder, "ledger", "list", "--firm", firm)
    lines = listing.output.splitlines()
    assert len(lines) == 2 and "審査回 1" in lines[0] and "審査回 2" in lines[1]
    assert lines[0].split()[0].startswith("#") and " JST " in lines[0]
    shown = json.loads(cli(folder, "ledger", "show", firm, "--round", "2").output)
    (submission,) = shown["submissions"]
    assert (submission["round"], submission["supersedes"]) == ("2", int(lines[0].split()[0][1:]))
    number = json.loads(cli(folder, "ledger", "show", f"#{submission['id']}").output)
    assert number["submissions"] == [submission]
    assert all(d["submission_id"] == submission["id"] for d in number["decisions"])


def test_the_firm_review_page_shows_the_changes_and_the_decisions(rounds: dict[str, Any]) -> None:
    folder, planted = rounds["folder"], rounds["planted"]
    _, summary = rounds["round2"]
    for firm, plant in planted.items():
        row = next(r for r in summary["firms"] if r["firm_id"] == firm)
        page = (folder / "round2" / row["review_page"]).read_text(encoding="utf-8")
        bad = plant["bad"]["id"]
        assert rows_of(page, "verdicts_changed")[0] == [bad, "判定", "不適格", "適格"]
        assert rows_of(page, "lots_changed") == [[bad, "状態", "他目的で無効化済み", "保有"]]
        assert f"<li>{plant['added']['id']}: J-クレジット 1,000 t-CO2, 保有, 適格" in page
        assert f"<li>{plant['withdrawn']['id']}: J-クレジット" in page
        decisions = rows_of(page, "decisions")
        assert [(d[1], d[2]) for d in decisions][-1] == ("1", "差戻し")
        assert 'href="report.html"' in page and 'href="result.json"' in page
    summary_page = (folder / "round2" / "summary.html").read_text(encoding="utf-8")
    assert summary_page.count('/review.html">審査結果（企業別）</a>') == CORRECTED + 1
