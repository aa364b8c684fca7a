"""One submission of a batch: evaluated through the same pipeline as ``gxets check``, its result written, and what
the batch needs of it kept — its summary row, its claims, its credits by kind and what the ledger records.

The result JSON a firm gets from a review is byte for byte the one ``gxets check`` writes. A file that cannot be
evaluated is an outcome too, with every located problem: it never stops the batch. A file that loads but fails
evaluation (an integrity check, a missing figure) still hands in its claims, because a serial range claimed twice is
a finding whatever else is wrong with the file.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gxets_rules.app.pipeline import CheckRequest, SharedInputs, evaluate_loaded, load_inputs, ruleset_of
from gxets_rules.app.review.claims import Claim, claimed, claims_of
from gxets_rules.app.review.ledger import SubmissionRecord
from gxets_rules.evaluate.result import build_result
from gxets_rules.io.writers import atomic_write_bytes, canonical_json, result_bytes
from gxets_rules.io.xlsx.guard import DEFAULT_MAX_ROWS
from gxets_rules.model.problems import InputError, Problem
from gxets_rules.model.result import LabelFigure, LotResult, Result, RulesetRef, TextFigure, WholeFigure
from gxets_rules.model.review import CapUse, CreditTotal, FirmRow
from gxets_rules.model.submission import CreditLot
from gxets_rules.render.reports import write_reports
from gxets_rules.ruleset.compiled import RuleSet
from gxets_rules.ruleset.schema import ClaimVocabulary
from gxets_rules.ruleset.strict_yaml import DEFAULT_MAX_BYTES

STATUS_FIELD = "position.status"
HTML_REPORT = "html"
"""The per-firm report the summary links each firm to, when the review writes it."""
REVIEW_PAGE = "review.html"
"""The firm's review page the review writes beside its report (``pages.py``)."""
LEDGER_ADDED = {"report", "review_page", "decision", "supersedes_round"}
"""Fields of a summary row that are not the firm's evaluation: the ledger keeps the row without them."""


@dataclass(frozen=True)
class ReviewOptions:
    """What every submission of a batch is evaluated with, and where its outputs go."""

    out: Path
    today: date
    as_of: date | None = None
    ownership: Path | None = None
    market: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS
    reports: tuple[str, ...] = ()
    lang: str = "ja"
    ruleset: str | None = None  # every submission under this rule set (id or folder), not the one it names

    def request(self, path: Path) -> CheckRequest:
        return CheckRequest(path, self.ruleset, self.as_of, self.max_bytes, self.ownership, self.market, self.max_rows)


@dataclass(frozen=True)
class FirmOutcome:
    """What a batch keeps of one submission: a row and a ledger record if it was evaluated, problems if not.

    ``categorised_kinds``: the kinds its rule set sums by TSE category (the summary's second credits table).
    ``cancelled_for``: a lot status that states a cancellation → whether it is for the scheme (True) or for another
    purpose (False), from its rule set's claims vocabulary: what the registry reconciliation checks.
    """

    index: int
    file: str
    firm_id: str | None
    claims: tuple[Claim, ...] = ()
    problems: tuple[str, ...] = ()
    row: FirmRow | None = None
    credits: tuple[CreditTotal, ...] = ()
    record: SubmissionRecord | None = None
    folder: str | None = None
    categorised_kinds: frozenset[str] = frozenset()
    firm_name: str | None = None
    cancelled_for: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class ResultFile:
    """Where a firm's result was written, and the SHA-256 of its bytes (what a decision names)."""

    path: str
    sha256: str


def folder_name(index: int, firm_id: str) -> str:
    """The firm's folder in the output: its place in the batch (unique) and its id made safe for any file system."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", firm_id).strip("._")[:60] or "firm"
    return f"firms/{index + 1:04d}-{safe}"


def review_submission(index: int, path: Path, options: ReviewOptions, shared: SharedInputs) -> FirmOutcome:
    """Evaluate one submission of a batch, write its result (and reports if asked), and say what the batch keeps."""
    file = str(path)
    request = options.request(path)
    try:
        loaded, market = load_inputs(request, shared)
    except InputError as exc:
        return FirmOutcome(index, file, None, problems=_texts(exc.problems, options.lang))
    firm_id = loaded.submission.firm.id
    try:
        ruleset = ruleset_of(request, loaded, shared)
    except InputError as exc:  # which lots claim credits is the rule set's to say: without one, none is known
        return FirmOutcome(index, file, firm_id, problems=_texts(exc.problems, options.lang))
    vocabulary = ruleset.manifest.claims
    claims = claims_of(loaded.submission.lots, vocabulary, firm_id, index, file)
    try:
        evaluation = evaluate_loaded(request, loaded, market, options.today, shared)
    except InputError as exc:
        return FirmOutcome(
            index,
            file,
            firm_id,
            claims,
            problems=_texts(exc.problems, options.lang),
            firm_name=loaded.submission.firm.name,
        )
    result = build_result(evaluation)
    folder = folder_name(index, firm_id)
    result_file = options.out / folder / "result.json"
    encoded = result_bytes(result)
    atomic_write_bytes(result_file, encoded)
    reports = write_reports(result, options.reports, options.lang, options.out / folder, "review")
    row = firm_row(result, ruleset, file, f"{folder}/result.json", _texts(evaluation.loaded.warnings, options.lang))
    if HTML_REPORT in options.reports:
        report = reports[options.reports.index(HTML_REPORT)].name
        row = row.model_copy(update={"report": f"{folder}/{report}", "review_page": f"{folder}/{REVIEW_PAGE}"})
    return FirmOutcome(
        index,
        file,
        firm_id,
        claims,
        row=row,
        credits=credit_totals(loaded.submission.lots, vocabulary, result.lots),
        record=submission_record(
            result, row, ResultFile(str(result_file.resolve()), hashlib.sha256(encoded).hexdigest())
        ),
        folder=folder,
        categorised_kinds=frozenset(vocabulary.categorised_kinds),
        firm_name=loaded.submission.firm.name,
        cancelled_for=cancelled_for(vocabulary),
    )


def cancelled_for(vocabulary: ClaimVocabulary) -> dict[str, bool]:
    """Each status the rule set says states a cancellation → True if for the scheme, False if for another purpose."""
    stating = (*vocabulary.cancelled_for_scheme, *vocabulary.cancelled_for_other)
    return {status: status in vocabulary.cancelled_for_scheme for status in stating}


def _texts(problems: Sequence[Problem], lang: str) -> tuple[str, ...]:
    """Problems and intake notes as the summary shows them: in the reviewer's language (``--lang``)."""
    return tuple(problem.render(lang) for problem in problems)


def firm_row(result: Result, ruleset: RuleSet, file: str, result_path: str, warnings: Sequence[str]) -> FirmRow:
    """The summary row of a firm's result: figures read from it by the conventions of docs/review.md, and from its
    rule set which output says what the firm may create."""
    coverage = result.coverage
    created = ruleset.manifest.claims.created
    creatable = result.figure(created.creatable) if created and created.creatable else None
    verdicts = Counter(lot.verdict for lot in result.lots)
    status = result.figure(STATUS_FIELD)
    value = status.value if isinstance(status, LabelFigure | TextFigure) else None
    labels = result.catalogue.quantities[status.quantity].labels if status and status.quantity else None
    return FirmRow(
        firm_id=result.firm.id,
        firm_name=result.firm.name,
        file=file,
        result=result_path,
        ruleset=ruleset_label(result.ruleset),
        as_of=result.as_of.isoformat(),
        status=value,
        status_label=labels.get(value) if labels and value else None,
        need_t=coverage.need_t,
        usable_t=coverage.usable_t,
        offsets_to_buy_t=coverage.offsets_to_buy_t,
        era_creatable_t=creatable.value if isinstance(creatable, WholeFigure) else None,
        caps=[CapUse(cap_class=cls, used_t=use.usable_t, cap_t=use.cap_t) for cls, use in coverage.classes.items()],
        lots=len(result.lots),
        ineligible_lots=verdicts["ineligible"],
        needs_review_lots=verdicts["needs_review"],
        issues=len(result.issues),
        intake_warnings=list(warnings),
    )


def ruleset_label(ruleset: RulesetRef) -> str:
    """A row's rule set: id and version; one chosen from a folder says so, with its hash (it is no bundled one)."""
    label = f"{ruleset.id} {ruleset.version}"
    if ruleset.source == "path":
        label += f" (--ruleset PATH, SHA-256 {ruleset.sha256[:12]})"
    return label


def credit_totals(
    lots: Iterable[CreditLot], vocabulary: ClaimVocabulary, results: Iterable[LotResult]
) -> tuple[CreditTotal, ...]:
    """The firm's claimed credits (its claiming lots) by kind and TSE category, with the tonnes that count."""
    usable = {lot.id: lot.usable_t for lot in results}
    return sum_credits(
        (lot.kind, lot.tse_category, 1, lot.quantity_t, usable.get(lot.id, 0)) for lot in claimed(lots, vocabulary)
    )


def sum_credits(rows: Iterable[tuple[str, str | None, int, int, int]]) -> tuple[CreditTotal, ...]:
    """(kind, TSE category, lots, claimed t, usable t) rows added up per kind and category, in that order — one sum for
    a firm's lots and for the batch's firms, so both tables of the summary add up the same way."""
    totals: dict[tuple[str, str | None], list[int]] = {}
    for kind, category, lots, claimed_t, usable_t in rows:
        entry = totals.setdefault((kind, category), [0, 0, 0])
        entry[0] += lots
        entry[1] += claimed_t
        entry[2] += usable_t
    return tuple(
        CreditTotal(kind=kind, tse_category=category, lots=n, claimed_t=claimed, usable_t=counted)
        for (kind, category), (n, claimed, counted) in sorted(
            totals.items(), key=lambda item: (item[0][0], item[0][1] or "")
        )
    )


def submission_record(result: Result, row: FirmRow, written: ResultFile) -> SubmissionRecord:
    """What the ledger keeps: the content hash covers every input file's hash and the evaluation date; the summary
    row is the one the review computed (without what the ledger itself adds to it later: report link, decision)."""
    content = canonical_json({"inputs": dict(result.run.inputs), "as_of": result.as_of.isoformat()}).encode("utf-8")
    return SubmissionRecord(
        firm_id=row.firm_id,
        content_sha256=hashlib.sha256(content).hexdigest(),
        ruleset_id=result.ruleset.id,
        ruleset_version=result.ruleset.version,
        ruleset_sha256=result.ruleset.sha256,
        first_fy=result.period.first_fy,
        last_fy=result.period.last_fy,
        as_of=result.as_of.isoformat(),
        file=row.file,
        summary=row.model_dump(mode="json", exclude=LEDGER_ADDED),
        result_path=written.path,
        result_sha256=written.sha256,
    )
