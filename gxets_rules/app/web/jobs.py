"""Batch reviews started from the browser: each runs ``gxets review``'s own ``run_batch`` in a background thread, one
at a time (the ledger has one writer), and says how far it has got for the progress page.

A run keeps its uploaded submissions and its outputs in ``DATA/runs/<run>/`` (``submissions/``, ``review/``): unlike a
firm's pre-check, a batch is the secretariat's record. A YAML submission of the batch that names a file outside the
upload (``lots_csv: ../../x``) is not read; it is listed, with the files passed over, on the run's page.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from gxets_rules.app.review.batch import Batch, collect, run_batch
from gxets_rules.app.review.firm import ReviewOptions
from gxets_rules.app.web.checking import BundledInputs
from gxets_rules.app.web.config import WebConfig
from gxets_rules.app.web.uploads import confine_lots_csv
from gxets_rules.io.cancellations_csv import read_cancellations
from gxets_rules.io.writers import write_json
from gxets_rules.io.xlsx.guard import XlsxLimits
from gxets_rules.model.problems import InputError
from gxets_rules.render.reports import write_summary
from gxets_rules.ruleset.compiled import RuleSet

SUBMISSIONS = "submissions"
REVIEW = "review"
RUN_FILE = "run.json"
SUBMISSION_SUFFIXES = (".yaml", ".yml", ".xlsx")
log = logging.getLogger(__name__)


def new_run_id(now: datetime) -> str:
    """A run's folder name: when it started (UTC, sortable) and a random part (two runs in one second differ)."""
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


@dataclass
class Job:
    """A batch review in progress (or finished), as the progress page reports it."""

    id: str
    run: str
    total: int = 0
    done: int = 0
    state: Literal["running", "done", "failed"] = "running"
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BatchUpload:
    """What the upload form gave: the run folder holding the saved files, the shared inputs if any, the round to
    record in (None: the ledger's default first round) and the registry's cancellation records to check against."""

    run: Path
    ownership: Path | None
    market: Path | None
    lang: str
    user: str
    round: str | None = None
    cancellations: Path | None = None
    notes: tuple[str, ...] = ()


def submission_files(upload: BatchUpload, config: WebConfig) -> tuple[list[Path], list[str]]:
    """The batch's submissions (every folder of the upload, as ``gxets review`` collects a folder) and what was
    passed over or refused, with why."""
    root = upload.run / SUBMISSIONS
    folders = sorted(
        {path.parent for path in root.rglob("*") if path.is_file() and path.suffix.lower() in SUBMISSION_SUFFIXES}
    )
    if not folders:
        return [], []
    files, passed_over = collect(folders, XlsxLimits(config.max_bytes, config.max_rows))
    notes = [f"{path.relative_to(root)}: {why}" for path, why in passed_over]
    kept = []
    for path in files:
        try:
            confine_lots_csv(path, root, config.max_bytes)
        except InputError as exc:
            notes += [f"{path.relative_to(root)}: {problem.message}" for problem in exc.problems]
            continue
        kept.append(path)
    return kept, notes


class ReviewJobs:
    """The batch reviews this server has started since it started."""

    def __init__(self, config: WebConfig, rulesets: Mapping[str, RuleSet]) -> None:
        self.config = config
        self.rulesets = rulesets
        self._jobs: dict[str, Job] = {}
        self._one_at_a_time = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def start(self, upload: BatchUpload) -> Job:
        job = Job(secrets.token_urlsafe(12), upload.run.name, notes=list(upload.notes))
        self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, upload), name=f"review-{job.run}", daemon=True).start()
        return job

    def _run(self, job: Job, upload: BatchUpload) -> None:
        with self._one_at_a_time:
            try:
                self._review(job, upload)
                job.state = "done"
            except InputError as exc:
                job.notes += [str(problem) for problem in exc.problems]
                job.state = "failed"
            except Exception:  # a bug: the page says the review failed, the server log has the traceback
                log.exception("batch review %s failed", job.run)
                job.state = "failed"

    def _review(self, job: Job, upload: BatchUpload) -> None:
        config = self.config
        files, notes = submission_files(upload, config)
        job.notes += notes
        job.total = len(files)
        shared = BundledInputs(self.rulesets, config.max_bytes, config.max_rows, upload.run)
        inputs = shared_input_hashes(shared, upload.ownership, upload.market)
        records = None
        if upload.cancellations is not None:
            records = read_cancellations(upload.cancellations, config.max_bytes)
            inputs[f"registry_cancellations:{upload.cancellations.name}"] = records.sha256
        out = upload.run / REVIEW
        options = ReviewOptions(
            out, date.today(), None, upload.ownership, upload.market, config.max_bytes, config.max_rows, (), upload.lang
        )

        def advance(_: object) -> None:
            job.done += 1

        batch = Batch(files, options, shared, config.ledger, 1, inputs, upload.round, records)
        summary = run_batch(batch, progress=advance)
        write_summary(summary, upload.lang, out)
        finished = datetime.now(UTC).isoformat(timespec="seconds")
        record = {"by": upload.user, "round": summary.round, "finished": finished, "notes": job.notes}
        write_json(upload.run / RUN_FILE, record)


def shared_input_hashes(shared: BundledInputs, ownership: Path | None, market: Path | None) -> dict[str, str]:
    """``role:name`` → SHA-256 of the batch's shared ownership graph and market snapshot, as ``gxets review`` keeps."""
    found = {}
    if ownership is not None:
        graph = shared.ownership(ownership)
        found[f"ownership:{graph.name}"] = graph.sha256
    if market is not None:
        snapshot = shared.market(market)
        found[f"market:{snapshot.name}"] = snapshot.sha256
    return found


def runs_of(config: WebConfig) -> Sequence[Path]:
    """The finished runs, newest first."""
    if not config.runs.is_dir():
        return []
    return sorted((p for p in config.runs.iterdir() if (p / REVIEW / "summary.json").is_file()), reverse=True)
