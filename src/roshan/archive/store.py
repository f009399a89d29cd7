"""The evidence store: files kept by SHA-256 under ``evidence/ab/cd/<sha256>``.

Adding is atomic and idempotent: the file is copied into ``tmp/`` inside the home while being
hashed, fsynced, then renamed into place (same file system, so the rename is atomic) and made
read-only. A crash leaves at worst a temp file, never a partial file under a hash. Adding the same
content twice stores it once. Berkeley Protocol: the unaltered original is what is stored;
derivatives (stripped, blurred) are separate files with their own hashes.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from roshan.archive.home import Home
from roshan.errors import AlteredEvidence, PathOutsideStore, StoreError

CHUNK = 1 << 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    created: bool  # False when the content was already in the store


def path_for(home: Home, sha256: str) -> Path:
    """Where a hash lives. Refuses anything but 64 lowercase hex digits (no ``..`` can get in)."""
    if not _HEX64.match(sha256):
        raise PathOutsideStore(f"not a SHA-256 hex digest: {sha256!r}")
    return home.evidence / sha256[:2] / sha256[2:4] / sha256


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_hashing(stream: BinaryIO, folder: Path, prefix: str) -> tuple[Path, str, int]:
    """Copy a stream into a new temp file in ``folder`` while hashing it, fsynced: (temp, sha256, size).

    The caller renames the temp file into place (same file system, so atomically) or removes it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=prefix)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, digest.hexdigest(), size


def add_stream(home: Home, stream: BinaryIO) -> Stored:
    """Copy a stream into the store, hashing as it goes; constant memory."""
    tmp: Path | None = None
    try:
        tmp, sha, size = copy_hashing(stream, home.tmp, "evidence-")
        final = path_for(home, sha)
        if final.exists():
            tmp.unlink()
            return Stored(sha, size, created=False)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o444)
        os.replace(tmp, final)
        _fsync_dir(final.parent)
        return Stored(sha, size, created=True)
    except OSError as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise StoreError(f"could not store file: {exc}") from exc
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise


def adopt(home: Home, path: Path, sha256: str) -> Stored:
    """Move a file already inside the home into the store under a SHA-256 computed as it was written.

    For files the opener staged after checking each against its manifest: copying them again
    would read and write every attachment a second time. Idempotent like ``add_stream``.
    """
    final = path_for(home, sha256)
    try:
        size = path.stat().st_size
        if final.exists():
            path.unlink()
            return Stored(sha256, size, created=False)
        with open(path, "rb") as f:
            os.fsync(f.fileno())
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o444)
        os.replace(path, final)
        _fsync_dir(final.parent)
    except OSError as exc:
        raise StoreError(f"could not store file: {exc}") from exc
    return Stored(sha256, size, created=True)


def add_file(home: Home, path: Path) -> Stored:
    try:
        with open(path, "rb") as f:
            return add_stream(home, f)
    except FileNotFoundError:
        raise StoreError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise StoreError(f"is a folder, not a file: {path}") from None


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check(home: Home, sha256: str) -> None:
    """Raise AlteredEvidence if the stored file is missing or its content changed."""
    path = path_for(home, sha256)
    if not path.is_file():
        raise AlteredEvidence(f"evidence file missing: {path.relative_to(home.root)}")
    actual = hash_file(path)
    if actual != sha256:
        raise AlteredEvidence(
            f"evidence file altered: {path.relative_to(home.root)} now hashes to {actual[:16]}…"
        )


def iter_stored(home: Home) -> Iterator[str]:
    """Every hash present on disk (for a backup or an audit of stray files)."""
    if not home.evidence.is_dir():
        return
    for p in sorted(home.evidence.glob("??/??/*")):
        if _HEX64.match(p.name):
            yield p.name
