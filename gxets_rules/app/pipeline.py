"""One submission, start to finish: load, pick the rule set, evaluate, build the result.

Every entry point (``gxets check``, ``gxets explain``, a batch review, the YAML rule tests) goes through here, so
that they cannot disagree about what a submission's result is. Files are read here; the engine itself never reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from gxets_rules.evaluate.engine import Evaluation, evaluate
from gxets_rules.evaluate.result import build_result
from gxets_rules.evaluate.rulesets import load_ruleset
from gxets_rules.evaluate.stdlib.ownership import OWNERSHIP_KEY
from gxets_rules.io.inputs import named_file
from gxets_rules.io.market_reader import load_market
from gxets_rules.io.ownership_reader import LoadedOwnership, load_ownership
from gxets_rules.io.submission_reader import load_submission, load_submission_data
from gxets_rules.io.vocabulary import words_of
from gxets_rules.io.xlsx.guard import DEFAULT_MAX_ROWS
from gxets_rules.model.loaded import LoadedMarket, LoadedSubmission
from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.model.result import Result
from gxets_rules.resources import bundled_rulesets, is_bundled, resolve_ruleset
from gxets_rules.ruleset.compiled import RuleSet
from gxets_rules.ruleset.strict_yaml import DEFAULT_MAX_BYTES

DEFAULT_RULESET = "gxets-phase1"
JAPAN = timezone(timedelta(hours=9), "Asia/Tokyo")
"""Japan Standard Time: Japan keeps no daylight saving time, so a fixed offset is exact and needs no time-zone data."""


def today_in_japan() -> date:
    """The date in Tokyo now: a check dated by default is dated as the scheme's calendar reads it, wherever it runs."""
    return datetime.now(JAPAN).date()


@dataclass(frozen=True)
class CheckRequest:
    """What a check needs: the submission (a file, or its data) and, optionally, the rule set, the date, limits and a
    market snapshot."""

    submission: Path | Mapping[str, Any]
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
    except FileNotFoundError:
        known = ", ".join(bundled_rulesets()) or "-"
        raise InputError([Problem.of(Location(ref), "input.no_ruleset", ref=ref, known=known)]) from None
    return load_ruleset(folder)


T = TypeVar("T")


class SharedInputs:
    """What a batch reads once and shares across its submissions: rule sets, ownership graphs, market snapshots.

    A batch of a thousand submissions names the same rule set and, often, the same ownership graph; reading and
    compiling those for each firm would cost more than evaluating it, and one graph object also shares its
    per-date participant status between firms. A file that cannot be read is remembered with its problems, so
    every submission that names it reports the same problems. A single check uses a fresh one.
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS) -> None:
        self.max_bytes = max_bytes
        self.max_rows = max_rows
        self._found: dict[tuple[str, str], Any] = {}

    def _once(self, kind: str, key: str, load: Callable[[], T]) -> T:
        if (kind, key) not in self._found:
            try:
                self._found[kind, key] = load()
            except InputError as exc:
                self._found[kind, key] = exc
        found = self._found[kind, key]
        if isinstance(found, InputError):
            raise InputError(found.problems)
        return found

    def ruleset(self, ref: str) -> RuleSet:
        return self._once("ruleset", ref, lambda: ruleset_for(ref))

    def ownership(self, path: Path) -> LoadedOwnership:
        return self._once(
            "ownership",
            str(path.resolve()),
            lambda: load_ownership(path, max_bytes=self.max_bytes, max_rows=self.max_rows),
        )

    def market(self, path: Path) -> LoadedMarket:
        return self._once("market", str(path.resolve()), lambda: load_market(path, max_bytes=self.max_bytes))


def load_inputs(
    request: CheckRequest, shared: SharedInputs | None = None
) -> tuple[LoadedSubmission, LoadedMarket | None]:
    """The submission and the market snapshot, with the problems of both reported together."""
    shared = shared or SharedInputs(request.max_bytes, request.max_rows)
    problems: list[Problem] = []
    loaded = market = None
    try:
        words = words_of(shared.ruleset, request.ruleset)
        if isinstance(request.submission, Path):
            loaded = load_submission(request.submission, request.max_bytes, request.max_rows, words)
        else:
            loaded = load_submission_data(request.submission, Path.cwd(), words)
    except InputError as exc:
        problems.extend(exc.problems)
    if request.market is not None:
        try:
            market = shared.market(request.market)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems or loaded is None:
        raise InputError(problems)
    return loaded, market


def ruleset_of(request: CheckRequest, loaded: LoadedSubmission, shared: SharedInputs) -> RuleSet:
    """The rule set a submission is evaluated under: the request's (an id or a folder), else the submission's (a bundled
    id only), else the default."""
    return shared.ruleset(request.ruleset or submission_ruleset(loaded.submission.ruleset, loaded.locate))


def evaluate_loaded(
    request: CheckRequest,
    loaded: LoadedSubmission,
    market: LoadedMarket | None,
    today: date,
    shared: SharedInputs | None = None,
) -> Evaluation:
    """Evaluate a loaded submission under its rule set (``today`` is used only when no date is given)."""
    shared = shared or SharedInputs(request.max_bytes, request.max_rows)
    ruleset = ruleset_of(request, loaded, shared)
    when = request.as_of or loaded.submission.as_of or today
    loaded, extras = load_extras(loaded, request.ownership, shared)
    return evaluate(ruleset, loaded, when, extras, market=market)


def submission_ruleset(named: str | None, locate: Callable[[tuple[str, ...]], Location]) -> str:
    """The rule set a submission names: only a bundled one, by its id.

    A submission is data from outside; if it could name a folder, it could choose the rules it is judged by. A rule
    set from a folder is an explicit choice on the command line (``--ruleset PATH``), and every result, report and
    review row made under one says so, with its hash.
    """
    if named is None:
        return DEFAULT_RULESET
    if not is_bundled(named):
        shown = named if len(named) <= 80 else named[:79] + "…"
        known = ", ".join(bundled_rulesets())
        problem = Problem.of(locate(("ruleset",)), "named.ruleset", "ruleset", name=shown, known=known)
        raise InputError([problem])
    return named


def run_evaluation(request: CheckRequest, today: date, shared: SharedInputs | None = None) -> Evaluation:
    """Load everything the request names and evaluate it (``today`` is used only when no date is given)."""
    shared = shared or SharedInputs(request.max_bytes, request.max_rows)
    loaded, market = load_inputs(request, shared)
    return evaluate_loaded(request, loaded, market, today, shared)


def load_extras(
    loaded: LoadedSubmission, ownership: Path | None, shared: SharedInputs
) -> tuple[LoadedSubmission, dict[str, Any]]:
    """Facts beside the submission (the ownership graph: given, or the submission's own `ownership:` file).

    Their hashes join the submission's in the run record, and their reading's warnings the submission's.
    """
    extras: dict[str, Any] = {}
    path = ownership
    if path is None and loaded.submission.ownership is not None:
        where = loaded.locate(("ownership",))
        path = named_file(loaded.base_dir, loaded.submission.ownership, where, "ownership")
    if path is not None:
        found = shared.ownership(path)
        extras[OWNERSHIP_KEY] = found.graph
        hashes = {**loaded.input_hashes, f"ownership:{found.name}": found.sha256}
        loaded = replace(loaded, input_hashes=hashes, warnings=loaded.warnings + found.warnings)
    return loaded, extras


def run_check(request: CheckRequest, today: date, shared: SharedInputs | None = None) -> Result:
    """The result of one submission (what ``gxets check`` writes, and what a batch review writes for each firm)."""
    return build_result(run_evaluation(request, today, shared))
