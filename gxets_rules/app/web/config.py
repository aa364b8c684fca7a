"""What a running web application is configured with (``gxets serve``'s options), in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gxets_rules.io.xlsx.guard import DEFAULT_MAX_ROWS
from gxets_rules.ruleset.strict_yaml import DEFAULT_MAX_BYTES

DEFAULT_MAX_BATCH_FILES = 2_000
"""Most submission files one batch upload may hold (a round of a thousand firms, twice over)."""
DEFAULT_MAX_BATCH_BYTES = 512 * 1024 * 1024
"""Largest batch upload (a zip or several files) in bytes; each file in it is still held to ``max_bytes``."""
PRECHECK_FILES = 4
"""A pre-check uploads at most a submission, a lots CSV, an ownership graph and a market snapshot."""
FORM_OVERHEAD = 64 * 1024
"""Room in a request body for the form's own fields and multipart headers beside the files."""
SESSION_HOURS = 8


@dataclass(frozen=True)
class WebConfig:
    """Where the server keeps what it keeps (users, ledger, review runs) and the limits it holds uploads to.

    ``max_bytes`` and ``max_rows`` are the CLI's input limits, applied to every uploaded file. ``secret_key`` signs
    the session cookies. ``secure_cookies`` marks them HTTPS-only, for a server behind TLS.
    """

    users: Path
    ledger: Path
    data: Path
    secret_key: str
    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS
    max_batch_files: int = DEFAULT_MAX_BATCH_FILES
    max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES
    secure_cookies: bool = False
    lang: str = "ja"

    @property
    def max_precheck_bytes(self) -> int:
        """Largest pre-check request: every file at its limit, and the form around them."""
        return PRECHECK_FILES * self.max_bytes + FORM_OVERHEAD

    @property
    def runs(self) -> Path:
        """Where each batch review's outputs are kept, one folder per run."""
        return self.data / "runs"
