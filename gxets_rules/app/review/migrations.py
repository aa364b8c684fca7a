"""The ledger's schema, as the migrations that build it, in order.

SQLite's ``user_version`` counts the migrations a ledger has had; opening it applies the ones it lacks, each in its own
transaction (so a ledger killed in the middle of a migration is left at the version before it, whole). A migration is
SQL statements, or a function of the connection when rows must be computed (hashes, links).

1. ``submissions`` and ``claims`` (gxets 0.x, ``gxets.ledger.v1``).
2. Rounds, decisions and the audit trail: a ``rounds`` table (a v1 ledger's submissions become round ``1``); each
   submission's round, the earlier submission of the same filing it supersedes, and its result file and SHA-256;
   ``claims`` get an id of their own; ``decisions``; and the ``chain`` over every row (``chain.py``), computed for the
   rows a v1 ledger already holds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from gxets_rules.app.review.chain import append

Migration = str | Callable[[sqlite3.Connection], None]

DEFAULT_ROUND = "1"
"""The round of a ledger's first review when none is named, and of the submissions a v1 ledger held."""

V1 = """
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
"""

V2_TABLES = """
    ALTER TABLE submissions RENAME TO submissions_v1;
    ALTER TABLE claims RENAME TO claims_v1;
    DROP INDEX claims_by_range;
    CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        opened_at TEXT NOT NULL
    );
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES rounds (id),
        firm_id TEXT NOT NULL,
        content_sha256 TEXT NOT NULL,
        ruleset_id TEXT NOT NULL,
        ruleset_version TEXT NOT NULL,
        ruleset_sha256 TEXT NOT NULL,
        first_fy INTEGER NOT NULL,
        last_fy INTEGER NOT NULL,
        as_of TEXT NOT NULL,
        file TEXT NOT NULL,
        result_path TEXT,
        result_sha256 TEXT,
        supersedes INTEGER REFERENCES submissions (id),
        summary TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        UNIQUE (round_id, firm_id, content_sha256, ruleset_sha256)
    );
    CREATE INDEX submissions_by_firm ON submissions (firm_id, ruleset_id, first_fy, last_fy);
    CREATE TABLE claims (
        id INTEGER PRIMARY KEY,
        submission_id INTEGER NOT NULL REFERENCES submissions (id),
        lot_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        quantity_t INTEGER NOT NULL,
        registry TEXT NOT NULL,
        certification_number TEXT NOT NULL,
        serial_start INTEGER NOT NULL,
        serial_end INTEGER NOT NULL,
        UNIQUE (submission_id, lot_id)
    );
    CREATE INDEX claims_by_range ON claims (registry, certification_number, serial_start);
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        submission_id INTEGER NOT NULL REFERENCES submissions (id),
        firm_id TEXT NOT NULL,
        round_id INTEGER NOT NULL REFERENCES rounds (id),
        decision TEXT NOT NULL CHECK (decision IN ('accepted', 'returned', 'query')),
        lot_id TEXT,
        reviewer TEXT NOT NULL,
        note TEXT NOT NULL,
        deadline TEXT,
        result_sha256 TEXT,
        decided_at TEXT NOT NULL
    );
    CREATE INDEX decisions_by_firm ON decisions (firm_id, id);
    CREATE TABLE chain (
        seq INTEGER PRIMARY KEY,
        row_table TEXT NOT NULL,
        row_id INTEGER NOT NULL,
        row_hash TEXT NOT NULL,
        UNIQUE (row_table, row_id)
    )
"""


def statements(script: str) -> list[str]:
    """The statements of a migration's SQL (none of ours holds a ';' inside a literal)."""
    return [statement for statement in script.split(";") if statement.strip()]


def _v2(db: sqlite3.Connection) -> None:
    """Rounds, decisions and the chain; a v1 ledger's submissions become round 1, each linked to the one it
    supersedes (the previous submission of the same firm's filing), and every row is chained in the order recorded."""
    for statement in statements(V2_TABLES):
        db.execute(statement)
    first = db.execute("SELECT min(recorded_at) FROM submissions_v1").fetchone()[0]
    if first is not None:
        db.execute("INSERT INTO rounds (id, name, opened_at) VALUES (1, ?, ?)", (DEFAULT_ROUND, first))
    latest: dict[tuple[str, str, int, int], int] = {}
    rows = db.execute(
        "SELECT id, firm_id, content_sha256, ruleset_id, ruleset_version, ruleset_sha256, first_fy, last_fy, as_of, "
        "file, summary, recorded_at FROM submissions_v1 ORDER BY id"
    ).fetchall()
    for row in rows:
        submission_id, firm, _, ruleset, _, _, first_fy, last_fy, *_ = row
        filing = (firm, ruleset, first_fy, last_fy)
        db.execute(
            "INSERT INTO submissions (id, round_id, firm_id, content_sha256, ruleset_id, ruleset_version, "
            "ruleset_sha256, first_fy, last_fy, as_of, file, summary, recorded_at, supersedes) "
            "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*row, latest.get(filing)),
        )
        latest[filing] = submission_id
    db.execute(
        "INSERT INTO claims (submission_id, lot_id, kind, quantity_t, registry, certification_number, serial_start, "
        "serial_end) SELECT submission_id, lot_id, kind, quantity_t, registry, certification_number, serial_start, "
        "serial_end FROM claims_v1 ORDER BY submission_id, rowid"
    )
    db.execute("DROP TABLE claims_v1")
    db.execute("DROP TABLE submissions_v1")
    append(db, "rounds", [row_id for (row_id,) in db.execute("SELECT id FROM rounds").fetchall()])
    for (submission_id,) in db.execute("SELECT id FROM submissions ORDER BY id").fetchall():
        append(db, "submissions", [submission_id])
        claims = db.execute("SELECT id FROM claims WHERE submission_id = ? ORDER BY id", (submission_id,))
        append(db, "claims", [claim_id for (claim_id,) in claims.fetchall()])


MIGRATIONS: tuple[Migration, ...] = (V1, _v2)
"""Schema migrations in order; the ledger's ``user_version`` is how many have been applied."""


def apply(db: sqlite3.Connection, migration: Migration) -> None:
    """Run one migration (inside the caller's transaction)."""
    if isinstance(migration, str):
        for statement in statements(migration):
            db.execute(statement)
    else:
        migration(db)


def pending(version: int, migrations: Sequence[Migration]) -> list[tuple[int, Migration]]:
    """The migrations a ledger at ``version`` lacks, numbered by the version each brings it to."""
    return [(number + 1, migrations[number]) for number in range(version, len(migrations))]
