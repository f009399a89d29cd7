"""A POSIX (pax) tar written as a stream of bytes, for sealing without a plaintext temp file.

Every header's length is known from a member's name and size alone, so the sealer lays the
whole tar out before reading any attachment (``header``, ``padding``, ``end``).
"""

from __future__ import annotations

import tarfile

BLOCK = 512
RECORD = 20 * BLOCK


def header(name: str, size: int, mtime: int = 0) -> bytes:
    """The (pax) header block(s) of one regular-file member."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o644
    info.mtime = mtime
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def padding(size: int) -> bytes:
    return b"\0" * (-size % BLOCK)


def end(total: int) -> bytes:
    """Two zero blocks, then padding to a whole record, as tar(1) writes."""
    total += 2 * BLOCK
    return b"\0" * (2 * BLOCK + (-total % RECORD))
