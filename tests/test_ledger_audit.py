"""The ledger's audit trail: editing any row by hand (the sqlite3 shell's UPDATE), deleting one or adding one makes
`gxets ledger verify` fail and name that row; an untouched ledger verifies, and its times show in Japan time."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gxets_rules.app.review.chain import CHAINED_TABLES
from gxets_rules.app.review.ledger import Ledger, SubmissionRecord
from gxets_rules.model.desk import japan_time
from tests.conftest import ACME, EXAMPLES, ROOT, run_cli

SMALL_MAKER = EXAMPLES / "small-maker-x" / "submission.yaml"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two rounds of two firms with their ranges, and two decisions."""
    folder = tmp_path_factory.mktemp("audit")
    path = folder / "ledger.sqlite"
    for round_name, as_of in (("R1", "2026-12-07"), ("R2", "2026-12-08")):
        result = run_cli(
            "review", ACME, SMALL_MAKER, "--ledger", path, "--new-ledger", "--round", round_name,
            "--as-of", as_of, "--out", folder / round_name, "--jobs", "1",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
    for round_name, decision in (("R1", "returned"), ("R2", "accepted")):
        made = run_cli("decide", "acme-steel", "--round", round_name, "--decision", decision, "--by", "tanaka",
                       "--note", "ok", "--deadline", "2026-12-18", "--ledger", path)  # fmt: skip
        assert made.exit_code == 0, made.stderr
    return path


def verify(path: Path) -> tuple[int, str]:
    result = run_cli("ledger", "verify", "--ledger", path)
    return result.exit_code, result.output + result.stderr


def tampered(ledger: Path, tmp_path: Path, *statements: str) -> Path:
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(ledger) as db:  # a consistent copy, WAL included
        db.execute(f"VACUUM INTO '{copy}'")
    with sqlite3.connect(copy) as db:
        for statement in statements:
            assert db.execute(statement).rowcount == 1, statement
    return copy


def test_an_untouched_ledger_verifies_and_prints_its_head(ledger: Path) -> None:
    code, output = verify(ledger)
    assert code == 0
    with sqlite3.connect(ledger) as db:
        rows = sum(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in CHAINED_TABLES)
        head = db.execute("SELECT row_hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert rows == 2 + 4 + 2 * (5 + 1) + 2
    assert output == f"ledger intact: {rows} rows chained; head {head}\n"


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("UPDATE rounds SET name = 'R9' WHERE id = 2", "round #2 (R9)"),
        ("UPDATE submissions SET summary = replace(summary, '77500', '0') WHERE id = 1",
         "submission #1 (firm acme-steel)"),
        ("UPDATE submissions SET recorded_at = '2026-01-01T00:00:00+00:00' WHERE id = 4",
         "submission #4 (firm small-maker)"),
        ("UPDATE claims SET serial_end = serial_end + 1 WHERE id = 3", "claim #3 (submission #1, lot L3)"),
        ("UPDATE claims SET submission_id = 3 WHERE id = 12", "claim #12 (submission #3"),
        ("UPDATE decisions SET decision = 'accepted' WHERE id = 1", "decision #1 (firm acme-steel, accepted)"),
        ("UPDATE decisions SET note = 'fine' WHERE id = 2", "decision #2 (firm acme-steel, accepted)"),
        ("UPDATE chain SET row_hash = 'x' || substr(row_hash, 2) WHERE seq = 5", "row 5 of the chain"),
    ],
)  # fmt: skip
def test_an_update_by_hand_makes_verify_fail_and_name_the_row(
    ledger: Path, tmp_path: Path, statement: str, named: str
) -> None:
    code, output = verify(tampered(ledger, tmp_path, statement))
    assert code == 7
    assert output.startswith("ledger altered: ledger row ")
    assert named in output and "altered after it was recorded" in output


def test_every_row_of_every_table_is_covered(ledger: Path, tmp_path: Path) -> None:
    """Not a sample: each row of each table, altered alone, is the row verify names."""
    with sqlite3.connect(ledger) as db:
        rows = [(table, row_id) for table in CHAINED_TABLES for (row_id,) in db.execute(f"SELECT id FROM {table}")]
        columns = {table: [c[1] for c in db.execute(f"PRAGMA table_info({table})")] for table in CHAINED_TABLES}
    for table, row_id in rows:
        text_column = next(c for c in columns[table] if c in ("name", "firm_id", "lot_id", "note"))
        copy = tampered(
            ledger, tmp_path, f"UPDATE {table} SET {text_column} = {text_column} || 'x' WHERE id = {row_id}"
        )
        code, output = verify(copy)
        assert code == 7, (table, row_id)
        assert f"#{row_id} (" in output and "altered" in output, (table, row_id, output)
        copy.unlink()


def test_a_row_deleted_or_added_by_hand_is_named(ledger: Path, tmp_path: Path) -> None:
    code, output = verify(tampered(ledger, tmp_path, "DELETE FROM claims WHERE id = 2"))
    assert (code, "claim row #2") == (7, "claim row #2") and "claims row #2: deleted after it was recorded" in output
    (tmp_path / "copy.sqlite").unlink()
    added = (
        "INSERT INTO decisions (submission_id, firm_id, round_id, decision, reviewer, note, decided_at) "
        "VALUES (1, 'acme-steel', 1, 'accepted', 'x', '', '2026-12-04T00:00:00+00:00')"
    )
    code, output = verify(tampered(ledger, tmp_path, added))
    assert code == 7
    assert "decision #3 (firm acme-steel, accepted): not in the chain (added by hand)" in output


def test_times_are_stored_in_utc_and_shown_in_japan_time(ledger: Path) -> None:
    exported = json.loads(run_cli("ledger", "export", "--ledger", ledger).output)
    recorded = exported["submissions"][0]["recorded_at"]
    assert recorded.endswith("+00:00")
    assert japan_time("2026-12-04T15:30:00+00:00") == "2026-12-05 00:30 JST"
    listing = run_cli("ledger", "list", "--ledger", ledger).output.splitlines()
    assert japan_time(recorded) in listing[0]


def test_the_export_validates_against_the_published_schema_and_has_a_csv(ledger: Path, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    exported = json.loads(run_cli("ledger", "export", "--ledger", ledger).output)
    schema = json.loads((ROOT / "schemas" / "ledger.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(exported, schema)
    assert exported["format"] == "gxets.ledger.v2"
    assert [r["name"] for r in exported["rounds"]] == ["R1", "R2"]
    assert [(d["round"], d["decision"]) for d in exported["decisions"]] == [("R1", "returned"), ("R2", "accepted")]
    assert exported["chain"]["rows"] == 20
    target = tmp_path / "submissions.csv"
    result = run_cli("ledger", "export", "--format", "csv", "--out", target, "--ledger", ledger)
    assert result.exit_code == 0, result.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM, so that Excel reads UTF-8"
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,round,firm_id,firm_name,status,need_t,usable_t,offsets_to_buy_t")
    assert len(lines) == 1 + 4
    assert lines[1].startswith(
        "1,R1,acme-steel,ACME Steel K.K.（エーシーエムイー製鉄株式会社）,shortfall,250000,172500,77500"
    )
    claims = run_cli("ledger", "export", "--format", "csv", "--table", "claims", "--ledger", ledger).output
    assert len(claims.splitlines()) == 1 + 12


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`gxets ledger list | head -1` over a ledger whose listing is far more than a pipe holds: the reader goes away
    after one line; no traceback, no internal error, exit 0."""
    path = tmp_path / "many.sqlite"
    with Ledger(path) as book:
        first = book.open_round(None).id
        for n in range(3_000):
            record = SubmissionRecord(f"firm-{n:05d}", f"{n:064d}", "rs", "1.0", "r" * 64, 2023, 2025, "2026-12-07",
                                      f"firm-{n:05d}.yaml", {"lots": 1})  # fmt: skip
            book.record(record, [], first)
    command = f"{sys.executable} -m gxets_rules.app.cli ledger list --ledger {path} | head -n 1"
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.stdout.startswith("#1 ") and proc.stdout.count("\n") == 1
    assert proc.stderr == ""
    assert proc.returncode == 0


def test_a_diff_of_a_result_changed_since_it_was_recorded_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    for round_name, as_of in (("A", "2026-12-07"), ("B", "2026-12-08")):
        run_cli("review", ACME, "--ledger", path, "--new-ledger", "--round", round_name, "--as-of", as_of,
                "--out", tmp_path / round_name, "--jobs", "1")  # fmt: skip
    diff = run_cli("ledger", "diff", "acme-steel", "--from", "A", "--to", "B", "--format", "json", "--ledger", path)
    assert diff.exit_code == 0, diff.stderr
    assert json.loads(diff.output)["figures_changed"] == [], "the same submission a day later: nothing changed"
    result = tmp_path / "B" / "firms" / "0001-acme-steel" / "result.json"
    result.write_text(result.read_text(encoding="utf-8").replace('"usable_t":172500', '"usable_t":250000'), "utf-8")
    refused = run_cli("ledger", "diff", "acme-steel", "--from", "A", "--to", "B", "--ledger", path)
    assert refused.exit_code == 2
    assert "the result file was changed after it was recorded (SHA-256)" in refused.stderr
