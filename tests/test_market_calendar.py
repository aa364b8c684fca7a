"""The TSE calendar as the Phase-1 rule set describes it: business days, sessions, T+5, the last session in time."""

from __future__ import annotations

from datetime import date, time, timedelta

import holidays
import pytest

from gxets_rules.evaluate.plan.planner import schedule_of
from gxets_rules.evaluate.rulesets import load_ruleset
from gxets_rules.market.calendar import AuctionSchedule, cancellable_on, last_session, settlement_date
from tests.conftest import PHASE1

RULESET = load_ruleset(PHASE1)
MARKET = RULESET.market
assert MARKET is not None
CAL = MARKET.calendar
assert MARKET.spec.registry_calendar is not None
REGISTRY = MARKET.registry_calendar
SETTLEMENT = RULESET.params.get("market.settlement_business_day", 2025)
J_CREDIT = schedule_of(MARKET.schedules["tse_j_credit"].spec)
ERA = schedule_of(MARKET.schedules["tse_era"].spec, RULESET.params.get("market.era_auction_months", 2025))
DEADLINE = date(2026, 12, 31)


def test_the_rule_set_carries_the_market_facts() -> None:
    assert SETTLEMENT == 6
    assert RULESET.params.get("market.era_auction_months", 2025) == (11, 12)
    assert [(s.at, s.orders_open, s.orders_close) for s in J_CREDIT.sessions] == [
        (time(11, 30), time(8, 0), time(11, 29)),
        (time(15, 0), time(12, 30), time(14, 59)),
    ]
    assert [(s.at, s.orders_open, s.orders_close) for s in ERA.sessions] == [(time(15, 0), time(8, 0), time(14, 59))]
    assert ERA.weekdays == frozenset({4})  # Friday


def test_a_trade_settlement_date_the_sixth_business_day_counting_the_trade_date() -> None:
    assert settlement_date(CAL, date(2026, 12, 23), SETTLEMENT) == date(2026, 12, 30)
    assert settlement_date(CAL, date(2026, 12, 18), SETTLEMENT) == date(2026, 12, 25)  # a Friday ERA auction
    # over the year-end break: 12-25 (1), 12-28, 12-29, 12-30, then 2027-01-04, 01-05 (6)
    assert settlement_date(CAL, date(2026, 12, 25), SETTLEMENT) == date(2027, 1, 5)
    with pytest.raises(ValueError, match="not a business day"):
        settlement_date(CAL, date(2026, 12, 19), SETTLEMENT)


def test_last_j_credit_session_for_the_submission_window() -> None:
    timing = last_session(CAL, J_CREDIT, DEADLINE, SETTLEMENT, 0)
    assert timing is not None
    assert (timing.session.day, timing.session.time.at) == (date(2026, 12, 23), time(15, 0))
    assert (timing.session.time.orders_open, timing.session.time.orders_close) == (time(12, 30), time(14, 59))
    assert (timing.settlement_date, timing.cancellable_on) == (date(2026, 12, 30), date(2026, 12, 30))

    timing = last_session(CAL, J_CREDIT, DEADLINE, SETTLEMENT, 1)
    assert timing is not None
    assert (timing.session.day, timing.session.time.at) == (date(2026, 12, 22), time(15, 0))
    assert (timing.settlement_date, timing.cancellable_on) == (date(2026, 12, 29), date(2026, 12, 30))


def test_the_registry_year_end_closure_is_not_a_cancellation_day() -> None:
    """TSE trades on 29 and 30 December; the registry (government offices) is closed from 29 December to 3 January,
    so credits settled on 12-28 are cancelled on 2027-01-04 and the last J-credit session in time is 12-18."""
    assert CAL.is_business_day(date(2026, 12, 29)) and not REGISTRY.is_business_day(date(2026, 12, 29))
    assert cancellable_on(REGISTRY, date(2026, 12, 25), 1) == date(2026, 12, 28)
    assert cancellable_on(REGISTRY, date(2026, 12, 28), 1) == date(2027, 1, 4)
    assert cancellable_on(REGISTRY, date(2026, 12, 29), 0) == date(2027, 1, 4)  # no lead still waits for a registry day
    timing = last_session(CAL, J_CREDIT, DEADLINE, SETTLEMENT, 1, REGISTRY)
    assert timing is not None
    assert (timing.session.day, timing.settlement_date, timing.cancellable_on) == (
        date(2026, 12, 18),
        date(2026, 12, 25),
        date(2026, 12, 28),
    )
    assert REGISTRY.latest_ready_day(DEADLINE, 1) == date(2026, 12, 25)  # a bilateral delivery must arrive by then


def test_last_era_auction_is_a_friday_in_season() -> None:
    timing = last_session(CAL, ERA, DEADLINE, SETTLEMENT, 1)
    assert timing is not None
    assert (timing.session.day, timing.session.time.at) == (date(2026, 12, 18), time(15, 0))
    assert timing.cancellable_on == date(2026, 12, 28)
    # 2026-12-25 settles 2027-01-05, after the deadline; out of season (October) there is no auction at all, so a
    # deadline of 2026-10-31 falls back to the last Friday of the previous season.
    assert ERA.sessions_on(CAL, date(2026, 12, 25)) != ()
    assert ERA.sessions_on(CAL, date(2026, 10, 30)) == ()
    assert ERA.sessions_on(CAL, date(2026, 12, 17)) == ()  # a Thursday
    earlier = last_session(CAL, ERA, date(2026, 10, 31), SETTLEMENT, 1)
    assert earlier is not None and earlier.session.day == date(2025, 12, 26)


def test_a_schedule_that_never_meets_a_business_day_has_no_last_session() -> None:
    saturdays = AuctionSchedule(J_CREDIT.sessions, weekdays=frozenset({5}))
    assert last_session(CAL, saturdays, DEADLINE, SETTLEMENT, 0) is None


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (date(2026, 11, 23), False),  # Labour Thanksgiving Day (Monday)
        (date(2026, 11, 24), True),
        (date(2026, 9, 22), False),  # a "sandwiched" national holiday between two holidays
        (date(2026, 12, 30), True),
        (date(2026, 12, 31), False),  # year-end break
        (date(2027, 1, 1), False),
        (date(2027, 1, 2), False),
        (date(2027, 1, 3), False),
        (date(2027, 1, 4), True),
        (date(2026, 12, 19), False),  # Saturday
        (date(2026, 12, 20), False),  # Sunday
    ],
)
def test_business_days(day: date, open_: bool) -> None:
    assert CAL.is_business_day(day) is open_


def test_the_calendar_agrees_with_the_exchange_calendar_2023_to_2027() -> None:
    """An independent check: the holidays library's own JPX market calendar, day by day."""
    jpx = holidays.financial_holidays("XJPX", years=range(2023, 2028))
    day = date(2023, 1, 1)
    while day.year < 2028:
        assert CAL.is_business_day(day) is (day.weekday() < 5 and day not in jpx), day
        day += timedelta(days=1)


def test_business_day_counts_used_by_the_examples() -> None:
    assert CAL.count_business_days(date(2023, 10, 11), date(2024, 3, 29)) == 114  # the seed's 図表5 period
    assert CAL.count_business_days(date(2025, 11, 7), date(2025, 12, 26)) == 35  # the 2025 ERA season
    assert CAL.count_business_days(date(2023, 10, 11), date(2025, 9, 8)) == 468  # TSE reported 466 (INT-P1-30)


def test_bilateral_delivery_and_lead_arithmetic() -> None:
    assert CAL.latest_ready_day(DEADLINE, 1) == date(2026, 12, 29)
    assert CAL.latest_ready_day(DEADLINE, 0) == date(2026, 12, 30)
    assert CAL.business_days_after(date(2026, 12, 30), 0) == date(2026, 12, 30)
    assert CAL.business_days_after(date(2026, 12, 30), 1) == date(2027, 1, 4)
    with pytest.raises(ValueError):
        CAL.nth_business_day(date(2026, 12, 30), 0)
    with pytest.raises(ValueError):
        CAL.business_days_after(date(2026, 12, 30), -1)
