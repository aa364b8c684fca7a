"""A recorded submission's result, read back from where the review wrote it and checked against the SHA-256 the
ledger recorded: a decision, a diff and a letter all stand on the exact result, so one edited since is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gxets_rules.io.result_reader import load_result
from gxets_rules.model.desk import LedgerSubmission
from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.model.result import Result


def recorded_result(submission: LedgerSubmission) -> Result:
    """The result a recorded submission was evaluated to, exactly as recorded."""
    where = f"submission #{submission.id} ({submission.firm_id}, round {submission.round})"
    if submission.result_path is None or submission.result_sha256 is None:
        raise InputError([Problem(Location(where), "recorded before the ledger kept result files; review it again")])
    path = Path(submission.result_path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(
            [Problem(Location(str(path)), f"{where}: its result cannot be read: {exc.strerror}")]
        ) from None
    if digest != submission.result_sha256:
        raise InputError(
            [Problem(Location(str(path)), f"{where}: the result file was changed after it was recorded (SHA-256)")]
        )
    return load_result(path)
