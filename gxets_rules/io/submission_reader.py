"""Load a submission file into an immutable :class:`Submission`, or report every problem.

Loading never evaluates: it checks shape, types and identity (unique lot ids, one actual
per fiscal year and scope) and keeps the place of every lot, so that rule-set checks
run later can still point at a line. Each input file's SHA-256 is kept for the run record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from gxets_rules.io.formats import validate_format
from gxets_rules.io.inputs import named_file, read_input
from gxets_rules.io.lots_csv import read_lots_csv
from gxets_rules.io.vocabulary import VocabularyFor, words_of
from gxets_rules.io.writers import canonical_json
from gxets_rules.io.xlsx.guard import DEFAULT_MAX_ROWS
from gxets_rules.model.canonical import canonical_text
from gxets_rules.model.loaded import LoadedSubmission
from gxets_rules.model.locate import dotted
from gxets_rules.model.problems import InputError, Problem
from gxets_rules.model.submission import SUBMISSION_FORMAT, Actual, Submission
from gxets_rules.ruleset.files import sha256_file
from gxets_rules.ruleset.strict_yaml import DEFAULT_MAX_BYTES, Document


def _identity_problems(submission: Submission, doc: Document) -> list[Problem]:
    problems = []
    first_lot: dict[str, int] = {}
    for index, lot in enumerate(submission.lots):
        key = canonical_text(lot.id)
        if key in first_lot:
            first = doc.location_of(("lots", first_lot[key]))
            where = doc.location_of(("lots", index, "id"))
            field = doc.name_of(("lots", index, "id"))
            at = _as_written(first.place_words, submission.lots[first_lot[key]].id, lot.id)
            problems.append(Problem.of(where, "input.duplicate_lot", f"lots[{index}].id", field, id=lot.id, first=at))
        else:
            first_lot[key] = index
    problems.extend(_duplicate_actuals(submission.actuals, ("actuals",), doc))
    members = submission.group_filing.members if submission.group_filing else []
    for index, member in enumerate(members):
        problems.extend(_duplicate_actuals(member.actuals, ("group_filing", "members", index, "actuals"), doc))
    return problems


def _as_written(place: tuple[str, str], written: str, again: str) -> tuple[str, str]:
    """Where a lot id was first used — with its spelling there when it is met again in another (full width, another
    case or dash), so the reader sees why two different-looking ids are one."""
    if written == again:
        return place
    return (f"{place[0]}、'{written}'として", f"{place[1]} as '{written}'")


def _duplicate_actuals(actuals: list[Actual], at: tuple[str | int, ...], doc: Document) -> list[Problem]:
    """A second row for the same fiscal year and scope: which one counts would be a guess."""
    problems = []
    first_actual: dict[tuple[int, str], int] = {}
    for index, row in enumerate(actuals):
        key = (row.fiscal_year, row.scope)
        if key in first_actual:
            first = doc.location_of((*at, first_actual[key]))
            where = doc.location_of((*at, index))
            problems.append(
                Problem.of(
                    where,
                    "input.duplicate_actual",
                    dotted((*at, index)),
                    scope=row.scope,
                    fy=str(row.fiscal_year),
                    first=first.place_words,
                )
            )
        else:
            first_actual[key] = index
    return problems


def load_submission(
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    vocabulary_for: VocabularyFor | None = None,
) -> LoadedSubmission:
    """Read, validate and index a ``gxets.submission.v1`` file (with its lots CSV): YAML, or a workbook by its suffix.

    Every entry point loads submissions here, so each accepts a workbook without knowing about it. A workbook's cells
    and a lots CSV's fields are read as a person typed them, with the words of the rule set the submission names
    (``vocabulary_for``; default: the bundled or folder rule set of that name); each reading is a note among the
    warnings.
    """
    words = vocabulary_for or words_of()
    loaded, warnings = read_input(
        path, "submission", lambda doc: load_submission_document(doc, path, words), max_bytes, max_rows, words
    )
    return replace(loaded, warnings=warnings + loaded.warnings)


MAPPING_NAME = "(mapping)"
"""How a submission handed over as data, not a file, is named in problems and the run record."""


def load_submission_data(
    data: Mapping[str, Any], base_dir: Path, vocabulary_for: VocabularyFor | None = None
) -> LoadedSubmission:
    """Validate a submission given as data (what its YAML file would hold), e.g. by a program embedding the engine.

    Problems are located by field path (``(mapping): lots[0](L1).quantity_t: …``); a ``lots_csv`` or ``ownership``
    file it names is read relative to ``base_dir``. The run record names it ``submission:(mapping)`` with the SHA-256
    of its canonical JSON, so that a result still says exactly what it was computed from.
    """
    document = Document(dict(data), MAPPING_NAME)
    loaded = load_submission_document(document, base_dir / MAPPING_NAME, vocabulary_for)
    digest = hashlib.sha256(canonical_json(dict(data)).encode("utf-8")).hexdigest()
    return replace(loaded, input_hashes={f"submission:{MAPPING_NAME}": digest, **loaded.input_hashes})


def load_submission_document(
    doc: Document, path: Path, vocabulary_for: VocabularyFor | None = None
) -> LoadedSubmission:
    """Validate parsed submission data; ``path`` anchors relative file references and names the input.

    Inputs are named by file name (the submission) or by path relative to it (lots CSV), never by the
    working directory, so the run record — and with it the result — is the same wherever gxets runs.
    """
    submission = validate_format(doc, Submission, SUBMISSION_FORMAT, "submission")

    locations = [doc.location_of(("lots", i)) for i in range(len(submission.lots))]
    hashes = {f"submission:{path.name}": sha256_file(path)} if path.is_file() else {}
    problems = _identity_problems(submission, doc)
    notes: list[Problem] = []
    if submission.lots_csv is not None:
        words = vocabulary_for or words_of()
        try:
            csv_path = named_file(path.parent, submission.lots_csv, doc.location_of(("lots_csv",)), "lots_csv")
            csv_lots, rows, notes = read_lots_csv(csv_path, words(submission.ruleset))
        except InputError as exc:
            problems.extend(exc.problems)
        else:
            known = {canonical_text(lot.id): loc for lot, loc in zip(submission.lots, locations, strict=True)}
            for index, lot in enumerate(csv_lots):
                key = canonical_text(lot.id)
                if key in known:
                    problems.append(Problem.of(rows[index], "input.duplicate_lot", id=lot.id, first=str(known[key])))
                known.setdefault(key, rows[index])
            submission = submission.model_copy(update={"lots": [*submission.lots, *csv_lots]})
            locations.extend(rows)
            hashes[f"lots_csv:{submission.lots_csv}"] = sha256_file(csv_path)
    if problems:
        raise InputError(problems)
    return LoadedSubmission(submission, path, doc, tuple(locations), hashes, tuple(notes))
