"""Integrity checks: input that is wrong, not merely ineligible.

A negative quantity, a serial range that does not match its quantity, the same serial
range listed twice: these are errors in the data, and a position computed from them would
mislead. A failed ``error`` check stops the run with every finding located (exit 2);
a ``warning`` is carried into the result's issues. A check that cannot be decided
(unknown) is a warning too — it is never treated as passed without saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gxets_rules.evaluate.eligibility import run_condition
from gxets_rules.evaluate.fastpath import lot_checker
from gxets_rules.model.problems import Location, Problem
from gxets_rules.ruleset.compiled import CompiledCheck, RuleSet
from gxets_rules.ruleset.values import UNKNOWN


@dataclass(frozen=True)
class CheckFinding:
    check: CompiledCheck
    severity: str
    lot_id: str | None
    location: Location
    message: dict[str, str]

    def problem(self) -> Problem:
        """The finding as an input problem, in the rule set's own words in each language."""
        said = (self.message["ja"], self.message["en"])
        if self.lot_id:
            return Problem.of(self.location, "check.lot", lot=self.lot_id, message=said, check=self.check.spec.id)
        return Problem.of(self.location, "check.submission", message=said, check=self.check.spec.id)


def run_checks(
    ruleset: RuleSet,
    env: dict[str, Any],
    lots: list[Any],
    lot_locations: tuple[Location, ...],
    locate: Callable[[tuple[str | int, ...]], Location],
) -> list[CheckFinding]:
    """Every failed or undecided check, in input order; ``locate`` finds a submission field's line."""
    findings: list[CheckFinding] = []

    def record(check: CompiledCheck, result: Any, lot_id: str | None, location: Location) -> None:
        if result is True:
            return
        severity = "warning" if result is UNKNOWN else check.spec.severity
        findings.append(CheckFinding(check, severity, lot_id, location, check.message.render_all(env)))

    for check in ruleset.checks:
        if check.spec.scope == "submission":
            where = locate(tuple(check.spec.at.split(".")) if check.spec.at else ())
            record(check, run_condition(check.test, env, f"check {check.spec.id}", None), None, where)
    lot_checks = [c for c in ruleset.checks if c.spec.scope == "lot"]
    checker = None if env["_ctx"].recorders else lot_checker(ruleset, env)  # the generated checks (fastpath.py)
    for lot, location in zip(lots, lot_locations, strict=True):
        env["lot"] = lot
        if checker is not None:
            for found in checker(env, lot):
                if found is None:  # a lot the generated code leaves to the walk
                    break
                record(*found, lot.id, location)
            else:
                continue
        for check in lot_checks:
            if check.spec.kinds is None or lot.kind in check.spec.kinds:
                record(check, run_condition(check.test, env, f"check {check.spec.id}", lot.id), lot.id, location)
    env.pop("lot", None)
    return findings
