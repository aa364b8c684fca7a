"""Rule-language functions over the ownership graph: ``involvement(…)`` and ``project_fact(…)``.

They know no rule set: thresholds and the end of the continuity window are arguments, so a rule set states its
policy (and cites it) in YAML. Without an ownership graph, or for a project the graph does not describe, they return
UNKNOWN, which makes the criteria indeterminate — never passed, never failed. Each call records its witness lines
(ownership paths, excluded stakes) as evidence when a trace is being made.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from fractions import Fraction
from typing import Any

from gxets_rules.evaluate.context import EvalContext, Evidence
from gxets_rules.evaluate.ownership.closure import Thresholds
from gxets_rules.evaluate.ownership.graph import Involvement, OwnershipGraph, window_start
from gxets_rules.evaluate.stdlib.core import Env, ctx_of
from gxets_rules.ruleset.expr import EvaluationError
from gxets_rules.ruleset.signatures import Implementation
from gxets_rules.ruleset.values import UNKNOWN

OWNERSHIP_KEY = "ownership"


def _graph(env: Env) -> OwnershipGraph | None:
    return ctx_of(env).extras.get(OWNERSHIP_KEY)


def _fraction(value: Any, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise EvaluationError(f"involvement(): {what} must be a number, got {value!r}")
    return Fraction(value)


def involvement_facts(
    env: Env, lot: Any, until: Any, same_day_counts: Any, control: Any, joint: Any, joint_ventures_count: Any
) -> Any:
    """involvement(lot, until, same_day_counts, control_share, joint_share, joint_ventures_count): participants
    etc.' stake in the project (joint_ventures_count: whether an entity qualified only by joint holding counts toward
    a further one).

    Fields: direct_now (at ``until``), direct_initial (at the end of the initial phase), direct_counted (held
    throughout, by holders that were participants etc. at both ends), look_through_counted (through non-qualifying
    intermediaries), technology (a participant etc. provides technology at ``until``), technology_by_participant (a
    participant — a representative participating company — itself does), first_issuance (date).
    """
    if not isinstance(until, date):
        raise EvaluationError(f"involvement(): `until` must be a date, got {until!r}")
    graph = _graph(env)
    ctx = ctx_of(env)
    project = lot.project.id if lot.project is not None else None
    if graph is None or project is None or project not in graph.projects:
        ctx.record(Evidence("ownership.no_data", {"project": project}))
        return UNKNOWN
    if not isinstance(joint_ventures_count, bool):
        raise EvaluationError(f"involvement(): joint_ventures_count must be a bool, got {joint_ventures_count!r}")
    thresholds = Thresholds(_fraction(control, "control_share"), _fraction(joint, "joint_share"), joint_ventures_count)
    facts_of = graph.projects[project]
    start: date | None = None
    if facts_of.first_issuance_completed_on is not None:  # only then is same_day_counts read
        start = window_start(facts_of, bool(same_day_counts))
        graph.prepare_windows(until, bool(same_day_counts), thresholds)  # every lot's dates at once, earliest first
    facts = InvolvementFacts(
        graph.involvement(project, start, until, thresholds), facts_of.first_issuance_completed_on, ctx
    )
    if ctx.recorders:  # a trace is being made: only then are the witnesses worth working out
        for witness in facts.found.lines:
            ctx.record(witness)
    return facts


class InvolvementFacts(Mapping[str, Any]):
    """The fields rules read from ``involvement(…)``; the look-through figure is worked out only if a rule reads it
    (its witness paths are recorded then)."""

    def __init__(self, found: Involvement, first_issuance: date | None, ctx: EvalContext) -> None:
        self.found = found
        self.first_issuance = first_issuance
        self.ctx = ctx

    def __getitem__(self, name: str) -> Any:
        found = self.found
        if name == "look_through_counted":
            value = found.look_through_counted
            if self.ctx.recorders:  # a trace is being made: only then are the witness paths worth working out
                for witness in found.look_through_lines:
                    self.ctx.record(witness)
            return UNKNOWN if value is None else value
        if name not in _PLAIN_FIELDS:
            raise KeyError(name)
        field: Any = self.first_issuance if name == "first_issuance" else getattr(found, name)
        return UNKNOWN if field is None else field

    def get(self, name: str, default: Any = None) -> Any:
        """``Mapping.get`` without its exception round trip: rules read these fields for every overseas lot."""
        return self[name] if name in _FIELD_SET else default

    def __iter__(self) -> Iterator[str]:
        return iter(FIELDS)

    def __len__(self) -> int:
        return len(FIELDS)


FIELDS = (
    "direct_now",
    "direct_initial",
    "direct_counted",
    "look_through_counted",
    "technology",
    "technology_by_participant",
    "first_issuance",
)
_FIELD_SET = frozenset(FIELDS)
_PLAIN_FIELDS = _FIELD_SET - {"look_through_counted"}


def project_fact(env: Env, lot: Any, name: str) -> Any:
    """project_fact(lot, name): a fact from the ownership file about the lot's project (jcm_difficulty: none |
    claimed | recognised; started_on; first_issuance_completed_on); unknown without ownership data."""
    graph = _graph(env)
    project = lot.project.id if lot.project is not None else None
    facts = graph.projects.get(project) if graph is not None and project is not None else None
    if facts is None:
        return UNKNOWN
    if name == "jcm_difficulty":
        return "none" if facts.jcm_difficulty is None else facts.jcm_difficulty.status
    if name in ("started_on", "first_issuance_completed_on"):
        value = getattr(facts, name)
        return UNKNOWN if value is None else value
    raise EvaluationError(f"project_fact(): no fact {name!r} (jcm_difficulty, started_on, first_issuance_completed_on)")


IMPLEMENTATIONS: dict[str, Implementation] = {
    "involvement": involvement_facts,
    "project_fact": project_fact,
}
