"""Where an archive lives on disk: one folder, ``$ROSHAN_HOME`` (default ``./roshan-home``).

roshan.sqlite3          the database (SQLite, WAL mode) unless ROSHAN_DATABASE_URL is set
evidence/ab/cd/<sha>    the evidence store, one read-only file per SHA-256
keys/identity.txt       the archive's age X25519 identities (0600; ``age -d -i`` reads it)
keys/publish.key        the Ed25519 publishing key (0600)
keys/django-secret      the workbench's session-signing secret (0600)
archive.pub             the current age recipient, for witnesses and relays
publish.pub             the publishing key's public half, for mirrors
inbox/ quarantine/      sealed reports waiting for ingest, and the ones refused (with the reason)
tmp/                    staging inside the home, so renames into the store are atomic
site/                   the published memorial
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Home:
    """The layout of one archive home. A value: pass it explicitly, never a global."""

    root: Path

    @classmethod
    def from_env(cls) -> Home:
        return cls(Path(os.environ.get("ROSHAN_HOME", "roshan-home")).resolve())

    @property
    def database(self) -> Path:
        return self.root / "roshan.sqlite3"

    @property
    def evidence(self) -> Path:
        return self.root / "evidence"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def identity(self) -> Path:
        return self.keys / "identity.txt"

    @property
    def publish_key(self) -> Path:
        return self.keys / "publish.key"

    @property
    def django_secret(self) -> Path:
        return self.keys / "django-secret"

    @property
    def archive_pub(self) -> Path:
        return self.root / "archive.pub"

    @property
    def publish_pub(self) -> Path:
        return self.root / "publish.pub"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def exists(self) -> bool:
        return self.identity.exists() and self.keys.is_dir()

    def make_dirs(self) -> None:
        for d in (self.root, self.evidence, self.inbox, self.quarantine, self.tmp):
            d.mkdir(parents=True, exist_ok=True)
        self.keys.mkdir(parents=True, exist_ok=True, mode=0o700)
