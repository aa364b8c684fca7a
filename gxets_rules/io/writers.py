"""Write outputs whole or not at all, and JSON the same way every time.

An output file is written to a temporary file in the same folder and renamed over the
target only when complete, so a crash or a full disk never leaves half a report. JSON
is canonical: sorted keys, two-space indent, UTF-8, a final newline — the same result
gives the same bytes, which is what the determinism promise means.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def canonical_json(data: Any) -> str:
    """Deterministic JSON text for plain data or a pydantic model."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def write_json(path: Path, data: Any) -> None:
    atomic_write_bytes(path, canonical_json(data).encode("utf-8"))
