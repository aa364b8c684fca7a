"""Claimed cancellations against the registry's records (`gxets review --registry-cancellations`).

A generated batch's every cancelled lot is given the record(s) a registry would hold for it — some split in two,
holders written as the firm's id or its name in another case or width, purposes as GX-ETS variants or other purposes —
among noise records of other certifications, over 1,000 records in all. Then one mismatch of each kind is planted.
The review must find exactly the planted ones: nothing more, nothing less.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from benchmarks.synthetic_batch import generate_batch
from gxets_rules.app.review.claims import Claim
from gxets_rules.app.review.registry import is_gxets, reconcile
from gxets_rules.io.cancellations_csv import Cancellations
from tests.conftest import ACME, run_cli

COLUMNS = [
    "registry",
    "certification_number",
    "serial_start",
    "serial_end",
    "cancelled_on",
    "purpose",
    "account_holder",
]
JA_COLUMNS = ["登録簿", "認証番号", "シリアル開始", "シリアル終了", "無効化日", "用途", "口座名義"]
OTHER_PURPOSE = "温対法（SHK制度）報告"


def wide(text: str) -> str:
    """Full-width ASCII, as some registry exports write names."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def records_for(firm: str, lot: dict[str, str], n: int) -> list[dict[str, Any]]:
    """What a registry holds for a cancelled lot: one record, or (every third lot) two for its two halves."""
    start, end = int(lot["serial_start"]), int(lot["serial_end"])
    purpose = ["GX-ETS", "gxets", "ＧＸ－ＥＴＳ"][n % 3] if lot["status"] == "cancelled_gxets" else OTHER_PURPOSE
    holder = [firm, f"Synthetic firm {firm}".upper(), wide(f"Synthetic firm {firm}")][n % 3]
    base = {"registry": lot["registry"], "certification_number": lot["certification_number"]}
    base |= {"cancelled_on": lot["status_date"], "purpose": purpose, "account_holder": holder}
    if n % 3 == 0 and end > start:
        middle = (start + end) // 2
        return [
            base | {"serial_start": start, "serial_end": middle},
            base | {"serial_start": middle + 1, "serial_end": end},
        ]
    return [base | {"serial_start": start, "serial_end": end}]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("registry")
    generate_batch(folder, firms=30, lots=40, entities=0, seed=11, across=0, within=0, excess=0)
    cancelled: list[tuple[str, dict[str, str]]] = []
    for path in sorted((folder / "submissions").glob("*.lots.csv")):
        firm = path.name.removesuffix(".lots.csv")
        with path.open(encoding="utf-8", newline="") as handle:
            cancelled += [(firm, row) for row in csv.DictReader(handle) if row["status"].startswith("cancelled_")]
    records: list[dict[str, Any]] = []
    per_lot: dict[str, list[dict[str, Any]]] = {}
    for n, (firm, lot) in enumerate(cancelled):
        per_lot[lot["id"]] = records_for(firm, lot, n)
        records += per_lot[lot["id"]]
    noise = [
        {"registry": "j_credit_registry", "certification_number": f"JCL-NOISE-{i:04d}", "serial_start": 1,
         "serial_end": 100, "cancelled_on": "2026-12-01", "purpose": "GX-ETS", "account_holder": "Someone else K.K."}
        for i in range(1_100 - len(records))
    ]  # fmt: skip
    # one mismatch of each kind, on lots split in two (index % 3 == 0) or whole
    gx = [(firm, lot) for n, (firm, lot) in enumerate(cancelled) if lot["status"] == "cancelled_gxets" and n % 3 == 1]
    other = [(firm, lot) for n, (firm, lot) in enumerate(cancelled) if lot["status"] == "cancelled_other" and n % 3]
    split = [
        (firm, lot) for n, (firm, lot) in enumerate(cancelled) if n % 3 == 0 and lot["serial_end"] > lot["serial_start"]
    ]
    (missing_firm, missing), (holder_firm, holder), (purpose_firm, purpose), (date_firm, dated) = gx[:4]
    (reverse_firm, reverse), (half_firm, half) = other[0], split[0]
    for record in per_lot[missing["id"]]:
        records.remove(record)
    records.remove(per_lot[half["id"]][1])
    per_lot[holder["id"]][0]["account_holder"] = "Another Holder K.K."
    per_lot[purpose["id"]][0]["purpose"] = OTHER_PURPOSE
    per_lot[reverse["id"]][0]["purpose"] = "GX-ETS"
    day = date.fromisoformat(dated["status_date"]) + timedelta(days=1)
    per_lot[dated["id"]][0]["cancelled_on"] = day.isoformat().replace("-", "/")
    all_records = records + noise
    assert len(all_records) >= 1_000
    target = folder / "cancellations.csv"
    with target.open("w", encoding="utf-8-sig", newline="") as handle:  # Japanese headings, as Excel saves them
        writer = csv.writer(handle)
        writer.writerow(JA_COLUMNS)
        writer.writerows([[r[c] for c in COLUMNS] for r in all_records])
    line = {id(r): i + 2 for i, r in enumerate(all_records)}
    middle = (int(half["serial_start"]) + int(half["serial_end"])) // 2

    def expect(problem: str, firm: str, lot: dict[str, str], start: int, end: int, claimed: Any, recorded: Any,
               record: dict[str, Any] | None) -> dict[str, Any]:  # fmt: skip
        return {
            "problem": problem, "firm_id": firm, "lot_id": lot["id"],
            "file": str(folder / "submissions" / f"{firm}.yaml"),
            "status": lot["status"], "registry": lot["registry"], "certification_number": lot["certification_number"],
            "serial_start": start, "serial_end": end, "claimed": claimed, "recorded": recorded,
            "record_line": line[id(record)] if record else None,
        }  # fmt: skip

    def whole(lot: dict[str, str]) -> tuple[int, int]:
        return int(lot["serial_start"]), int(lot["serial_end"])

    expected = [
        expect("missing", missing_firm, missing, *whole(missing), None, None, None),
        expect("missing", half_firm, half, middle + 1, int(half["serial_end"]), None, None, None),
        expect("other_holder", holder_firm, holder, *whole(holder), holder_firm, "Another Holder K.K.",
               per_lot[holder["id"]][0]),
        expect("other_purpose", purpose_firm, purpose, *whole(purpose), "cancelled_gxets", OTHER_PURPOSE,
               per_lot[purpose["id"]][0]),
        expect("other_purpose", reverse_firm, reverse, *whole(reverse), "cancelled_other", "GX-ETS",
               per_lot[reverse["id"]][0]),
        expect("other_date", date_firm, dated, *whole(dated), dated["status_date"], day.isoformat(),
               per_lot[dated["id"]][0]),
    ]  # fmt: skip
    result = run_cli(
        "review", folder / "submissions", "--registry-cancellations", target, "--ledger", folder / "l.sqlite",
        "--new-ledger", "--out", folder / "out", "--jobs", "2",
    )  # fmt: skip
    summary = json.loads((folder / "out" / "summary.json").read_text(encoding="utf-8"))
    return {"folder": folder, "code": result.exit_code, "summary": summary, "expected": expected,
            "records": len(all_records), "cancelled": len(cancelled)}  # fmt: skip


def key(finding: dict[str, Any]) -> tuple[str, str, str]:
    return (finding["firm_id"], finding["lot_id"], finding["problem"])


def test_every_planted_mismatch_is_found_and_nothing_else(planted: dict[str, Any]) -> None:
    check = planted["summary"]["registry"]
    assert (check["records"], check["lots_checked"]) == (planted["records"], planted["cancelled"])
    assert planted["records"] >= 1_000 and planted["cancelled"] > 300
    assert sorted(check["findings"], key=key) == sorted(planted["expected"], key=key)
    assert planted["summary"]["totals"]["registry_mismatches"] == 6
    assert planted["code"] == 5, "a cancellation the records contradict is a finding"


def test_the_summary_shows_the_mismatches_in_japanese(planted: dict[str, Any]) -> None:
    out = planted["folder"] / "out"
    sheet = load_workbook(out / "summary.xlsx")["登録簿照合"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("不一致", "企業", "ロット")
    assert sorted(row[0] for row in rows[1:]) == sorted(
        ["登録簿に記録なし"] * 2 + ["口座名義が異なる", "無効化日が異なる"] + ["無効化の用途が異なる"] * 2
    )
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert 'id="registry"' in page and "登録簿の記録と一致しない無効化" in page
    assert planted["summary"]["inputs"]["registry_cancellations:cancellations.csv"]


def test_a_lot_without_serials_cannot_be_checked_and_says_so() -> None:
    claim = Claim("firm-a", "L1", "era", 10, "gx_registry", "ERA-1", None, None, status="cancelled_gxets")
    check = reconcile([(claim, True)], {}, Cancellations("c.csv", "0" * 64, ()))
    assert [(f.problem, f.lot_id) for f in check.findings] == [("no_range", "L1")]
    assert check.lots_checked == 1
    assert [is_gxets(text) for text in ("GX-ETS", "gx_ets", "ＧＸ－ＥＴＳ", "GX", "SHK")] == [True] * 3 + [False] * 2
    assert unicodedata.normalize("NFKC", wide("Firm")) == "Firm"


def test_a_bad_cancellations_file_is_reported_by_line_and_nothing_runs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        ",".join(COLUMNS) + "\n"
        "j_credit_registry,JCL-1,1,10,2026-12-01,gxets,A\n"
        "j_credit_registry,JCL-1,20,10,2026-12-01,gxets,A\n"
        "j_credit_registry,JCL-1,x,30,2026-12-01,gxets,A\n"
        "j_credit_registry,JCL-1,40,50,1 Dec,gxets,A\n"
        "j_credit_registry,JCL-1,60,70,2026-12-01,,A\n",
        encoding="utf-8",
    )
    result = run_cli(
        "review", ACME, "--registry-cancellations", bad, "--ledger", tmp_path / "l.sqlite",
        "--new-ledger", "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 2
    for line, text in ((3, "serial_end 10 is before serial_start 20"), (4, "not a whole serial number"),
                       (5, "not a date"), (6, "purpose is empty")):  # fmt: skip
        assert f"{bad}:{line}: {text}" in result.stderr
    headless = tmp_path / "headless.csv"
    headless.write_text("registry,serial_start\n", encoding="utf-8")
    result = run_cli("review", ACME, "--registry-cancellations", headless, "--ledger", tmp_path / "l.sqlite",
                     "--new-ledger", "--out", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 2 and "no column certification_number (認証番号)" in result.stderr
    assert not (tmp_path / "l.sqlite").exists() and not (tmp_path / "out").exists(), "nothing half-written"
