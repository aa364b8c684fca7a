"""The approved-programme list records where each entry comes from (INT-P1-16): an `official` entry decides, a `default`
one (this rule set's own assessment) can only send a lot to review, which a secretariat registration id settles."""

from __future__ import annotations

import json
from pathlib import Path

from gxets_rules.app.pipeline import ruleset_for
from tests.conftest import run_cli

BLUE_CARBON_LOT = """\
lots:
  - {id: VCS-BC, kind: voluntary, quantity_t: 500, vintage: 2024, status: held,
     project: {id: VCS-9, country: JP, programme: verra_vcs, methodology_code: VM0033, registration_id: GX-VC-3}}
"""


def _lot(ruleset: Path | str, tmp_path: Path) -> dict:
    acme = (Path(__file__).resolve().parent.parent / "examples" / "acme-steel" / "submission.yaml").read_text("utf-8")
    path = tmp_path / "submission.yaml"
    path.write_text(acme[: acme.index("lots:\n")] + BLUE_CARBON_LOT, encoding="utf-8")
    result = run_cli("check", path, "--ruleset", ruleset, "--format", "json")
    assert result.exit_code == 0, result.stderr
    (lot,) = json.loads(result.output)["lots"]
    return lot


def _outcome(lot: dict, criterion: str) -> str:
    return lot["criteria"][criterion]["outcome"]


def test_every_programme_entry_records_its_basis_and_an_official_one_its_source() -> None:
    ruleset = ruleset_for("gxets-phase1")
    sources = {source.id for source in ruleset.manifest.sources}
    for entry in ruleset.codelist("programmes").spec.entries:
        assert entry["basis"] in ("official", "default"), entry["programme"]
        if entry["basis"] == "official":
            assert entry["basis_source"]["doc"] in sources and entry["basis_source"]["clause"], entry["programme"]


def test_a_default_entry_never_fails_a_lot_with_a_registration_id(tmp_path: Path) -> None:
    lot = _lot("gxets-phase1", tmp_path)
    assert (_outcome(lot, "P1-VOL-PRIORITY-APPROVED"), lot["verdict"]) == ("pass", "eligible")


def test_an_official_entry_decides_even_against_a_registration_id(tmp_path: Path, phase1_copy: Path) -> None:
    """With the secretariat's own list saying Verra is not approved for coastal blue carbon, the lot fails."""
    path = phase1_copy / "codelists" / "programmes.yaml"
    text = path.read_text(encoding="utf-8")
    verra = text.index("  - programme: verra_vcs\n")
    official = "    basis: official\n    basis_source: {doc: seed-daiwa-2024, clause: 図表6 方法論3}\n"
    path.write_text(text[:verra] + text[verra:].replace("    basis: default\n", official, 1), encoding="utf-8")
    lot = _lot(phase1_copy, tmp_path)
    assert (_outcome(lot, "P1-VOL-PRIORITY-APPROVED"), lot["verdict"]) == ("fail", "ineligible")
