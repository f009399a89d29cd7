"""Opening a sealed report: decrypt, check every rule, and stage its files — or refuse.

Order of checks (each failure is its own error, see ``errors.py``): age header → file key with
the given identities → header MAC; then, while the payload streams (decrypted ahead in a thread,
``agefile.PayloadReader``; age authenticates every 64 KiB chunk, so a flipped bit or a cut file
fails wherever it is, and the rest is read after the tar's end so nothing goes unchecked) →
first member ``manifest.json``, a plain file under 1 MiB → second member ``manifest.sig`` →
format and version → signature over the canonical manifest bytes → manifest structure → each
declared attachment, in order, a plain file with the declared name, size and SHA-256 → nothing
more. Tar entries are also passed through tarfile's ``data`` filter; files are written under
the staging folder by index, never by a name taken from the archive. No plaintext tar is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import pyrage

from roshan.bundle import agefile, device
from roshan.bundle.errors import (
    BadSignature,
    InvalidReport,
    ManifestTooLarge,
    NotASealedReport,
    TamperedReport,
    UnexpectedMember,
    UnsafeMember,
)
from roshan.bundle.manifest import MAX_MANIFEST_BYTES, Manifest, canonical, check_format, check_manifest


@dataclass
class OpenedReport:
    manifest: Manifest
    manifest_sha256: str
    device_fingerprint: str
    staging: Path
    signature: bytes = b""
    manifest_bytes: bytes = b""  # the exact signed bytes, for storing as evidence
    files: dict[str, Path] = field(default_factory=dict)

    def cleanup(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def is_sealed_report(path: Path) -> bool:
    """Recognised by content, not name: an age file (what it holds shows only once opened)."""
    try:
        with open(path, "rb") as f:
            return f.read(len(agefile.MAGIC)) == agefile.MAGIC
    except OSError:
        return False


def _payload(
    path: Path, f: agefile.Source, identities: list[pyrage.x25519.Identity]
) -> agefile.PayloadReader:
    try:
        return agefile.PayloadReader(f, [agefile.identity_bytes(i) for i in identities])
    except agefile.NotAge:
        raise NotASealedReport(f"{path.name} is not an age-encrypted file") from None
    except agefile.NoMatchingKey:
        raise NotASealedReport(
            f"{path.name} was not sealed to this archive's keys (or its header is damaged)"
        ) from None
    except agefile.AgeError as exc:
        raise TamperedReport(f"{path.name} is damaged or truncated ({exc})") from None


def _regular(m: tarfile.TarInfo, staging: Path) -> None:
    if not m.isreg():
        raise UnsafeMember(f"tar entry {m.name!r} is not a plain file ({_kind(m)})")
    if m.issparse():  # Roshan never writes one; its block map would steer reads back and forth
        raise UnsafeMember(f"tar entry {m.name!r} is a sparse file")
    if m.name.startswith("/") or "/" in m.name or "\\" in m.name or m.name in ("", ".", ".."):
        raise UnsafeMember(f"tar entry {m.name!r} is not a plain file name")
    try:
        tarfile.data_filter(m, str(staging))
    except tarfile.FilterError as exc:
        raise UnsafeMember(f"tar entry {m.name!r} refused: {exc}") from None


def _kind(m: tarfile.TarInfo) -> str:
    for test, name in (
        (m.issym, "symbolic link"),
        (m.islnk, "hard link"),
        (m.isdir, "folder"),
        (m.ischr, "character device"),
        (m.isblk, "block device"),
        (m.isfifo, "FIFO"),
    ):
        if test():
            return name
    return "special entry"


def _read_small(tar: tarfile.TarFile, m: tarfile.TarInfo) -> bytes:
    f = tar.extractfile(m)
    assert f is not None  # noqa: S101 - a regular member always has a file object
    return f.read()


def open_report(
    path: Path, identities: list[pyrage.x25519.Identity], staging: Path, *, extract: bool = True
) -> OpenedReport:
    """Check and unpack ``path`` into ``staging`` (created; removed again on any failure).

    With ``extract=False`` every check is made but attachments are only hashed, not written.
    """
    staging.mkdir(parents=True, exist_ok=False)
    try:
        return _open(path, identities, staging, extract)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _open(path: Path, identities: list[pyrage.x25519.Identity], staging: Path, extract: bool) -> OpenedReport:
    with open(path, "rb") as f, _payload(path, f, identities) as payload:
        try:
            try:
                tar = tarfile.open(fileobj=payload, mode="r:")
            except tarfile.TarError as exc:
                raise InvalidReport(f"{path.name} opens, but holds no tar archive ({exc})") from None
            try:
                opened = _members(tar, payload, staging, extract)
            except (tarfile.TarError, EOFError, io.UnsupportedOperation) as exc:
                raise InvalidReport(f"{path.name} opens, but the tar inside is damaged ({exc})") from None
            payload.drain()  # tar stops at its end blocks: every later chunk must authenticate too
        except agefile.AgeError as exc:
            raise TamperedReport(f"{path.name} was altered or cut short: {exc}") from None
    return opened


def _members(
    tar: tarfile.TarFile, payload: agefile.PayloadReader, staging: Path, extract: bool
) -> OpenedReport:
    with tar:
        first = tar.next()
        if first is None or first.name != "manifest.json":
            raise UnexpectedMember("the first member must be manifest.json")
        _regular(first, staging)
        if first.size > MAX_MANIFEST_BYTES:
            raise ManifestTooLarge(
                f"manifest.json is {first.size:,} bytes; at most {MAX_MANIFEST_BYTES:,} allowed"
            )
        body = _read_small(tar, first)
        second = tar.next()
        if second is None or second.name != "manifest.sig":
            raise UnexpectedMember("the second member must be manifest.sig")
        _regular(second, staging)
        if second.size != 64:
            raise BadSignature("manifest.sig is not a 64-byte Ed25519 signature")
        sig = _read_small(tar, second)
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            raise InvalidReport("manifest.json is not JSON") from None
        check_format(data)
        public = data.get("device", {}).get("public_key", "") if isinstance(data.get("device"), dict) else ""
        if not isinstance(public, str) or not device.verify(public, body, sig):
            raise BadSignature(
                "manifest.sig does not verify: the manifest was changed or signed by another key"
            )
        if canonical(data) != body:
            raise InvalidReport("manifest.json is not in canonical form (RFC 8785)")
        manifest = check_manifest(data)
        opened = OpenedReport(
            manifest,
            hashlib.sha256(body).hexdigest(),
            device.fingerprint(public),
            staging,
            sig,
            manifest_bytes=body,
        )
        files_dir = staging / "files"
        files_dir.mkdir()
        for i, entry in enumerate(manifest["attachments"]):
            m = tar.next()
            if m is None:
                raise UnexpectedMember(f"attachment {entry['name']!r} is missing")
            _regular(m, staging)
            if m.name != entry["name"]:
                raise UnexpectedMember(f"expected attachment {entry['name']!r}, found {m.name!r}")
            if m.size != entry["size"]:
                raise _mismatch(entry["name"], "size")
            dest = files_dir / f"{i:04d}"
            if _copy_hashing(payload, m, dest if extract else None) != entry["sha256"]:
                raise _mismatch(entry["name"], "SHA-256")
            if extract:
                opened.files[entry["name"]] = dest
        extra = tar.next()
        if extra is not None:
            raise UnexpectedMember(f"more members than the manifest declares (found {extra.name!r})")
    return opened


def _mismatch(name: str, what: str) -> Exception:
    from roshan.bundle.errors import HashMismatch

    return HashMismatch(f"attachment {name!r} does not match the {what} in the manifest")


def _copy_hashing(payload: agefile.PayloadReader, m: tarfile.TarInfo, dest: Path | None) -> str:
    """SHA-256 of a member's data, read from where tarfile found it straight into one buffer."""
    payload.seek(m.offset_data)
    h = hashlib.sha256()
    buf = memoryview(bytearray(agefile.BATCH))
    left = m.size
    with open(dest or os.devnull, "wb") as out:
        while left:
            n = payload.readinto(buf[: min(left, len(buf))])
            if not n:
                raise EOFError(f"the tar ends inside {m.name!r}")
            h.update(buf[:n])
            if dest is not None:
                out.write(buf[:n])
            left -= n
    return h.hexdigest()
