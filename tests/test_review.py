"""gxets review: a batch of the bundled examples and generated firms with planted double claims, bad files in the
batch, the summary files, exit codes, and the same bytes however the batch is run."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from benchmarks.synthetic_batch import generate_batch
from gxets_rules.app.pipeline import ruleset_for
from gxets_rules.app.review.claims import claims_of, era_balances
from gxets_rules.app.review.firm import folder_name
from gxets_rules.io.result_reader import read_result
from gxets_rules.model.review import EraBalance, ReviewSummary, Totals
from gxets_rules.model.submission import CreditLot
from gxets_rules.render.html import render_html
from gxets_rules.render.review_text import MAX_LINES, render_review_text
from gxets_rules.render.terminal import terminal_safe
from gxets_rules.render.xlsx import render_xlsx
from gxets_rules.ruleset.schema import ClaimVocabulary
from tests.conftest import ACME, EXAMPLES, run_cli
from tests.hostile.corpus import located, read_expect

BAD = Path(__file__).parent / "bad_submissions"
EXAMPLE_SUBMISSIONS = sorted(EXAMPLES.glob("*/submission.yaml"))


def review(tmp_path: Path, *args: object, ledger: str = "ledger.sqlite", out: str = "out") -> tuple[int, dict]:
    """Run `gxets review` in-process (each run a round of its own, named after its output folder); its exit code and
    summary.json."""
    result = run_cli(
        "review", "--new-ledger", *args, "--ledger", tmp_path / ledger, "--out", tmp_path / out, "--jobs", "1",
        "--round", out,
    )  # fmt: skip
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads((tmp_path / out / "summary.json").read_text(encoding="utf-8"))


def found_claims(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The double claims in the generator's terms: registry, certification, overlap and both (firm, lot)."""
    return sorted(
        (
            {
                "registry": d["registry"],
                "certification_number": d["certification_number"],
                "overlap": [d["overlap_start"], d["overlap_end"]],
                "lots": sorted(
                    [[d["first"]["firm_id"], d["first"]["lot_id"]], [d["second"]["firm_id"], d["second"]["lot_id"]]]
                ),
            }
            for d in summary["double_claims"]
        ),
        key=lambda claim: claim["lots"],
    )


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], int, dict[str, Any]]:
    """The bundled examples and 12 generated firms (30 lots each, a 2,000-entity graph) with planted claims."""
    folder = tmp_path_factory.mktemp("batch")
    manifest = generate_batch(
        folder, firms=12, lots=30, entities=2_000, seed=3, across=5, within=1, excess=1, link_ownership=True
    )
    code, summary = review(folder, *EXAMPLE_SUBMISSIONS, folder / "submissions")
    return folder, manifest, code, summary


def test_every_planted_double_claim_is_found_and_nothing_else(planted: tuple) -> None:
    _, manifest, code, summary = planted
    assert found_claims(summary) == manifest["double_claims"]
    assert len(manifest["double_claims"]) == 6
    within = [d for d in summary["double_claims"] if d["scope"] == "within_submission"]
    assert [d["first"]["firm_id"] for d in within] == manifest["within_firms"]
    assert {d["scope"] for d in summary["double_claims"]} == {"within_submission", "across_submissions"}
    assert code == 6, "an invalid submission (the one claiming a range twice) and double claims"


def test_excess_allowances_are_found_per_creator(planted: tuple) -> None:
    _, manifest, _, summary = planted
    over = [b for b in summary["era"] if b["excess_t"] > 0]
    assert [b["seller_firm_id"] for b in over] == manifest["excess_sellers"]
    for balance in over:
        assert balance["excess_t"] == balance["claimed_t"] - balance["created_t"]
        assert len(balance["claims"]) == 3
    green = next(b for b in summary["era"] if b["seller_firm_id"] == "green-steel")
    assert (green["created_t"], green["claimed_t"], green["excess_t"]) == (55_294, 55_000, 0)
    assert green["claims"] == [
        {"firm_id": "hokuriku-paper", "lot_id": "ERA-CANCELLED", "quantity_t": 25_000},
        {"firm_id": "kanto-cement", "lot_id": "ERA-2026-01", "quantity_t": 30_000},
    ]
    assert summary["totals"]["era_excess_sellers"] == 1


def test_the_firm_claiming_a_range_twice_is_reported_and_the_rest_evaluated(planted: tuple) -> None:
    _, manifest, _, summary = planted
    (invalid,) = summary["invalid"]
    assert invalid["firm_id"] == manifest["within_firms"][0]
    assert any("CHK-LOT-SERIAL-ONCE" in p or "overlaps lot" in p for p in invalid["problems"]), invalid["problems"]
    assert summary["totals"]["firms"] == len(EXAMPLE_SUBMISSIONS) + 12 - 1
    examples = ["acme-steel", "hokuriku-paper", "green-steel", "kaisei-chemical", "kanto-cement", "small-maker"]
    assert [row["firm_id"] for row in summary["firms"] if row["firm_id"] in examples] == examples, "in path order"


def test_a_firm_result_is_the_one_gxets_check_writes(planted: tuple) -> None:
    folder, _, _, summary = planted
    acme = next(row for row in summary["firms"] if row["firm_id"] == "acme-steel")
    assert acme["result"].startswith("firms/") and acme["result"].endswith("-acme-steel/result.json")
    checked = run_cli("check", ACME, "--format", "json")
    assert (folder / "out" / acme["result"]).read_text(encoding="utf-8") == checked.output
    assert (acme["status"], acme["need_t"], acme["usable_t"], acme["offsets_to_buy_t"]) == (
        "shortfall",
        250_000,
        172_500,
        77_500,
    )
    assert acme["caps"] == [{"cap_class": "voluntary", "used_t": 132_500, "cap_t": 132_500}]
    assert (acme["lots"], acme["ineligible_lots"], acme["needs_review_lots"], acme["issues"]) == (5, 2, 0, 0)


def test_the_summary_workbook_lists_every_double_claim(planted: tuple) -> None:
    folder, manifest, _, summary = planted
    workbook = load_workbook(folder / "out" / "summary.xlsx", read_only=True)
    rows = [[str(c) if c is not None else "" for c in row] for row in workbook["二重計上"].iter_rows(values_only=True)]
    assert len(rows) == 1 + len(manifest["double_claims"])
    for claim in manifest["double_claims"]:
        (firm_a, lot_a), (firm_b, lot_b) = claim["lots"]
        start, end = claim["overlap"]
        matching = [
            row
            for row in rows[1:]
            if row[2] == claim["certification_number"] and row[3] == f"{start}–{end}" and row[4] == str(end - start + 1)
        ]
        assert len(matching) == 1, claim
        sides = " ".join(matching[0][5:7])
        assert f"{firm_a} · {lot_a}" in sides and f"{firm_b} · {lot_b}" in sides
    firms = list(workbook["企業別"].iter_rows(values_only=True))
    assert len(firms) == 1 + summary["totals"]["firms"]
    assert firms[0][:7] == ("企業", "名称", "状況", "判断", "不足量", "充当可能量", "調達が必要な量")
    assert next(row for row in firms if row[0] == "acme-steel")[:7] == (
        "acme-steel",
        "ACME Steel K.K.（エーシーエムイー製鉄株式会社）",
        "不足あり（提出期間内に調達するか、未達の理由を説明）",
        "未判断",
        250_000,
        172_500,
        77_500,
    )
    assert firms[0][-2:] == ("報告書", "結果")
    assert firms[1][-1] == "結果（JSON）"


def test_the_summary_page_shows_the_findings(planted: tuple) -> None:
    folder, manifest, _, _ = planted
    page = (folder / "out" / "summary.html").read_text(encoding="utf-8")
    for claim in manifest["double_claims"]:
        assert claim["certification_number"] in page
    assert "<script" not in page
    assert 'id="double-claims"' in page and 'id="era"' in page and 'id="invalid"' in page


def test_malformed_files_are_reported_and_skipped_and_all_others_evaluated(tmp_path: Path) -> None:
    bad = sorted(BAD.glob("*.yaml"))
    code, summary = review(tmp_path, ACME, BAD, EXAMPLES / "small-maker-x" / "submission.yaml", "--lang", "en")
    assert code == 6, "invalid files, and those that could be read still claim the ACME lots they copy"
    skipped = {str(path) for path in bad}
    assert summary["double_claims"]
    assert all({d["first"]["file"], d["second"]["file"]} & skipped for d in summary["double_claims"])
    assert [row["firm_id"] for row in summary["firms"]] == ["acme-steel", "small-maker"]
    assert sorted(i["file"] for i in summary["invalid"]) == sorted(str(path) for path in bad)
    for invalid in summary["invalid"]:
        expect = read_expect(Path(invalid["file"]).with_suffix(".expect"))
        shown = terminal_safe("\n".join(invalid["problems"]))  # as the terminal shows them: the corpus's form
        assert located(shown, expect.where, expect.message), (invalid["file"], invalid)


def test_a_clean_batch_exits_0_and_a_second_submission_of_a_firm_is_skipped(tmp_path: Path) -> None:
    code, summary = review(tmp_path, ACME, EXAMPLES / "green-steel-era" / "submission.yaml")
    assert code == 0
    assert summary["totals"]["double_claims"] == summary["totals"]["invalid"] == 0
    first, copy = tmp_path / "acme.yaml", tmp_path / "again.yaml"
    for path in (first, copy):
        path.write_text(ACME.read_text(encoding="utf-8"), encoding="utf-8")
    code, summary = review(tmp_path, copy, first, out="out2")
    assert code == 4, "the copy is skipped; its lots are ACME's own credits, not a second firm's claim"
    assert summary["invalid"] == [
        {
            "file": str(copy),
            "firm_id": "acme-steel",
            "problems": [f"{copy}: firm 'acme-steel' was already submitted in {first}"],
        }
    ], "the batch runs in path order (acme.yaml before again.yaml), whatever order the paths were given in"
    assert not (tmp_path / "out2" / folder_name(1, "acme-steel")).exists(), "the duplicate's result is removed"


def test_the_summary_is_the_same_bytes_with_one_worker_or_two(tmp_path: Path, planted: tuple) -> None:
    folder = planted[0]
    outputs = []
    for jobs in ("1", "2"):
        result = run_cli(
            "review", "--new-ledger", *EXAMPLE_SUBMISSIONS, folder / "submissions", "--jobs", jobs, "--round", "out",
            "--ledger", tmp_path / f"l{jobs}.sqlite", "--out", tmp_path / jobs,
        )  # fmt: skip
        assert result.exit_code == 6
        outputs.append(
            [(tmp_path / jobs / name).read_bytes() for name in ("summary.json", "summary.xlsx", "summary.html")]
        )
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == (folder / "out" / "summary.json").read_bytes()


def test_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    result = run_cli(
        "review", "--new-ledger", tmp_path / "nowhere", "--ledger", tmp_path / "l.sqlite", "--out", tmp_path / "out"
    )
    assert result.exit_code == 2
    assert "nowhere: no such file or folder" in result.stderr
    assert not (tmp_path / "out").exists()


def test_hostile_firm_text_stays_inert_in_the_summary(tmp_path: Path) -> None:
    text = ACME.read_text(encoding="utf-8")
    text = text.replace("  id: acme-steel\n", '  id: "=HYPERLINK(\\"http://x\\")"\n')
    text = text.replace(
        "  name: ACME Steel K.K.（エーシーエムイー製鉄株式会社）\n", '  name: "<script>alert(1)</script>"\n'
    )
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(text, encoding="utf-8")
    code, summary = review(tmp_path, hostile)
    assert code == 0
    (row,) = summary["firms"]
    assert row["result"] == "firms/0001-HYPERLINK_http_x/result.json", "the firm's folder name is made safe"
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    workbook = load_workbook(tmp_path / "out" / "summary.xlsx")
    cell = workbook["企業別"]["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def test_a_workbook_submission_is_reviewed_with_its_intake_warnings(tmp_path: Path) -> None:
    workbook = load_workbook(EXAMPLES / "acme-steel" / "submission.xlsx")
    workbook.create_sheet("メモ")
    path = tmp_path / "acme.xlsx"
    workbook.save(path)
    code, summary = review(tmp_path, path)
    assert code == 0
    (row,) = summary["firms"]
    assert (row["firm_id"], row["offsets_to_buy_t"]) == ("acme-steel", 77_500)
    assert row["intake_warnings"] == [f"{path}:メモ!A1: 様式にないシートのため、読み取りませんでした"]
    sheet = load_workbook(tmp_path / "out" / "summary.xlsx")["読込み時の警告"]
    assert [c.value for c in sheet[2]] == [str(path), "acme-steel", row["intake_warnings"][0]]


def test_per_firm_reports_are_the_check_s_result_as_the_secretariat_s_review(tmp_path: Path) -> None:
    """The same result as `gxets check`, byte for byte; its reports titled as the secretariat's review result
    (審査結果), where the firm's own check writes a pre-check report (事前確認レポート) — otherwise the same pages."""
    code, _ = review(tmp_path, ACME, "--report", "html,xlsx", "--lang", "en")
    assert code == 0
    checked = run_cli("check", ACME, "--report", "html,xlsx", "--lang", "en", "--out", tmp_path / "check")
    assert checked.exit_code == 0
    firm = tmp_path / "out" / "firms" / "0001-acme-steel"
    assert (firm / "result.json").read_bytes() == (tmp_path / "check" / "result.json").read_bytes()
    result = read_result((firm / "result.json").read_text(encoding="utf-8"), "result.json")
    assert (firm / "report.html").read_bytes() == render_html(result, "en", "review").encode("utf-8")
    assert (firm / "report.xlsx").read_bytes() == render_xlsx(result, "en", "review")
    assert "<h1>GX-ETS review result</h1>" in (firm / "report.html").read_text(encoding="utf-8")
    assert "<h1>GX-ETS pre-check report</h1>" in (tmp_path / "check" / "report.html").read_text(encoding="utf-8")
    assert render_html(result, "ja", "review").count("<h1>GX-ETS 審査結果</h1>") == 1
    assert review(tmp_path, ACME, out="bare")[0] == 0
    assert sorted(p.name for p in (tmp_path / "bare" / "firms" / "0001-acme-steel").iterdir()) == ["result.json"]


def test_an_ownership_file_beside_the_submissions_in_a_folder_is_passed_over_and_said(tmp_path: Path) -> None:
    """A folder as firms keep it: the submission and the ownership graph it refers to, side by side."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("submission.yaml", "ownership.yaml"):
        (folder / name).write_text((EXAMPLES / "overseas-daccs" / name).read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli(
        "review", "--new-ledger", folder, "--ledger", tmp_path / "l.sqlite", "--out", tmp_path / "out", "--jobs", "1"
    )
    assert result.exit_code == 0, result.stderr
    assert f"note: {folder / 'ownership.yaml'} passed over (gxets.ownership.v1, not a submission)" in result.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [firm["firm_id"] for firm in summary["firms"]] == ["kaisei-chemical"]
    assert summary["invalid"] == []


def test_a_temporary_file_left_by_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    stale = tmp_path / "out" / "firms" / "0001-acme-steel" / ".result.json.k3j9x2.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_text("{half a result", encoding="utf-8")
    code, _ = review(tmp_path, ACME)
    assert code == 0
    assert not stale.exists()
    assert (tmp_path / "out" / "firms" / "0001-acme-steel" / "result.json").is_file()


def test_the_terminal_lists_at_most_fifty_allowance_excesses() -> None:
    """Like the double claims and invalid files: the summary files hold every seller, the terminal the first 50."""
    sellers = [
        EraBalance(
            seller_firm_id=f"seller-{n:02d}",
            seller_evaluated=True,
            created_t=100,
            claimed_t=100 + excess,
            excess_t=excess,
            claims=[],
        )
        for n, excess in enumerate([0] + [1] * 60)
    ]
    counts = {"need_t": 0, "usable_t": 0, "offsets_to_buy_t": 0, "era_supply_t": 6_100, "era_demand_t": 6_160}
    totals = Totals(
        firms=61,
        invalid=0,
        double_claims=0,
        double_claimed_t=0,
        era_excess_sellers=60,
        by_kind=[],
        by_tse_category=[],
        **counts,
    )
    summary = ReviewSummary(
        engine="test", as_of=None, inputs={}, firms=[], invalid=[], double_claims=[], era=sellers, totals=totals
    )
    lines = render_review_text(summary, "en").splitlines()[1:]
    assert len(lines) == MAX_LINES == 50
    assert lines[0].split(":")[0].endswith("seller-01") and lines[-1].split(":")[0].endswith("seller-50")


def test_which_lots_claim_and_which_kind_is_created_is_the_rule_sets_to_say() -> None:
    """Phase 1 says a sold lot claims nothing and allowances are created by participants; a rule set that says
    nothing claims every lot and balances no creator."""
    project = {"id": "P", "country": "JP", "programme": "j_credit"}
    lots = [
        CreditLot.model_validate(lot)
        for lot in (
            {"id": "SOLD", "kind": "j_credit", "quantity_t": 5, "status": "sold", "status_date": date(2025, 1, 6)},
            {"id": "HELD", "kind": "j_credit", "quantity_t": 7, "status": "held", "origin_firm_id": "x"},
            {"id": "ERA", "kind": "era", "quantity_t": 9, "status": "held", "origin_firm_id": "green-steel"},
        )
        for lot in [{**lot, "project": project} if lot["kind"] != "era" else lot]
    ]
    phase1 = ruleset_for("gxets-phase1").manifest.claims
    claims = claims_of(lots, phase1, "firm", 0, "firm.yaml")
    assert [(c.lot_id, c.origin_firm_id) for c in claims] == [("HELD", None), ("ERA", "green-steel")]
    claims = claims_of(lots, ClaimVocabulary(), "firm", 0, "firm.yaml")
    assert [(c.lot_id, c.origin_firm_id) for c in claims] == [("SOLD", None), ("HELD", None), ("ERA", None)]
    assert era_balances(claims, []) == []
