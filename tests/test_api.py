"""The public API, gxets_rules.check and gxets_rules.review: what the CLI gives, from a file or from data, and an
`import gxets_rules` that stays light."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

import gxets_rules
from gxets_rules.app import pipeline
from gxets_rules.io.writers import canonical_json, result_bytes
from tests.conftest import ACME, EXAMPLES, PHASE2_EXAMPLE, ROOT, run_cli

SMALL_MAKER = EXAMPLES / "small-maker-x" / "submission.yaml"
OVERSEAS = EXAMPLES / "overseas-daccs" / "submission.yaml"
MARKET = EXAMPLES / "market" / "tse-2025-levels.yaml"


def _cli_result(*args: object) -> str:
    run = run_cli("check", *args, "--format", "json")
    assert run.exit_code == 0, run.stderr
    return run.output


@pytest.mark.parametrize(
    ("submission", "options", "cli"),
    [
        (ACME, {}, []),
        (ACME, {"market": MARKET}, ["--market", MARKET]),
        (PHASE2_EXAMPLE, {"ruleset": "gxets-phase2"}, ["--ruleset", "gxets-phase2"]),
        (OVERSEAS, {"ownership": OVERSEAS.with_name("ownership.yaml"), "as_of": date(2026, 12, 10)}, []),
    ],
    ids=["acme", "acme-market", "phase2", "overseas-ownership"],
)
def test_check_gives_the_result_gxets_check_writes(submission: Path, options: dict, cli: list) -> None:
    result = gxets_rules.check(str(submission), **options)
    assert isinstance(result, gxets_rules.Result)
    if "ownership" in options:
        cli = ["--ownership", options["ownership"], "--as-of", "2026-12-10"]
    assert result_bytes(result).decode("utf-8") == _cli_result(submission, *cli)


def test_a_submission_as_data_gives_the_same_result_but_for_its_name() -> None:
    data = yaml.safe_load(ACME.read_text(encoding="utf-8"))
    from_data = gxets_rules.check(data).model_dump(mode="json")
    from_file = gxets_rules.check(ACME).model_dump(mode="json")
    assert list(from_data["run"]["inputs"]) == ["submission:(mapping)"]
    assert list(from_file["run"]["inputs"]) == ["submission:submission.yaml"]
    for key in ("firm", "as_of", "catalogue", "position", "coverage", "lots", "quantities", "issues"):
        assert from_data[key] == from_file[key], key
    assert from_data["coverage"]["offsets_to_buy_t"] == 77_500
    again = gxets_rules.check(data).model_dump(mode="json")
    assert again["run"]["inputs"] == from_data["run"]["inputs"], "the data's hash is that of its canonical JSON"


def test_bad_data_raises_every_located_problem() -> None:
    data = yaml.safe_load(SMALL_MAKER.read_text(encoding="utf-8"))
    data["lots"][0]["quantity_t"] = "many"
    del data["firm"]["name"]
    with pytest.raises(gxets_rules.InputError) as caught:
        gxets_rules.check(data)
    problems = [str(p) for p in caught.value.problems]
    assert "(mapping): firm.name: required field is missing" in problems
    assert any(p.startswith("(mapping): lots[0](J-2025-01).quantity_t: ") for p in problems), problems


def test_a_check_without_a_date_is_dated_today_in_japan(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 20:00 UTC on 4 December it is already 5 December in Tokyo: the scheme's calendar, not the machine's zone."""

    class Evening(datetime):
        @classmethod
        def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
            return datetime(2026, 12, 4, 20, 0, tzinfo=UTC).astimezone(tz)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "datetime", Evening)
    data = yaml.safe_load(SMALL_MAKER.read_text(encoding="utf-8"))
    del data["as_of"]
    assert gxets_rules.check(data).as_of == date(2026, 12, 5)
    assert gxets_rules.check(data, as_of=date(2026, 12, 1)).as_of == date(2026, 12, 1)


def test_review_gives_the_summary_gxets_review_writes(tmp_path: Path) -> None:
    submissions = sorted(EXAMPLES.glob("*/submission.yaml"))
    summary = gxets_rules.review(submissions, as_of=date(2026, 12, 7), out=tmp_path / "api")
    assert isinstance(summary, gxets_rules.ReviewSummary)
    run = run_cli(
        "review",
        *submissions,
        "--as-of",
        "2026-12-07",
        "--new-ledger",
        "--ledger",
        tmp_path / "l.sqlite",
        "--out",
        tmp_path / "cli",
    )
    assert run.exit_code == 0, run.stderr
    assert canonical_json(summary) == (tmp_path / "cli" / "summary.json").read_text(encoding="utf-8")
    green = next(balance for balance in summary.era if balance.seller_firm_id == "green-steel")
    assert (green.created_t, green.claimed_t) == (55_294, 25_000 + 30_000)  # Hokuriku Paper's and Kanto Cement's
    assert (tmp_path / "api" / summary.firms[0].result).is_file()


def test_review_keeps_nothing_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    summary = gxets_rules.review([ACME, SMALL_MAKER])
    assert [row.firm_id for row in summary.firms] == ["acme-steel", "small-maker"]
    assert list(tmp_path.iterdir()) == [], "no ledger and no results left behind"
    with pytest.raises(gxets_rules.InputError, match="no such file or folder"):
        gxets_rules.review([tmp_path / "missing.yaml"])


def test_importing_the_package_is_light_and_the_api_comes_on_first_use() -> None:
    code = (
        "import sys, gxets_rules\n"
        "print(sorted(m for m in sys.modules if m.startswith(('gxets_rules', 'pydantic', 'openpyxl'))))\n"
        "print(gxets_rules.check.__module__, 'check' in dir(gxets_rules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded, api = run.stdout.splitlines()
    assert json.loads(loaded.replace("'", '"')) == ["gxets_rules", "gxets_rules._version"]
    assert api == "gxets_rules.app.api True"
    with pytest.raises(AttributeError, match="has no attribute 'chek'"):
        gxets_rules.chek  # noqa: B018
