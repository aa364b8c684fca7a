"""The classes of hostile input of issue 12 that a single refused file cannot show: a planted double claim spelled ten
ways, a batch that survives one bad file of every class (and an exception nobody foresaw), path order, ties, the
date in Japan, outputs as a set, terminal safety, library warnings, and a rule set from a folder shown as such."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from gxets_rules.app.review import batch as batch_module
from gxets_rules.app.review.ledger import open_ledger
from gxets_rules.model.canonical import canonical_registry, canonical_text
from tests.conftest import ACME, EXAMPLES, PHASE1, ROOT, run_cli

HEAD = """format: gxets.submission.v1
as_of: 2026-12-07
firm: {{id: {firm}, name: {firm} K.K., group: G}}
base_year: {{fiscal_year: 2013, method: single_year, direct_t: 1000000, indirect_t: 400000}}
pre_scheme_average_t: 1400000
targets:
  direct: {{phase_total_t: 2400000}}
  indirect: {{phase_total_t: 1000000}}
actuals:
  - {{fiscal_year: 2023, scope: direct, emissions_t: 900000, assurance: limited}}
  - {{fiscal_year: 2024, scope: direct, emissions_t: 880000, assurance: limited}}
  - {{fiscal_year: 2025, scope: direct, emissions_t: 870000, assurance: limited}}
  - {{fiscal_year: 2023, scope: indirect, emissions_t: 300000, assurance: limited}}
  - {{fiscal_year: 2024, scope: indirect, emissions_t: 300000, assurance: limited}}
  - {{fiscal_year: 2025, scope: indirect, emissions_t: 300000, assurance: limited}}
lots:
"""
LOT = (
    '  - {{id: "{lot}", kind: j_credit, quantity_t: {quantity}, vintage: 2023, status: held, registry: "{registry}", '
    "tse_category: energy_saving, "
    'certification_number: "{cert}", serial_start: {start}, serial_end: {end}, '
    "project: {{id: JCL-R-0042, country: JP, programme: j_credit}}}}\n"
)
TEN_SPELLINGS = [
    ("j_credit_registry", "jcl-r-0042-0007"),  # lower case
    ("J-Credit Registry", "JCL-R-0042-0007"),  # the registry's English name
    ("Ｊ－クレジット登録簿", "ＪＣＬ－Ｒ－００４２－０００７"),  # full width, the registry's Japanese name
    ("j_credit_registry", "  JCL-R-0042-0007 "),  # padded
    ("jcredit", "JCL–R–0042–0007"),  # en dashes
    ("JCREDIT_REGISTRY", "JCL—R—0042—0007"),  # em dashes
    ("j_credit_registry", "JCL−R−0042−0007"),  # minus signs
    ("j-credit registry", "JCL\u2011R\u20110042\u20110007"),  # non-breaking hyphens
    ("j_credit_registry", "JCL-R-\u200b0042-\ufeff0007"),  # a zero-width space and a zero-width no-break space
    ("J-Credit", "JCLーRー0042ー0007"),  # katakana prolonged sound marks typed for hyphens
]
"""ACME's lot L1 (j_credit_registry, JCL-R-0042-0007, serials 100,001–130,000), claimed again ten ways."""


def submission(folder: Path, firm: str, *lots: str) -> Path:
    path = folder / f"{firm}.yaml"
    path.write_text(HEAD.format(firm=firm) + "".join(lots), encoding="utf-8")
    return path


def review(folder: Path, *paths: Path, out: str = "out", ledger: str = "ledger.sqlite") -> tuple[int, dict, str]:
    result = run_cli(
        "review", *paths, "--new-ledger", "--ledger", folder / ledger, "--out", folder / out, "--jobs", "1",
        "--round", out, "--lang", "en",
    )  # fmt: skip
    assert "Traceback" not in result.stderr and "internal error (a bug" not in result.stderr.split("problem")[0]
    return result.exit_code, json.loads((folder / out / "summary.json").read_text(encoding="utf-8")), result.stderr


def planted_ten(folder: Path) -> list[Path]:
    """Ten firms, each claiming 100 serials of ACME's L1 under another spelling."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        submission(
            folder,
            f"copier-{n:02d}",
            LOT.format(
                lot="X1", quantity=100, registry=registry, cert=cert, start=100_001 + 100 * n, end=100_100 + 100 * n
            ),
        )
        for n, (registry, cert) in enumerate(TEN_SPELLINGS)
    ]


def test_the_ten_spellings_are_one_key() -> None:
    keys = {(canonical_registry(r), canonical_text(c)) for r, c in TEN_SPELLINGS}
    assert keys == {("j_credit_registry", "jcl-r-0042-0007")}


def test_a_double_claim_spelled_ten_ways_is_found_ten_times(tmp_path: Path) -> None:
    copies = planted_ten(tmp_path / "batch")
    code, summary, _ = review(tmp_path, ACME, *copies)
    with_acme = [
        d for d in summary["double_claims"] if {d["first"]["firm_id"], d["second"]["firm_id"]} & {"acme-steel"}
    ]
    found = sorted(
        d["second"]["firm_id"] if d["first"]["firm_id"] == "acme-steel" else d["first"]["firm_id"] for d in with_acme
    )
    assert found == [f"copier-{n:02d}" for n in range(10)]
    assert all(d["overlap_t"] == 100 for d in with_acme)
    assert code == 5


def test_the_ten_spellings_are_found_against_an_earlier_round_too(tmp_path: Path) -> None:
    code, _, _ = review(tmp_path, ACME, out="round-1")
    assert code == 0
    code, summary, _ = review(tmp_path, *planted_ten(tmp_path / "batch"), out="round-2")
    earlier = [d for d in summary["double_claims"] if d["scope"] == "earlier_round"]
    assert sorted(d["second"]["firm_id"] for d in earlier) == [f"copier-{n:02d}" for n in range(10)]
    assert {d["first"]["firm_id"] for d in earlier} == {"acme-steel"}
    assert code == 5


ONE_OF_EACH = {
    "a1-deep.yaml": lambda text: text.replace("firm:\n", "deep: " + "{a: " * 3000 + "1" + "}" * 3000 + "\nfirm:\n"),
    "a2-serial-2-64.yaml": lambda text: text.replace("serial_start: 100_001", f"serial_start: {2**64}"),
    "a3-ruleset-path.yaml": lambda text: text.replace("ruleset: gxets-phase1", f"ruleset: {PHASE1}"),
    "a4-csv-outside.yaml": lambda text: text.replace("lots:\n", "lots_csv: /etc/passwd\nlots:\n", 1),
    "a5-tonnes-true.yaml": lambda text: text.replace("quantity_t: 30_000", "quantity_t: true"),
    "a6-escape.yaml": lambda text: text.replace("id: L1", 'id: "L1\\e[2J"'),
    "a7-quoted-number.yaml": lambda text: text.replace("quantity_t: 30_000", 'quantity_t: "30000"'),
    "a8-cp932.yaml": None,
}


def test_a_batch_with_one_bad_file_of_every_class_still_summarises_and_records_every_valid_firm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    acme = ACME.read_text(encoding="utf-8")
    for name, change in ONE_OF_EACH.items():
        path = folder / name
        if change is None:
            path.write_bytes(acme.replace("ACME Steel K.K.", "株式会社エーシーエムイー").encode("cp932", "replace"))
        else:
            path.write_text(change(acme), encoding="utf-8")
    (folder / "b1-lots.csv").write_bytes("id,kind\nＣ1,j_credit\n".encode("utf-16"))
    (folder / "b1-utf16-csv.yaml").write_text(acme.replace("lots:\n", "lots_csv: b1-lots.csv\nlots:\n", 1), "utf-8")
    (folder / "b2-ring.yaml").write_text(
        "format: gxets.ownership.v1\nentities:\n  - {id: a, name: A, country: JP, kind: company}\n"
        "  - {id: b, name: B, country: JP, kind: company}\nholdings:\n"
        "  - {owner: a, owned: b, share: 1, from: 2020-01-01}\n  - {owner: b, owned: a, share: 1, from: 2020-01-01}\n",
        encoding="utf-8",
    )
    daccs = (EXAMPLES / "overseas-daccs" / "submission.yaml").read_text(encoding="utf-8")
    (folder / "b3-names-the-ring.yaml").write_text(
        daccs.replace("ownership: ownership.yaml", "ownership: b2-ring.yaml")
    )
    for workbook in ("lots-sheet-part-missing.xlsx", "deflate64-part.xlsx"):
        (folder / workbook).write_bytes((ROOT / "tests" / "bad_workbooks" / workbook).read_bytes())
    (folder / "c9-bug.yaml").write_text(acme.replace("id: acme-steel", "id: trips-a-bug"), encoding="utf-8")
    valid = [EXAMPLES / "green-steel-era" / "submission.yaml", EXAMPLES / "small-maker-x" / "submission.yaml"]

    real = batch_module.review_submission

    def unforeseen(index: int, path: Path, *args: object) -> object:
        if path.name == "c9-bug.yaml":
            raise ZeroDivisionError("a value nobody foresaw")
        return real(index, path, *args)

    monkeypatch.setattr(batch_module, "review_submission", unforeseen)
    code, summary, stderr = review(tmp_path, folder, *valid)
    assert code == 4, stderr
    assert sorted(row["firm_id"] for row in summary["firms"]) == ["green-steel", "small-maker"]
    invalid = {Path(i["file"]).name: " ".join(i["problems"]) for i in summary["invalid"]}
    assert set(invalid) == {p.name for p in folder.iterdir() if p.suffix in (".yaml", ".xlsx")} - {"b2-ring.yaml"}
    assert "internal error (a bug in gxets-rules): ZeroDivisionError: a value nobody foresaw" in invalid["c9-bug.yaml"]
    assert "hold all of one another's shares" in invalid["b3-names-the-ring.yaml"]
    assert "NUL byte" in invalid["b1-utf16-csv.yaml"] and "not UTF-8 text" in invalid["a8-cp932.yaml"]
    assert "the invisible or control character U+001B" in invalid["a6-escape.yaml"]
    for name in ("summary.json", "summary.xlsx", "summary.html"):
        assert (tmp_path / "out" / name).is_file()
    with open_ledger(tmp_path / "ledger.sqlite") as book:
        assert sorted(s.firm_id for s in book.submissions()) == ["green-steel", "small-maker"]


def test_a_batch_summary_is_the_same_bytes_whatever_order_its_paths_are_given_in(tmp_path: Path) -> None:
    paths = [*planted_ten(tmp_path / "batch"), ACME, EXAMPLES / "small-maker-x" / "submission.yaml"]
    _, forward, _ = review(tmp_path, *paths, out="same", ledger="a.sqlite")
    first = (tmp_path / "same" / "summary.json").read_bytes()
    (tmp_path / "same").rename(tmp_path / "forward")
    _, backward, _ = review(tmp_path, *reversed(paths), out="same", ledger="b.sqlite")
    assert (tmp_path / "same" / "summary.json").read_bytes() == first
    assert [row["firm_id"] for row in forward["firms"]] == [row["firm_id"] for row in backward["firms"]]


def test_lots_the_rule_set_ranks_alike_are_used_in_lot_id_order_whatever_their_order_in_the_file(
    tmp_path: Path,
) -> None:
    """Need 250,000 t is met by ACME's lots; two more held J-credits of the same rank compete for what is left."""
    lots = [
        LOT.format(lot=lot, quantity=400_000, registry="j_credit_registry", cert=f"TIE-{lot}", start=1, end=400_000)
        for lot in ("B", "A")
    ]
    forward = submission(tmp_path, "tie", *lots)
    (tmp_path / "b").mkdir()
    backward = submission(tmp_path / "b", "tie", *reversed(lots))
    usable = []
    for path in (forward, backward):
        result = json.loads(run_cli("check", path, "--format", "json").stdout)
        usable.append({lot["id"]: lot["usable_t"] for lot in result["lots"]})
    assert usable[0] == usable[1]
    assert usable[0]["A"] > 0 and usable[0]["B"] == 0, usable[0]


def test_a_submission_without_as_of_is_evaluated_as_of_today_in_japan(tmp_path: Path) -> None:
    """Run where the machine's clock is twelve hours behind UTC: its date is Japan's only three hours a day."""
    path = tmp_path / "no-date.yaml"
    lot = LOT.format(lot="L1", quantity=10, registry="j_credit_registry", cert="C-1", start=1, end=10)
    path.write_text(HEAD.format(firm="undated").replace("as_of: 2026-12-07\n", "") + lot, encoding="utf-8")
    before = datetime.now(timezone(timedelta(hours=9))).date()
    proc = subprocess.run(
        [sys.executable, "-m", "gxets_rules.app.cli", "check", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "Etc/GMT+12"},
        check=True,
    )
    after = datetime.now(timezone(timedelta(hours=9))).date()
    assert json.loads(proc.stdout)["as_of"] in {before.isoformat(), after.isoformat()}


def test_a_failure_while_writing_the_outputs_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run_cli("check", ACME, "--out", out, "--report", "html").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*_: object) -> list[Path]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("gxets_rules.render.reports.write_reports", broken)  # the CLI imports it when it writes
    result = run_cli("check", ACME, "--as-of", "2026-12-08", "--out", out, "--report", "html", "--lang", "en")
    assert result.exit_code == 2 and "cannot write the output here: No space left on device" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "the old set stays whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no temporary folder is left behind"


def test_a_new_output_folder_appears_with_its_whole_set(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "new" / "out"
    result = run_cli("check", ACME, "--out", out, "--report", "html,xlsx")
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.xlsx", "result.json"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_control_characters_from_a_submission_are_shown_escaped(tmp_path: Path) -> None:
    path = tmp_path / "escapes.yaml"
    name = '"Evil\\e[2J\\e]0;owned\\a\\x9b31m\\u202etxt K.K."'
    path.write_text(
        ACME.read_text(encoding="utf-8").replace(
            "name: ACME Steel K.K.（エーシーエムイー製鉄株式会社）", f"name: {name}"
        )
    )
    text = run_cli("check", path, "--lang", "en").stdout
    assert "Evil\\x1b[2J\\x1b]0;owned\\x07\\x9b31m\\u202etxt K.K." in text
    data = run_cli("check", path, "--format", "json").stdout
    assert "\x1b" not in data and "\x9b" not in data and "\u202e" not in data
    assert json.loads(data)["firm"]["name"] == "Evil\x1b[2J\x1b]0;owned\x07\x9b31m\u202etxt K.K.", "the same text"


def test_a_library_warning_is_one_line_without_a_local_path(monkeypatch: pytest.MonkeyPatch) -> None:
    real = __import__("gxets_rules.render.text", fromlist=["render_text"]).render_text

    def warns(*args: object, **kwargs: object) -> str:
        warnings.warn("Data Validation extension is not supported and will be removed", UserWarning, stacklevel=1)
        return real(*args, **kwargs)

    monkeypatch.setattr("gxets_rules.render.text.render_text", warns)  # the CLI imports it when it prints
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        result = run_cli("check", ACME, "--lang", "en")
    assert "warning: UserWarning: Data Validation extension is not supported" in result.stderr
    assert str(ROOT) not in result.stderr and ".py" not in result.stderr


def test_a_rule_set_from_a_folder_is_named_as_such_with_its_hash_in_every_output(
    phase1_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_cli("check", ACME, "--ruleset", phase1_copy, "--out", out, "--report", "html,xlsx", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert data["ruleset"]["source"] == "path"
    note = f"rule set from a folder (--ruleset PATH), not a bundled one (SHA-256 {data['ruleset']['sha256'][:12]})"
    assert note in result.stdout
    assert note in (out / "report.html").read_text(encoding="utf-8")
    bundled = json.loads(run_cli("check", ACME, "--format", "json").stdout)
    assert bundled["ruleset"]["source"] == "bundled"


def test_a_ring_closed_only_at_the_top_of_ranged_shares_gives_a_bounded_look_through_not_a_crash(
    tmp_path: Path,
) -> None:
    """x1 and x2 may hold all of each other (ranges up to 100 %): the look-through is bounded; the lot is reviewed."""
    source = EXAMPLES / "overseas-daccs"
    graph = (source / "ownership.yaml").read_text(encoding="utf-8")
    graph = graph.replace("share: 0.25, from: 2022-02-15", "share: 0.01, from: 2022-02-15").replace(
        "participants:\n",
        "  - {id: x1, name: X1, country: US, kind: company}\n  - {id: x2, name: X2, country: US, kind: company}\n"
        "participants:\n",
        1,
    )
    graph = graph.replace(
        "holdings:\n",
        "holdings:\n"
        "  - {owner: x1, owned: x2, share: {min: 0.5, max: 1}, from: 2020-01-01}\n"
        "  - {owner: x2, owned: x1, share: {min: 0.5, max: 1}, from: 2020-01-01}\n"
        "  - {owner: kaisei, owned: x1, share: {min: 0, max: 0.5}, from: 2020-01-01}\n"
        "  - {owner: x2, owned: prairie-dac-1, share: 0.25, from: 2020-01-01}\n",
        1,
    )
    (tmp_path / "ownership.yaml").write_text(graph, encoding="utf-8")
    (tmp_path / "submission.yaml").write_text((source / "submission.yaml").read_text(encoding="utf-8"))
    result = run_cli("explain", tmp_path / "submission.yaml", "DAC-US-2025", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "look-through: 1%–26% (holders beyond the explored neighbourhood bound it)" in result.stdout
    assert "P1-VOL-INVOLVEMENT (review)" in result.stdout


def test_a_worker_process_that_dies_costs_only_its_own_firm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed mid-review (as the kernel kills one out of memory) broke the pool and the batch waited for
    ever; now that firm is reported and every other one evaluated."""
    copies = planted_ten(tmp_path / "batch")
    real = batch_module.review_submission

    def killed(index: int, path: Path, *args: object) -> object:
        if path.name == "copier-03.yaml":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(index, path, *args)

    monkeypatch.setattr(batch_module, "review_submission", killed)
    result = run_cli(
        "review", *copies, "--new-ledger", "--ledger", tmp_path / "l.sqlite", "--out", tmp_path / "out",
        "--jobs", "2", "--round", "r", "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 4, result.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [row["firm_id"] for row in summary["firms"]] == [f"copier-{n:02d}" for n in range(10) if n != 3]
    (dead,) = summary["invalid"]
    assert dead["file"].endswith("copier-03.yaml") and "ended abruptly" in dead["problems"][0]


def test_a_file_name_cannot_forge_a_line_or_break_the_summary(tmp_path: Path) -> None:
    """A line break in a name is shown escaped; a name that is not UTF-8 is reported, not a crash of the batch."""
    text = ACME.read_text(encoding="utf-8").replace("quantity_t: 30_000", "quantity_t: true")
    forged = tmp_path / "x\nerror: all clear.yaml"
    forged.write_text(text, encoding="utf-8")
    result = run_cli("check", forged, "--lang", "en")
    assert "x\\x0aerror: all clear.yaml:43:17: lots[0](L1).quantity_t: expected a whole number" in result.stderr
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "ok.yaml").write_text(ACME.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / os.fsdecode(b"\xff\xfe.yaml")).write_text(ACME.read_text(encoding="utf-8"), encoding="utf-8")
    code, summary, _ = review(tmp_path, folder)
    assert code == 4
    assert [row["firm_id"] for row in summary["firms"]] == ["acme-steel"]
    (bad,) = summary["invalid"]
    assert bad["file"].endswith("\\xff\\xfe.yaml") and "not UTF-8 text" in bad["problems"][0]
