"""Every citation supports what it is attached to (issue 11 point 14): the Phase-2 cancellation window is this rule
set's reading (INT-P2-13), not a rule of S14; a subsidiary (子会社) is control under the Companies Act, more than half
of the equity being the interpretation's default (INT-P1-13)."""

from __future__ import annotations

from gxets_rules.app.pipeline import ruleset_for
from gxets_rules.ruleset.schema import Criterion


def _criterion(ruleset: str, criterion_id: str) -> Criterion:
    rules = ruleset_for(ruleset).rules
    return next(c.spec for rule in rules for c in rule.criteria if c.spec.id == criterion_id)


def test_the_phase2_cancellation_window_cites_its_interpretation() -> None:
    window = _criterion("gxets-phase2", "P2-STATUS-CANCEL-IN-WINDOW")
    assert window.source is not None
    assert (window.source.doc, window.source.clause.split("（")[0]) == ("ref-phase2", "INT-P2-13")
    assert "INT-P2-13" in window.interpretations


def test_a_subsidiary_is_control_under_the_companies_act_with_half_the_equity_as_the_default() -> None:
    ruleset = ruleset_for("gxets-phase1")
    spec = ruleset.params.specs["qualifying.control_share"]
    (value,) = spec.values
    assert value.source.doc == "companies-act" and "第2条第3号" in value.source.clause
    assert spec.interpretations == ["INT-P1-13"]
    assert "支配" in spec.title.ja and "control" in spec.title.en
    record = ruleset.interpretations["INT-P1-13"]
    assert "Companies Act" in record.decision.en and "qualifying.control_share = 1/2" in record.decision.en
