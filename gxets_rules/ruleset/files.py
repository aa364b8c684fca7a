"""Checks and fingerprints of input files, shared by every reader (YAML, workbook, result JSON).

A file is measured before a byte of it is read, so an oversized input is refused at once and never half-parsed;
each input's SHA-256 goes into the run record.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from gxets_rules.model.problems import InputError, Location, Problem


def require_size_within(path: Path, shown: str, max_bytes: int, advice: str) -> None:
    """Refuse a file that cannot be read or is over ``max_bytes``; ``advice`` says what to do instead."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError([Problem(Location(shown), f"cannot read file: {exc.strerror}")]) from None
    if size > max_bytes:
        raise InputError(
            [Problem(Location(shown), f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes ({advice})")]
        )


def sha256_file(path: Path) -> str:
    """The file's SHA-256, for the run record of every input (read in blocks: a workbook may be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
