"""Each firm's review page (``firms/NNNN-FIRM/review.html``, with ``--report html``): the desk's view of one firm in
a round — its status, every decision recorded on it, what changed since the submission it replaces, and links to its
report and result.

Written after the batch is recorded, from the ledger (decisions, the superseded submission) and the two results the
diff reads back (each checked against the SHA-256 the ledger recorded). An earlier result that can no longer be read
is said on the page instead of a diff; it never stops the review.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gxets_rules.app.review.diff import diff_results
from gxets_rules.app.review.firm import REVIEW_PAGE, FirmOutcome
from gxets_rules.app.review.ledger import Ledger
from gxets_rules.app.review.results import recorded_result
from gxets_rules.io.writers import atomic_write_bytes
from gxets_rules.model.desk import FirmDiff, LedgerSubmission
from gxets_rules.model.problems import InputError
from gxets_rules.model.review import FirmRow
from gxets_rules.render.firm_page import FirmPage, render_firm_page


def _changes(ledger: Ledger, round_name: str, outcome: FirmOutcome) -> tuple[FirmDiff | None, str | None]:
    """The firm's changes since the submission this one supersedes (None: it replaces none), or why there are none."""
    assert outcome.record is not None
    firm_id, content, _ = outcome.record.key
    mine = [s for s in ledger.submissions(firm_id=firm_id, round_name=round_name) if s.content_sha256 == content]
    return changes_since(ledger, mine[-1]) if mine else (None, None)


def changes_since(ledger: Ledger, submission: LedgerSubmission) -> tuple[FirmDiff | None, str | None]:
    """A recorded submission's changes since the one it supersedes (None: it replaces none), or why there are none
    (also read by the web application's firm page)."""
    if submission.supersedes is None:
        return None, None
    (new,) = ledger.submissions(number=submission.id, with_claims=True)
    (old,) = ledger.submissions(number=new.supersedes, with_claims=True)
    try:
        return diff_results(recorded_result(old), recorded_result(new), old, new), None
    except InputError as exc:
        return None, "; ".join(str(problem) for problem in exc.problems)


def write_firm_pages(
    ledger: Ledger, round_name: str, outcomes: Sequence[FirmOutcome], rows: Sequence[FirmRow], out: Path, lang: str
) -> None:
    """Write the review page of every evaluated firm of the batch into its folder."""
    by_firm = {row.firm_id: row for row in rows}
    for outcome in outcomes:
        if outcome.record is None or outcome.folder is None or outcome.row is None:
            continue
        diff, unavailable = _changes(ledger, round_name, outcome)
        page = FirmPage(
            row=by_firm[outcome.row.firm_id],
            round=round_name,
            decisions=ledger.decisions(firm_id=outcome.row.firm_id),
            diff=diff,
            diff_unavailable=unavailable,
        )
        atomic_write_bytes(out / outcome.folder / REVIEW_PAGE, render_firm_page(page, lang).encode("utf-8"))
