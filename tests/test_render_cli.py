"""`gxets check --report` and `gxets render`: the files, their sameness, and located errors for a bad result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gxets_rules.model.problems import display_path
from tests.conftest import ACME, run_cli


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("acme")
    result = run_cli("check", ACME, "--report", "html,xlsx", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines()[-3:] == [
        f"→ {out / name}" for name in ("result.json", "report.html", "report.xlsx")
    ]
    return out


def test_check_writes_both_reports_in_japanese_by_default(checked: Path) -> None:
    html = (checked / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in html and "77,500 t-CO2" in html
    assert (checked / "report.xlsx").read_bytes()[:2] == b"PK"


def test_render_of_the_saved_result_gives_the_same_bytes(checked: Path, tmp_path: Path) -> None:
    result = run_cli("render", checked / "result.json", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "調達が必要な量: 77,500 t-CO2" in result.output
    for name in ("report.html", "report.xlsx"):
        assert (tmp_path / name).read_bytes() == (checked / name).read_bytes(), name


def test_render_one_report_in_english(checked: Path, tmp_path: Path) -> None:
    result = run_cli("render", checked / "result.json", "--report", "html", "--lang", "en", "--out", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    assert "Still to procure" in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", ACME, "--report", "html"], "--report needs --out"),
        (["check", ACME, "--report", "pdf", "--out", "x"], "unknown report 'pdf'; choose from html, xlsx"),
        (["render", ACME], "Missing option '--out'"),
    ],
    ids=["report-without-out", "unknown-report", "render-without-out"],
)
def test_usage_errors(args: list[object], message: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def _render_error(path: Path, tmp_path: Path) -> str:
    result = run_cli("render", path, "--out", tmp_path / "out", "--lang", "en")
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out").exists(), "nothing is written for a bad result"
    return result.stderr


def test_a_result_that_is_not_json_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "result.json"
    bad.write_text('{\n  "format": "gxets.result.v2",\n  "firm": ,\n}\n', encoding="utf-8")
    assert f"{bad}:3:11: not valid JSON: Expecting value" in _render_error(bad, tmp_path)


def test_a_submission_is_not_a_result(tmp_path: Path) -> None:
    assert f"{display_path(ACME)}:1:1: not valid JSON" in _render_error(ACME, tmp_path)
    other = tmp_path / "other.json"
    other.write_text('{"format": "gxets.submission.v1"}', encoding="utf-8")
    assert "not a gxets.result.v2 result (format: 'gxets.submission.v1')" in _render_error(other, tmp_path)


def test_a_v1_result_is_refused_with_what_to_do(tmp_path: Path) -> None:
    old = tmp_path / "result.json"
    old.write_text('{"format": "gxets.result.v1", "lots": []}', encoding="utf-8")
    err = _render_error(old, tmp_path)
    assert "a gxets.result.v1 result: this version renders gxets.result.v2 only" in err
    assert "run `gxets check` on the submission again" in err


def test_a_result_with_a_bad_field_names_its_path(checked: Path, tmp_path: Path) -> None:
    data = json.loads((checked / "result.json").read_text(encoding="utf-8"))
    data["lots"][3]["verdict"] = "maybe"
    del data["coverage"]
    bad = tmp_path / "result.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    err = _render_error(bad, tmp_path)
    assert "lots[3](L4).verdict: 'maybe' is not one of: eligible, ineligible, needs_review" in err
    assert "coverage: required field is missing" in err
