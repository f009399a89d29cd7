"""Removing metadata from attached media, as a stream (no plaintext copy touches the disk).

JPEG: every APPn segment but JFIF's APP0 (so EXIF, XMP, ICC, maker notes, GPS) and comments
are dropped; the compressed image data is copied unchanged, so the picture is identical. An EXIF
Orientation other than 1 is kept, as a minimal APP1 (one IFD0 entry) where the EXIF was: without
it a phone's portrait photo would show on its side.
PNG: text, time, EXIF and ICC chunks are dropped (tEXt, zTXt, iTXt, eXIf, tIME, iCCP); an
Orientation in eXIf is kept the same way, as a minimal eXIf chunk.
MP4 and QuickTime: every ``udta`` and ``meta`` box under ``moov`` and its ``trak`` boxes (where
phones write the place, ``©xyz``, ``loci`` and the ``mdta`` location keys, and the device), and
XMP ``uuid`` boxes, become ``free`` boxes of the same length, zero-filled, so every chunk offset
in the file stays valid and the media data is copied unchanged.
The witness kit (``witness/src/strip.js``) strips byte for byte the same: a shared test vector
checks both.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import BinaryIO

CHUNK = 1 << 16
PNG_SIG = b"\x89PNG\r\n\x1a\n"
_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME", b"iCCP"}


class StripError(ValueError):
    """The file claims a type whose structure it does not have."""


STRIPPABLE = ("image/jpeg", "image/png", "video/mp4", "video/quicktime")


def can_strip(media_type: str) -> bool:
    return media_type in STRIPPABLE


def stripped(media_type: str, f: BinaryIO) -> Iterator[bytes]:
    if media_type == "image/jpeg":
        return _jpeg(f)
    if media_type == "image/png":
        return _png(f)
    if media_type in ("video/mp4", "video/quicktime"):
        return _mp4(f)
    raise StripError(f"cannot strip {media_type}")


def orientation(tiff: bytes) -> int | None:
    """EXIF Orientation (1–8) from a TIFF structure, or None when absent or malformed."""
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return None
    e = "<" if tiff[:2] == b"II" else ">"
    try:
        if struct.unpack_from(e + "H", tiff, 2)[0] != 42:
            return None
        ifd = struct.unpack_from(e + "I", tiff, 4)[0]
        (count,) = struct.unpack_from(e + "H", tiff, ifd)
        for i in range(min(count, 1000)):
            tag, kind, n = struct.unpack_from(e + "HHI", tiff, ifd + 2 + 12 * i)
            if tag == 0x0112 and kind == 3 and n >= 1:
                (value,) = struct.unpack_from(e + "H", tiff, ifd + 10 + 12 * i)
                return value if 1 <= value <= 8 else None
    except struct.error:
        return None
    return None


def orientation_tiff(value: int) -> bytes:
    """The smallest TIFF that says only how to turn the picture (big-endian, one IFD0 entry)."""
    return b"MM\0*" + struct.pack(">IHHHIHH", 8, 1, 0x0112, 3, 1, value, 0) + b"\0\0\0\0"


def _read_exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise StripError("file ends in the middle of a segment")
    return data


def _jpeg(f: BinaryIO) -> Iterator[bytes]:
    if f.read(2) != b"\xff\xd8":
        raise StripError("not a JPEG (no SOI marker)")
    yield b"\xff\xd8"
    kept = False
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
        if kind == 0xE1 and body.startswith(b"Exif\0\0") and not kept:
            turn = orientation(body[6:])
            if turn is not None and turn != 1:
                tiff = b"Exif\0\0" + orientation_tiff(turn)
                yield b"\xff\xe1" + struct.pack(">H", len(tiff) + 2) + tiff
                kept = True
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
        if kind == b"eXIf":
            turn = orientation(body[:-4])
            if turn is not None and turn != 1:
                data = orientation_tiff(turn)
                chunk = struct.pack(">I", len(data)) + b"eXIf" + data
                yield chunk + struct.pack(">I", zlib.crc32(chunk[4:]))
        if kind not in _PNG_DROP:
            yield head + body
        if kind == b"IEND":
            return


MAX_MOOV = 64 << 20
_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


def _box(data: bytes | bytearray, at: int, end: int) -> tuple[bytes, int, int]:
    """(type, size, header length) of the box at ``at``, which must end by ``end``."""
    if at + 8 > end:
        raise StripError("MP4 box header cut short")
    size, kind = struct.unpack_from(">I4s", data, at)
    head = 8
    if size == 1:
        if at + 16 > end:
            raise StripError("MP4 box header cut short")
        (size,) = struct.unpack_from(">Q", data, at + 8)
        head = 16
    elif size == 0:
        size = end - at
    if size < head or at + size > end:
        raise StripError("MP4 box runs past its parent")
    return kind, size, head


def _is_metadata(data: bytes | bytearray, at: int, kind: bytes, head: int) -> bool:
    if kind in (b"udta", b"meta"):
        return True
    return kind == b"uuid" and data[at + head : at + head + 16] == _XMP_UUID


def _free(data: bytearray, at: int, size: int, head: int) -> None:
    data[at + 4 : at + 8] = b"free"
    data[at + head : at + size] = bytes(size - head)


def _walk(data: bytearray, start: int, end: int) -> None:
    at = start
    while at + 8 <= end:
        kind, size, head = _box(data, at, end)
        if _is_metadata(data, at, kind, head):
            _free(data, at, size, head)
        elif kind == b"trak":
            _walk(data, at + head, at + size)
        at += size


def _mp4(f: BinaryIO) -> Iterator[bytes]:
    """Box by box, reading forwards only (the sealer hashes the original as it is read)."""
    while True:
        head_bytes = f.read(8)
        if not head_bytes:
            return
        if len(head_bytes) != 8:
            raise StripError("MP4 ends in the middle of a box header")
        size, kind = struct.unpack(">I4s", head_bytes)
        head = 8
        if size == 1:
            head_bytes += _read_exact(f, 8)
            (size,) = struct.unpack_from(">Q", head_bytes, 8)
            head = 16
        if size != 0 and size < head:
            raise StripError("MP4 box smaller than its header")
        if kind == b"uuid" and size != 0 and size >= head + 16:
            head_bytes += _read_exact(f, 16)
            if head_bytes[head:] != _XMP_UUID:
                yield head_bytes
                yield from _copy(f, size - head - 16)
                continue
            if size > MAX_MOOV:
                raise StripError("MP4 metadata box too large to rewrite")
            box = bytearray(head_bytes + _read_exact(f, size - head - 16))
            _free(box, 0, size, head)
            yield bytes(box)
            continue
        if kind in (b"moov", b"udta", b"meta"):
            if size == 0 or size > MAX_MOOV:
                raise StripError("MP4 metadata box too large to rewrite")
            box = bytearray(head_bytes + _read_exact(f, size - head))
            if kind == b"moov":
                _walk(box, head, size)
            else:
                _free(box, 0, size, head)
            yield bytes(box)
            continue
        yield head_bytes
        if size == 0:  # the last box runs to the end of the file
            while chunk := f.read(CHUNK):
                yield chunk
            return
        yield from _copy(f, size - head)


def _copy(f: BinaryIO, left: int) -> Iterator[bytes]:
    while left:
        chunk = f.read(min(CHUNK, left))
        if not chunk:
            raise StripError("MP4 ends in the middle of a box")
        left -= len(chunk)
        yield chunk
