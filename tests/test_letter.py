"""The feedback letter (`gxets letter`): a returned firm's letter lists each failing lot with every failed criterion
and its clause, in Japanese, with the deadline — checked in Chromium (the HTML letter) and in the Word document
(python-docx, and LibreOffice Writer where it is installed)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from tests.conftest import ACME, run_cli
from tests.reports_support import L4_FAILS, L5_FAILS, LIBREOFFICE, page_text, rows_of, tool
from tests.test_report_tools import TIMEOUT_S, chromium

FAILS = {"L4": L4_FAILS, "L5": L5_FAILS}
NOTE = "L4・L5は適格カーボン・クレジットとして認められません。差し替えてください。"


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("letter")
    ledger = folder / "ledger.sqlite"
    reviewed = run_cli("review", ACME, "--ledger", ledger, "--new-ledger", "--round", "第1回", "--out", folder / "r1",
                       "--jobs", "1")  # fmt: skip
    assert reviewed.exit_code == 0, reviewed.stderr
    decided = run_cli("decide", "acme-steel", "--round", "第1回", "--decision", "returned", "--by", "審査担当 田中",
                      "--note", NOTE, "--deadline", "2026-12-18", "--ledger", ledger)  # fmt: skip
    assert decided.exit_code == 0, decided.stderr
    queried = run_cli("decide", "acme-steel", "--round", "第1回", "--decision", "query", "--lot", "L4",
                      "--by", "審査担当 田中", "--note", "方法論の承認状況を示す資料をご提出ください。",
                      "--ledger", ledger)  # fmt: skip
    assert queried.exit_code == 0, queried.stderr
    written = run_cli("letter", "acme-steel", "--round", "第1回", "--out", folder / "letters", "--ledger", ledger)
    assert written.exit_code == 0, written.stderr
    docx, html = (Path(line.removeprefix("→ ")) for line in written.output.splitlines())
    return {"folder": folder, "ledger": ledger, "docx": docx, "html": html}


def test_chromium_shows_each_failing_lot_with_its_clauses_in_japanese(returned: dict[str, Any], tmp_path: Path) -> None:
    html = returned["html"]
    assert html.name == "letter-acme-steel-第1回-ja.html"
    dom = chromium(html, tmp_path, "--dump-dom")
    text, tags = page_text(dom)
    assert "script" not in tags
    assert "GX-ETS 提出内容の差戻しについて（通知）" in text
    assert "ACME Steel K.K.（エーシーエムイー製鉄株式会社） 御中" in text
    assert "2026年12月18日までに訂正のうえ、再度ご提出ください。" in text
    assert NOTE in text and "所見: 方法論の承認状況を示す資料をご提出ください。" in text
    rows = rows_of(dom, "points")
    listed = {(row[0].split(" ")[0], row[2]) for row in rows}
    assert listed == {(criterion, clause) for fails in FAILS.values() for criterion, clause in fails.items()}
    assert all(row[0].endswith("(不充足)") for row in rows)
    for lot in FAILS:
        assert f"ロット {lot} —" in text
    assert "ロット L1" not in text, "an eligible lot asks for nothing"


def test_the_word_letter_holds_the_same_points(returned: dict[str, Any]) -> None:
    document = Document(str(returned["docx"]))
    paragraphs = [p.text for p in document.paragraphs]
    assert "GX-ETS 提出内容の差戻しについて（通知）" in paragraphs
    assert "回答・再提出の期限: 2026年12月18日" in paragraphs
    points = {
        (row.cells[0].text.split(" ")[0], row.cells[2].text)
        for table in document.tables[: len(FAILS)]
        for row in table.rows[1:]
    }
    assert points == {(criterion, clause) for fails in FAILS.values() for criterion, clause in fails.items()}
    again = run_cli("letter", "acme-steel", "--round", "第1回", "--out", returned["folder"] / "again",
                    "--ledger", returned["ledger"])  # fmt: skip
    assert again.exit_code == 0
    assert (returned["folder"] / "again" / returned["docx"].name).read_bytes() == returned["docx"].read_bytes()


def test_libreoffice_writer_opens_the_word_letter(returned: dict[str, Any], tmp_path: Path) -> None:
    command = [
        tool(LIBREOFFICE, "opens the Word letter"),
        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
        "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(tmp_path), str(returned["docx"]),
    ]  # fmt: skip
    proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    converted = tmp_path / returned["docx"].with_suffix(".txt").name
    if not converted.exists() and "could not be loaded" in proc.stderr:
        pytest.skip("LibreOffice Writer is not installed (Debian libreoffice-writer); the letter is a Word document")
    text = converted.read_text(encoding="utf-8-sig")
    assert "GX-ETS 提出内容の差戻しについて（通知）" in text
    for fails in FAILS.values():
        for criterion, clause in fails.items():
            assert criterion in text and clause in text


def test_the_english_letter_and_the_guards(returned: dict[str, Any]) -> None:
    ledger, folder = returned["ledger"], returned["folder"]
    english = run_cli("letter", "acme-steel", "--round", "第1回", "--lang", "en", "--out", folder / "en",
                      "--ledger", ledger)  # fmt: skip
    assert english.exit_code == 0
    page = (folder / "en" / "letter-acme-steel-第1回-en.html").read_text(encoding="utf-8")
    assert "GX-ETS submission: returned for correction" in page and "please correct them and submit again by" in page
    missing = run_cli("letter", "acme-steel", "--round", "2", "--out", folder / "x", "--ledger", ledger)
    assert missing.exit_code == 2 and "no round '2'" in missing.stderr
    again = run_cli("review", ACME, "--as-of", "2026-12-08", "--ledger", ledger, "--round", "第1回",
                    "--out", folder / "r1b", "--jobs", "1")  # fmt: skip
    assert again.exit_code == 0
    stale = run_cli("letter", "acme-steel", "--round", "第1回", "--out", folder / "x", "--ledger", ledger)
    assert stale.exit_code == 2 and "decide on it first" in stale.stderr, "the decision named the earlier result"
    accepted = run_cli("decide", "acme-steel", "--round", "第1回", "--decision", "accepted", "--by", "tanaka",
                       "--note", "", "--ledger", ledger)  # fmt: skip
    assert accepted.exit_code == 0
    letter = run_cli("letter", "acme-steel", "--round", "第1回", "--out", folder / "ok", "--ledger", ledger)
    assert letter.exit_code == 0, letter.stderr
    assert "受理しましたのでお知らせします" in (folder / "ok" / "letter-acme-steel-第1回-ja.html").read_text("utf-8")
    no_lot = run_cli("decide", "acme-steel", "--round", "第1回", "--decision", "query", "--lot", "L9", "--by", "x",
                     "--note", "", "--ledger", ledger)  # fmt: skip
    assert no_lot.exit_code == 2 and "no lot 'L9'" in no_lot.stderr
