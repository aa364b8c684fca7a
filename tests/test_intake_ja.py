"""Japanese-first intake (issue 15): a workbook typed the way Japanese compliance staff type it is read, each reading
is noted, and every problem is told at its cell — in Japanese by default, in English with --lang en, as JSON."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from gxets_rules.io.lots_csv import read_lots_csv
from gxets_rules.io.normalise import a_date, decimal, fiscal_year, integer
from gxets_rules.io.vocabulary import vocabulary, words_of
from gxets_rules.model.problems import InputError
from gxets_rules.model.wording import problem_catalogue
from tests.conftest import ACME, ROOT, run_cli
from tests.intake_habits import habits_workbook

WORKBOOK = ACME.with_suffix(".xlsx")


def _lot_column(heading: str) -> str:
    """The letter of a lot-sheet column of the ACME workbook by its heading (columns move when the format grows)."""
    sheet = openpyxl.load_workbook(WORKBOOK, read_only=True)["クレジット"]
    headings = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    return get_column_letter(headings.index(heading) + 1)


DATE, COUNTRY, STATUS = (_lot_column(h) for h in ("状態の日付", "プロジェクト・実施国", "状態"))


def check_json(*args: object) -> dict:
    result = run_cli("check", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    data["run"]["inputs"] = {}  # the input files differ by name and hash; everything decided must not
    data["intake"] = []  # and how they were read, which is said in notes
    return data


# --- the habits workbook ------------------------------------------------------------------------------------------
def test_a_workbook_typed_with_japanese_habits_checks_like_the_yaml_example(tmp_path: Path) -> None:
    path = habits_workbook(tmp_path)
    assert check_json(path) == check_json(ACME)


def test_every_reading_of_the_habits_workbook_is_a_note(tmp_path: Path) -> None:
    path = habits_workbook(tmp_path)
    result = run_cli("check", path, "--lang", "ja", "--format", "json")
    assert result.exit_code == 0, result.stderr
    intake = json.loads(result.stdout)["intake"]
    assert {note["severity"] for note in intake} == {"note"}
    notes = [
        f"{n['location']}: " + (f"{n['field']['ja']}: " if n.get("field") else "") + n["message"]["ja"] for n in intake
    ]
    expected = [
        "habits.xlsx:提出!B3: 評価日: 「令和8年12月7日」を 2026-12-07 として読み取りました",
        "habits.xlsx:企業!B4: グループ: 「Ｇ」を G として読み取りました",
        "habits.xlsx:基準年度!B2: 基準年度: 「2013年度」を 2013 として読み取りました",
        "habits.xlsx:基準年度!B3: 算定方法: 「単年度」を single_year として読み取りました",
        "habits.xlsx:基準年度!B4: 基準年度の直接排出量（t-CO2）: 「１，０００，０００」を 1000000 として読み取りました",
        "habits.xlsx:基準年度!B6: 第三者検証: 「限定的保証」を limited として読み取りました",
        "habits.xlsx:排出実績!E1: 「備考」は様式にない項目のため、読み取らずに注記として残しました",
        "habits.xlsx:排出実績!A2: 年度: 「FY2023」を 2023 として読み取りました",
        "habits.xlsx:排出実績!A5: 年度: 「令和5年度」を 2023 として読み取りました",
        "habits.xlsx:排出実績!B2: 区分: 「直接」を direct として読み取りました",
        "habits.xlsx:排出実績!D2: 第三者検証: 「限定的保証」を limited として読み取りました"
        "（同様のセルがほかに3個あります）",
        "habits.xlsx:排出実績!A8: 8行目は上の行の合計（合計欄または数式）でIDがないため、読み飛ばしました",
        "habits.xlsx:クレジット!B2: 種類: 「J-クレジット」を j_credit として読み取りました",
        "habits.xlsx:クレジット!B3: 種類: 「JCM」を jcm として読み取りました",
        "habits.xlsx:クレジット!C2: 数量（t-CO2）: 「３０，０００」を 30000 として読み取りました",
        "habits.xlsx:クレジット!L2: プロジェクト・実施国: 「日本」を JP として読み取りました",
        "habits.xlsx:クレジット!L3: プロジェクト・実施国: 「モンゴル」を MN として読み取りました",
        "habits.xlsx:クレジット!I2: 売買の区分: 「再生可能エネルギー（電力）」を renewable_electricity "
        "として読み取りました",
        "habits.xlsx:クレジット!O2: 状態: 「保有」を held として読み取りました",
        "habits.xlsx:クレジット!P3: 状態の日付: 「令和8年12月5日」を 2026-12-05 として読み取りました",
        "habits.xlsx:クレジット!Q3: 無効化の目的: 「第1フェーズの目標達成」を phase1_target として読み取りました",
        "habits.xlsx:クレジット!A4: 4行目は上の行の合計（合計欄または数式）でIDがないため、読み飛ばしました",
        "lots.csv: 文字コード CP932 (Shift_JIS) として読み取りました",
        "lots.csv:1:21: 「備考」は様式にない項目のため、読み取らずに注記として残しました",
        "lots.csv:2:17: プロジェクト・登録申請日: 「2025/6/2」を 2025-06-02 として読み取りました",
        "lots.csv:3:12: プロジェクト・実施国: 「ペルー」を PE として読み取りました",
        "lots.csv:3:3: 数量（t-CO2）: 「５００００」を 50000 として読み取りました",
        "lots.csv:2:2: 種類: 「ボランタリー・クレジット」を voluntary として読み取りました",
        "lots.csv:4:19: 状態の日付: 「令和7年6月30日」を 2025-06-30 として読み取りました",
    ]
    assert sorted(set(expected) - set(notes)) == []
    assert result.stderr == ""  # notes are in the result (and the text summary), not on stderr
    summary = run_cli("check", path, "--lang", "ja").stdout
    assert (
        "入力の読み取り（注記）" in summary
        and "habits.xlsx:企業!B4: グループ: 「Ｇ」を G として読み取りました" in summary
    )


# --- ten mistakes, one run ------------------------------------------------------------------------------------------
MISTAKES = {
    ("企業", "B4"): "Z",  # not a group
    ("基準年度", "B2"): "二〇一三",  # a fiscal year in kanji numerals
    ("目標", "B2"): "たくさん",  # not a number
    ("排出実績", "C3"): -5,  # negative emissions
    ("クレジット", "C2"): "1.5万",  # a quantity that is not a whole number
    ("クレジット", "F3"): 15000,  # serial start and end swapped
    ("クレジット", "G3"): 5001,
    ("クレジット", f"{DATE}3"): "1/2/2025",  # day/month or month/day
    ("クレジット", "B4"): "NFT",  # not a kind
    ("クレジット", f"{COUNTRY}5"): "アトランティス",  # not a country
    ("クレジット", f"{STATUS}6"): "保留",  # not a status
}
PLACES = [
    "企業!B4",
    "基準年度!B2",
    "目標!B2",
    "排出実績!C3",
    "クレジット!C2",
    "クレジット!G3",
    f"クレジット!{DATE}3",
    "クレジット!B4",
    f"クレジット!{COUNTRY}5",
    f"クレジット!{STATUS}6",
]


@pytest.fixture
def ten_mistakes(tmp_path: Path) -> Path:
    wb = openpyxl.load_workbook(WORKBOOK)
    for (sheet, ref), value in MISTAKES.items():
        wb[sheet][ref] = value
    path = tmp_path / "mistakes.xlsx"
    wb.save(path)
    return path


def _problem_lines(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines()[1:]]


def test_ten_independent_mistakes_are_all_reported_in_one_run_in_japanese(ten_mistakes: Path) -> None:
    result = run_cli("check", ten_mistakes, "--lang", "ja")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "エラー：入力に 10 件の問題があります"
    lines = _problem_lines(result.stderr)
    assert sorted(line.split(": ", 1)[0].split(":", 1)[1] for line in lines) == sorted(PLACES)
    assert any(
        "クレジット!G3: シリアル番号（終了）: シリアル番号の終了 5001 が開始 15000 より前です" in line for line in lines
    )
    assert any(f"クレジット!{DATE}3: 状態の日付: 「1/2/2025」は日/月とも月/日とも読めます" in line for line in lines)
    assert any("企業!B4: グループ: 「Z」は「グループ」の選択肢にありません" in line for line in lines)


def test_the_same_ten_mistakes_in_english(ten_mistakes: Path) -> None:
    result = run_cli("check", ten_mistakes, "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: invalid input: 10 problem(s)"
    lines = _problem_lines(result.stderr)
    assert sorted(line.split(": ", 1)[0].split(":", 1)[1] for line in lines) == sorted(PLACES)
    assert any("クレジット!G3: Serial end: serial_end 5001 is before serial_start 15000" in line for line in lines)
    assert any(
        f"クレジット!{COUNTRY}5: Project – country: 'アトランティス' is not an ISO 3166-1 country code" in line
        for line in lines
    )


def test_the_same_ten_mistakes_as_json_valid_against_the_published_schema(ten_mistakes: Path) -> None:
    result = run_cli("check", ten_mistakes, "--format", "json", "--lang", "ja")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    schema = json.loads((ROOT / "schemas" / "problems.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["count"] == 10
    assert sorted(p["location"]["cell"] for p in data["problems"]) == sorted(PLACES)
    serial = next(p for p in data["problems"] if p["location"]["cell"] == "クレジット!G3")
    assert (serial["field"], serial["code"], serial["severity"]) == (
        "シリアル番号（終了）",
        "model.serial_order",
        "error",
    )


# --- no English in Japanese ---------------------------------------------------------------------------------------
# Words that stay as they are in Japanese text: units, formats, codes of the scheme, option names.
_KEPT = {
    "J-VER",
    "GX-ETS",
    "t-CO2",
    "YYYY-MM-DD",
    "CSV",
    "UTF-8",
    "CP932",
    "Shift_JIS",
    "ISO",
    "JP",
    "FY2025",
    "JCM",
    "YAML",
    "ID",
}
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}|`[^`]*`")


def _english_words(text: str) -> list[str]:
    for kept in _KEPT:
        text = text.replace(kept, "")
    text = re.sub(r"--[a-z-]+|lots_csv|ruleset\.yaml|market\.yaml|[A-Z]\d|\d+", " ", text)
    return re.findall(r"[A-Za-z]{2,}", text)


def test_no_english_in_the_japanese_problem_catalogue() -> None:
    found = {key: _english_words(_PLACEHOLDER.sub("", text)) for key, text in problem_catalogue("ja").items()}
    assert {key: words for key, words in found.items() if words and key != "model.value_error"} == {}


def test_both_problem_catalogues_have_the_same_keys_and_placeholders() -> None:
    """A Japanese message may leave out a parser's English detail (``{detail}``), never anything else."""
    ja, en = problem_catalogue("ja"), problem_catalogue("en")
    assert set(ja) == set(en)
    holes = {key: (set(re.findall(r"\{(\w+)\}", ja[key])), set(re.findall(r"\{(\w+)\}", en[key]))) for key in ja}
    assert {key: pair for key, pair in holes.items() if not pair[1] - {"detail", "why"} <= pair[0] <= pair[1]} == {}


def test_no_english_in_the_rendered_japanese_problems(ten_mistakes: Path) -> None:
    result = run_cli("check", ten_mistakes, "--lang", "ja", "--format", "json")
    typed = {str(value) for value in MISTAKES.values()}
    for problem in json.loads(result.stdout)["problems"]:
        text = problem["message"]
        for value in sorted(typed, key=len, reverse=True):
            text = text.replace(value, "")
        assert _english_words(text) == [], problem["message"]
        assert _english_words(problem["field"]) == [], problem["field"]


# --- what a person types, read -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("2026/11/20", date(2026, 11, 20)),
        ("２０２６／１１／２０", date(2026, 11, 20)),
        ("2026年11月20日", date(2026, 11, 20)),
        ("令和8年11月10日", date(2026, 11, 10)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成25年4月1日", date(2013, 4, 1)),
    ],
)
def test_dates_as_people_write_them(typed: str, expected: date) -> None:
    assert a_date(typed).value == expected


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("1/2/2025", "value.ambiguous_date"),
        ("13/2/2025", "value.ambiguous_date"),
        ("2026/2/30", "value.no_such_date"),
        ("平成31年5月1日", "value.outside_era"),  # that day is 令和元年5月1日
        ("令和元年4月30日", "value.outside_era"),  # that day is 平成31年
        ("来週", "value.not_a_date"),
    ],
)
def test_dates_that_cannot_be_read_are_errors_never_guesses(typed: str, error: str) -> None:
    read = a_date(typed)
    assert (read.value, read.error and read.error[0]) == (None, error)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2023", 2023),
        ("2023年度", 2023),
        ("FY2023", 2023),
        ("fy 2023", 2023),
        ("令和5年度", 2023),
        ("平成25年度", 2013),
    ],
)
def test_fiscal_years_as_people_write_them(typed: str, expected: int) -> None:
    assert fiscal_year(typed).value == expected


def test_numbers_as_people_write_them() -> None:
    assert [integer(t).value for t in ("345000", "345,000", "３４５，０００", "-5")] == [345000, 345000, 345000, -5]
    assert integer("34,50,00").value == "34,50,00"  # not thousands: left for the model to refuse, located
    assert decimal("1,234.50").value == Decimal("1234.50")
    assert integer("345000").note is None
    assert integer("345,000").note == ("note.read_as", {"typed": "345,000", "value": "345000"})


def test_codes_labels_and_countries_come_from_one_vocabulary() -> None:
    words = words_of()("gxets-phase1")
    assert words["lots.status"].find("保有") == ("held", ())
    assert words["lots.status"].find("HELD") == ("held", ())
    assert words["lots.kind"].find("ＪＣＭ") == ("jcm", ())
    assert words["lots.tse_category"].find("省エネルギー") == ("energy_saving", ())
    assert words["lots.project.country"].find("日本") == ("JP", ())
    assert words["lots.project.country"].find("United States") == ("US", ())
    assert "lots.tse_category" not in vocabulary(None)  # a rule set's list, not the model's


# --- lots CSV in the encodings Japanese Excel writes ----------------------------------------------------------------
CSV_TEXT = 'id,kind,quantity_t,status,era_note\nE1,超過削減枠,"1,000",保有,メモ\n,,1000,,合計\n'


@pytest.mark.parametrize(
    ("encoding", "name"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)"), ("cp932", "CP932 (Shift_JIS)")]
)
def test_a_lots_csv_in_each_encoding_japanese_excel_writes(tmp_path: Path, encoding: str, name: str) -> None:
    path = tmp_path / "lots.csv"
    path.write_bytes(CSV_TEXT.replace("era_note", "備考").encode(encoding))
    lots, _, notes = read_lots_csv(path, vocabulary(None))
    assert [(lot.id, lot.kind, lot.quantity_t, lot.status) for lot in lots] == [("E1", "era", 1000, "held")]
    texts = [note.text("en") for note in notes]
    assert f"read as {name}" in texts
    assert "'備考' is not part of the format; kept as a note, not read" in texts
    assert "row 3 adds up the rows above (a total or a formula) and has no id; skipped" in texts


def test_a_csv_in_neither_encoding_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "lots.csv"
    path.write_bytes(b"id,kind\n\x81\x39\xff\xfe,era\n")
    with pytest.raises(InputError) as raised:
        read_lots_csv(path, vocabulary(None))
    (problem,) = raised.value.problems
    assert problem.text("ja").startswith("ロットCSVの文字コードが UTF-8 でも CP932（Shift_JIS）でもありません")
