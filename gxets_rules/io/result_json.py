"""A result's canonical JSON, encoded a lot at a time: the same bytes as encoding it whole, in bounded memory.

Encoding a result whole first dumps it into plain dicts and lists — about 13 KB of Python objects a lot, for a lot
whose JSON is about 1.5 KB — and only then into bytes: at 100,000 lots that dump alone is over a gigabyte, more than
the rest of the check. The lots are the only part that grows with the submission, so here everything but the lots is
encoded as before, and each lot is dumped and encoded on its own and joined in place; at most one lot's dump is alive
at a time. The parts are joined exactly as the whole would be written (keys in sorted order, no whitespace), so the
bytes are the same — ``tests/test_result_json.py`` and ``scripts/result_hashes.py`` hold it to that.
"""

from __future__ import annotations

import io

from gxets_rules.io.writers import canonical_json_bytes
from gxets_rules.model.result import Result

_LOTS = "lots"


def _compact(data: object) -> bytes:
    """Canonical JSON without whitespace and without the file's closing newline."""
    return canonical_json_bytes(data, indent=None)[:-1]


def result_json_bytes(result: Result) -> bytes:
    """``canonical_json_bytes(result, indent=None)``, the lots encoded one by one."""
    head = result.model_dump(mode="json", exclude={_LOTS})
    before = _compact({key: value for key, value in head.items() if key < _LOTS})[1:-1]
    after = _compact({key: value for key, value in head.items() if key > _LOTS})[1:-1]
    del head
    out = io.BytesIO()  # its value is handed over without a copy: the bytes are held once, not twice
    out.write(b"{" + before + (b"," if before else b"") + b'"lots":[')
    for index, lot in enumerate(result.lots):
        if index:
            out.write(b",")
        out.write(_compact(lot))
    out.write(b"]" + (b"," + after if after else b"") + b"}\n")
    return out.getvalue()
