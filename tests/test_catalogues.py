"""The ja and en message catalogues have the same keys, and every key a template or renderer asks for exists."""

from __future__ import annotations

import re
import typing

import pytest

from gxets_rules.model.result import Outcome, Verdict
from gxets_rules.model.submission import LotKind, LotStatus
from gxets_rules.render.catalogue import LANGUAGES, catalogue
from gxets_rules.render.view import PURPOSES
from tests.conftest import ROOT

# t('key') in templates, t("key") / self.t("key") / view.t("key") in renderers
_LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*\)""")
_SHEET_KEY = re.compile(r"""\bsheet_title\(view, ["']([a-z_]+)["']\)""")
_SOURCES = [*sorted((ROOT / "reports" / "html").glob("*.j2")), *sorted((ROOT / "gxets_rules" / "render").glob("*.py"))]
EVIDENCE_KEYS = {
    f"evidence.{name}"
    for name in (
        "ownership.no_data",
        "ownership.no_first_issuance",
        "ownership.technology",
        "ownership.holding",
        "ownership.path",
        "ownership.look_through_bounded",
        "break.acquired_after_initial_phase",
        "break.not_continuous",
        "not_on",
        "none",
        *(f"status.{basis}" for basis in ("representative", "boundary", "subsidiary", "joint", "none", "none_held")),
        "status.excluded",
    )
}
"""Every sentence the ownership evidence is worded with (render/evidence.py; the engine's kinds and bases)."""


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in _SOURCES:
        text = path.read_text(encoding="utf-8")
        keys.update(_LITERAL_KEY.findall(text))
        keys.update(f"sheet.{name}" for name in _SHEET_KEY.findall(text))
    return keys


def composed_keys() -> set[str]:
    """Keys built from a value (``'verdict.' + lot.verdict``): one for every value the formats allow."""
    families = {
        "verdict": Verdict,
        "outcome": Outcome,
        "kind": LotKind,
        "status": LotStatus,
        "severity": typing.Literal["warning", "error", "note"],
    }
    composed = {f"{prefix}.{value}" for prefix, kind in families.items() for value in typing.get_args(kind)}
    return composed | {f"report.title.{purpose}" for purpose in PURPOSES} | EVIDENCE_KEYS


def test_both_catalogues_have_the_same_keys() -> None:
    ja, en = (set(catalogue(lang)) for lang in LANGUAGES)
    assert ja - en == set(), "keys only in ja.yaml"
    assert en - ja == set(), "keys only in en.yaml"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_used_exists_and_is_worded(lang: str) -> None:
    messages = catalogue(lang)
    wanted = used_keys() | composed_keys()
    assert sorted(wanted - set(messages)) == []
    assert [key for key in wanted if not messages[key].strip()] == []


def test_the_key_scan_sees_the_templates_and_renderers() -> None:
    """Guard against a scan that silently finds nothing (and so checks nothing)."""
    keys = used_keys()
    assert {"report.provenance", "offsets_to_buy", "report.not_met", "report.no_evidence", "unit.t"} <= keys
    assert {"sheet.summary", "sheet.plan", "sheet.criteria"} <= keys
    assert len(keys) >= 60
