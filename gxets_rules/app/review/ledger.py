"""The ledger: every evaluated submission and every serial range it claimed, kept across rounds and years (SQLite).

The secretariat reviews submissions in rounds; a range claimed in an earlier round must be caught when it is claimed
again. So each evaluated submission is recorded — firm, content hash (every input file's hash and the evaluation
date), rule set and its SHA-256, the summary row, the time — with its claimed serial ranges, in **one transaction**: a
crash (even ``kill -9``) leaves a submission recorded whole or not at all, and the next run simply records the rest.
Recording the same submission again (same firm, content and rule set) changes nothing.

The schema is versioned (SQLite's ``user_version``) and brought up to date by the migrations below, each applied in
its own transaction; a ledger written by a newer gxets is refused rather than misread. The ledger's clock lives only
here: the review summary names an earlier claim by its submission's content hash, never by a time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gxets_rules.app.review.claims import Claim
from gxets_rules.model.problems import InputError, Location, Problem

LEDGER_FORMAT = "gxets.ledger.v1"

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        firm_id TEXT NOT NULL,
        content_sha256 TEXT NOT NULL,
        ruleset_id TEXT NOT NULL,
        ruleset_version TEXT NOT NULL,
        ruleset_sha256 TEXT NOT NULL,
        first_fy INTEGER NOT NULL,
        last_fy INTEGER NOT NULL,
        as_of TEXT NOT NULL,
        file TEXT NOT NULL,
        summary TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        UNIQUE (firm_id, content_sha256, ruleset_sha256)
    );
    CREATE TABLE claims (
        submission_id INTEGER NOT NULL REFERENCES submissions (id),
        lot_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        quantity_t INTEGER NOT NULL,
        registry TEXT NOT NULL,
        certification_number TEXT NOT NULL,
        serial_start INTEGER NOT NULL,
        serial_end INTEGER NOT NULL,
        PRIMARY KEY (submission_id, lot_id)
    );
    CREATE INDEX claims_by_range ON claims (registry, certification_number, serial_start);
    """,
)
"""Schema migrations in order; the ledger's ``user_version`` is how many have been applied."""


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

    @property
    def key(self) -> tuple[str, str, str]:
        """The same submission: same firm, same inputs, same rule-set revision."""
        return (self.firm_id, self.content_sha256, self.ruleset_sha256)

    @property
    def filing(self) -> tuple[str, str, int, int]:
        """What a submission is *for*: a firm's filing under a rule set for a period. A later one replaces it."""
        return (self.firm_id, self.ruleset_id, self.first_fy, self.last_fy)


class Ledger:
    """An open ledger file; use as a context manager."""

    def __init__(self, path: Path, migrations: Sequence[str] = MIGRATIONS) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self._migrate(migrations)
        except sqlite3.DatabaseError as exc:
            raise InputError([Problem(Location(str(path)), f"not a usable ledger: {exc}")]) from None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, migrations: Sequence[str]) -> None:
        if self.version > len(migrations):
            raise InputError(
                [
                    Problem(
                        Location(str(self.path)),
                        f"the ledger's schema is version {self.version}, newer than this gxets knows "
                        f"({len(migrations)}); use a newer gxets",
                    )
                ]
            )
        for number in range(self.version, len(migrations)):
            with self._transaction():
                for statement in migrations[number].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def record(self, record: SubmissionRecord, claims: Sequence[Claim]) -> bool:
        """Record a submission and its claimed serial ranges in one transaction; False if it was already recorded."""
        with self._transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO submissions (firm_id, content_sha256, ruleset_id, ruleset_version, "
                "ruleset_sha256, first_fy, last_fy, as_of, file, summary, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.firm_id,
                    record.content_sha256,
                    record.ruleset_id,
                    record.ruleset_version,
                    record.ruleset_sha256,
                    record.first_fy,
                    record.last_fy,
                    record.as_of,
                    record.file,
                    json.dumps(record.summary, ensure_ascii=False, sort_keys=True),
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            if cursor.rowcount == 0:
                return False
            self.db.executemany(
                "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        cursor.lastrowid,
                        c.lot_id,
                        c.kind,
                        c.quantity_t,
                        c.registry or "",
                        c.certification_number or "",
                        c.serial_start,
                        c.serial_end,
                    )
                    for c in claims
                    if c.serial_start is not None and c.serial_end is not None
                ],
            )
        return True

    def earlier_claims(self, batch: Sequence[SubmissionRecord]) -> list[Claim]:
        """Claims of earlier rounds: of every recorded submission that is not in this batch and that no submission
        of this batch replaces (the same firm's filing under the same rule set for the same period)."""
        keys = {r.key for r in batch}
        filings = {r.filing for r in batch}
        rows = self.db.execute(
            "SELECT s.firm_id, s.content_sha256, s.ruleset_sha256, s.ruleset_id, s.first_fy, s.last_fy, "
            "c.lot_id, c.kind, c.quantity_t, c.registry, c.certification_number, c.serial_start, c.serial_end "
            "FROM claims c JOIN submissions s ON s.id = c.submission_id "
            "ORDER BY c.registry, c.certification_number, c.serial_start, c.serial_end, s.firm_id, c.lot_id, s.id"
        )
        claims = []
        for firm, content, ruleset_sha, ruleset, first, last, *lot in rows:
            if (firm, content, ruleset_sha) in keys or (firm, ruleset, first, last) in filings:
                continue
            lot_id, kind, quantity, registry, cert, start, end = lot
            claims.append(Claim(firm, lot_id, kind, quantity, registry, cert, start, end, recorded=content))
        return claims

    def submissions(self, ref: str | None = None) -> list[dict[str, Any]]:
        """Recorded submissions, oldest first, with how many serial ranges each claimed; with ``ref``, those whose
        number is ``ref`` or whose content hash starts with it."""
        where, args = (
            ("", ()) if ref is None else ("WHERE s.id = ? OR substr(s.content_sha256, 1, ?) = ?", (ref, len(ref), ref))
        )
        rows = self.db.execute(
            "SELECT s.*, (SELECT count(*) FROM claims c WHERE c.submission_id = s.id) AS claims "
            f"FROM submissions s {where} ORDER BY s.id",
            args,
        )
        return [self._row(rows.description, row) for row in rows]

    def claims_of(self, submission_id: int) -> list[dict[str, Any]]:
        """The serial ranges a recorded submission claimed."""
        rows = self.db.execute(
            "SELECT lot_id, kind, quantity_t, registry, certification_number, serial_start, serial_end "
            "FROM claims WHERE submission_id = ? ORDER BY registry, certification_number, serial_start, lot_id",
            (submission_id,),
        )
        return [self._row(rows.description, row) for row in rows]

    def export(self) -> dict[str, Any]:
        """The whole ledger as plain data (``gxets.ledger.v1``)."""
        return {
            "format": LEDGER_FORMAT,
            "schema_version": self.version,
            "submissions": [{**s, "claims": self.claims_of(s["id"])} for s in self.submissions()],
        }

    @staticmethod
    def _row(description: Any, row: Sequence[Any]) -> dict[str, Any]:
        record = {column[0]: value for column, value in zip(description, row, strict=True)}
        if "summary" in record:
            record["summary"] = json.loads(record["summary"])
        return record


def open_ledger(path: Path) -> Ledger:
    """An existing ledger, for reading; a missing file is an input error (reading never creates one)."""
    if not path.is_file():
        raise InputError([Problem(Location(str(path)), "no ledger here (gxets review --ledger creates one)")])
    return Ledger(path)
