"""The review ledger across rounds: earlier claims caught, the same submission recorded once, a resubmission
replacing its filing, schema migrations, `gxets ledger`, and a real `kill -9` in the middle of a batch."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.synthetic_batch import generate_batch
from gxets_rules.app.cli import main
from gxets_rules.app.review.claims import Claim
from gxets_rules.app.review.ledger import MIGRATIONS, Ledger, SubmissionRecord
from tests.conftest import ACME, EXAMPLES, ROOT, run_cli

SMALL_MAKER = EXAMPLES / "small-maker-x" / "submission.yaml"


def review(tmp_path: Path, *args: object, out: str = "out", round_name: str = "1") -> tuple[int, dict]:
    result = run_cli(
        "review", "--new-ledger", *args, "--ledger", tmp_path / "ledger.sqlite", "--out", tmp_path / out,
        "--jobs", "1", "--round", round_name,
    )  # fmt: skip
    return result.exit_code, json.loads((tmp_path / out / "summary.json").read_text(encoding="utf-8"))


def newcomer(tmp_path: Path) -> Path:
    """A firm whose one lot re-claims ACME's serials 122,001–130,000 of JCL-R-0042-0007 (ACME's L1)."""
    text = SMALL_MAKER.read_text(encoding="utf-8")
    for old, new in (
        ("id: small-maker", "id: newcomer"),
        ("JCL-S-0201-0003", "JCL-R-0042-0007"),
        ("serial_start: 200_001", "serial_start: 122_001"),
        ("serial_end: 208_000", "serial_end: 130_000"),
    ):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "newcomer.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def ledger_rows(tmp_path: Path) -> list[dict]:
    result = run_cli("ledger", "export", "--ledger", tmp_path / "ledger.sqlite")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)["submissions"]


def test_a_range_claimed_in_an_earlier_round_is_reported_in_a_later_one(tmp_path: Path) -> None:
    assert review(tmp_path, ACME, out="round1")[0] == 0
    (recorded,) = ledger_rows(tmp_path)
    code, summary = review(tmp_path, newcomer(tmp_path), out="round2", round_name="2")
    assert code == 5
    assert summary["double_claims"] == [
        {
            "scope": "earlier_round",
            "registry": "j_credit_registry",
            "certification_number": "JCL-R-0042-0007",
            "overlap_start": 122_001,
            "overlap_end": 130_000,
            "overlap_t": 8_000,
            "first": {
                "firm_id": "acme-steel",
                "lot_id": "L1",
                "file": None,
                "serial_start": 100_001,
                "serial_end": 130_000,
                "recorded_submission": recorded["content_sha256"],
            },
            "second": {
                "firm_id": "newcomer",
                "lot_id": "J-2025-01",
                "file": str(tmp_path / "newcomer.yaml"),
                "serial_start": 122_001,
                "serial_end": 130_000,
                "recorded_submission": None,
            },
        }
    ]


def test_the_same_submission_twice_is_one_record_and_no_claim_against_itself(tmp_path: Path) -> None:
    for out in ("first", "second"):
        code, summary = review(tmp_path, ACME, SMALL_MAKER, out=out)
        assert code == 0
        assert summary["double_claims"] == []
    rows = ledger_rows(tmp_path)
    assert [row["firm_id"] for row in rows] == ["acme-steel", "small-maker"]
    assert [len(row["claims"]) for row in rows] == [5, 1]
    assert rows[0]["summary"]["offsets_to_buy_t"] == 77_500
    listing = run_cli("ledger", "list", "--ledger", tmp_path / "ledger.sqlite")
    assert listing.exit_code == 0
    assert len(listing.output.splitlines()) == 2
    assert "acme-steel  gxets-phase1 1.2.0" in listing.output and "ロット数 5" in listing.output


def test_a_resubmission_replaces_its_filing_and_does_not_claim_against_itself(tmp_path: Path) -> None:
    review(tmp_path, ACME, out="first")
    code, summary = review(tmp_path, ACME, "--as-of", "2026-12-08", out="corrected", round_name="2")
    assert (code, summary["double_claims"]) == (0, [])
    rows = ledger_rows(tmp_path)
    assert [(row["round"], row["as_of"], row["supersedes"]) for row in rows] == [
        ("1", "2026-12-07", None),
        ("2", "2026-12-08", 1),
    ], "the correction supersedes the first submission, and the link is recorded"
    assert summary["round"] == "2" and summary["firms"][0]["supersedes_round"] == "1"


def test_ledger_show_by_row_number_firm_round_or_hash_never_guessing(tmp_path: Path) -> None:
    review(tmp_path, ACME)
    (row,) = ledger_rows(tmp_path)
    for ref in (["#1"], ["acme-steel"], [f"sha256:{row['content_sha256'][:10]}"], ["--round", "1"]):
        shown = run_cli("ledger", "show", *ref, "--ledger", tmp_path / "ledger.sqlite")
        assert shown.exit_code == 0, shown.stderr
        assert json.loads(shown.output) == {"submissions": [row], "decisions": []}
    for ref in ("#99", "1", row["content_sha256"][:10]):  # a bare number or hex is a firm id, and no firm has it
        missing = run_cli("ledger", "show", ref, "--ledger", tmp_path / "ledger.sqlite")
        assert missing.exit_code == 2
        assert f"no recorded submission matches {ref!r}" in missing.stderr
    nowhere = run_cli("ledger", "list", "--ledger", tmp_path / "nowhere.sqlite")
    assert nowhere.exit_code == 2
    assert "no ledger here" in nowhere.stderr
    assert not (tmp_path / "nowhere.sqlite").exists()


def _v1_ledger(path: Path) -> None:
    """A ledger as gxets wrote it before rounds (schema version 1): ACME recorded twice (a correction), with ranges."""
    with Ledger(path, MIGRATIONS[:1]) as ledger:
        for number, as_of in ((1, "2026-12-07"), (2, "2026-12-08")):
            ledger.db.execute(
                "INSERT INTO submissions VALUES (?, 'acme-steel', ?, 'gxets-phase1', '1.1.0', ?, 2023, 2025, ?, "
                "'acme.yaml', '{\"status\": \"shortfall\"}', '2026-12-07T01:00:00+00:00')",
                (number, f"{number}" * 64, "r" * 64, as_of),
            )
            ledger.db.execute("INSERT INTO claims VALUES (?, 'L1', 'j_credit', 10, 'reg', 'CERT', 1, 10)", (number,))


def test_migrating_a_v1_ledger_keeps_every_row_puts_it_in_round_1_links_corrections_and_chains_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ledger.sqlite"
    _v1_ledger(path)
    with Ledger(path) as ledger:
        assert ledger.version == len(MIGRATIONS) == 2
        assert [r.name for r in ledger.rounds()] == ["1"]
        rows = ledger.submissions(with_claims=True)
        assert [(s.id, s.round, s.as_of, s.supersedes, len(s.claims)) for s in rows] == [
            (1, "1", "2026-12-07", None, 1),
            (2, "1", "2026-12-08", 1, 1),
        ]
        assert rows[0].summary == {"status": "shortfall"}
        check = ledger.verify()
        assert (check.ok, check.rows) == (True, 5), "1 round + 2 submissions + 2 claims, chained"
        assert ledger.earlier_claims([]) == [
            Claim("acme-steel", "L1", "j_credit", 10, "reg", "CERT", 1, 10, recorded="2" * 64)
        ], "the superseded submission's claims no longer count"


def test_a_newer_ledger_is_refused_and_garbage_is_not_a_ledger(tmp_path: Path) -> None:
    review(tmp_path, ACME)
    path = tmp_path / "ledger.sqlite"
    upgraded = (*MIGRATIONS, "ALTER TABLE submissions ADD COLUMN note TEXT")
    with Ledger(path, upgraded) as ledger:
        assert ledger.version == 3
        (row,) = ledger.submissions()
        assert ledger.submissions(content_prefix=row.content_sha256[:1] + "%") == [], "text, not a pattern"
    result = run_cli("ledger", "list", "--ledger", path)
    assert result.exit_code == 2
    assert "the ledger's schema is version 3, newer than this gxets knows (2)" in result.stderr
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    result = run_cli("ledger", "list", "--ledger", garbage)
    assert result.exit_code == 2
    assert "not a usable ledger" in result.stderr


def _recorded(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM submissions").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # not created yet


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_kill_9_in_the_middle_of_a_batch_leaves_the_ledger_consistent_and_the_next_run_completes_it(
    tmp_path: Path, jobs: str
) -> None:
    generate_batch(tmp_path, firms=40, lots=200, entities=0, seed=5, across=0, within=0, excess=0)
    ledger = tmp_path / "ledger.sqlite"
    command = [sys.executable, "-m", "gxets_rules.app.cli", "review", "--new-ledger", str(tmp_path / "submissions")]
    command += ["--ledger", str(ledger), "--out", str(tmp_path / "out"), "--jobs", jobs, "--round", "1"]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while _recorded(ledger) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # the review and any worker it forked, at once
    assert process.wait() == -signal.SIGKILL
    with sqlite3.connect(ledger) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        recorded = db.execute("SELECT firm_id, file, id FROM submissions ORDER BY id").fetchall()
        assert 3 <= len(recorded) < 40, "killed in the middle of the batch"
        for firm_id, _, submission_id in recorded:
            lots = (tmp_path / "submissions" / f"{firm_id}.lots.csv").read_text(encoding="utf-8").splitlines()[1:]
            claimed = [line for line in lots if ",sold," not in line]
            count = db.execute("SELECT count(*) FROM claims WHERE submission_id = ?", (submission_id,)).fetchone()[0]
            assert count == len(claimed), f"{firm_id}: every claimed range recorded with its submission, or none"
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    with sqlite3.connect(ledger) as db:
        firms = [row[0] for row in db.execute("SELECT firm_id FROM submissions ORDER BY firm_id")]
    assert firms == [f"firm-{i:05d}" for i in range(40)], "each firm recorded exactly once"
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["totals"]["firms"], summary["totals"]["invalid"], summary["double_claims"]) == (40, 0, [])


def test_recording_is_one_transaction_and_the_same_key_is_a_no_op(tmp_path: Path) -> None:
    record = SubmissionRecord("firm-a", "c" * 64, "rs", "1.0", "r" * 64, 2023, 2025, "2026-12-07", "a.yaml", {})
    claims = [
        Claim("firm-a", "L1", "j_credit", 10, "reg", "CERT", 1, 10),
        Claim("firm-a", "L2", "era", 5, None, None, None, None, origin_firm_id="firm-b"),  # no range: not recorded
    ]
    with Ledger(tmp_path / "l.sqlite") as ledger:
        first = ledger.open_round(None).id
        assert ledger.record(record, claims, first) == 1
        assert ledger.record(record, claims, first) is None
        with pytest.raises(sqlite3.IntegrityError):  # a lot id twice: the whole submission is rolled back
            ledger.record(replace(record, content_sha256="d" * 64), [claims[0], claims[0]], first)
        assert [(s.firm_id, len(s.claims)) for s in ledger.submissions(with_claims=True)] == [("firm-a", 1)]
        assert ledger.verify().ok and ledger.verify().rows == 3, "the rolled-back submission left no chain entry"
        assert ledger.earlier_claims([]) == [replace(claims[0], recorded="c" * 64)]
        assert ledger.earlier_claims([replace(record, content_sha256="e" * 64)]) == [], "a newer filing replaces it"


def test_the_ledger_is_named_or_read_from_the_environment_and_created_only_when_asked(tmp_path: Path) -> None:
    out = ("--out", tmp_path / "out", "--jobs", "1")
    unnamed = CliRunner().invoke(main, ["review", str(ACME), *map(str, out)], env={"GXETS_LEDGER": None})
    assert unnamed.exit_code == 2 and "Missing option '--ledger'" in unnamed.stderr
    path = tmp_path / "elsewhere" / "ledger.sqlite"
    absent = CliRunner().invoke(main, ["review", str(ACME), *map(str, out)], env={"GXETS_LEDGER": str(path)})
    assert absent.exit_code == 2 and "no ledger here; --new-ledger starts one" in absent.stderr
    assert not path.exists()
    started = CliRunner().invoke(
        main, ["review", str(ACME), "--new-ledger", *map(str, out)], env={"GXETS_LEDGER": str(path)}
    )
    assert started.exit_code == 0, started.stderr
    assert f"note: new ledger at {path}" in started.stderr and path.is_file()
    listed = CliRunner().invoke(main, ["ledger", "list"], env={"GXETS_LEDGER": str(path)})
    assert listed.exit_code == 0 and "acme-steel" in listed.output
