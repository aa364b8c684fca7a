"""Benchmark: the engine's per-lot eligibility against its peers: the same lots, the same per-criterion outcomes.

1. Every Phase-1 criterion: the engine as ``gxets check`` runs it (``decide_lots``: the generated fast path, where
   this version has one) and the closure walk (the reference), against ``HandWritten`` below — the same criteria as
   plain Python returning each lot's outcome per criterion, its parameters and code lists read from the rule set once.
   Every lot must get the same outcome for every criterion from all three. Goal: the engine ≥ 0.5× hand-written.
2. The criteria every J-credit, JCM and allowance lot gets (status ×4 — issue 11 added the cancellation's purpose to
   the seven of issue 18's table —, instrument, origin, partner country, held lot expiry), on those lots: the engine
   against GoRules ZEN (Rust core, the ``zen-engine`` package, if installed) and the hand-written function, the same
   outcomes from each. Goal: the engine ≥ 50× ZEN.
3. The parse floor: reading the same lots from their CSV files and validating them (what a check cannot avoid).

Throughput is in lots per CPU second of this process (medians of --repeat runs, the implementations interleaved), so
that other processes on the machine change the figures less; the load average is printed with them.

    .venv/bin/python benchmarks/eligibility_bench.py [--firms 100] [--lots 200] [--entities 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_batch import generate_batch  # noqa: E402
from gxets_rules.app.pipeline import CheckRequest, SharedInputs, load_extras, load_inputs  # noqa: E402
from gxets_rules.evaluate.eligibility import EligibilityEvaluator  # noqa: E402
from gxets_rules.evaluate.engine import evaluate  # noqa: E402
from gxets_rules.evaluate.ownership.graph import OwnershipGraph, Thresholds  # noqa: E402
from gxets_rules.evaluate.stdlib.ownership import OWNERSHIP_KEY  # noqa: E402
from gxets_rules.io.lots_csv import read_lots_csv  # noqa: E402
from gxets_rules.io.vocabulary import words_of  # noqa: E402
from gxets_rules.model.submission import CreditLot  # noqa: E402
from gxets_rules.ruleset.compiled import RuleSet  # noqa: E402
from gxets_rules.ruleset.values import Range  # noqa: E402

try:  # the generated fast path (issue 18); before it, the engine decided every lot by the walk
    from gxets_rules.evaluate.fastpath import decide_lots
except ImportError:  # pragma: no cover - measuring an older version

    def decide_lots(ruleset: RuleSet, env: dict[str, Any], lots: list[CreditLot]) -> list[Any]:
        walk = EligibilityEvaluator(ruleset)
        return [walk.decide(env, index, lot) for index, lot in enumerate(lots)]


GOAL_HAND, GOAL_ZEN = 0.5, 50.0
AS_OF = date(2026, 12, 7)
PASS, FAIL, REVIEW, NA = "pass", "fail", "indeterminate", "not_applicable"
SEVEN = ("era", "j_credit", "jcm")


# ----------------------------------------------------------------------------------------- the hand-written criteria


class HandWritten:
    """The Phase-1 criteria as plain Python, in the rule set's order: one outcome per criterion a lot's kind has.

    Three-valued where the rules are: None stands for unknown; ``_word`` turns True/False/None into pass/fail/review.
    """

    def __init__(self, ruleset: RuleSet, graph: OwnershipGraph | None) -> None:
        fy = ruleset.reference_fy

        def param(name: str) -> Any:
            return ruleset.params.read(name, fy).value

        self.window = (param("submission_window.start"), param("submission_window.end"))
        self.kinds = frozenset(param("instruments.usable_kinds"))
        self.phase1_only = frozenset(param("cancellation.phase1_only_kinds"))
        self.origins = frozenset(param("j_credit.eligible_origins"))
        self.families = frozenset(param("voluntary.methodology_families"))
        self.least = param("involvement.min_share")
        self.look_through_counts = param("involvement.share_measure") == "look_through"
        self.until_cancellation = param("involvement.continuity_until") == "cancellation"
        self.same_day = bool(param("involvement.same_day_counts"))
        self.rules = Thresholds(
            Fraction(param("qualifying.control_share")),
            Fraction(param("qualifying.joint_share")),
            param("qualifying.joint_ventures_count"),
        )
        lead = param("market.cancellation_lead_business_days")
        assert ruleset.market is not None
        self.last_day = ruleset.market.calendar.latest_ready_day(self.window[1], lead)
        partners = ruleset.codelist("jcm_partners").spec.entries
        self.partner_from = {entry["country"]: entry.get("from") for entry in partners}
        self.methodologies = ruleset.codelist("methodologies")
        self.modules = ruleset.codelist("methodology_modules")
        self.categories = {e["category"]: e["origin"] for e in ruleset.codelist("tse_categories").spec.entries}
        self.schemes = ruleset.codelist("jcredit_scheme_codes")
        self.programme = {e["programme"]: e for e in ruleset.codelist("programmes").spec.entries}
        self.graph = graph

    def outcomes(self, lot: CreditLot) -> tuple[str, ...]:
        status, kind = lot.status, lot.kind
        cancelled = status == "cancelled_gxets"
        found = [
            FAIL if status in ("cancelled_other", "retired_other") else PASS,
            FAIL if status == "sold" else PASS,
            self._in_window(lot) if cancelled else NA,
            _word(self._purpose(lot)) if cancelled else NA,
            PASS if kind in self.kinds else FAIL,
        ]
        if kind == "j_credit":
            found.append(PASS if self._origin(lot) in self.origins else REVIEW)
        elif kind == "jcm":
            found.append(PASS if lot.project is not None and lot.project.country in self.partner_from else REVIEW)
        elif kind == "voluntary":
            found.extend(self._voluntary(lot))
        found.append((PASS if self.last_day >= AS_OF else FAIL) if status == "held" else NA)
        return tuple(found)

    def _in_window(self, lot: CreditLot) -> str:
        start, end = self.window
        if lot.status_date is None:
            return REVIEW
        if lot.status_date > end:
            return FAIL
        return PASS if lot.status_date >= start else REVIEW

    def _purpose(self, lot: CreditLot) -> bool | None:
        purpose = lot.cancellation_purpose or (f"phase2_fy{lot.cancelled_for_fy}" if lot.cancelled_for_fy else None)
        if purpose is None:
            return True if lot.kind in self.phase1_only else None
        return purpose == "phase1_target"

    def _origin(self, lot: CreditLot) -> str | None:
        by_scheme = self.schemes.entry(lot.scheme_code) if lot.scheme_code else None
        return self.categories.get(lot.tse_category or "") or (by_scheme or {}).get("origin") or lot.j_credit_origin

    def _voluntary(self, lot: CreditLot) -> list[str]:
        project = lot.project
        assert project is not None
        families = self._families(project)
        programme = self.programme.get(project.programme)
        quality = None if programme is None else programme.get("quality_basis")
        approved = None if programme is None else programme.get("approved_families")
        settled = None if programme is None else (programme["basis"] == "default" and (project.registration_id or None))
        settled_word = None if settled is None else bool(settled)
        eligible = None if families is None else _fields(families, self.families)
        if eligible is None:  # the priority criterion's `when` is undecided, so it is too
            priority = REVIEW
        elif eligible is False:  # outside the four fields it does not apply
            priority = NA
        else:
            approved_all = None if approved is None else set(families or ()) <= set(approved)
            priority = _word(_or(approved_all, settled_word))
        found = [
            _word(eligible),
            _word(
                _or(
                    None if quality is None else quality in ("quality_criteria", "government_involvement"), settled_word
                )
            ),
            priority,
            PASS if project.registration_id is not None else FAIL,
        ]
        found.extend(self._overseas(lot) if project.country != "JP" else (NA, NA, NA, NA))
        return found

    def _families(self, project: Any) -> list[str] | None:
        entry = self.methodologies.entry([project.programme, project.methodology_code])
        if entry is None:
            return None
        if entry.get("framework") and project.methodology_module is not None:
            module = self.modules.entry(project.methodology_module)
            return module["families"] if module is not None and module["framework"] == entry["code"] else None
        return entry["families"]

    def _overseas(self, lot: CreditLot) -> list[str]:
        project = lot.project
        assert project is not None
        facts = self.graph.projects.get(project.id) if self.graph is not None else None
        applied = project.registration_applied_on
        start = self.partner_from.get(project.country)
        if project.country not in self.partner_from:
            partner: bool | None = False
        else:
            partner = None if applied is None else (start is not None and applied >= start)
        difficulty = "none" if facts is None or facts.jcm_difficulty is None else facts.jcm_difficulty.status
        if partner is False or difficulty == "recognised":
            difficult = PASS
        elif partner is None or difficulty == "claimed" or facts is None:
            difficult = REVIEW
        else:
            difficult = FAIL
        if facts is None or self.graph is None:
            return [difficult, REVIEW, REVIEW, REVIEW]
        until = lot.status_date if lot.status == "cancelled_gxets" and self.until_cancellation else AS_OF
        completed = facts.first_issuance_completed_on
        begin = None if completed is None else (completed if self.same_day else completed - timedelta(days=1))
        inv = self.graph.involvement(project.id, begin, until, self.rules)  # type: ignore[arg-type]
        counted, initial, now, tech = (
            inv.direct_counted,
            inv.direct_initial,
            inv.direct_now,
            inv.technology_by_participant,
        )
        enough = _or(_at_least(counted, self.least), tech)
        if enough is not True:
            through = _at_least(inv.look_through_counted, self.least)
            enough = _or(enough, through if self.look_through_counts else (None if through is not False else False))
        return [
            difficult,
            _word(enough),
            _word(_or(_or(tech, _not(_at_least(now, self.least))), _at_least(initial, self.least))),
            _word(_or(_or(tech, _not(_at_least(initial, self.least))), _at_least(counted, self.least))),
        ]


def _fields(families: list[str], eligible: frozenset[str]) -> bool | None:
    """All families eligible: True; none: False; a mix: unknown (in_eligible_fields)."""
    inside = [f in eligible for f in families]
    return True if all(inside) else (None if any(inside) else False)


def _at_least(value: Range | None, least: Fraction) -> bool | None:
    if value is None:
        return None
    return True if value.lo >= least else (False if value.hi < least else None)


def _or(a: bool | None, b: bool | None) -> bool | None:
    return True if a is True or b is True else (None if a is None or b is None else False)


def _not(a: bool | None) -> bool | None:
    return None if a is None else not a


def _word(value: bool | None) -> str:
    return REVIEW if value is None else (PASS if value else FAIL)


# ----------------------------------------------------------------------------------------- GoRules ZEN


def zen_decision(hand: HandWritten) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """The seven criteria as a ZEN expression node (JDM), its parameters written in as the hand-written reads them."""
    try:
        import zen  # noqa: PLC0415 (optional: the zen-engine package)
    except ImportError:
        return None
    start, end = hand.window
    kinds = json.dumps(sorted(hand.kinds))
    origins = json.dumps(sorted(hand.origins))
    partners = json.dumps(sorted(hand.partner_from))
    held = "pass" if hand.last_day >= AS_OF else "fail"
    phase1_only = json.dumps(sorted(hand.phase1_only))
    expressions = {
        "not_other_use": "status in ['cancelled_other', 'retired_other'] ? 'fail' : 'pass'",
        "not_sold": "status == 'sold' ? 'fail' : 'pass'",
        "in_window": (
            f"status != 'cancelled_gxets' ? 'not_applicable' : (status_date == null ? 'indeterminate' : "
            f"(date(status_date) > date('{end}') ? 'fail' : "
            f"(date(status_date) >= date('{start}') ? 'pass' : 'indeterminate')))"
        ),
        "purpose_named": (
            "status != 'cancelled_gxets' ? 'not_applicable' : (purpose != null ? "
            "(purpose == 'phase1_target' ? 'pass' : 'fail') : (cancelled_for_fy != null ? 'fail' : "
            f"(kind in {phase1_only} ? 'pass' : 'indeterminate')))"
        ),
        "instrument": f"kind in {kinds} ? 'pass' : 'fail'",
        "origin": f"kind != 'j_credit' ? null : (origin in {origins} ? 'pass' : 'indeterminate')",
        "partner": f"kind != 'jcm' ? null : (country in {partners} ? 'pass' : 'indeterminate')",
        "held": f"status == 'held' ? '{held}' : 'not_applicable'",
    }
    content = {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "lot", "position": {"x": 0, "y": 0}},
            {
                "id": "criteria",
                "type": "expressionNode",
                "name": "criteria",
                "position": {"x": 1, "y": 0},
                "content": {
                    "expressions": [{"id": key, "key": key, "value": value} for key, value in expressions.items()]
                },
            },
            {"id": "out", "type": "outputNode", "name": "outcomes", "position": {"x": 2, "y": 0}},
        ],
        "edges": [
            {"id": "a", "sourceId": "in", "targetId": "criteria", "type": "edge"},
            {"id": "b", "sourceId": "criteria", "targetId": "out", "type": "edge"},
        ],
    }
    decision = zen.ZenEngine().create_decision(json.dumps(content))

    def run(lot: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = decision.evaluate(lot)["result"]
        return found

    return run


def zen_input(lot: CreditLot, hand: HandWritten) -> dict[str, Any]:
    """A lot as a ZEN decision takes it: JSON values made before timing, as a service would receive them — its
    J-credit origin already derived from its TSE category or scheme code (which favours ZEN)."""
    return {
        "kind": lot.kind,
        "status": lot.status,
        "status_date": lot.status_date.isoformat() if lot.status_date else None,
        "purpose": lot.cancellation_purpose,
        "cancelled_for_fy": lot.cancelled_for_fy,
        "origin": hand._origin(lot),
        "country": lot.project.country if lot.project is not None else None,
    }


def zen_outcomes(found: dict[str, Any]) -> tuple[str, ...]:
    keys = ("not_other_use", "not_sold", "in_window", "purpose_named", "instrument", "origin", "partner", "held")
    return tuple(found[key] for key in keys if found.get(key) is not None)


# ----------------------------------------------------------------------------------------- measuring


def _cpu(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.process_time()
    found = run()
    return time.process_time() - started, found


def measure(firms: list[Any], hand: HandWritten, repeat: int, zen_run: Callable[..., Any] | None) -> dict[str, Any]:
    """Each implementation over every lot, ``repeat`` times interleaved; lots per CPU second (medians)."""
    ruleset = firms[0].ruleset
    lots = [lot for ctx in firms for lot in ctx.submission.lots]
    seven = [lot for lot in lots if lot.kind in SEVEN]
    seven_inputs = [zen_input(lot, hand) for lot in seven]

    def engine() -> list[tuple[str, ...]]:
        found = []
        for ctx in firms:
            for decision in decide_lots(ruleset, ctx.base_env(), ctx.submission.lots):
                found.append(tuple(outcome for _, outcome in decision.outcomes))
        return found

    def walk() -> list[tuple[str, ...]]:
        evaluator = EligibilityEvaluator(ruleset)
        found = []
        for ctx in firms:
            env = ctx.base_env()
            for index, lot in enumerate(ctx.submission.lots):
                found.append(tuple(outcome for _, outcome in evaluator.decide(env, index, lot).outcomes))
        return found

    def engine_seven() -> int:
        by_firm = [(ctx, [lot for lot in ctx.submission.lots if lot.kind in SEVEN]) for ctx in firms]
        return sum(len(decide_lots(ruleset, ctx.base_env(), chosen)) for ctx, chosen in by_firm)

    runs: dict[str, Callable[[], Any]] = {
        "engine": engine,
        "walk": walk,
        "hand": lambda: [hand.outcomes(lot) for lot in lots],
        "engine7": engine_seven,
        "hand7": lambda: [hand.outcomes(lot) for lot in seven],
    }
    if zen_run is not None:
        runs["zen7"] = lambda: [zen_outcomes(zen_run(item)) for item in seven_inputs]
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    answers: dict[str, Any] = {}
    for _ in range(repeat):
        for name, run in runs.items():
            spent, answers[name] = _cpu(run)
            seconds[name].append(spent)
    differ = sum(a != b or a != c for a, b, c in zip(answers["engine"], answers["walk"], answers["hand"], strict=True))
    assert differ == 0, f"{differ} lots have different per-criterion outcomes"
    if zen_run is not None:
        hand7 = answers["hand7"]
        assert answers["zen7"] == hand7, "ZEN and the hand-written function disagree"
    counts = {name: len(lots) if not name.endswith("7") else len(seven) for name in runs}
    return {name: counts[name] / statistics.median(spent) for name, spent in seconds.items()} | {
        "lots": len(lots),
        "seven": len(seven),
    }


def parse_floor(files: list[Path], repeat: int) -> float:
    """Lots per CPU second of reading and validating the lots' CSV files alone."""
    csvs = sorted({csv for path in files for csv in path.parent.glob(f"{path.stem}*.csv")})
    spent = []
    count = 0
    words = words_of()("gxets-phase1")
    for _ in range(repeat):
        started = time.process_time()
        count = sum(len(read_lots_csv(path, words)[0]) for path in csvs)
        spent.append(time.process_time() - started)
    return count / statistics.median(spent) if count else 0.0


def contexts(files: list[Path], shared: SharedInputs, ownership: Path) -> list[Any]:
    ruleset = shared.ruleset("gxets-phase1")
    found = []
    for path in files:
        loaded, _ = load_inputs(CheckRequest(path), shared)
        loaded, extras = load_extras(loaded, ownership, shared=shared)
        try:
            found.append(evaluate(ruleset, loaded, AS_OF, extras).ctx)  # also warms the graph's shared answers
        except Exception:
            continue
    return found


def report(figures: dict[str, Any], floor: float) -> bool:
    load = os.getloadavg()[0]
    print(f"   {figures['lots']:,} lots ({figures['seven']:,} of them J-credit, JCM or allowance); load {load:.1f}")
    print(f"   engine (as check runs it) {figures['engine']:12,.0f} lots/s")
    print(f"   engine, closure walk      {figures['walk']:12,.0f} lots/s")
    print(f"   hand-written Python       {figures['hand']:12,.0f} lots/s")
    ratio = figures["engine"] / figures["hand"]
    print(f"   engine / hand-written     {ratio:12.2f}×  (goal ≥ {GOAL_HAND}×)")
    print("   seven criteria (J-credit, JCM and allowance lots):")
    print(f"   engine                    {figures['engine7']:12,.0f} lots/s")
    print(f"   hand-written Python       {figures['hand7']:12,.0f} lots/s")
    met = ratio >= GOAL_HAND
    if "zen7" in figures:
        zen_ratio = figures["engine7"] / figures["zen7"]
        print(f"   GoRules ZEN               {figures['zen7']:12,.0f} lots/s")
        print(f"   engine / ZEN              {zen_ratio:12.1f}×  (goal ≥ {GOAL_ZEN:.0f}×)")
        met = met and zen_ratio >= GOAL_ZEN
    else:
        print("   GoRules ZEN               not installed (pip install zen-engine)")
    print(f"   parse floor (lots CSV)    {floor:12,.0f} lots/s")
    return met


def run(args: argparse.Namespace, folder: Path) -> int:
    if not (folder / "submissions").is_dir():
        generate_batch(folder, args.firms, args.lots, args.entities)
    print(f"{args.firms:,} firms × {args.lots} lots, {args.entities:,} entities in {folder}")
    shared = SharedInputs()
    ownership = folder / "ownership.yaml"
    files = sorted((folder / "submissions").glob("*.yaml"))[: args.firms]
    firms = contexts(files, shared, ownership)
    hand = HandWritten(firms[0].ruleset, firms[0].extras.get(OWNERSHIP_KEY))
    print("per-lot eligibility, every criterion's outcome the same from each (lots per CPU second, medians):")
    figures = measure(firms, hand, args.repeat, zen_decision(hand))
    met = report(figures, parse_floor(files, args.repeat))
    print(f"goals {'met' if met else 'NOT all met'}")
    return 0 if met else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100)
    parser.add_argument("--lots", type=int, default=200)
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="Generate into this folder (or reuse what is there).")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="gxets-eligibility-bench-") as scratch:
        return run(args, Path(scratch))


if __name__ == "__main__":
    sys.exit(main())
