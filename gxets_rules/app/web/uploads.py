"""Uploaded files onto disk, safely: names that cannot leave their folder, sizes held to the CLI's limit, zips opened
with their members' names and sizes checked, and submissions that may name only files uploaded with them.

A browser sends a file's name as the user's machine knows it (``C:\\Users\\…\\提出.xlsx``, or anything a hostile
client likes: ``../../etc/cron.d/x``). Only the last part is kept, and only if it is an ordinary name; otherwise the
file gets a fixed name. A YAML submission can name its lots CSV by path; on a server such a path must not reach beyond
the upload, so the reference is checked before the submission is read.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from gxets_rules.io.xlsx.guard import is_workbook
from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.ruleset.strict_yaml import read_yaml_file

BATCH_SUFFIXES = (".yaml", ".yml", ".xlsx", ".csv")
"""What a batch upload keeps: submissions, and the lots CSVs and ownership graphs they name."""
MAX_NAME = 120
CHUNK = 1024 * 1024
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_name(name: str | None, fallback: str) -> str:
    """The last part of an uploaded file's name if it is an ordinary file name, else ``fallback``."""
    last = re.split(r"[/\\]", name or "")[-1].strip()
    if not last or last.startswith(".") or len(last) > MAX_NAME or _UNSAFE.search(last):
        return fallback
    return last


def given(upload: object) -> UploadFile | None:
    """The form field's file, or None when the field was left empty (browsers send an empty, nameless part)."""
    if isinstance(upload, UploadFile) and upload.filename:
        return upload
    return None


async def save(upload: UploadFile, target: Path, max_bytes: int) -> Path:
    """Copy an upload to ``target``; a file larger than ``max_bytes`` (the CLI's input limit) is 413."""
    if upload.size is not None and upload.size > max_bytes:
        raise HTTPException(413)
    written = 0
    with target.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            written += len(chunk)
            if written > max_bytes:
                raise HTTPException(413)
            out.write(chunk)
    return target


def lots_csv_named(submission: Path, max_bytes: int) -> tuple[str, Location] | None:
    """The lots CSV a YAML submission names (``lots_csv:``) and where; None for a workbook (it has no such field), a
    submission that names none, or YAML the loader will refuse anyway."""
    if is_workbook(submission):
        return None
    try:
        doc = read_yaml_file(submission, max_bytes=max_bytes)
    except InputError:
        return None  # the loader reads it again and reports every problem
    value = doc.data.get("lots_csv") if isinstance(doc.data, dict) else None
    return (value, doc.location_of(("lots_csv",))) if isinstance(value, str) else None


def confine_lots_csv(submission: Path, root: Path, max_bytes: int) -> None:
    """An input error if the submission names a lots CSV that is not a file inside ``root`` (checked before the
    loader reads it; an ownership graph is checked when it is read, by the server's shared inputs)."""
    named = lots_csv_named(submission, max_bytes)
    if named is None:
        return
    value, where = named
    target = (submission.parent / value).resolve()
    if not target.is_relative_to(root.resolve()) or not target.is_file():
        raise InputError([Problem(where, f"lots_csv: {value!r} is not among the files uploaded with the submission")])


def member_path(name: str) -> PurePosixPath | None:
    """A zip member's path if every part of it is an ordinary name (no absolute path, no ``..``), else None."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or any(safe_name(part, "") != part for part in parts):
        return None
    return PurePosixPath(*parts)


def extract_batch(archive: Path, folder: Path, max_bytes: int, max_files: int) -> list[Problem]:
    """Unpack a batch zip into ``folder`` (its folders kept); members passed over are returned as problems.

    A member is kept if its path is ordinary, its suffix one of ``BATCH_SUFFIXES`` and its size within ``max_bytes``
    — measured while reading, not taken from the zip's own header; more than ``max_files`` members is 413.
    """
    problems: list[Problem] = []
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [m for m in zipped.infolist() if not m.is_dir()]
            if len(members) > max_files:
                raise HTTPException(413)
            for member in members:
                relative = member_path(member.filename)
                where = Location(f"{archive.name}:{member.filename}")
                if relative is None or relative.suffix.lower() not in BATCH_SUFFIXES:
                    problems.append(Problem(where, "passed over: not a submission, lots CSV or ownership file"))
                    continue
                target = folder.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(member) as source, target.open("wb") as out:
                    copied = _copy_at_most(source, out, max_bytes)
                if copied > max_bytes:
                    target.unlink()
                    problems.append(Problem(where, f"passed over: larger than {max_bytes:,} bytes"))
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
        problems.append(Problem(Location(archive.name), f"not a readable zip file ({exc})"))
    return problems


def _copy_at_most(source: IO[bytes], out: IO[bytes], max_bytes: int) -> int:
    """Copy up to ``max_bytes`` + 1 bytes (enough to tell a member is too large) and say how many were read."""
    copied = 0
    while copied <= max_bytes and (chunk := source.read(min(CHUNK, max_bytes + 1 - copied))):
        out.write(chunk)
        copied += len(chunk)
    return copied
