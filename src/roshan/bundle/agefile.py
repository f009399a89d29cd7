"""age v1 (c2sp.org/age) with X25519 recipients, for sealed reports: chunks placed, and overlapped.

pyrage (rage) is a sequential pipe: bytes in, age out, holding the GIL. A sealed report's first
member is a manifest carrying the SHA-256 of every attachment, so with a pipe the attachments
must be read twice (hash, then encrypt). age's payload is a STREAM of independent 64 KiB
ChaCha20-Poly1305 chunks whose nonce is the chunk's index, so a chunk can be encrypted and
written at its place in the file as soon as its plaintext is known. ``ChunkWriter`` does that:
sealing reads each attachment once, hashing it while worker threads encrypt and write the chunks
after the manifest, and fills in the first chunks (manifest and signature) last. ``open_payload``
decrypts in a background thread so that the opener's hashing overlaps it.

The primitives are ``cryptography``'s (OpenSSL: X25519, HKDF, ChaCha20-Poly1305 encrypting into
and from buffers in place, without the GIL; 3.2 GB/s a core here, where libsodium through PyNaCl
gave 1.3) and the standard library's HMAC for the header MAC. What is written here is the file
layout only; it is checked both ways against pyrage and against Debian's ``age`` in the tests.
Everything else in Roshan that uses age (keys, backups, device keys) still goes through pyrage.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import io
import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"age-encryption.org/v1\n"
CHUNK = 64 * 1024
TAG = 16
SEALED_CHUNK = CHUNK + TAG
NONCE = 16
BATCH = 16 * CHUNK  # plaintext encrypted or decrypted by one thread at a time
MAX_HEADER = 64 * 1024  # hundreds of recipients; a longer header is refused before it is read whole
_X25519_INFO = b"age-encryption.org/v1/X25519"
_ZERO_NONCE = bytes(12)


class Source(Protocol):
    """A binary file read from (a file, a BytesIO)."""

    def read(self, n: int = -1, /) -> bytes: ...
    def readline(self, n: int = -1, /) -> bytes: ...
    def readinto(self, b: bytearray | memoryview, /) -> int | None: ...


class AgeError(Exception):
    """The file is not a well-formed age file, or does not authenticate."""


class NotAge(AgeError):
    """The file does not start with age's version line."""


class NoMatchingKey(AgeError):
    """No recipient stanza opens with the identities given."""


# --- Bech32 (BIP 173, no length limit), for age's key strings -------------------------------------

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i, g in enumerate(_GEN):
            if (top >> i) & 1:
                chk ^= g
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_decode(text: str, hrp: str) -> bytes:
    """The bytes of a Bech32 string with human-readable part ``hrp`` (case-insensitive, as age)."""
    if text != text.lower() and text != text.upper():
        raise ValueError("mixed case")
    text = text.lower()
    sep = text.rfind("1")
    if text[:sep] != hrp.lower() or len(text) - sep - 1 < 6:
        raise ValueError(f"not a {hrp} key")
    try:
        values = [_CHARSET.index(c) for c in text[sep + 1 :]]
    except ValueError:
        raise ValueError("character outside Bech32's alphabet") from None
    if _polymod(_hrp_expand(hrp.lower()) + values) != 1:
        raise ValueError("bad Bech32 checksum")
    acc, bits, out = 0, 0, bytearray()
    for v in values[:-6]:
        acc = (acc << 5) | v
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    if bits >= 5 or acc & ((1 << bits) - 1):
        raise ValueError("non-zero Bech32 padding")
    return bytes(out)


def bech32_encode(hrp: str, data: bytes) -> str:
    acc, bits, values = 0, 0, []
    for b in data:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            values.append((acc >> bits) & 31)
    if bits:
        values.append((acc << (5 - bits)) & 31)
    chk = _polymod([*_hrp_expand(hrp), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    values += [(chk >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[v] for v in values)


def recipient_bytes(recipient: object) -> bytes:
    """The X25519 public key of an ``age1…`` recipient (a string or a pyrage Recipient)."""
    key = bech32_decode(str(recipient), "age")
    if len(key) != 32:
        raise ValueError("an age X25519 recipient is 32 bytes")
    return key


def identity_bytes(identity: object) -> bytes:
    """The X25519 secret of an ``AGE-SECRET-KEY-1…`` identity (a string or a pyrage Identity)."""
    key = bech32_decode(str(identity), "age-secret-key-")
    if len(key) != 32:
        raise ValueError("an age X25519 identity is 32 bytes")
    return key


# --- primitives -----------------------------------------------------------------------------------


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt or None, info=info).derive(ikm)


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _unb64(text: bytes) -> bytes:
    """Canonical unpadded base64 only, as age requires."""
    if text.endswith(b"=") or not text.isascii():
        raise AgeError("age header: base64 with padding or foreign characters")
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise AgeError("age header: malformed base64") from None
    if _b64(data) != text:
        raise AgeError("age header: non-canonical base64")
    return data


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def chunk_count(plaintext_size: int) -> int:
    return max(1, -(-plaintext_size // CHUNK))


def encrypted_size(header_size: int, plaintext_size: int) -> int:
    return header_size + NONCE + plaintext_size + chunk_count(plaintext_size) * TAG


# --- writing --------------------------------------------------------------------------------------


def header(recipients: list[bytes]) -> tuple[bytes, bytes]:
    """A fresh file key wrapped for each X25519 recipient: (header bytes, file key)."""
    if not recipients:
        raise ValueError("no recipients")
    file_key = os.urandom(16)
    parts = [MAGIC]
    for pk in recipients:
        eph = X25519PrivateKey.generate()
        share = eph.public_key().public_bytes_raw()
        wrap = _hkdf(eph.exchange(X25519PublicKey.from_public_bytes(pk)), share + pk, _X25519_INFO)
        body = _b64(ChaCha20Poly1305(wrap).encrypt(_ZERO_NONCE, file_key, None))
        parts.append(b"-> X25519 " + _b64(share) + b"\n")
        parts.extend(body[i : i + 64] + b"\n" for i in range(0, len(body), 64))
        if len(body) % 64 == 0:
            parts.append(b"\n")
    head = b"".join(parts) + b"---"
    mac = hmac.digest(_hkdf(file_key, b"", b"header"), head, "sha256")
    return head + b" " + _b64(mac) + b"\n", file_key


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
        self._header, file_key = header(recipients)
        self._nonce = os.urandom(NONCE)
        self._aead = ChaCha20Poly1305(_hkdf(file_key, self._nonce, b"payload"))
        self._size = plaintext_size
        self._last = chunk_count(plaintext_size) - 1
        self._base = len(self._header) + NONCE
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="age")
        self._free: queue.Queue[bytearray] = queue.Queue()
        for _ in range(workers + 2):
            self._free.put(bytearray(BATCH))
        self._pending: list[Future[None]] = []
        self._local = threading.local()

    @property
    def header_bytes(self) -> bytes:
        return self._header

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
                    _nonce(index, index == self._last),
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


# --- reading --------------------------------------------------------------------------------------


def _read_line(f: Source, budget: list[int]) -> bytes:
    line = f.readline(budget[0] + 1)
    budget[0] -= len(line)
    if budget[0] < 0:
        raise AgeError(f"age header longer than {MAX_HEADER // 1024} KiB")
    if not line.endswith(b"\n"):
        raise AgeError("age header cut short")
    return line


def read_header(f: Source) -> tuple[bytes, list[tuple[list[bytes], bytes]], bytes]:
    """(header bytes up to and including ``---``, stanzas as (arguments, body), MAC)."""
    budget = [MAX_HEADER]
    first = f.readline(len(MAGIC))
    if first != MAGIC:
        raise NotAge("not an age v1 file")
    budget[0] -= len(first)
    raw = [first]
    stanzas: list[tuple[list[bytes], bytes]] = []
    while True:
        line = _read_line(f, budget)
        if line.startswith(b"--- "):
            raw.append(b"---")
            mac = _unb64(line[4:-1])
            if len(mac) != 32:
                raise AgeError("age header: MAC is not 32 bytes")
            if not stanzas:
                raise AgeError("age header has no recipient stanza")
            return b"".join(raw), stanzas, mac
        if not line.startswith(b"-> "):
            raise AgeError("age header: unexpected line")
        args = line[3:-1].split(b" ")
        if not all(a and all(0x21 <= c <= 0x7E for c in a) for a in args):
            raise AgeError("age header: malformed stanza arguments")
        raw.append(line)
        body = []
        while True:
            body_line = _read_line(f, budget)
            raw.append(body_line)
            text = body_line[:-1]
            if len(text) > 64:
                raise AgeError("age header: stanza body line longer than 64 columns")
            body.append(text)
            if len(text) < 64:
                break
        stanzas.append((args, _unb64(b"".join(body))))


def unwrap(stanzas: list[tuple[list[bytes], bytes]], identities: list[bytes]) -> bytes:
    """The file key from the first X25519 stanza one of ``identities`` opens."""
    for args, body in stanzas:
        if args[0] != b"X25519":
            continue  # other recipient types are ignored, as age requires
        if len(args) != 2:
            raise AgeError("age header: an X25519 stanza has two arguments")
        share = _unb64(args[1])
        if len(share) != 32 or len(body) != 32:
            raise AgeError("age header: malformed X25519 stanza")
        for secret in identities:
            own = X25519PrivateKey.from_private_bytes(secret)
            pk = own.public_key().public_bytes_raw()
            try:
                shared = own.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError:
                raise AgeError("age header: X25519 share gives an all-zero secret") from None
            wrap = _hkdf(shared, share + pk, _X25519_INFO)
            try:
                return ChaCha20Poly1305(wrap).decrypt(_ZERO_NONCE, body, None)
            except InvalidTag:
                continue
    raise NoMatchingKey("no identity matches any recipient stanza")


class PayloadReader(io.RawIOBase):
    """The plaintext of an age file, decrypted ahead in a background thread (bounded queue).

    Seekable forwards only (skipping reads), so tarfile can read a tar from it in order and a
    member's data can be read straight into the caller's buffer with ``readinto``.

    Raises ``AgeError`` from ``read`` at the first chunk that does not authenticate, at a file
    cut short, or at bytes after the final chunk. Read to the end to have every chunk checked.
    """

    _DONE = object()

    def __init__(self, f: Source, identities: list[bytes], *, ahead: int = 4) -> None:
        head, stanzas, mac = read_header(f)
        file_key = unwrap(stanzas, identities)
        if not hmac.compare_digest(hmac.digest(_hkdf(file_key, b"", b"header"), head, "sha256"), mac):
            raise AgeError("age header MAC does not verify: the header was altered")
        nonce = f.read(NONCE)
        if len(nonce) != NONCE:
            raise AgeError("age file cut short after its header")
        self._aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
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
                        _nonce(index, last), view[at : at + clen], None, out[size : size + clen - TAG]
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
