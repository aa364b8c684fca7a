"""The people who may use the secretariat's pages: names and password hashes in one private JSON file.

Passwords are hashed with Argon2id (argon2-cffi, the RFC 9106 defaults: 64 MiB of memory, 3 passes, 4 lanes). A
memory-hard function makes each guess cost memory as well as time, so a stolen file cannot be attacked cheaply on
GPUs or ASICs the way a fast hash (SHA-256) or a merely slow one (PBKDF2) can. Argon2id is the Password Hashing
Competition's winner and OWASP's first choice; argon2-cffi stores each hash as a self-describing string with its salt
and parameters, verifies in constant time and says when a hash was made with older parameters — all code we would
otherwise write ourselves around ``hashlib.scrypt``. The file (``gxets.users.v1``) is written atomically with mode
0600; it holds no password, only hashes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gxets_rules.io.writers import atomic_write_bytes, canonical_json

USERS_FORMAT = "gxets.users.v1"
USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # a longer "password" only makes the server hash megabytes per login attempt
_HASHER = PasswordHasher()
_UNKNOWN_USER_HASH = _HASHER.hash("a password no one has")
"""Verified against when the name is unknown, so a login takes as long whether or not the name exists."""


class UserError(ValueError):
    """A name or password that cannot be stored, or a users file that cannot be read; the message says which."""


@dataclass(frozen=True)
class UserStore:
    """The users file: read on every check, so a user added or removed takes effect without restarting the server."""

    path: Path

    def _read(self) -> dict[str, str]:
        if not self.path.is_file():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserError(f"{self.path}: not a users file ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != USERS_FORMAT or not isinstance(data.get("users"), dict):
            raise UserError(f"{self.path}: not a {USERS_FORMAT} file")
        return {str(name): str(entry.get("hash", "")) for name, entry in data["users"].items()}

    def _write(self, users: dict[str, str]) -> None:
        data = {"format": USERS_FORMAT, "users": {name: {"hash": digest} for name, digest in users.items()}}
        atomic_write_bytes(self.path, canonical_json(data).encode("utf-8"), mode=0o600)

    def names(self) -> list[str]:
        return sorted(self._read())

    def exists(self, name: str) -> bool:
        return name in self._read()

    def add(self, name: str, password: str) -> None:
        """Add a user; an existing name, a name outside ``USER_NAME`` or a short password is a UserError."""
        if not USER_NAME.fullmatch(name):
            raise UserError(f"user name {name!r}: letters, digits and . _ @ - only, at most 64, starting alnum")
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise UserError(f"the password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters")
        users = self._read()
        if name in users:
            raise UserError(f"user {name!r} already exists in {self.path}")
        users[name] = _HASHER.hash(password)
        self._write(users)

    def remove(self, name: str) -> None:
        users = self._read()
        if name not in users:
            raise UserError(f"no user {name!r} in {self.path}")
        del users[name]
        self._write(users)

    def verify(self, name: str, password: str) -> bool:
        """Whether the password is this user's (an unknown name costs the same hash; an overlong password fails)."""
        digest = self._read().get(name)
        try:
            return (
                len(password) <= MAX_PASSWORD
                and _HASHER.verify(digest or _UNKNOWN_USER_HASH, password)
                and digest is not None
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
