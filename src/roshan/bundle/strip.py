"""Removing metadata from attached media, as a stream (no plaintext copy touches the disk).

JPEG: every APPn segment but JFIF's APP0 (so EXIF, XMP, ICC, maker notes, GPS) and comments
are dropped; the compressed image data is copied unchanged, so the picture is identical.
PNG: text, time, EXIF and ICC chunks are dropped (tEXt, zTXt, iTXt, eXIf, tIME, iCCP).
Other types are carried as they are and the manifest says they were not stripped: video
containers keep GPS in many places, and a half-stripped video would be a false promise.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO

CHUNK = 1 << 16
PNG_SIG = b"\x89PNG\r\n\x1a\n"
_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME", b"iCCP"}


class StripError(ValueError):
    """The file claims a type whose structure it does not have."""


def can_strip(media_type: str) -> bool:
    return media_type in ("image/jpeg", "image/png")


def stripped(media_type: str, f: BinaryIO) -> Iterator[bytes]:
    if media_type == "image/jpeg":
        return _jpeg(f)
    if media_type == "image/png":
        return _png(f)
    raise StripError(f"cannot strip {media_type}")


def _read_exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise StripError("file ends in the middle of a segment")
    return data


def _jpeg(f: BinaryIO) -> Iterator[bytes]:
    if f.read(2) != b"\xff\xd8":
        raise StripError("not a JPEG (no SOI marker)")
    yield b"\xff\xd8"
    while True:
        marker = _read_exact(f, 2)
        if marker[0] != 0xFF:
            raise StripError("JPEG segment does not start with a marker")
        kind = marker[1]
        if kind == 0xD9:  # EOI
            yield marker
            return
        if 0xD0 <= kind <= 0xD7 or kind == 0x01:  # markers without length
            yield marker
            continue
        length_bytes = _read_exact(f, 2)
        (length,) = struct.unpack(">H", length_bytes)
        body = _read_exact(f, length - 2)
        keep = not (0xE1 <= kind <= 0xEF or kind == 0xFE) and not (
            kind == 0xE0 and not body.startswith(b"JFIF\0")
        )
        if keep:
            yield marker + length_bytes + body
        if kind == 0xDA:  # start of scan: the rest is image data, copied as is
            while chunk := f.read(CHUNK):
                yield chunk
            return


def _png(f: BinaryIO) -> Iterator[bytes]:
    if f.read(8) != PNG_SIG:
        raise StripError("not a PNG (bad signature)")
    yield PNG_SIG
    while True:
        head = f.read(8)
        if not head:
            return
        if len(head) != 8:
            raise StripError("PNG ends in the middle of a chunk")
        length, kind = struct.unpack(">I4s", head)
        body = _read_exact(f, length + 4)  # data + CRC
        if kind not in _PNG_DROP:
            yield head + body
        if kind == b"IEND":
            return
