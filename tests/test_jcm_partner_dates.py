"""JCM partner dates that issue 11 narrowed (MOFA table, S40): the United Arab Emirates and the Kyrgyz Republic signed
between 2023-04-07 and 2023-10-30 (inside that window partner status is unknown), Kazakhstan on 2023-10-30. Both rule
sets keep the same list. The YAML cases rules/*/tests/jcm-partner-dates.yaml show what the dates decide for a lot."""

from __future__ import annotations

from datetime import date

import pytest

from gxets_rules.app.pipeline import ruleset_for
from gxets_rules.ruleset.values import UNKNOWN


@pytest.mark.parametrize("ruleset", ["gxets-phase1", "gxets-phase2"])
@pytest.mark.parametrize(
    ("country", "day", "partner"),
    [
        ("AE", date(2023, 4, 6), False),
        ("AE", date(2023, 4, 7), UNKNOWN),
        ("AE", date(2023, 10, 29), UNKNOWN),
        ("AE", date(2023, 10, 30), True),
        ("KG", date(2023, 4, 6), False),
        ("KG", date(2023, 10, 29), UNKNOWN),
        ("KG", date(2023, 10, 30), True),
        ("KZ", date(2023, 10, 29), False),
        ("KZ", date(2023, 10, 30), True),
        ("US", date(2026, 12, 7), False),  # never a partner
    ],
)
def test_partner_status_on_a_date(ruleset: str, country: str, day: date, partner: object) -> None:
    assert ruleset_for(ruleset).codelist("jcm_partners").member_on(country, day) is partner
