"""The ledger's audit trail: every row of every ledger table chained by SHA-256, and the check that recomputes it.

Each row written to the ledger (a round, an evaluated submission, a claimed range, a decision) gets the next entry of
the ``chain`` table: its table, its id, and a hash over the previous entry's hash and the row's whole content as
stored. Changing any stored value afterwards (an ``UPDATE`` in the sqlite3 shell), deleting a row, or inserting one
behind gxets's back makes :func:`verify` fail and name the first such row. Rewriting the whole chain from an altered
row onward is only caught against a head written down earlier: ``gxets ledger verify`` prints the head for that.

A row's content is all its columns, so a migration that adds a column to a chained table must re-chain (after
verifying) — :func:`rechain` — or the next verify reports every row of that table as altered.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

CHAINED_TABLES = ("rounds", "submissions", "claims", "decisions")
GENESIS = "0" * 64
"""The 'previous hash' of the first entry."""


def row_hash(previous: str, table: str, row: dict[str, Any]) -> str:
    """The hash of one entry: the previous entry's hash, the table, and every column of the row."""
    body = json.dumps({"table": table, "row": row}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{previous}\n{body}".encode()).hexdigest()


def _rows(db: sqlite3.Connection, table: str, where: str = "", args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = db.execute(f"SELECT * FROM {table} {where} ORDER BY id", args)  # table: one of CHAINED_TABLES
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def head(db: sqlite3.Connection) -> tuple[int, str | None]:
    """How many entries the chain has, and the last one's hash."""
    row = db.execute("SELECT seq, row_hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    return (0, None) if row is None else (int(row[0]), str(row[1]))


def append(db: sqlite3.Connection, table: str, ids: Iterable[int]) -> None:
    """Chain these rows of ``table`` (just written, in this transaction), in the order given, after the head."""
    _, previous = head(db)
    wanted = list(ids)
    if not wanted:
        return
    marks = ",".join("?" * len(wanted))
    rows = {row["id"]: row for row in _rows(db, table, f"WHERE id IN ({marks})", tuple(wanted))}
    previous = previous or GENESIS
    entries = []
    for row_id in wanted:
        previous = row_hash(previous, table, rows[row_id])
        entries.append((table, row_id, previous))
    db.executemany("INSERT INTO chain (row_table, row_id, row_hash) VALUES (?, ?, ?)", entries)


def rechain(db: sqlite3.Connection) -> None:
    """Compute the chain anew over every row as it is now, in the order of the existing chain and then by table and
    id for rows not yet in it (a migration does this after changing rows' content, having verified the chain)."""
    order = [(table, row_id) for table, row_id in db.execute("SELECT row_table, row_id FROM chain ORDER BY seq")]
    chained = set(order)
    for table in CHAINED_TABLES:
        order += [(table, row["id"]) for row in _rows(db, table) if (table, row["id"]) not in chained]
    db.execute("DELETE FROM chain")
    for table, row_id in order:
        append(db, table, [row_id])


def describe(table: str, row: dict[str, Any] | None, row_id: int) -> str:
    """A ledger row as a reviewer finds it again: ``submission #12 (firm-00003)``, ``claim #40 (submission #12, lot
    L7)``."""
    if row is None:
        return f"{table} row #{row_id}"
    if table == "submissions":
        return f"submission #{row_id} (firm {row['firm_id']})"
    if table == "claims":
        return f"claim #{row_id} (submission #{row['submission_id']}, lot {row['lot_id']})"
    if table == "decisions":
        return f"decision #{row_id} (firm {row['firm_id']}, {row['decision']})"
    return f"round #{row_id} ({row['name']})"


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found: the chain's length and head, and the first row that breaks it (None: intact)."""

    rows: int
    head: str | None
    broken: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(db: sqlite3.Connection) -> Verification:
    """Recompute the chain over every ledger row; the first altered, deleted or unchained row, if any."""
    tables = {table: {row["id"]: row for row in _rows(db, table)} for table in CHAINED_TABLES}
    previous = GENESIS
    seen: set[tuple[str, int]] = set()
    count, last = head(db)
    for expected, (seq, table, row_id, stored) in enumerate(
        db.execute("SELECT seq, row_table, row_id, row_hash FROM chain ORDER BY seq"), start=1
    ):
        row = tables.get(table, {}).get(row_id)
        where = f"ledger row {seq} of the chain, {describe(table, row, row_id)}"
        if seq != expected:
            return Verification(count, last, f"ledger row {expected} of the chain is missing: the chain was cut")
        if row is None:
            return Verification(count, last, f"{where}: deleted after it was recorded")
        if row_hash(previous, table, row) != stored:
            return Verification(count, last, f"{where}: altered after it was recorded (its hash does not match)")
        seen.add((table, row_id))
        previous = stored
    for table, rows in tables.items():
        for row_id, row in rows.items():
            if (table, row_id) not in seen:
                return Verification(count, last, f"{describe(table, row, row_id)}: not in the chain (added by hand)")
    return Verification(count, last)
