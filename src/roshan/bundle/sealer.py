"""Sealing: a witness's report and files into one age-encrypted, signed file.

Constant memory, no plaintext on disk: each attachment is read twice, once to hash it (the
manifest, which comes first, carries every hash) and once to stream it through age; the second
pass is hashed again and sealing fails if a file changed in between. Stripped copies are produced
on the fly both times (``strip.py``), so no stripped copy is ever written in the clear.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyrage

from roshan.bundle import media, strip, tarstream
from roshan.bundle.device import DeviceKey
from roshan.bundle.errors import BundleError, InvalidReport
from roshan.bundle.manifest import (
    FORMAT,
    VERSION,
    AttachmentEntry,
    Manifest,
    ReportInput,
    canonical,
    safe_attachment_name,
    validate_report,
)

CHUNK = 1 << 20


@dataclass(frozen=True)
class Attachment:
    path: Path
    name: str
    media_type: str
    strip: bool


def default_name() -> str:
    """A name that says nothing about Roshan or what is inside (the format is recognised by content)."""
    return f"{secrets.token_hex(4)}.bin"


def _raw(f: BinaryIO) -> Iterator[bytes]:
    while chunk := f.read(CHUNK):
        yield chunk


def _content(att: Attachment, f: BinaryIO) -> Iterator[bytes]:
    return strip.stripped(att.media_type, f) if att.strip else _raw(f)


def _measure(att: Attachment) -> tuple[int, str, str]:
    """Size and SHA-256 of what will be sealed, and SHA-256 of the original file."""
    original = hashlib.sha256()
    sealed = hashlib.sha256()
    size = 0

    class Hashing:
        def __init__(self, f: BinaryIO) -> None:
            self.f = f

        def read(self, n: int = -1) -> bytes:
            data = self.f.read(n)
            original.update(data)
            return data

    if not att.strip:  # sealed bytes are the original bytes: one hash, in C
        with open(att.path, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
        return att.path.stat().st_size, digest, digest
    with open(att.path, "rb") as f:
        h = Hashing(f)
        try:
            for chunk in _content(att, h):  # type: ignore[arg-type]
                sealed.update(chunk)
                size += len(chunk)
        except strip.StripError as exc:
            raise InvalidReport(f"{att.path.name}: {exc}") from None
        while rest := f.read(CHUNK):  # bytes after a PNG's IEND: hashed as original, not sealed
            original.update(rest)
    return size, sealed.hexdigest(), original.hexdigest()


def prepare(paths: list[Path], strip_metadata: bool) -> tuple[list[Attachment], list[str]]:
    """Name and type each file; say which could not be stripped."""
    taken: set[str] = set()
    out, warnings = [], []
    for p in paths:
        if not p.is_file():
            raise InvalidReport(f"attachment not found or not a file: {p}")
        kind = media.media_type(p)
        can = strip_metadata and strip.can_strip(kind)
        if strip_metadata and not can:
            warnings.append(f"{p.name}: metadata of {kind} files is not removed (only JPEG and PNG are)")
        out.append(Attachment(p, safe_attachment_name(p.name, taken), kind, can))
    return out, warnings


def _stamp(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def build_manifest(
    report: ReportInput, atts: list[Attachment], key: DeviceKey, progress: Callable[[int], None] | None = None
) -> tuple[Manifest, list[tuple[Attachment, int, str, tuple[int, int, int, int]]]]:
    entries: list[AttachmentEntry] = []
    measured = []
    for att in atts:
        stamp = _stamp(att.path)
        size, sha, original = _measure(att)
        entry: AttachmentEntry = {"name": att.name, "size": size, "media_type": att.media_type, "sha256": sha}
        capture: dict[str, Any] = media.capture_metadata(att.path, att.media_type)
        if capture:
            entry["capture"] = capture
        if att.strip:
            entry["stripped"] = True
            entry["original_sha256"] = original
        entries.append(entry)
        measured.append((att, size, sha, stamp))
        if progress:
            progress(size)
    manifest: Manifest = {
        "format": FORMAT,
        "version": VERSION,
        "report_id": secrets.token_hex(16),
        "sealed_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "device": {"public_key": key.public_b64, "anonymous": key.anonymous},
        "report": report,
        "attachments": entries,
    }
    return manifest, measured


def seal(
    report: Any,
    attachments: list[Path],
    recipients: list[pyrage.x25519.Recipient],
    key: DeviceKey,
    out: Path,
    *,
    strip_metadata: bool = False,
    progress: Callable[[int], None] | None = None,
) -> tuple[Manifest, list[str]]:
    """Write a sealed report to ``out`` (atomically). Returns the manifest and any warnings."""
    report = validate_report(report)
    if not recipients:
        raise BundleError("no recipients: pass --to archive.pub")
    atts, warnings = prepare(attachments, strip_metadata)
    manifest, measured = build_manifest(report, atts, key, progress)
    body = canonical(manifest)
    sig = key.sign(body)

    def chunks() -> Iterator[bytes]:
        total = 0
        for part in tarstream.member("manifest.json", len(body), [body]):
            total += len(part)
            yield part
        for part in tarstream.member("manifest.sig", len(sig), [sig]):
            total += len(part)
            yield part
        for att, size, sha, stamp in measured:
            # Stripped copies are small images: hash them again. Large originals are not read a
            # third time: the file's identity, size and change times must be what they were when
            # it was hashed (and the archive checks every hash on opening anyway).
            digest = hashlib.sha256() if att.strip else None
            with open(att.path, "rb") as f:
                for part in tarstream.member(att.name, size, _tee(_content(att, f), digest, progress)):
                    total += len(part)
                    yield part
            if (digest is not None and digest.hexdigest() != sha) or _stamp(att.path) != stamp:
                raise BundleError(f"{att.path.name} changed while it was being sealed")
        yield tarstream.end(total)

    out = out.resolve()
    partial = out.with_name(f".{out.name}.partial")
    try:
        with open(partial, "xb") as sink:
            # age pulls 8 KiB at a time; a C buffer in front keeps Python out of the inner loop
            reader = io.BufferedReader(tarstream.TarReader(chunks()), buffer_size=CHUNK)
            pyrage.encrypt_io(reader, sink, recipients)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, out)
    except FileExistsError:
        raise BundleError(f"{partial} exists: another seal is writing there") from None
    except BundleError:
        partial.unlink(missing_ok=True)
        raise
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise BundleError(f"sealing failed: {exc}") from exc
    return manifest, warnings


def _tee(chunks: Iterator[bytes], digest: Any, progress: Callable[[int], None] | None) -> Iterator[bytes]:
    for c in chunks:
        if digest is not None:
            digest.update(c)
        if progress:
            progress(len(c))
        yield c
