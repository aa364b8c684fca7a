"""Business days, call-auction sessions, settlement, and the last session that still settles in time.

Every fact here comes from the rule set (``market.yaml`` and its parameters): which country's national holidays close
the market, which days are closed every year (the TSE year-end break, 31 December – 3 January), when sessions are
held and their order windows, on which business day a trade settles (TSE: the 6th counting the trade date, T+5) and
how many business days the registry needs after settlement to cancel the credits — counted on the registry's own
days where they differ (a registry run by government offices closes 29 December – 3 January). National holidays
come from the ``holidays`` library, which keeps Japan's holiday law (substitute and "sandwiched" holidays, equinox
days) up to date far better than a table of our own would; nothing here reads a file or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cached_property

import holidays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SEARCH_DAYS = 800
"""How far back from a deadline a session is looked for (two years covers any seasonal schedule)."""

MonthDay = tuple[int, int]


def month_day(text: str) -> MonthDay:
    """A yearly day as a rule set writes it (``"12-31"``) as (month, day)."""
    month, day = text.split("-")
    return int(month), int(day)


def holidays_source(country: str) -> str:
    """Names the holiday data a calendar used, for the result (e.g. ``holidays 0.109 (JP)``)."""
    return f"holidays {holidays.__version__} ({country})"


def supports_country(country: str) -> bool:
    return country in holidays.list_supported_countries()


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekdays that are neither a national holiday of ``country`` nor in a yearly closed range."""

    country: str
    closed: tuple[tuple[MonthDay, MonthDay], ...] = ()

    @classmethod
    def with_closures(cls, country: str, closed: Iterable[tuple[str, str]]) -> BusinessCalendar:
        """A calendar whose yearly closed ranges are written as ``("12-31", "01-03")`` (they may wrap the new year)."""
        return cls(country, tuple((month_day(first), month_day(last)) for first, last in closed))

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays(self.country)

    def _closed_yearly(self, day: date) -> bool:
        here = (day.month, day.day)
        for first, last in self.closed:
            inside = first <= here <= last if first <= last else (here >= first or here <= last)
            if inside:
                return True
        return False

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays and not self._closed_yearly(day)

    def nth_business_day(self, start: date, n: int) -> date:
        """The ``n``-th business day counting ``start`` as the first if it is one (``n`` ≥ 1)."""
        if n < 1:
            raise ValueError(f"a business day count starts at 1, got {n}")
        day, seen = start, 0
        while True:
            if self.is_business_day(day):
                seen += 1
                if seen == n:
                    return day
            day += timedelta(days=1)

    def business_days_after(self, start: date, n: int) -> date:
        """``start`` moved ``n`` business days on (``n`` = 0: ``start`` itself)."""
        if n < 0:
            raise ValueError(f"a lead time cannot be negative, got {n}")
        day = start
        for _ in range(n):
            day = self.nth_business_day(day + timedelta(days=1), 1)
        return day

    def latest_ready_day(self, deadline: date, lead: int) -> date | None:
        """The last business day from which ``lead`` business days still end on or before ``deadline``."""
        day = deadline
        for _ in range(SEARCH_DAYS):
            if self.is_business_day(day) and self.business_days_after(day, lead) <= deadline:
                return day
            day -= timedelta(days=1)
        return None

    def count_business_days(self, first: date, last: date) -> int:
        return sum(1 for offset in range((last - first).days + 1) if self.is_business_day(first + timedelta(offset)))


@dataclass(frozen=True)
class SessionTime:
    """A call auction: when it matches and the window in which its orders are taken."""

    at: time
    orders_open: time
    orders_close: time


@dataclass(frozen=True)
class Session:
    day: date
    time: SessionTime


@dataclass(frozen=True)
class AuctionSchedule:
    """Sessions held on business days, optionally only on some weekdays (0 = Monday) or in some months."""

    sessions: tuple[SessionTime, ...]
    weekdays: frozenset[int] | None = None
    months: frozenset[int] | None = None

    def sessions_on(self, calendar: BusinessCalendar, day: date) -> tuple[Session, ...]:
        if self.weekdays is not None and day.weekday() not in self.weekdays:
            return ()
        if self.months is not None and day.month not in self.months:
            return ()
        if not calendar.is_business_day(day):
            return ()
        return tuple(Session(day, s) for s in sorted(self.sessions, key=lambda s: s.at))

    def sessions_between(self, calendar: BusinessCalendar, first: date, last: date) -> Iterable[Session]:
        for offset in range((last - first).days + 1):
            yield from self.sessions_on(calendar, first + timedelta(offset))


@dataclass(frozen=True)
class Timing:
    """The last session for a deadline: when it trades, settles, and when the credits can be cancelled."""

    session: Session
    settlement_date: date
    cancellable_on: date


def settlement_date(calendar: BusinessCalendar, trade_day: date, settlement_business_day: int) -> date:
    """The settlement date of a trade: the ``settlement_business_day``-th business day counting the trade date."""
    if not calendar.is_business_day(trade_day):
        raise ValueError(f"{trade_day} is not a business day; nothing trades on it")
    return calendar.nth_business_day(trade_day, settlement_business_day)


def cancellable_on(registry: BusinessCalendar, settles: date, lead_business_days: int) -> date:
    """The day credits delivered on ``settles`` can be cancelled: ``lead`` registry days later, and a registry day."""
    return registry.nth_business_day(registry.business_days_after(settles, lead_business_days), 1)


def last_session(
    calendar: BusinessCalendar,
    schedule: AuctionSchedule,
    deadline: date,
    settlement_business_day: int,
    lead_business_days: int,
    registry: BusinessCalendar | None = None,
) -> Timing | None:
    """The last session whose settlement plus the cancellation lead time falls on or before ``deadline``.

    The lead time counts the registry's days (``registry``; the trading days if it keeps the same ones), so a
    settlement just before the registry's own year-end closure waits for it to reopen.
    """
    registry = registry or calendar
    day = deadline
    for _ in range(SEARCH_DAYS):
        sessions = schedule.sessions_on(calendar, day)
        if sessions:
            settles = settlement_date(calendar, day, settlement_business_day)
            ready = cancellable_on(registry, settles, lead_business_days)
            if ready <= deadline:  # settlement only moves later with the trade date: the first hit is the last
                return Timing(sessions[-1], settles, ready)
        day -= timedelta(days=1)
    return None
