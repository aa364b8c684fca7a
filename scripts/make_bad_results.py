"""Write tests/bad_results/: results that `gxets render` must refuse, each with the place and words it must give.

Each is a true result of a bundled example (small-maker-x; ACME Steel with the 2025 TSE levels where a purchase plan is
needed), tampered in one way: broken JSON, values no result holds, a different format, a wrong type, or figures that
no longer add up. Beside each ``NAME.json`` the ``NAME.expect`` holds two lines: the place (``-`` for the file,
``LINE:COLUMN`` for JSON syntax, else the JSON path) and a fragment of the message. tests/test_bad_results.py runs them.

Run `python scripts/make_bad_results.py` after a change to the result format that makes a file fail earlier than
its tampering (the test then names a different problem).
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gxets_rules.app.pipeline import CheckRequest, run_check  # noqa: E402
from gxets_rules.io.writers import canonical_json, result_bytes  # noqa: E402

OUT = ROOT / "tests" / "bad_results"
EXAMPLES = ROOT / "examples"
Data = dict[str, Any]


def _result(submission: Path, market: Path | None = None) -> Data:
    built = run_check(CheckRequest(submission, market=market), today=date(2026, 12, 7))
    return json.loads(result_bytes(built))


def _text(data: Any) -> bytes:
    return canonical_json(data, indent=None).encode("utf-8")


def _lot(data: Data) -> Data:
    return data["lots"][0]


def _need(data: Data) -> Data:
    return data["coverage"]["needs"][0]


def _set(change: Callable[[Data], None]) -> Callable[[Data], bytes]:
    def tamper(data: Data) -> bytes:
        changed = copy.deepcopy(data)
        change(changed)
        return _text(changed)

    return tamper


def _replace(old: str, new: str) -> Callable[[Data], bytes]:
    """Tamper with the text itself (what JSON cannot express once parsed): the one occurrence of ``old``."""

    def tamper(data: Data) -> bytes:
        text = _text(data).decode("utf-8")
        assert text.count(old) == 1, old
        return text.replace(old, new).encode("utf-8")

    return tamper


def _nested(depth: int) -> Any:
    node: Any = "x"
    for _ in range(depth):
        node = {"deeper": node}
    return node


def _add_lot_field(data: Data) -> None:
    _lot(data)["discount_t"] = 100


def _more_than_held(data: Data) -> None:
    _lot(data).update(usable_t=9000, allocations={"direct": 9000})


def _evidence(data: Data) -> None:
    _lot(data)["criteria"]["P1-STATUS-NOT-SOLD"]["evidence"] = [{"kind": "note", "text": "x", "data": _nested(40)}]


def _failed_yet_eligible(data: Data) -> None:
    _lot(data)["criteria"]["P1-STATUS-NOT-SOLD"].update(outcome="fail", message={"ja": "売却済み", "en": "sold"})


def _duplicate_lot(data: Data) -> None:
    data["lots"].append(copy.deepcopy(_lot(data)))


def _unknown_citation(data: Data) -> None:
    data["catalogue"]["criteria"][0]["source"] = "made-up-guideline 図表9"


def _plan_total(data: Data) -> None:
    data["plan"]["totals"]["cost_jpy"]["reference"] -= 1_000_000


def _line_tax(data: Data) -> None:
    data["plan"]["lines"][0]["cost_with_tax_jpy"]["reference"] += 1


def _first_date_figure(data: Data) -> int:
    """The index of the position's first date figure (which one it is moves as rule sets add figures)."""
    return next(i for i, figure in enumerate(data["position"]["figures"]) if figure["kind"] == "date")


def _truncated(data: Data) -> bytes:
    """About the first 2,000 bytes, cut one character into the last string value that opens before them."""
    text = _text(data).decode("utf-8")
    return text[: _opening_quote(text) + 2].encode("utf-8")


def _opening_quote(text: str) -> int:
    """Where the last string value opening in the first 2,000 characters has its quote (``"key":"value``)."""
    return text.rindex('":"', 0, 2000) + 2


def _truncated_place(data: Data) -> str:
    """Line 1 (compact JSON), at the column of the quote that opens the cut string."""
    return f"1:{_opening_quote(_text(data).decode('utf-8')) + 1}"


def _planned_total(data: Data) -> str:
    return f"but the plan adds up to {data['plan']['totals']['cost_jpy']['reference']:,}"


def _cap_overused(data: Data) -> None:
    _need(data)["caps"]["voluntary"]["usable_t"] = 9000


Words = str | Callable[[Data], str]  # a place or fragment, or how to work it out from the untampered result

CASES: dict[str, tuple[str, Words, Words, Callable[[Data], bytes]]] = {
    # name: (base, place, fragment, tampering) — base S: small-maker-x, M: ACME Steel with a purchase plan
    # 1. JSON as gxets writes it
    "truncated": ("S", _truncated_place, "not valid JSON: Unterminated string", _truncated),
    "not-utf8": (
        "S",
        "-",
        "not UTF-8 text (byte 20)",
        lambda data: _text(data).replace(b"2026-12-07", b"2026-12-07\x82", 1),
    ),
    "nan-tonnes": (
        "S",
        "lots[0](J-2025-01).quantity_t",
        "NaN is not a number a result holds",
        _replace('"quantity_t":8000', '"quantity_t":NaN'),
    ),
    "infinity-tonnes": (
        "S",
        "lots[0](J-2025-01).usable_t",
        "Infinity is not a number",
        _replace('"usable_t":6050,"values"', '"usable_t":Infinity,"values"'),
    ),
    "fraction-tonnes": (
        "S",
        "lots[0](J-2025-01).quantity_t",
        "8000.5 is not a number a result holds",
        _replace('"quantity_t":8000', '"quantity_t":8000.5'),
    ),
    "exponent-tonnes": (
        "S",
        "coverage.need_t",
        "6.05e3 is not a number",
        _replace('"need_t":6050,"needs"', '"need_t":6.05e3,"needs"'),
    ),
    "key-given-twice": (
        "S",
        "lots[0](J-2025-01)",
        "key 'verdict' is given twice",
        _replace('"verdict":"eligible"', '"verdict":"ineligible","verdict":"eligible"'),
    ),
    "integer-beyond-64-bits": (
        "S",
        "lots[0](J-2025-01).quantity_t",
        "an integer beyond 64 bits",
        _replace('"quantity_t":8000', f'"quantity_t":{2**70}'),
    ),
    "nested-too-deep": (
        "S",
        "lots[0](J-2025-01).criteria.P1-STATUS-NOT-SOLD.evidence[0].data" + ".deeper" * 25,
        "nested more than 32 levels deep",
        _set(_evidence),
    ),
    "nested-beyond-the-parser": (
        "S",
        "-",
        "nested more than 32 levels deep",
        lambda data: b"[" * 100_000 + b"]" * 100_000,
    ),
    # 2. the format
    "not-an-object": ("S", "-", "not a gxets.result.v2 result (format: 'list')", lambda data: b"[]\n"),
    "a-submission": (
        "S",
        "-",
        "not a gxets.result.v2 result (format: 'gxets.submission.v1')",
        lambda data: b'{"format": "gxets.submission.v1"}\n',
    ),
    "format-v1": (
        "S",
        "-",
        "this version renders gxets.result.v2 only; run `gxets check`",
        _set(lambda data: data.update(format="gxets.result.v1")),
    ),
    # 3. the model
    "tonnes-as-text": (
        "S",
        "lots[0](J-2025-01).quantity_t",
        "整数を記入してください（記入値「8000」）",
        _set(lambda data: _lot(data).update(quantity_t="8000")),
    ),
    "tonnes-as-yes": (
        "S",
        "lots[0](J-2025-01).usable_t",
        "整数を記入してください（記入値「true」）",
        _set(lambda data: _lot(data).update(usable_t=True)),
    ),
    "unknown-verdict": (
        "S",
        "lots[0](J-2025-01).verdict",
        "「compliant」は選択肢にありません。次のいずれかを記入してください：eligible, ineligible, needs_review",
        _set(lambda data: _lot(data).update(verdict="compliant")),
    ),
    "unknown-field": ("S", "lots[0](J-2025-01).discount_t", "様式にない項目です", _set(_add_lot_field)),
    "coverage-missing": ("S", "coverage", "必須項目が記入されていません", _set(lambda data: data.pop("coverage"))),
    "date-figure-holds-text": (
        "S",
        lambda data: f"position.figures[{_first_date_figure(data)}].value",
        "日付（YYYY-MM-DD）を記入してください（記入値「end of November」）",
        _set(lambda data: data["position"]["figures"][_first_date_figure(data)].update(value="end of November")),
    ),
    "figure-of-unknown-kind": (
        "S",
        "position.figures[0]",
        "「percentage」は種類（kind）",
        _set(lambda data: data["position"]["figures"][0].update(kind="percentage")),
    ),
    "as-of-not-a-date": (
        "S",
        "as_of",
        "日付（YYYY-MM-DD）を記入してください（記入値「2026-13-01」）",
        _set(lambda data: data.update(as_of="2026-13-01")),
    ),
    "digest-not-sha256": (
        "S",
        "ruleset.sha256",
        "「not-a-digest」は決められた形式",
        _set(lambda data: data["ruleset"].update(sha256="not-a-digest")),
    ),
    # 4. consistency
    "cites-an-unknown-document": (
        "S",
        "catalogue.criteria[0](P1-STATUS-NOT-OTHER-USE).source",
        "whose document is not among the sources",
        _set(_unknown_citation),
    ),
    "status-not-a-label": (
        "S",
        "position.figures[0].value",
        "'compliant' is not one of the labels of status",
        _set(lambda data: data["position"]["figures"][0].update(value="compliant")),
    ),
    "need-covered-twice": (
        "S",
        "coverage.needs[0](direct).usable_t",
        "but its instruments cover 6,050 t",
        _set(lambda data: _need(data).update(usable_t=12_100, offsets_to_buy_t=-6_050)),
    ),
    "cap-overused": (
        "S",
        "coverage.needs[0](direct).caps.voluntary",
        "9,000 t used of a cap of 7,615 t",
        _set(_cap_overused),
    ),
    "coverage-total-off": (
        "S",
        "coverage.usable_t",
        "but the needs add up to 6,050 t",
        _set(lambda data: data["coverage"].update(usable_t=8000, surplus_t=0, cancelled_t=8000)),
    ),
    "lot-counts-more-than-it-holds": (
        "S",
        "lots[0](J-2025-01).usable_t",
        "9,000 t counted of a lot of 8,000 t",
        _set(_more_than_held),
    ),
    "allocations-do-not-add-up": (
        "S",
        "lots[0](J-2025-01).usable_t",
        "but its allocations add up to 6,050 t",
        _set(lambda data: _lot(data).update(usable_t=6000)),
    ),
    "lot-listed-twice": ("S", "lots[0](J-2025-01).id", "lot J-2025-01 is listed twice", _set(_duplicate_lot)),
    "tonnes-unaccounted": (
        "M",
        "coverage.ineligible_t",
        "ineligible and uncounted tonnes miss lots",
        _set(lambda data: data["coverage"].update(ineligible_t=data["coverage"]["ineligible_t"] - 5_000)),
    ),
    "criterion-not-in-catalogue": (
        "S",
        "lots[0](J-2025-01).criteria.P1-MADE-UP",
        "criterion P1-MADE-UP is not in the catalogue",
        _set(lambda data: _lot(data)["criteria"].update({"P1-MADE-UP": {"outcome": "pass"}})),
    ),
    "parameter-not-in-catalogue": (
        "S",
        "lots[0](J-2025-01).criteria.P1-STATUS-NOT-SOLD.params",
        "parameter discount.rate@2025 is not in the catalogue",
        _set(lambda data: _lot(data)["criteria"]["P1-STATUS-NOT-SOLD"].update(params=["discount.rate@2025"])),
    ),
    "message-on-a-pass": (
        "S",
        "lots[0](J-2025-01).criteria.P1-STATUS-NOT-SOLD.message",
        "a message is given exactly for a criterion that failed or is undecided",
        _set(lambda data: _lot(data)["criteria"]["P1-STATUS-NOT-SOLD"].update(message={"ja": "可", "en": "fine"})),
    ),
    "failed-yet-eligible": (
        "S",
        "lots[0](J-2025-01).verdict",
        "eligible, but its criteria's outcomes make it ineligible",
        _set(_failed_yet_eligible),
    ),
    "value-no-criterion-reads": (
        "S",
        'lots[0](J-2025-01).values["lot.discount"]',
        "no criterion of the lot reads this path",
        _set(lambda data: _lot(data)["values"].update({"lot.discount": "50%"})),
    ),
    "issue-of-an-unknown-lot": (
        "S",
        "issues[0].lot",
        "lot L99 is not in the result",
        _set(
            lambda data: data["issues"].append(
                {
                    "severity": "warning",
                    "check": "CHK-X",
                    "lot": "L99",
                    "location": "submission.yaml:1:1",
                    "message": {"ja": "x", "en": "x"},
                }
            )
        ),
    ),
    "plan-total-off": ("M", "plan.totals.cost_jpy.reference", _planned_total, _set(_plan_total)),
    "plan-tax-off": (
        "M",
        "plan.lines[0].cost_with_tax_jpy.reference",
        "the cost with tax is not the cost plus the tax",
        _set(_line_tax),
    ),
}


def main() -> None:
    bases = {
        "S": _result(EXAMPLES / "small-maker-x" / "submission.yaml"),
        "M": _result(EXAMPLES / "acme-steel" / "submission.yaml", EXAMPLES / "market" / "tse-2025-levels.yaml"),
    }
    OUT.mkdir(exist_ok=True)
    for old in [*OUT.glob("*.json"), *OUT.glob("*.expect")]:
        old.unlink()
    for name, (base, place, fragment, tamper) in CASES.items():
        data = bases[base]
        content = tamper(data)
        place_text = place if isinstance(place, str) else place(data)
        fragment_text = fragment if isinstance(fragment, str) else fragment(data)
        (OUT / f"{name}.json").write_bytes(content)
        (OUT / f"{name}.expect").write_text(f"{place_text}\n{fragment_text}\n", encoding="utf-8")
        print(f"tests/bad_results/{name}.json ({len(content):,} bytes)")


if __name__ == "__main__":
    main()
