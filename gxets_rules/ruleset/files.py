"""Checks and fingerprints of input files, shared by every reader (YAML, workbook, lots CSV, result JSON).

An input is read only if it is a regular file: a folder, a device (``/dev/zero``), a named pipe or a socket would hang
a reader or feed it without end, so it is refused before a byte is read. The file is opened without blocking (a pipe
swapped in after the check cannot stall the open) and measured on the open handle; and reading stops at the byte limit
whatever the size the file system reports (a ``/proc`` file says 0), so the limit holds for streams too. Each input's
SHA-256 goes into the run record.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.model.wording import words

_NONBLOCKING = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _kind(mode: int) -> str | None:
    """The catalogue key of what a non-regular file is; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "file.folder"
    if stat.S_ISFIFO(mode):
        return "file.pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "file.device"
    return "file.other"


def open_regular(path: Path, shown: str) -> io.BufferedReader:
    """``path`` opened for reading in binary, if it is a regular file; an input error naming why not otherwise."""
    try:
        handle = os.open(path, os.O_RDONLY | _NONBLOCKING)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        why = getattr(exc, "strerror", None) or str(exc)
        raise InputError([Problem.of(Location(shown), "input.unreadable", why=why)]) from None
    try:
        kind = _kind(os.fstat(handle).st_mode)
        if kind is not None:
            raise InputError([Problem.of(Location(shown), "input.not_regular", kind=words(kind))])
        os.set_blocking(handle, True)
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def _too_big(shown: str, size: str, max_bytes: int, advice: str) -> InputError:
    problem = Problem.of(Location(shown), "input.too_big", size=size, limit=f"{max_bytes:,}", advice=words(advice))
    return InputError([problem])


def require_size_within(path: Path, shown: str, max_bytes: int, advice: str) -> None:
    """Refuse a file that is not a regular file, cannot be read or is over ``max_bytes``; ``advice`` (a catalogue key)
    says what to do instead (for readers that open the file themselves, such as the zip reader of a workbook)."""
    with open_regular(path, shown) as handle:
        size = os.fstat(handle.fileno()).st_size
    if size > max_bytes:
        raise _too_big(shown, f"{size:,}", max_bytes, advice)


def read_limited(path: Path, shown: str, max_bytes: int, advice: str) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (counted as read, not trusted from the file system)."""
    with open_regular(path, shown) as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(max_bytes + 1) if size <= max_bytes else b""
    if size > max_bytes:
        raise _too_big(shown, f"{size:,}", max_bytes, advice)
    if len(data) > max_bytes:
        raise _too_big(shown, f"> {max_bytes:,}", max_bytes, advice)
    return data


class LimitedReader(io.RawIOBase):
    """A regular file read as a stream that refuses to go past ``max_bytes`` (for a reader that streams, like CSV)."""

    def __init__(self, path: Path, shown: str, max_bytes: int, advice: str) -> None:
        self.handle = open_regular(path, shown)
        self.shown, self.max_bytes, self.advice = shown, max_bytes, advice
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self.handle.readinto(buffer) or 0
        self.read_so_far += count
        if self.read_so_far > self.max_bytes:
            raise _too_big(self.shown, f"> {self.max_bytes:,}", self.max_bytes, self.advice)
        return count

    def close(self) -> None:
        self.handle.close()
        super().close()


def sha256_file(path: Path) -> str:
    """The file's SHA-256, for the run record of every input (read in blocks: a workbook may be large)."""
    digest = hashlib.sha256()
    with open_regular(path, str(path)) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
