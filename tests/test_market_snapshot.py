"""Market snapshots: the examples load, bad ones are reported with their place, and market.yaml is linted."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from gxets_rules.evaluate.engine import evaluate
from gxets_rules.evaluate.rulesets import load_ruleset
from gxets_rules.io.market_reader import load_market
from gxets_rules.io.submission_reader import load_submission
from gxets_rules.model.problems import InputError
from tests.conftest import ACME, EXAMPLES, PHASE1, ROOT, lint_folder, run_cli

MARKET_EXAMPLES = sorted((EXAMPLES / "market").glob("*.yaml"))
GOOD = """\
format: gxets.market.v1
as_of: 2026-12-04
example: true
title: {ja: 試験, en: Test}
source: {title: hand-made}
products:
  - id: es
    kind: j_credit
    title: {ja: 省エネ, en: Energy saving}
    tse_category: energy_saving
    reference_price_jpy: 4700
    low_jpy: 4150
    high_jpy: 4700
"""


@pytest.mark.parametrize("path", MARKET_EXAMPLES, ids=[p.stem for p in MARKET_EXAMPLES])
def test_example_snapshots_load_and_say_they_are_examples(path: Path) -> None:
    loaded = load_market(path)
    assert loaded.snapshot.example is True
    assert loaded.snapshot.source.title


@pytest.mark.parametrize(
    ("change", "line", "text"),
    [
        (("low_jpy: 4150", "low_jpy: 4800"), 7, "prices must satisfy low ≤ reference ≤ high"),
        (("reference_price_jpy: 4700", "reference_price_jpy: 4700.5"), 11, "(it has a fractional part)"),
        (
            ("    tse_category: energy_saving\n", "    tse_category: energy_saving\n    colour: green\n"),
            11,
            "unknown field",
        ),
        (("kind: j_credit", "kind: j-credit"), 8, "is not one of: era, j_credit"),
        (("format: gxets.market.v1", "format: gxets.submission.v1"), 1, "not a market snapshot"),
        (("example: true\n", ""), 1, "required field is missing"),
        (("high_jpy: 4700", "high_jpy: 4700\n    high_jpy: 4900"), 14, "duplicate key 'high_jpy'"),
    ],
    ids=[
        "low-above-reference",
        "fractional-yen",
        "unknown-field",
        "unknown-kind",
        "wrong-format",
        "no-example-label",
        "duplicate-key",
    ],
)
def test_a_bad_snapshot_is_reported_with_its_line_and_nothing_is_written(
    tmp_path: Path, change: tuple[str, str], line: int, text: str
) -> None:
    assert change[0] in GOOD
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    result = run_cli("check", ACME, "--market", path, "--out", tmp_path / "out", "--lang", "en")
    assert result.exit_code == 2, result.output
    assert text in result.stderr
    assert f"bad.yaml:{line}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_duplicate_products_and_a_bad_submission_are_reported_together(tmp_path: Path) -> None:
    market = tmp_path / "twice.yaml"
    second = GOOD[GOOD.index("  - id: es") :]
    market.write_text(GOOD + second, encoding="utf-8")
    submission = tmp_path / "sub.yaml"
    submission.write_text(ACME.read_text(encoding="utf-8").replace("group: G", "group: Z"), encoding="utf-8")
    result = run_cli("check", submission, "--market", market, "--lang", "en")
    assert result.exit_code == 2
    assert "twice.yaml:14:" in result.stderr and "duplicate product id 'es' (first at line 7)" in result.stderr
    assert "sub.yaml:" in result.stderr and "2 problem(s)" in result.stderr


def test_a_missing_snapshot_file_is_an_input_error(tmp_path: Path) -> None:
    result = run_cli("check", ACME, "--market", tmp_path / "nowhere.yaml", "--lang", "en")
    assert result.exit_code == 2
    assert "nowhere.yaml: cannot read file" in result.stderr


def test_a_rule_set_without_market_rules_cannot_plan(tmp_path: Path) -> None:
    path = tmp_path / "market.yaml"
    path.write_text(GOOD, encoding="utf-8")
    ruleset = dataclasses.replace(load_ruleset(PHASE1), market=None)
    with pytest.raises(InputError, match="has no market rules"):
        evaluate(ruleset, load_submission(ACME), date(2026, 12, 7), market=load_market(path))


def test_the_plan_is_byte_identical_across_runs_and_working_directories(tmp_path: Path) -> None:
    market = EXAMPLES / "market" / "tse-2025-levels.yaml"

    def run(cwd: Path) -> bytes:
        command = [
            sys.executable,
            "-m",
            "gxets_rules.app.cli",
            "check",
            str(ACME),
            "--market",
            str(market),
            "--format",
            "json",
        ]
        env = {**os.environ, "PYTHONHASHSEED": "random"}
        return subprocess.run(command, capture_output=True, cwd=cwd, check=True, env=env).stdout

    first, second, elsewhere = run(ROOT), run(ROOT), run(tmp_path)
    assert first == second == elsewhere
    data = json.loads(first)
    assert sorted(data["run"]["inputs"]) == ["market:tse-2025-levels.yaml", "submission:submission.yaml"]
    assert {"INT-P1-30", "INT-P1-34"} <= {i["id"] for i in data["catalogue"]["interpretations"] if i["relied_on"]}


def lint_edited(folder: Path, edits: list[tuple[str, str]]) -> tuple[int, str]:
    """Lint a rule-set copy after replacing texts in its market.yaml (each must be there)."""
    path = folder / "market.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return lint_folder(folder)


def test_market_yaml_is_linted_like_the_rest(phase1_copy: Path) -> None:
    code, err = lint_edited(
        phase1_copy,
        [
            ("    schedule: tse_era\n", "    schedule: tse_eras\n"),
            ("param('market.liquidity_days')", "param('market.liquidity_dayz')"),
            ('    source: {doc: S28, clause: "超過削減枠: 毎週金曜日15時の板寄せ、注文受付8:00〜14:59"}\n', ""),
            ("product.tse_category, 'origin')", "product.tse_categori, 'origin')"),
            ("  holidays: JP\n", "  holidays: XX\n"),
        ],
    )
    assert code == 3
    assert "[bad-market] instrument era names schedule 'tse_eras', not defined" in err
    assert "[unknown-parameter] market liquidity_days reads parameter 'market.liquidity_dayz'" in err
    assert "[missing-citation] schedule tse_era has no source" in err
    assert "[bad-path] instrument j_credit: product has no field 'tse_categori'" in err
    assert "[bad-market] no national holidays are known for 'XX'" in err
    assert "market.yaml:" in err


def test_a_market_term_that_is_not_an_expression_is_a_load_error(phase1_copy: Path) -> None:
    code, err = lint_edited(phase1_copy, [("deadline: window_end", "deadline: window_end +")])
    assert code == 3
    assert "market deadline: syntax error" in err
