"""What the summary workbook and page show of a review summary (the typed ``gxets.review.v1``), in one language.

Both lay out the same tables — the verdict figures, the totals, one row per firm, the double claims, the allowance
balances, the credits by kind and TSE category, the files that could not be evaluated — so both read them through this
one view, as the per-firm reports read theirs through ``ReportView``. It selects, orders and words; every number is
one the summary holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gxets_rules.model.desk import Decision, japan_time
from gxets_rules.model.review import ClaimRef, FirmRow, ReviewSummary
from gxets_rules.render.catalogue import Text

T = "t"


@dataclass(frozen=True)
class Link:
    """A cell that leads somewhere: its text, and a path relative to the summary's folder."""

    text: str
    href: str

    def __str__(self) -> str:
        return self.href


@dataclass(frozen=True)
class Badge:
    """A cell shown in a colour: ``ok`` (green), ``warn`` (amber), ``bad`` (red) or ``none``."""

    text: str
    tone: str

    def __str__(self) -> str:
        return self.text


DECISION_TONES = {"accepted": "ok", "query": "warn", "returned": "bad"}


def status_tone(row: FirmRow) -> str:
    """A firm's colour from its figures, whatever the rule set calls its status: red while credits are still to buy,
    amber while a lot is ineligible or to review or the data has an issue, green otherwise."""
    if row.offsets_to_buy_t > 0:
        return "bad"
    if row.ineligible_lots or row.needs_review_lots or row.issues:
        return "warn"
    return "ok"


@dataclass(frozen=True)
class Grid:
    """One table: headings, the unit of each column (``t`` for tonnes, else None) and rows of plain values."""

    id: str
    title: str
    headings: tuple[str, ...]
    units: tuple[str | None, ...]
    rows: tuple[tuple[Any, ...], ...]
    empty: str


@dataclass(frozen=True)
class Figure:
    title: str
    value: int
    alert: bool


class ReviewView:
    """The review summary, in one language, as the summary workbook and page lay it out."""

    def __init__(self, summary: ReviewSummary, lang: str) -> None:
        self.summary = summary
        self.t = Text(lang)
        self.lang = lang

    @staticmethod
    def is_badge(value: object) -> bool:
        return isinstance(value, Badge)

    @staticmethod
    def is_link(value: object) -> bool:
        return isinstance(value, Link)

    def figures(self) -> list[Figure]:
        """The verdict: what was reviewed and what needs the secretariat's attention."""
        totals, t = self.summary.totals, self.t
        figures = [
            Figure(t("review.firms_evaluated"), totals.firms, False),
            Figure(t("review.invalid_files"), totals.invalid, totals.invalid > 0),
            Figure(t("review.double_claims"), totals.double_claims, totals.double_claims > 0),
            Figure(t("review.era_excess_sellers"), totals.era_excess_sellers, totals.era_excess_sellers > 0),
        ]
        if self.summary.registry is not None:
            mismatches = totals.registry_mismatches
            figures.append(Figure(t("desk.registry_mismatches"), mismatches, mismatches > 0))
        return figures

    def grids(self) -> list[Grid]:
        return [
            self.totals(),
            self.firms(),
            self.double_claims(),
            self.era(),
            *([self.registry()] if self.summary.registry is not None else []),
            *self.credits(),
            self.invalid(),
            self.intake_warnings(),
        ]

    def totals(self) -> Grid:
        totals, t = self.summary.totals, self.t
        rows = [
            (t("review.need_t"), totals.need_t),
            (t("review.usable_t"), totals.usable_t),
            (t("offsets_to_buy"), totals.offsets_to_buy_t),
            (t("review.era_supply_t"), totals.era_supply_t),
            (t("review.era_demand_t"), totals.era_demand_t),
            (t("review.double_claimed_t"), totals.double_claimed_t),
        ]
        return Grid("totals", t("review.totals"), (t("report.item"), t("unit.t")), (None, T), tuple(rows), "")

    def _cap_classes(self) -> list[str]:
        return sorted({cap.cap_class for row in self.summary.firms for cap in row.caps})

    def firms(self) -> Grid:
        """One row per firm: who it is, its status in colour and the latest decision, then the figures a reviewer
        scans, then the round it replaces and the links to its report and result."""
        t = self.t
        classes = self._cap_classes()
        columns: list[tuple[str, str | None]] = [(t("review.firm_id"), None), (t("review.firm_name"), None)]
        columns += [(t("status"), None), (t("desk.decision"), None)]
        columns += [(t("review.need_t"), T), (t("review.usable_t"), T), (t("offsets_to_buy"), T)]
        columns += [(t("review.era_creatable_t"), T)]
        for cap_class in classes:
            kind = t.kind(cap_class)
            columns += [(f"{kind}: {t('used')}", T), (f"{kind}: {t('cap')}", T)]
        columns += [(t("review.lots"), None), (t("review.ineligible_lots"), None)]
        columns += [(t("review.needs_review_lots"), None), (t("issues"), None)]
        columns += [(t("desk.supersedes"), None), (t("ruleset"), None)]
        columns += [(t("desk.firm_page"), None), (t("desk.report"), None), (t("review.result_file"), None)]
        headings, units = zip(*columns, strict=True)
        rows = []
        for row in self.summary.firms:
            caps = {cap.cap_class: cap for cap in row.caps}
            cap_cells = [
                value for c in classes for value in ((caps[c].used_t, caps[c].cap_t) if c in caps else (None, None))
            ]
            rows.append(
                (
                    row.firm_id,
                    row.firm_name,
                    Badge(t.localized(row.status_label) or row.status or "–", status_tone(row)),
                    self.decision(row.decision),
                    row.need_t,
                    row.usable_t,
                    row.offsets_to_buy_t,
                    row.era_creatable_t,
                    *cap_cells,
                    row.lots,
                    row.ineligible_lots,
                    row.needs_review_lots,
                    row.issues,
                    row.supersedes_round,
                    row.ruleset,
                    Link(t("desk.firm_page"), row.review_page) if row.review_page else None,
                    Link(t("desk.report"), row.report) if row.report else None,
                    Link(t("desk.result"), row.result),
                )
            )
        return Grid("firms", t("review.firms"), headings, units, tuple(rows), t("review.none"))

    def decision(self, decision: Decision | None) -> Badge:
        """The latest decision in words (and colour): which, on what lot, in which round, by whom, when (Japan)."""
        t = self.t
        if decision is None:
            return Badge(t("desk.no_decision"), "none")
        lot = f" {t('desk.lot')} {decision.lot_id}" if decision.lot_id else ""
        when = japan_time(decision.decided_at)
        text = f"{t('desk.decision.' + decision.decision)}{lot} ({decision.round}, {decision.reviewer}, {when})"
        return Badge(text, DECISION_TONES[decision.decision])

    def registry(self) -> Grid:
        """Claimed cancellations the registry's records contradict, one row per point."""
        t = self.t
        check = self.summary.registry
        findings = check.findings if check else []
        headings = (
            t("desk.registry.problem"),
            t("review.firm_id"),
            t("desk.lot"),
            t("desk.field.status"),
            t("review.registry"),
            t("review.certification_number"),
            t("desk.registry.serials"),
            t("desk.registry.claimed"),
            t("desk.registry.recorded"),
            t("desk.registry.line"),
            t("review.file"),
        )
        rows = tuple(
            (
                Badge(t("desk.registry.problem." + f.problem), "bad"),
                f.firm_id,
                f.lot_id,
                t.lot_status(f.status),
                f.registry,
                f.certification_number,
                f"{f.serial_start}–{f.serial_end}" if f.serial_start is not None else None,
                f.claimed,
                f.recorded,
                f.record_line,
                f.file,
            )
            for f in findings
        )
        units = (None,) * len(headings)
        return Grid("registry", t("desk.registry.title"), headings, units, rows, t("review.none"))

    def double_claims(self) -> Grid:
        t = self.t
        headings = (
            t("review.scope"),
            t("review.registry"),
            t("review.certification_number"),
            t("review.overlap"),
            t("review.overlap_t"),
            t("review.first_claim"),
            t("review.second_claim"),
        )
        rows = tuple(
            (
                t("review.scope." + d.scope),
                d.registry,
                d.certification_number,
                f"{d.overlap_start}–{d.overlap_end}",
                d.overlap_t,
                self.claim(d.first),
                self.claim(d.second),
            )
            for d in self.summary.double_claims
        )
        units = (None, None, None, None, T, None, None)
        return Grid("double-claims", t("review.double_claims"), headings, units, rows, t("review.none"))

    def claim(self, ref: ClaimRef) -> str:
        """One side of a double claim: firm, lot and range, and where it was claimed."""
        where = ref.file or f"{self.t('review.earlier_round')} {(ref.recorded_submission or '')[:12]}"
        return f"{ref.firm_id} · {ref.lot_id} · {ref.serial_start}–{ref.serial_end} ({where})"

    def era(self) -> Grid:
        t = self.t
        headings = (
            t("review.seller"),
            t("review.seller_evaluated"),
            t("review.era_created_t"),
            t("review.era_claimed_t"),
            t("review.era_excess_t"),
            t("review.holders"),
        )
        rows = tuple(
            (
                b.seller_firm_id,
                t.value(b.seller_evaluated),
                b.created_t,
                b.claimed_t,
                b.excess_t,
                ", ".join(f"{c.firm_id} {c.lot_id} ({t.value(c.quantity_t)})" for c in b.claims),
            )
            for b in self.summary.era
        )
        return Grid("era", t("review.era"), headings, (None, None, T, T, T, None), rows, t("review.none"))

    def credits(self) -> list[Grid]:
        t = self.t
        headings: tuple[str, ...] = (
            t("report.kind"),
            t("review.tse_category"),
            t("review.lots"),
            t("review.claimed_t"),
        )
        headings += (t("report.usable_t"),)
        units = (None, None, None, T, T)
        grids = []
        for key, title in (("by_kind", t("review.credits_by_kind")), ("by_tse_category", t("review.credits_by_tse"))):
            rows = tuple(
                (t.kind(c.kind), c.tse_category or "–", c.lots, c.claimed_t, c.usable_t)
                for c in getattr(self.summary.totals, key)
            )
            grids.append(Grid(key.replace("_", "-"), title, headings, units, rows, t("review.none")))
        return grids

    def invalid(self) -> Grid:
        t = self.t
        headings = (t("review.file"), t("review.firm_id"), t("review.problems"))
        rows = tuple((i.file, i.firm_id, "\n".join(i.problems)) for i in self.summary.invalid)
        return Grid("invalid", t("review.invalid_files"), headings, (None, None, None), rows, t("review.none"))

    def intake_warnings(self) -> Grid:
        """What reading an evaluated firm's file noted without stopping it, one row per file."""
        t = self.t
        headings = (t("review.file"), t("review.firm_id"), t("review.intake_warnings"))
        rows = tuple(
            (row.file, row.firm_id, "\n".join(row.intake_warnings)) for row in self.summary.firms if row.intake_warnings
        )
        return Grid("warnings", t("review.intake_warnings"), headings, (None, None, None), rows, t("review.none"))
