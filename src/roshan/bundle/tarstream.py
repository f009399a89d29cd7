"""A POSIX (pax) tar written as a stream of bytes, for sealing without a plaintext temp file.

``TarReader`` is a read-only file object over an iterator of chunks, so ``pyrage.encrypt_io``
can pull the tar through age encryption in constant memory.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterable, Iterator

BLOCK = 512
RECORD = 20 * BLOCK


def member(name: str, size: int, chunks: Iterable[bytes], mtime: int = 0) -> Iterator[bytes]:
    """Header, content, padding of one regular-file member. Raises if the content's size differs."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o644
    info.mtime = mtime
    yield info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
    n = 0
    for chunk in chunks:
        n += len(chunk)
        if n > size:
            raise ValueError(f"{name} grew while being sealed")
        yield chunk
    if n != size:
        raise ValueError(f"{name} changed size while being sealed ({n} of {size} bytes)")
    if size % BLOCK:
        yield b"\0" * (BLOCK - size % BLOCK)


def end(total: int) -> bytes:
    """Two zero blocks, then padding to a whole record, as tar(1) writes."""
    total += 2 * BLOCK
    return b"\0" * (2 * BLOCK + (-total % RECORD))


class TarReader(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buf = memoryview(b"")
        self._pos = 0
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while self._pos >= len(self._buf):
            try:
                self._buf = memoryview(next(self._chunks))
            except StopIteration:
                return 0
            self._pos = 0
        n = min(len(b), len(self._buf) - self._pos)
        b[:n] = self._buf[self._pos : self._pos + n]  # a view: no copy of the rest of the chunk
        self._pos += n
        self.total += n
        return n
