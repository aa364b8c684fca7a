"""The ledger: every evaluated submission, every serial range it claimed and every reviewer's decision, kept across
rounds and years in one SQLite file.

The secretariat reviews submissions in rounds; a range claimed in an earlier round must be caught when it is claimed
again, and a firm's corrected submission replaces its earlier one. So each evaluated submission is recorded — round,
firm, content hash (every input file's hash and the evaluation date), rule set and its SHA-256, the result file and its
SHA-256, the summary row, the submission it supersedes, the time — with its claimed serial ranges, in **one
transaction**: a crash (even ``kill -9``) leaves a submission recorded whole or not at all, and the next run records
the rest. Recording the same submission again in the same round changes nothing.

Every row is chained by hash as it is written (``chain.py``), so ``verify`` shows whether anything was altered after.
Times are stored in UTC. The schema is versioned and migrated (``migrations.py``); a ledger written by a newer gxets
is refused rather than misread. The ledger's clock lives only here: the review summary names an earlier claim by its
submission's content hash, never by a time.

This class is the ledger's API for the CLI and for anything built on it (a dashboard): rounds, firms with their
latest decision, recording a decision, the export. Reading never creates a ledger (:func:`open_ledger`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from gxets_rules.app.review import chain
from gxets_rules.app.review.claims import Claim
from gxets_rules.app.review.migrations import DEFAULT_ROUND, MIGRATIONS, Migration, apply, pending
from gxets_rules.app.review.results import recorded_result
from gxets_rules.model.desk import (
    ChainState,
    Decision,
    FirmState,
    LedgerClaim,
    LedgerExport,
    LedgerSubmission,
    Round,
)
from gxets_rules.model.problems import InputError, Location, Problem

MAX_ROUND_NAME = 64


@dataclass(frozen=True)
class SubmissionRecord:
    """What the ledger keeps of one evaluated submission (its claims travel beside it)."""

    firm_id: str
    content_sha256: str
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    first_fy: int
    last_fy: int
    as_of: str
    file: str
    summary: dict[str, Any]
    result_path: str | None = None
    result_sha256: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """The same submission: same firm, same inputs, same rule-set revision."""
        return (self.firm_id, self.content_sha256, self.ruleset_sha256)

    @property
    def filing(self) -> tuple[str, str, int, int]:
        """What a submission is *for*: a firm's filing under a rule set for a period. A later one supersedes it."""
        return (self.firm_id, self.ruleset_id, self.first_fy, self.last_fy)


def now_utc() -> str:
    """The ledger's clock: UTC, to the second, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _problem(where: Path | str, message: str) -> InputError:
    return InputError([Problem(Location(str(where)), message)])


SUBMISSION_COLUMNS = (
    "s.id, r.name AS round, s.firm_id, s.content_sha256, s.ruleset_id, s.ruleset_version, s.ruleset_sha256, "
    "s.first_fy, s.last_fy, s.as_of, s.file, s.result_path, s.result_sha256, s.supersedes, s.recorded_at, s.summary"
)
DECISION_COLUMNS = (
    "d.id, d.firm_id, r.name AS round, d.submission_id, d.decision, d.lot_id, d.reviewer, d.note, d.deadline, "
    "d.result_sha256, d.decided_at"
)


class Ledger:
    """An open ledger file; use as a context manager. Opening one brings its schema up to date."""

    def __init__(self, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self._migrate(migrations)
        except sqlite3.DatabaseError as exc:
            raise _problem(path, f"not a usable ledger: {exc}") from None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, migrations: Sequence[Migration]) -> None:
        if self.version > len(migrations):
            raise _problem(
                self.path,
                f"the ledger's schema is version {self.version}, newer than this gxets knows ({len(migrations)}); "
                "use a newer gxets",
            )
        for number, migration in pending(self.version, migrations):
            with self._transaction():
                apply(self.db, migration)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # rounds -------------------------------------------------------------------------------------------------------
    def rounds(self) -> list[Round]:
        """Every round, in the order they were opened."""
        rows = self.db.execute("SELECT id, name, opened_at FROM rounds ORDER BY id")
        return [Round(id=row[0], name=row[1], opened_at=row[2]) for row in rows]

    def round(self, name: str) -> Round:
        """A round by name; an unknown one is an input error listing those there are."""
        for known in self.rounds():
            if known.name == name:
                return known
        names = ", ".join(r.name for r in self.rounds()) or "none yet"
        raise _problem(self.path, f"no round {name!r} in this ledger (rounds: {names})")

    def open_round(self, name: str | None) -> Round:
        """The round a review records into: ``name`` (opened now if new); without a name, the default first round of
        a ledger that has no rounds yet — once it has rounds, a review must name its round."""
        known = self.rounds()
        if name is None:
            if known:
                names = ", ".join(r.name for r in known)
                raise _problem(self.path, f"this ledger has rounds ({names}): name the round with --round")
            name = DEFAULT_ROUND
        text = name.strip()
        if not text or len(text) > MAX_ROUND_NAME or not text.isprintable():
            raise _problem(self.path, f"a round is named by 1–{MAX_ROUND_NAME} printable characters, not {name!r}")
        for existing in known:
            if existing.name == text:
                return existing
        with self._transaction():
            cursor = self.db.execute("INSERT INTO rounds (name, opened_at) VALUES (?, ?)", (text, now_utc()))
            assert cursor.lastrowid is not None
            chain.append(self.db, "rounds", [cursor.lastrowid])
        return self.round(text)

    # recording ----------------------------------------------------------------------------------------------------
    def record(self, record: SubmissionRecord, claims: Sequence[Claim], round_id: int) -> int | None:
        """Record a submission of a round and its claimed serial ranges, chained, in one transaction; its number,
        or None if this round already holds it. It supersedes the latest earlier submission of the same filing."""
        with self._transaction():
            earlier = self.db.execute(
                "SELECT max(id) FROM submissions WHERE firm_id = ? AND ruleset_id = ? AND first_fy = ? AND last_fy = ?",
                record.filing,
            ).fetchone()[0]
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO submissions (round_id, firm_id, content_sha256, ruleset_id, ruleset_version, "
                "ruleset_sha256, first_fy, last_fy, as_of, file, result_path, result_sha256, supersedes, summary, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    round_id,
                    record.firm_id,
                    record.content_sha256,
                    record.ruleset_id,
                    record.ruleset_version,
                    record.ruleset_sha256,
                    record.first_fy,
                    record.last_fy,
                    record.as_of,
                    record.file,
                    record.result_path,
                    record.result_sha256,
                    earlier,
                    json.dumps(record.summary, ensure_ascii=False, sort_keys=True),
                    now_utc(),
                ),
            )
            if cursor.rowcount == 0:
                return None
            submission_id = cursor.lastrowid
            assert submission_id is not None
            ranged = [c for c in claims if c.serial_start is not None and c.serial_end is not None]
            self.db.executemany(
                "INSERT INTO claims (submission_id, lot_id, kind, quantity_t, registry, certification_number, "
                "serial_start, serial_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        submission_id,
                        c.lot_id,
                        c.kind,
                        c.quantity_t,
                        c.registry or "",
                        c.certification_number or "",
                        c.serial_start,
                        c.serial_end,
                    )
                    for c in ranged
                ],
            )
            chain.append(self.db, "submissions", [submission_id])
            claim_ids = self.db.execute("SELECT id FROM claims WHERE submission_id = ? ORDER BY id", (submission_id,))
            chain.append(self.db, "claims", [claim_id for (claim_id,) in claim_ids.fetchall()])
        return submission_id

    def earlier_claims(self, batch: Sequence[SubmissionRecord]) -> list[Claim]:
        """Claims of earlier rounds: of every recorded submission that is not in this batch, that no submission of
        this batch replaces (the same firm's filing under the same rule set for the same period), and that no later
        submission superseded (a corrected filing's claims are its own, not the replaced one's)."""
        keys = {r.key for r in batch}
        filings = {r.filing for r in batch}
        rows = self.db.execute(
            "SELECT s.firm_id, s.content_sha256, s.ruleset_sha256, s.ruleset_id, s.first_fy, s.last_fy, "
            "c.lot_id, c.kind, c.quantity_t, c.registry, c.certification_number, c.serial_start, c.serial_end "
            "FROM claims c JOIN submissions s ON s.id = c.submission_id "
            "WHERE s.id NOT IN (SELECT supersedes FROM submissions WHERE supersedes IS NOT NULL) "
            "ORDER BY c.registry, c.certification_number, c.serial_start, c.serial_end, s.firm_id, c.lot_id, s.id"
        )
        claims = []
        for firm, content, ruleset_sha, ruleset, first, last, *lot in rows:
            if (firm, content, ruleset_sha) in keys or (firm, ruleset, first, last) in filings:
                continue
            lot_id, kind, quantity, registry, cert, start, end = lot
            claims.append(Claim(firm, lot_id, kind, quantity, registry, cert, start, end, recorded=content))
        return claims

    # submissions --------------------------------------------------------------------------------------------------
    def submissions(
        self,
        *,
        number: int | None = None,
        firm_id: str | None = None,
        round_name: str | None = None,
        content_prefix: str | None = None,
        with_claims: bool = False,
    ) -> list[LedgerSubmission]:
        """Recorded submissions, oldest first, narrowed by number, firm, round or content-hash prefix (all text is
        compared as text, never as a pattern)."""
        conditions, args = [], []
        for condition, value in (
            ("s.id = ?", number),
            ("s.firm_id = ?", firm_id),
            ("r.name = ?", round_name),
        ):
            if value is not None:
                conditions.append(condition)
                args.append(value)
        if content_prefix is not None:
            conditions.append("substr(s.content_sha256, 1, ?) = ?")
            args += [len(content_prefix), content_prefix]
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self.db.execute(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions s JOIN rounds r ON r.id = s.round_id {where} ORDER BY s.id",
            args,
        )
        names = [column[0] for column in rows.description]
        found = []
        for row in rows.fetchall():
            record = dict(zip(names, row, strict=True))
            record["summary"] = json.loads(record["summary"])
            if with_claims:
                record["claims"] = self.claims_of(record["id"])
            found.append(LedgerSubmission.model_validate(record))
        return found

    def claims_of(self, submission_id: int) -> list[LedgerClaim]:
        """The serial ranges a recorded submission claimed."""
        rows = self.db.execute(
            "SELECT id, lot_id, kind, quantity_t, registry, certification_number, serial_start, serial_end "
            "FROM claims WHERE submission_id = ? ORDER BY registry, certification_number, serial_start, lot_id",
            (submission_id,),
        )
        names = [column[0] for column in rows.description]
        return [LedgerClaim.model_validate(dict(zip(names, row, strict=True))) for row in rows]

    def submission_in(self, firm_id: str, round_name: str) -> LedgerSubmission:
        """The firm's submission of a round (the latest, if it was recorded twice there)."""
        self.round(round_name)
        found = self.submissions(firm_id=firm_id, round_name=round_name)
        if not found:
            raise _problem(self.path, f"firm {firm_id!r} has no submission in round {round_name!r}")
        return found[-1]

    def predecessors(self, round_name: str) -> dict[tuple[str, str], str]:
        """For each submission of a round that supersedes another, (firm, content hash) → the other's round."""
        rows = self.db.execute(
            "SELECT s.firm_id, s.content_sha256, pr.name FROM submissions s JOIN rounds r ON r.id = s.round_id "
            "JOIN submissions p ON p.id = s.supersedes JOIN rounds pr ON pr.id = p.round_id WHERE r.name = ?",
            (round_name,),
        )
        return {(firm, content): name for firm, content, name in rows}

    def firms(self, round_name: str) -> list[FirmState]:
        """Every firm of a round, in firm order, with its submission there and its latest decision up to then."""
        latest: dict[str, LedgerSubmission] = {}
        for submission in self.submissions(round_name=round_name):
            latest[submission.firm_id] = submission
        decisions = self.latest_decisions(round_name)
        return [
            FirmState(submission=latest[firm], decision=decisions.get(firm)) for firm in sorted(latest, key=str.lower)
        ]

    # decisions ----------------------------------------------------------------------------------------------------
    def decide(
        self,
        firm_id: str,
        round_name: str,
        decision: str,
        reviewer: str,
        note: str,
        lot_id: str | None = None,
        deadline: date | None = None,
    ) -> Decision:
        """Record a reviewer's decision on the firm's submission of a round, naming the result it was made on."""
        submission = self.submission_in(firm_id, round_name)
        if not reviewer.strip():
            raise _problem(self.path, "a decision names its reviewer (--by)")
        if lot_id is not None:
            lots = [lot.id for lot in recorded_result(submission).lots]
            if lot_id not in lots:
                raise _problem(self.path, f"firm {firm_id!r} has no lot {lot_id!r} in round {round_name!r}: {lots}")
        with self._transaction():
            cursor = self.db.execute(
                "INSERT INTO decisions (submission_id, firm_id, round_id, decision, lot_id, reviewer, note, deadline, "
                "result_sha256, decided_at) VALUES (?, ?, (SELECT id FROM rounds WHERE name = ?), ?, ?, ?, ?, ?, ?, ?)",
                (
                    submission.id,
                    firm_id,
                    round_name,
                    decision,
                    lot_id,
                    reviewer.strip(),
                    note,
                    deadline.isoformat() if deadline else None,
                    submission.result_sha256,
                    now_utc(),
                ),
            )
            assert cursor.lastrowid is not None
            chain.append(self.db, "decisions", [cursor.lastrowid])
        (made,) = self.decisions(number=cursor.lastrowid)
        return made

    def decisions(
        self, *, number: int | None = None, firm_id: str | None = None, round_name: str | None = None
    ) -> list[Decision]:
        """Recorded decisions, oldest first, narrowed by number, firm or round."""
        conditions, args = [], []
        for condition, value in (("d.id = ?", number), ("d.firm_id = ?", firm_id), ("r.name = ?", round_name)):
            if value is not None:
                conditions.append(condition)
                args.append(value)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self.db.execute(
            f"SELECT {DECISION_COLUMNS} FROM decisions d JOIN rounds r ON r.id = d.round_id {where} ORDER BY d.id", args
        )
        names = [column[0] for column in rows.description]
        return [Decision.model_validate(dict(zip(names, row, strict=True))) for row in rows.fetchall()]

    def latest_decisions(self, round_name: str | None = None) -> dict[str, Decision]:
        """Each firm's latest decision on its submission as a whole (of any round, or of rounds up to and including
        ``round_name``); a firm with only lot decisions, its latest of those."""
        order = {r.name: r.id for r in self.rounds()}
        limit = self.round(round_name).id if round_name is not None else None
        whole: dict[str, Decision] = {}
        lots: dict[str, Decision] = {}
        for decision in self.decisions():
            if limit is None or order[decision.round] <= limit:
                (lots if decision.lot_id else whole)[decision.firm_id] = decision
        return lots | whole

    # the audit trail and the export -------------------------------------------------------------------------------
    def verify(self) -> chain.Verification:
        """Recompute the hash chain over every row: the first altered, deleted or unchained row, if any."""
        return chain.verify(self.db)

    def chain_state(self) -> ChainState:
        rows, head = chain.head(self.db)
        return ChainState(rows=rows, head=head)

    def export(self) -> LedgerExport:
        """The whole ledger (``gxets.ledger.v2``)."""
        return LedgerExport(
            schema_version=self.version,
            rounds=self.rounds(),
            submissions=self.submissions(with_claims=True),
            decisions=self.decisions(),
            chain=self.chain_state(),
        )


HASH_REF = "sha256:"
ROW_REF = "#"


def submission_query(ref: str | None) -> dict[str, Any]:
    """How a reference names recorded submissions: ``#N`` the one numbered N, ``sha256:PREFIX`` the one whose content
    hash starts so, anything else a firm id — never guessed from its look (a firm may be called ``7``)."""
    if ref is None:
        return {}
    if ref.startswith(ROW_REF):
        number = ref.removeprefix(ROW_REF)
        if not number.isdigit():
            raise InputError([Problem(Location(ref), "'#' is followed by a submission number, as `ledger list` shows")])
        return {"number": int(number)}
    if ref.startswith(HASH_REF):
        return {"content_prefix": ref.removeprefix(HASH_REF).lower()}
    return {"firm_id": ref}


def open_ledger(path: Path) -> Ledger:
    """An existing ledger; a missing file is an input error (only ``gxets review --new-ledger`` creates one)."""
    if not path.is_file():
        raise _problem(path, "no ledger here (gxets review --new-ledger creates one)")
    return Ledger(path)
