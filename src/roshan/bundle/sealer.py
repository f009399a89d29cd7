"""Sealing: a witness's report and files into one age-encrypted, signed file.

Constant memory, no plaintext on disk, one read of each attachment. The manifest comes first in
the tar and carries every attachment's SHA-256, but its length is known before any hash is (hex
digests have a fixed length), so the whole tar is laid out first; each attachment is then read
once, hashed while ``agefile.ChunkWriter`` encrypts its chunks in place, and the chunks holding
the manifest and its signature are written last. Stripped copies (``strip.py``) are produced on
the fly twice (once to measure, once to seal, hashed both times), never written in the clear.
A file whose size, identity or change time moves while it is read is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyrage

from roshan.bundle import agefile, media, strip, tarstream
from roshan.bundle.device import DeviceKey
from roshan.bundle.errors import BundleError, InvalidReport
from roshan.bundle.manifest import (
    FORMAT,
    MAX_MANIFEST_BYTES,
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


UNKNOWN = "0" * 64  # a SHA-256 not read yet: same length as the real one


def _measure(att: Attachment) -> tuple[int, str, str]:
    """Size and SHA-256 of what will be sealed, and SHA-256 of the original file (stripped only)."""
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

    if not att.strip:  # sealed as it is: hashed while it is encrypted (``seal``)
        return att.path.stat().st_size, UNKNOWN, UNKNOWN
    with open(att.path, "rb") as f:
        h = Hashing(f)
        try:
            for chunk in strip.stripped(att.media_type, h):  # type: ignore[arg-type]
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
            warnings.append(f"{p.name}: metadata of {kind} files is not removed (only JPEG, PNG and MP4 are)")
        out.append(Attachment(p, safe_attachment_name(p.name, taken), kind, can))
    return out, warnings


def _stamp(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def build_manifest(
    report: ReportInput, atts: list[Attachment], key: DeviceKey
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


class _Placer:
    """Lays the tar stream after manifest.sig into the age writer's buffers, whole chunks at a time.

    Bytes between the end of manifest.sig and the next chunk boundary are kept (under 64 KiB):
    they share a chunk with the manifest, which is encrypted last, once every hash is known.
    """

    def __init__(self, writer: agefile.ChunkWriter, start: int, total: int) -> None:
        self.writer = writer
        self.pos = start
        self.boundary = min(-(-start // agefile.CHUNK) * agefile.CHUNK, total)
        self.tail = bytearray()
        self.buf: bytearray | None = None
        self.fill = 0
        self.buf_at = self.boundary

    def _room(self) -> memoryview:
        if self.buf is None:
            self.buf, self.fill = self.writer.buffer(), 0
        return memoryview(self.buf)[self.fill :]

    def _advance(self, n: int) -> None:
        self.fill += n
        self.pos += n
        if self.buf is not None and self.fill == len(self.buf):
            self.flush()

    def flush(self) -> None:
        if self.buf is not None and self.fill:
            self.writer.put(self.buf_at, self.buf, self.fill)
            self.buf_at += self.fill
        self.buf = None

    def add(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        if self.pos < self.boundary:
            n = min(len(view), self.boundary - self.pos)
            self.tail += view[:n]
            self.pos += n
            view = view[n:]
        while view:
            room = self._room()
            n = min(len(room), len(view))
            room[:n] = view[:n]
            view = view[n:]
            self._advance(n)

    def read_from(
        self, f: agefile.Source, size: int, digest: Any, progress: Callable[[int], None] | None
    ) -> int:
        """Read up to ``size`` bytes of ``f`` straight into the writer's buffers, hashing them."""
        left = size
        while left:
            if self.pos < self.boundary:  # the few bytes that share the manifest's chunk
                data = f.read(min(left, self.boundary - self.pos))
                if not data:
                    break
                digest.update(data)
                self.add(data)
                n = len(data)
            else:
                room = self._room()[:left]
                n = f.readinto(room) or 0
                if not n:
                    break
                digest.update(room[:n])
                self._advance(n)
            left -= n
            if progress:
                progress(n)
        return size - left


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
    """Write a sealed report to ``out`` (atomically). Returns the manifest and any warnings.

    One read of each large attachment: it is hashed while its age chunks are encrypted and
    written in place by a worker thread; the chunks holding manifest.json and manifest.sig are
    written last. Stripped copies (small images) are measured first and hashed again as sealed.
    """
    report = validate_report(report)
    if not recipients:
        raise BundleError("no recipients: pass --to archive.pub")
    keys = [agefile.recipient_bytes(r) for r in recipients]
    atts, warnings = prepare(attachments, strip_metadata)
    manifest, measured = build_manifest(report, atts, key)
    body_size = len(canonical(manifest))  # hashes still to come are hex of the same length
    if body_size > MAX_MANIFEST_BYTES:  # the archive would refuse it: say so now, on the device
        raise InvalidReport(
            f"the report is {body_size:,} bytes once written; at most {MAX_MANIFEST_BYTES:,} fit in the manifest "
            "(attach long texts as files instead)"
        )
    prefix_size = len(_prefix(bytes(body_size), bytes(64)))
    total = prefix_size
    for att, size, _, _ in measured:
        total += len(tarstream.header(att.name, size)) + size + len(tarstream.padding(size))
    trailer = tarstream.end(total)
    total += len(trailer)

    out = out.resolve()
    partial = out.with_name(f".{out.name}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise BundleError(f"{partial} exists: another seal is writing there") from None
    except OSError as exc:
        raise BundleError(f"cannot write {out}: {exc.strerror}") from None
    writer: agefile.ChunkWriter | None = None
    try:
        writer = agefile.ChunkWriter(fd, keys, total)
        placer = _Placer(writer, prefix_size, total)
        for i, (att, size, sha, stamp) in enumerate(measured):
            digest = hashlib.sha256()
            placer.add(tarstream.header(att.name, size))
            if att.strip:
                n = 0
                with open(att.path, "rb") as f:
                    for part in _tee(strip.stripped(att.media_type, f), digest, progress):
                        n += len(part)
                        if n > size:
                            break
                        placer.add(part)
            else:
                with open(att.path, "rb", buffering=0) as raw:  # read into the writer's buffers
                    n = placer.read_from(raw, size, digest, progress)
                    n += len(raw.read(1))
            if n != size or _stamp(att.path) != stamp or (att.strip and digest.hexdigest() != sha):
                raise BundleError(f"{att.path.name} changed while it was being sealed")
            placer.add(tarstream.padding(size))
            manifest["attachments"][i]["sha256"] = digest.hexdigest()
        placer.add(trailer)
        placer.flush()
        if placer.pos != total:
            raise BundleError(f"the sealed stream is {placer.pos} bytes where {total} were laid out")
        body = canonical(manifest)
        if len(body) != body_size:
            raise BundleError("the manifest changed length while it was being sealed")
        head = _prefix(body, key.sign(body))
        first = bytearray(head + placer.tail)
        writer.put(0, first, len(first))
        writer.close()
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(partial, out)
    except BaseException as exc:
        if writer is not None:
            writer.abort()
        if fd >= 0:
            os.close(fd)
        partial.unlink(missing_ok=True)
        if isinstance(exc, BundleError | KeyboardInterrupt):
            raise
        if isinstance(exc, ValueError | OSError):
            raise BundleError(f"sealing failed: {exc}") from exc
        raise
    return manifest, warnings


def _prefix(body: bytes, sig: bytes) -> bytes:
    """manifest.json and manifest.sig as tar members: the first bytes of the tar."""
    return b"".join(
        tarstream.header(name, len(data)) + data + tarstream.padding(len(data))
        for name, data in (("manifest.json", body), ("manifest.sig", sig))
    )


def _tee(chunks: Iterator[bytes], digest: Any, progress: Callable[[int], None] | None) -> Iterator[bytes]:
    for c in chunks:
        digest.update(c)
        if progress:
            progress(len(c))
        yield c
