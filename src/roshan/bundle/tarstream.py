"""A POSIX (pax) tar written as a stream of bytes, for sealing without a plaintext temp file.

Every header's length is known from a member's name and size alone, so the sealer lays the
whole tar out before reading any attachment (``header``, ``padding``, ``end``).
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterable, Iterator

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


def member(name: str, size: int, chunks: Iterable[bytes], mtime: int = 0) -> Iterator[bytes]:
    """Header, content, padding of one regular-file member. Raises if the content's size differs."""
    yield header(name, size, mtime)
    n = 0
    for chunk in chunks:
        n += len(chunk)
        if n > size:
            raise ValueError(f"{name} grew while being sealed")
        yield chunk
    if n != size:
        raise ValueError(f"{name} changed size while being sealed ({n} of {size} bytes)")
    if size % BLOCK:
        yield padding(size)


def end(total: int) -> bytes:
    """Two zero blocks, then padding to a whole record, as tar(1) writes."""
    total += 2 * BLOCK
    return b"\0" * (2 * BLOCK + (-total % RECORD))
