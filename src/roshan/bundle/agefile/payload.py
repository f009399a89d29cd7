"""The age payload: 64 KiB ChaCha20-Poly1305 chunks, nonce = chunk index and a last-chunk flag.

``ChunkWriter`` encrypts chunk ranges in any order, in worker threads, straight into place in the
output file, so the sealer can hash an attachment while it is being encrypted and write the
manifest's chunks last. ``PayloadReader`` decrypts ahead in a thread so that the opener's hashing
overlaps it. Both work on buffers in place (``cryptography``'s ``encrypt_into``/``decrypt_into``,
which release the GIL).
"""

from __future__ import annotations

import io
import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from roshan.bundle.agefile import header
from roshan.bundle.agefile.header import AgeError, Source, hkdf

CHUNK = 64 * 1024
TAG = 16
SEALED_CHUNK = CHUNK + TAG
NONCE = 16
BATCH = 16 * CHUNK  # plaintext encrypted or decrypted by one thread at a time


def chunk_nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def chunk_count(plaintext_size: int) -> int:
    return max(1, -(-plaintext_size // CHUNK))


class ChunkWriter:
    """Writes one age file whose plaintext size is known, chunk ranges in any order, in parallel.

    Take a buffer with ``buffer()`` (``BATCH`` bytes), fill it with plaintext that starts on a
    chunk boundary, and hand it back with ``put(offset, buf, n)``: ``n`` is a whole number of
    chunks unless the piece ends the plaintext. Worker threads encrypt it straight into their own
    output buffer (OpenSSL, no GIL, no copies) and ``pwrite`` it at its place; the buffer then
    returns to the pool, so memory stays at a few buffers. ``close()`` writes header and nonce,
    waits for every piece and raises the first failure.
    """

    def __init__(self, fd: int, recipients: list[bytes], plaintext_size: int, *, workers: int = 1) -> None:
        self._fd = fd
        self._header, file_key = header.write(recipients)
        self._nonce = os.urandom(NONCE)
        self._aead = ChaCha20Poly1305(hkdf(file_key, self._nonce, b"payload"))
        self._size = plaintext_size
        self._last = chunk_count(plaintext_size) - 1
        self._base = len(self._header) + NONCE
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="age")
        self._free: queue.Queue[bytearray] = queue.Queue()
        for _ in range(workers + 2):
            self._free.put(bytearray(BATCH))
        self._pending: list[Future[None]] = []
        self._local = threading.local()

    def buffer(self) -> bytearray:
        """A free plaintext buffer of ``BATCH`` bytes (waits while all are being encrypted)."""
        while True:
            try:
                return self._free.get(timeout=0.5)
            except queue.Empty:
                self._check()

    def _check(self) -> None:
        done = [f for f in self._pending if f.done()]
        for f in done:
            f.result()  # raises a worker's failure here, in the caller's thread
        self._pending = [f for f in self._pending if not f.done()]

    def put(self, offset: int, buf: bytearray, n: int) -> None:
        if offset % CHUNK or (n % CHUNK and offset + n != self._size) or n > len(buf):
            raise ValueError("pieces start on a chunk boundary and are whole chunks but for the last")
        if offset + n > self._size:
            raise ValueError("more plaintext than declared")
        self._check()
        self._pending.append(self._pool.submit(self._encrypt, offset, buf, n))

    def _encrypt(self, offset: int, buf: bytearray, n: int) -> None:
        try:
            out = getattr(self._local, "out", None)
            if out is None or len(out) < chunk_count(n) * SEALED_CHUNK:
                out = self._local.out = bytearray(max(chunk_count(n), BATCH // CHUNK) * SEALED_CHUNK)
            src, dst = memoryview(buf), memoryview(out)
            index, size = offset // CHUNK, 0
            for start in range(0, max(n, 1), CHUNK):
                m = min(CHUNK, n - start)
                self._aead.encrypt_into(
                    chunk_nonce(index, index == self._last),
                    src[start : start + m],
                    None,
                    dst[size : size + m + TAG],
                )
                size += m + TAG
                index += 1
            view = dst[:size]
            start = at = self._base + (offset // CHUNK) * SEALED_CHUNK
            while view:
                k = os.pwrite(self._fd, view, at)
                view, at = view[k:], at + k
            # start writing these pages to disk now (it does not wait): the fsync at the end then
            # has little left to do, and a large seal does not fill the page cache with dirty pages
            os.posix_fadvise(self._fd, start, size, os.POSIX_FADV_DONTNEED)
        finally:
            self._free.put(buf)

    def close(self) -> None:
        try:
            for f in self._pending:
                f.result()
            os.pwrite(self._fd, self._header + self._nonce, 0)
        finally:
            self.abort()

    def abort(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending = []


class PayloadReader(io.RawIOBase):
    """The plaintext of an age file, decrypted ahead in a background thread (bounded queue).

    Seekable forwards only (skipping reads), so tarfile can read a tar from it in order and a
    member's data can be read straight into the caller's buffer with ``readinto``.

    Raises ``AgeError`` from ``read`` at the first chunk that does not authenticate, at a file
    cut short, or at bytes after the final chunk. Read to the end to have every chunk checked.
    """

    _DONE = object()

    def __init__(self, f: Source, identities: list[bytes], *, ahead: int = 4) -> None:
        file_key = header.open_file_key(f, identities)
        nonce = f.read(NONCE)
        if len(nonce) != NONCE:
            raise AgeError("age file cut short after its header")
        self._aead = ChaCha20Poly1305(hkdf(file_key, nonce, b"payload"))
        self._f = f
        self._q: queue.Queue[object] = queue.Queue(maxsize=ahead)
        self._stop = threading.Event()
        self._buf = memoryview(b"")
        self._eof = False
        self._pos = 0
        self._thread = threading.Thread(target=self._run, name="age-open", daemon=True)
        self._thread.start()

    def _batches(self) -> Iterator[memoryview]:
        """Plaintext, ``BATCH`` at a time; one chunk is read ahead so the final one is known."""
        per = BATCH // CHUNK
        cipher = bytearray((per + 1) * SEALED_CHUNK)
        view = memoryview(cipher)
        have, index, eof = 0, 0, False
        while True:
            while have < len(cipher) and not eof:
                n = self._f.readinto(view[have:])
                eof = not n
                have += n or 0
            count = max(1, -(-have // SEALED_CHUNK)) if eof else per  # at the end: all left, last final
            plain = bytearray(count * CHUNK)
            out, size = memoryview(plain), 0
            for i in range(count):
                clen = min(SEALED_CHUNK, have - i * SEALED_CHUNK)
                last = eof and i == count - 1
                at = i * SEALED_CHUNK
                try:
                    if clen < TAG:
                        raise InvalidTag
                    self._aead.decrypt_into(
                        chunk_nonce(index, last), view[at : at + clen], None, out[size : size + clen - TAG]
                    )
                except InvalidTag:
                    where = "its last chunk (cut short?)" if last else f"chunk {index}"
                    raise AgeError(f"age authentication failed at {where}: altered or truncated") from None
                if last and clen == TAG and index:
                    raise AgeError("age payload ends with an empty chunk")
                size += clen - TAG
                index += 1
            yield out[:size]
            if eof:
                return
            view[:SEALED_CHUNK] = view[per * SEALED_CHUNK :]  # the chunk read ahead
            have = SEALED_CHUNK

    def _run(self) -> None:
        try:
            for plain in self._batches():
                while not self._stop.is_set():
                    try:
                        self._q.put(plain, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
            self._q.put(self._DONE)
        except BaseException as exc:  # handed to the reader's thread
            self._q.put(exc)

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buf:
            if self._eof:
                return 0
            item = self._q.get()
            if item is self._DONE:
                self._eof = True
                return 0
            if isinstance(item, BaseException):
                self._eof = True
                raise item
            self._buf = item  # type: ignore[assignment]
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        self._pos += n
        return n

    def seekable(self) -> bool:
        return True  # forwards only: enough for tarfile, which reads a tar in order

    def tell(self) -> int:
        return self._pos

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            pos += self._pos
        elif whence != io.SEEK_SET:
            raise io.UnsupportedOperation("the payload streams: no seeking from its end")
        if pos < self._pos:
            raise io.UnsupportedOperation("the payload streams: no seeking back")
        while self._pos < pos and self.read(min(BATCH, pos - self._pos)):
            pass
        return self._pos

    def drain(self) -> None:
        """Read (and so authenticate) whatever is left."""
        while self.read(CHUNK):
            pass

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._q.get(timeout=0.05)
            except queue.Empty:
                pass
        super().close()
