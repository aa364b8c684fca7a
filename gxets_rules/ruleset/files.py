"""Checks and fingerprints of input files, shared by every reader (YAML, workbook, result JSON).

A file is measured before a byte of it is read, so an oversized input is refused at once and never half-parsed;
each input's SHA-256 goes into the run record.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.model.wording import words


def require_size_within(path: Path, shown: str, max_bytes: int, advice: str) -> None:
    """Refuse a file that cannot be read or is over ``max_bytes``; ``advice`` (a problem-catalogue key) says what to
    do instead."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError([Problem.of(Location(shown), "input.unreadable", why=exc.strerror)]) from None
    if size > max_bytes:
        raise InputError(
            [
                Problem.of(
                    Location(shown), "input.too_big", size=f"{size:,}", limit=f"{max_bytes:,}", advice=words(advice)
                )
            ]
        )


def sha256_file(path: Path) -> str:
    """The file's SHA-256, for the run record of every input (read in blocks: a workbook may be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
