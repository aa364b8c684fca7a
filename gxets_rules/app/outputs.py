"""Outputs written as a set: all of them or none, and a folder that cannot be written is a located input error.

``gxets check --out DIR --report html,xlsx`` writes a result and its reports. A reader must never find a report of
one run beside the result of another, nor half a set after a failure, so the files are written into a temporary
folder beside ``DIR`` and moved into place together once all are complete: by renaming the folder when ``DIR`` is new,
else file by file (each an atomic replace) after every file has been written. If anything fails, the temporary folder
and any folder made for it are removed: nothing is left behind. A folder that cannot be made or written (a file in
the way, no permission, a read-only or full disk) is reported against ``--out`` with exit code 2.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gxets_rules.io.writers import TEMP_SUFFIX
from gxets_rules.model.problems import InputError, Location, Problem, display_path


def cannot_write(folder: Path, exc: OSError) -> InputError:
    """The input error of an output folder that could not be written."""
    reason = exc.strerror or type(exc).__name__
    return InputError([Problem.of(Location(display_path(folder)), "output.cannot_write", "--out", why=reason)])


def _make_parents(folder: Path) -> list[Path]:
    """Make ``folder``'s missing parents; return those made, deepest first (to remove them again on failure)."""
    missing = [parent for parent in (folder, *folder.parents) if not parent.exists()]
    for parent in reversed(missing):
        parent.mkdir()
    return missing


@contextlib.contextmanager
def output_set(out: Path) -> Iterator[Path]:
    """A temporary folder to write a set of outputs into; on leaving, they are moved into ``out`` together."""
    made: list[Path] = []
    try:
        made = _make_parents(out.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=TEMP_SUFFIX, dir=out.parent))
    except OSError as exc:
        _remove_made(made)
        raise cannot_write(out, exc) from None
    try:
        yield staging
        _move_into_place(staging, out)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_made(made)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise cannot_write(out, exc) from None
        raise


def _move_into_place(staging: Path, out: Path) -> None:
    mask = os.umask(0)
    os.umask(mask)
    if not out.exists():
        staging.chmod(0o777 & ~mask)  # mkdtemp makes it private; the output folder is an ordinary one
        os.replace(staging, out)
        return
    if not out.is_dir():
        raise NotADirectoryError(20, "a file is in the way", str(out))
    for written in sorted(staging.iterdir()):
        os.replace(written, out / written.name)
    staging.rmdir()


def _remove_made(made: list[Path]) -> None:
    for folder in made:
        with contextlib.suppress(OSError):
            folder.rmdir()


def writable_folder(out: Path) -> None:
    """Make ``out`` (and its parents) and prove a file can be written in it, before a long run writes there."""
    made: list[Path] = []
    try:
        made = _make_parents(out)
        with tempfile.NamedTemporaryFile(prefix=".gxets-probe.", suffix=TEMP_SUFFIX, dir=out):
            pass
    except OSError as exc:
        _remove_made(made)
        raise cannot_write(out, exc) from None
