"""One submission, start to finish: load, pick the rule set, evaluate, build the result.

Every entry point (``gxets check``, ``gxets explain``, a batch review, the YAML rule tests) goes through here, so
that they cannot disagree about what a submission's result is. Files are read here; the engine itself never reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from gxets_rules.errors import InputError, Location, Problem
from gxets_rules.evaluate.engine import Evaluation, evaluate
from gxets_rules.evaluate.ownership_functions import OWNERSHIP_KEY
from gxets_rules.evaluate.result import build_result
from gxets_rules.io.market_reader import LoadedMarket, load_market
from gxets_rules.io.ownership_reader import load_ownership
from gxets_rules.io.strict_yaml import DEFAULT_MAX_BYTES
from gxets_rules.io.submission_reader import LoadedSubmission, load_submission
from gxets_rules.io.xlsx_guard import DEFAULT_MAX_ROWS
from gxets_rules.model.result import Result
from gxets_rules.resources import resolve_ruleset
from gxets_rules.ruleset.compiled import RuleSet
from gxets_rules.ruleset.loader import load_ruleset

DEFAULT_RULESET = "gxets-phase1"


@dataclass(frozen=True)
class CheckRequest:
    """What a check needs: the submission and, optionally, the rule set, the date, limits and a market snapshot."""

    submission: Path
    ruleset: str | None = None
    as_of: date | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    ownership: Path | None = None
    market: Path | None = None
    max_rows: int = DEFAULT_MAX_ROWS


def ruleset_for(ref: str) -> RuleSet:
    """The rule set named by an id of a bundled one or a folder; a bad reference is an input error."""
    try:
        folder = resolve_ruleset(ref)
    except FileNotFoundError as exc:
        raise InputError([Problem(Location(ref), str(exc))]) from None
    return load_ruleset(folder)


def load_inputs(request: CheckRequest) -> tuple[LoadedSubmission, LoadedMarket | None]:
    """The submission and the market snapshot, with the problems of both reported together."""
    problems: list[Problem] = []
    loaded = market = None
    try:
        loaded = load_submission(request.submission, max_bytes=request.max_bytes, max_rows=request.max_rows)
    except InputError as exc:
        problems.extend(exc.problems)
    if request.market is not None:
        try:
            market = load_market(request.market, max_bytes=request.max_bytes)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems or loaded is None:
        raise InputError(problems)
    return loaded, market


def run_evaluation(request: CheckRequest, today: date) -> Evaluation:
    """Load everything the request names and evaluate it (``today`` is used only when no date is given)."""
    loaded, market = load_inputs(request)
    ruleset = ruleset_for(request.ruleset or loaded.submission.ruleset or DEFAULT_RULESET)
    when = request.as_of or loaded.submission.as_of or today
    loaded, extras = load_extras(loaded, request.ownership, request.max_bytes, request.max_rows)
    return evaluate(ruleset, loaded, when, extras, market=market)


def load_extras(
    loaded: LoadedSubmission,
    ownership: Path | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> tuple[LoadedSubmission, dict[str, Any]]:
    """Facts beside the submission (the ownership graph: given, or the submission's own `ownership:` file).

    Their hashes join the submission's in the run record, and their reading's warnings the submission's.
    """
    extras: dict[str, Any] = {}
    path = ownership or (loaded.base_dir / loaded.submission.ownership if loaded.submission.ownership else None)
    if path is not None:
        found = load_ownership(path, max_bytes=max_bytes, max_rows=max_rows)
        extras[OWNERSHIP_KEY] = found.graph
        hashes = {**loaded.input_hashes, f"ownership:{found.name}": found.sha256}
        loaded = replace(loaded, input_hashes=hashes, warnings=loaded.warnings + found.warnings)
    return loaded, extras


def run_check(request: CheckRequest, today: date) -> Result:
    """The result of one submission (what ``gxets check`` writes)."""
    return build_result(run_evaluation(request, today))
