"""Run a batch review: find the submissions, evaluate each (in worker processes if asked), record each in the ledger
as it completes, then find what only the whole batch shows and write the summary.

Submissions are evaluated in batch order whatever the number of workers, and the summary is built from them in that
order, so the same batch gives the same bytes with one worker or many; the batch order is the files' path order, so
it is also the same whatever order the paths were given in. One firm can never stop the batch: whatever goes wrong
with it — bad input, or an exception nobody foresaw (then reported as that firm's internal error) — becomes that
firm's reported problem, and every other firm is still evaluated, recorded and summarised.

Workers only evaluate and write their firm's result; the ledger is written by this process alone, one transaction per
submission, so a crash at any moment leaves it consistent and the next run records what is missing.
"""

from __future__ import annotations

import gc
import multiprocessing
import shutil
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from gxets_rules.app.pipeline import SharedInputs
from gxets_rules.app.review.firm import HTML_REPORT, FirmOutcome, ReviewOptions, review_submission
from gxets_rules.app.review.ledger import Ledger
from gxets_rules.app.review.pages import write_firm_pages
from gxets_rules.app.review.summary import Desk, summarise
from gxets_rules.io.cancellations_csv import Cancellations
from gxets_rules.io.inputs import declared_format
from gxets_rules.io.writers import remove_stale_temporaries
from gxets_rules.io.xlsx.guard import XlsxLimits
from gxets_rules.model.market import MARKET_FORMAT
from gxets_rules.model.ownership import OWNERSHIP_FORMAT
from gxets_rules.model.problems import InputError, Location, Problem, printable_name
from gxets_rules.model.review import ReviewSummary

SUBMISSION_PATTERNS = ("*.yaml", "*.yml", "*.xlsx")
"""What a folder given to the review contributes (not its subfolders); the submission loader reads each."""
OTHER_FORMATS = (OWNERSHIP_FORMAT, MARKET_FORMAT)
"""Formats of files that sit beside submissions in a folder and are not reviewed as submissions."""


def collect(paths: Sequence[Path], limits: XlsxLimits) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The submissions named, and the files of folders passed over with why.

    Files named are reviewed as given. A folder contributes its ``*.yaml``, ``*.yml`` and ``*.xlsx`` in name order,
    except files that say they are another gxets format (an ownership graph or a market snapshot kept beside the
    submissions): those are passed over and listed, never dropped silently. A path that does not exist, or a folder
    with no ``*.yaml``, ``*.yml`` or ``*.xlsx`` file at all, is an input error (a folder holding only files passed over
    is not: it contributes nothing); a file named twice is reviewed once.
    """
    files: list[Path] = []
    passed_over: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted({p for pattern in SUBMISSION_PATTERNS for p in path.glob(pattern) if p.is_file()})
            for file in found:
                declared = declared_format(file, limits)
                if declared in OTHER_FORMATS:
                    passed_over.append((file, f"{declared}, not a submission"))
                else:
                    files.append(file)
            if not found:
                problems.append(Problem(Location(str(path)), f"no submission ({', '.join(SUBMISSION_PATTERNS)}) here"))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(Location(str(path)), "no such file or folder"))
    if problems:
        raise InputError(problems)
    seen: set[Path] = set()
    unique = []
    for file in sorted(files, key=_path_order):
        if file.resolve() not in seen:
            seen.add(file.resolve())
            unique.append(file)
    return unique, passed_over


def _path_order(path: Path) -> tuple[str, ...]:
    """Batch order: by path, folder by folder, so that the order the paths were typed in changes nothing."""
    return path.parts


_WORKER: tuple[ReviewOptions, SharedInputs] | None = None
"""Set before the worker processes fork, so that they inherit the loaded rule sets and ownership graph."""


def _review_in_worker(task: tuple[int, Path]) -> FirmOutcome:
    assert _WORKER is not None
    return review_isolated(*task, *_WORKER)


def review_isolated(index: int, path: Path, options: ReviewOptions, shared: SharedInputs) -> FirmOutcome:
    """:func:`review_submission`, with any exception it raises turned into the firm's reported internal error.

    Input errors are already outcomes; anything else that escapes is a bug met on this firm's data (a value nobody
    foresaw), which must not cost the other firms their review. Its result folder, if half-written, is removed.
    """
    shown = printable_name(str(path))
    if shown != str(path):  # a name that is not UTF-8 (or holds a control character) could not even be reported
        problem = f"{shown}: the file's name is not UTF-8 text or holds a control character (shown escaped); rename it"
        return FirmOutcome(index, shown, None, problems=(problem,))
    try:
        return review_submission(index, path, options, shared)
    except Exception as exc:  # isolation is the point: one firm's failure is that firm's problem
        return _failed(index, path, options.out, exc)


def _failed(index: int, path: Path, out: Path, exc: BaseException) -> FirmOutcome:
    """The outcome of a firm whose review raised ``exc``: its problem, and no half-written result left behind."""
    _remove_results(index, out)
    reason = f"{type(exc).__name__}: {str(exc)[:300]}"
    return FirmOutcome(index, str(path), None, problems=(f"{path}: internal error (a bug in gxets-rules): {reason}",))


def evaluate_all(
    files: Sequence[Path], options: ReviewOptions, shared: SharedInputs, jobs: int
) -> Iterator[FirmOutcome]:
    """Each submission's outcome, in batch order; with ``jobs`` > 1 evaluated by that many forked processes."""
    tasks = list(enumerate(files))
    if jobs <= 1 or len(tasks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (review_isolated(index, path, options, shared) for index, path in tasks)
        return
    global _WORKER  # noqa: PLW0603 - read by the forked workers, which inherit it
    _WORKER = (options, shared)
    gc.collect()
    gc.freeze()  # what the workers inherit stays shared: their collections no longer touch (and so copy) its pages
    try:
        yield from _in_pools(tasks, min(jobs, len(tasks)), options.out)
    finally:
        gc.unfreeze()
        _WORKER = None


def _in_pools(tasks: list[tuple[int, Path]], workers: int, out: Path) -> Iterator[FirmOutcome]:
    """The tasks' outcomes in order, from a pool of forked workers — surviving a worker that dies.

    A worker process that dies (killed for its memory, a crash inside a library) breaks the pool without saying which
    task killed it, and a plain pool waits for that task's result for ever. Here the first task left without a result
    is run again alone, in a process of its own: if it dies again, that is its outcome; then the rest go to a new
    pool. Each break isolates at least one task, so the batch always ends.
    """
    while tasks:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_review_in_worker, task) for task in tasks]
            broken = None
            for position, future in enumerate(futures):
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken = position
                    break
        if broken is None:
            return
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as alone:
            try:
                yield alone.submit(_review_in_worker, tasks[broken]).result()
            except BrokenProcessPool:
                yield _died(*tasks[broken], out)
        tasks = tasks[broken + 1 :]


def _remove_results(index: int, out: Path) -> None:
    """Remove whatever a firm's failed review wrote (its folder is numbered by its place in the batch)."""
    for folder in (out / "firms").glob(f"{index + 1:04d}-*"):
        shutil.rmtree(folder, ignore_errors=True)


def _died(index: int, path: Path, out: Path) -> FirmOutcome:
    """The outcome of a firm whose evaluating process ended abruptly (out of memory, or killed)."""
    _remove_results(index, out)
    problem = f"{path}: the process evaluating it ended abruptly (out of memory, or killed); it was not evaluated"
    return FirmOutcome(index, str(path), None, problems=(problem,))


@dataclass(frozen=True)
class Batch:
    """A review to run: the submissions, how to evaluate them, the ledger, and how many workers."""

    files: Sequence[Path]
    options: ReviewOptions
    shared: SharedInputs
    ledger: Path
    jobs: int = 1
    inputs: dict[str, str] | None = None
    round: str | None = None
    cancellations: Cancellations | None = None


def batch_of(
    paths: Sequence[Path], options: ReviewOptions, ledger: Path, jobs: int
) -> tuple[Batch, list[tuple[Path, str]]]:
    """The batch the paths name, and the files of its folders passed over (with why).

    The ownership graph and market snapshot every submission shares are read here, once: a bad one stops the review
    before any submission is evaluated, and their hashes are the batch's inputs in the summary.
    """
    files, passed_over = collect(paths, XlsxLimits(options.max_bytes, options.max_rows))
    shared = SharedInputs(options.max_bytes, options.max_rows)
    inputs = {}
    for role, path, load in (
        ("ownership", options.ownership, shared.ownership),
        ("market", options.market, shared.market),
    ):
        if path is not None:
            found = load(path)
            inputs[f"{role}:{found.name}"] = found.sha256
    return Batch(files, options, shared, ledger, jobs, inputs), passed_over


def _one_per_firm(outcome: FirmOutcome, firms: dict[str, str], out: Path) -> FirmOutcome:
    """A batch holds one evaluated submission per firm: a second one is reported and skipped, its result removed
    and its claims left out (they are the first one's credits, not another firm's)."""
    if outcome.row is None:
        return outcome
    first = firms.setdefault(outcome.row.firm_id, outcome.file)
    if first == outcome.file:
        return outcome
    if outcome.folder is not None:
        shutil.rmtree(out / outcome.folder, ignore_errors=True)
    problem = f"{outcome.file}: firm {outcome.firm_id!r} was already submitted in {first}"
    return FirmOutcome(outcome.index, outcome.file, outcome.firm_id, problems=(problem,))


def run_batch(batch: Batch, progress: Callable[[FirmOutcome], None]) -> ReviewSummary:
    """Evaluate and record every submission (reporting each to ``progress``), then summarise the batch."""
    outcomes: list[FirmOutcome] = []
    firms: dict[str, str] = {}
    remove_stale_temporaries(batch.options.out)
    with Ledger(batch.ledger) as ledger:
        current = ledger.open_round(batch.round)
        for evaluated in evaluate_all(batch.files, batch.options, batch.shared, batch.jobs):
            outcome = _one_per_firm(evaluated, firms, batch.options.out)
            if outcome.record is not None:
                try:
                    ledger.record(outcome.record, outcome.claims, current.id)
                except Exception as exc:  # rolled back: reported, not recorded
                    outcome = _failed(outcome.index, Path(outcome.file), batch.options.out, exc)
            outcomes.append(outcome)
            progress(outcome)
        earlier = ledger.earlier_claims([o.record for o in outcomes if o.record is not None])
        desk = Desk(current.name, ledger.latest_decisions(current.name), ledger.predecessors(current.name))
        summary = summarise(outcomes, earlier, batch.inputs or {}, desk, batch.cancellations)
        if HTML_REPORT in batch.options.reports:
            write_firm_pages(ledger, current.name, outcomes, summary.firms, batch.options.out, batch.options.lang)
    return summary
