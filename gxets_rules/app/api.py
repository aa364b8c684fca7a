"""The engine for a program that embeds it: ``gxets_rules.check`` and ``gxets_rules.review``.

They are ``gxets check`` and ``gxets review`` without a terminal: the same pipeline, the same result, returned as
the typed models (:class:`~gxets_rules.model.result.Result`, :class:`~gxets_rules.model.review.ReviewSummary`)
rather than printed. Bad input raises :class:`~gxets_rules.model.problems.InputError` with every located problem —
what the command line reports with exit code 2. Nothing here reads the clock but for the default date, today in
Japan, so that a date-less check is dated as the scheme's calendar reads it wherever the program runs.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from gxets_rules.app.pipeline import CheckRequest, run_check, today_in_japan
from gxets_rules.app.review.batch import batch_of, run_batch
from gxets_rules.app.review.firm import ReviewOptions
from gxets_rules.model.result import Result
from gxets_rules.model.review import ReviewSummary

PathLike = str | os.PathLike[str]


def _path(value: PathLike | None) -> Path | None:
    return None if value is None else Path(value)


def check(
    submission: PathLike | Mapping[str, Any],
    *,
    ruleset: PathLike | None = None,
    as_of: date | None = None,
    market: PathLike | None = None,
    ownership: PathLike | None = None,
) -> Result:
    """Check one submission: every lot's eligibility, the firm's position and, with ``market``, a purchase plan.

    ``submission`` is a file (YAML or a workbook) or the submission's data as a mapping — what its YAML file would
    hold, dates as :class:`datetime.date`; files a mapping names (``lots_csv``, ``ownership``) are read relative to
    the working directory. ``ruleset`` is a bundled rule set's id or a rule-set folder (default: the one the
    submission names, else Phase 1); ``as_of`` the evaluation date (default: the submission's, else today in Japan);
    ``market`` a market snapshot file; ``ownership`` an ownership graph file (default: the submission's own).
    """
    source = submission if isinstance(submission, Mapping) else Path(submission)
    reference = None if ruleset is None else str(ruleset)
    request = CheckRequest(source, reference, as_of, ownership=_path(ownership), market=_path(market))
    return run_check(request, today=today_in_japan())


def review(
    submissions: Iterable[PathLike],
    *,
    ruleset: PathLike | None = None,
    as_of: date | None = None,
    market: PathLike | None = None,
    ownership: PathLike | None = None,
    out: PathLike | None = None,
    ledger: PathLike | None = None,
    jobs: int = 1,
) -> ReviewSummary:
    """Review a batch of submission files (or folders of them) as the secretariat does: every firm checked, serial
    ranges claimed twice and allowances claimed beyond creation found.

    ``ruleset``, ``as_of``, ``market`` and ``ownership`` apply to every submission, as for :func:`check` (by default
    each submission's own rule set, date and ownership graph). ``out`` is where each firm's ``result.json`` is written
    (``firms/NNNN-FIRM/``; by default a scratch folder, removed afterwards). ``ledger`` is the review ledger that keeps
    claims across rounds (by default a fresh one, removed afterwards: no earlier round is compared). ``jobs`` > 1
    evaluates in that many forked processes; the summary is the same. Files of a folder that say they are another
    format (an ownership graph, a market snapshot) are passed over, as by ``gxets review``.
    """
    with tempfile.TemporaryDirectory(prefix="gxets-review-") as scratch:
        folder = Path(out) if out is not None else Path(scratch)
        book = Path(ledger) if ledger is not None else Path(scratch) / "ledger.sqlite"
        reference = None if ruleset is None else str(ruleset)
        options = ReviewOptions(folder, today_in_japan(), as_of, _path(ownership), _path(market), ruleset=reference)
        batch, _ = batch_of([Path(p) for p in submissions], options, book, jobs)
        return run_batch(batch, progress=lambda _: None)
