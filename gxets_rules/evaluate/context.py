"""What an evaluation can see: the rule set, one submission, the date, and caches.

Evaluation never reads files or the clock (docs/architecture.md): everything it uses is here.
Functions called from rule expressions reach it through the environment. When a number
is being traced, a recorder is pushed and every parameter read, input read and piece of
evidence lands in it; on the fast path (thousands of lots) no recorder is active and
recording costs one list check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gxets_rules.evaluate.eligibility import LotDecision
    from gxets_rules.evaluate.period import EvaluationPeriod
    from gxets_rules.model.submission import Submission
    from gxets_rules.ruleset.compiled import RuleSet


@dataclass(frozen=True)
class InputRead:
    """An input value a computation read, named by its place in the submission."""

    path: str
    value: Any


@dataclass(frozen=True)
class Evidence:
    """Something a domain function wants a reviewer to see, e.g. an ownership path: what it is (``kind``, e.g.
    ``ownership.holding``) and its facts (``data``: names, dates, exact shares). No words: a report composes them in
    its reader's language from the catalogue entry ``evidence.<kind>`` (render/evidence.py)."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class EvalContext:
    ruleset: RuleSet
    submission: Submission
    as_of: date
    period: EvaluationPeriod  # the fiscal years evaluated and the one period-level parameters are read at
    extras: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    recorders: list[list[Any]] = field(default_factory=list)
    decisions: list[LotDecision] | None = None  # the lots' verdicts once eligibility has run (eligible_t())

    def record(self, item: Any) -> None:
        if self.recorders:
            self.recorders[-1].append(item)

    @property
    def fiscal_years(self) -> tuple[int, ...]:
        return self.period.fys

    def base_env(self) -> dict[str, Any]:
        """The names every expression may use (lot-level ones add ``lot``)."""
        return {
            "submission": self.submission,
            "firm": self.submission.firm,
            "as_of": self.as_of,
            "fy": self.period.reference_fy,
            "period": self.period.fys,
            "_ctx": self,
        }
