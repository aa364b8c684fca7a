"""The ja and en message catalogues have the same keys, and every key a template or renderer asks for exists."""

from __future__ import annotations

import re
import typing

import pytest

from gxets_rules.model.result import Outcome, Verdict
from gxets_rules.model.submission import LotKind, LotStatus
from gxets_rules.render.catalogue import LANGUAGES, catalogue
from tests.conftest import ROOT

# t('key') in templates, t("key") / self.t("key") / view.t("key") in renderers
_LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*\)""")
_SOURCES = [*sorted((ROOT / "reports" / "html").glob("*.j2")), *sorted((ROOT / "gxets_rules" / "render").glob("*.py"))]


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in _SOURCES:
        keys.update(_LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    return keys


def composed_keys() -> set[str]:
    """Keys built from a value (``'verdict.' + lot.verdict``): one for every value the formats allow."""
    families = {
        "verdict": Verdict,
        "outcome": Outcome,
        "kind": LotKind,
        "status": LotStatus,
        "severity": typing.Literal["warning", "error"],
    }
    return {f"{prefix}.{value}" for prefix, kind in families.items() for value in typing.get_args(kind)}


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
    assert {"report.title", "offsets_to_buy", "report.not_met", "report.no_evidence", "unit.t"} <= keys
    assert len(keys) >= 60
