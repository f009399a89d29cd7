"""The age header: recipient stanzas that wrap the file key for X25519 identities, and its MAC.

Written for every recipient with a fresh ephemeral key; read strictly (canonical base64, 64-column
stanza bodies, at most ``MAX_HEADER`` bytes), skipping stanza types it does not know, as age
requires. Errors here and in ``payload`` are ``AgeError``s.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"age-encryption.org/v1\n"
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


def hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt or None, info=info).derive(ikm)


def header_mac(file_key: bytes, head: bytes) -> bytes:
    """HMAC-SHA-256 over the header up to and including ``---``."""
    return hmac.digest(hkdf(file_key, b"", b"header"), head, "sha256")


def b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _unb64(text: bytes) -> bytes:
    """Canonical unpadded base64 only, as age requires."""
    if text.endswith(b"=") or not text.isascii():
        raise AgeError("age header: base64 with padding or foreign characters")
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise AgeError("age header: malformed base64") from None
    if b64(data) != text:
        raise AgeError("age header: non-canonical base64")
    return data


def write(recipients: list[bytes]) -> tuple[bytes, bytes]:
    """A fresh file key wrapped for each X25519 recipient: (header bytes, file key)."""
    if not recipients:
        raise ValueError("no recipients")
    file_key = os.urandom(16)
    parts = [MAGIC]
    for pk in recipients:
        eph = X25519PrivateKey.generate()
        share = eph.public_key().public_bytes_raw()
        wrap = hkdf(eph.exchange(X25519PublicKey.from_public_bytes(pk)), share + pk, _X25519_INFO)
        body = b64(ChaCha20Poly1305(wrap).encrypt(_ZERO_NONCE, file_key, None))
        parts.append(b"-> X25519 " + b64(share) + b"\n")
        parts.extend(body[i : i + 64] + b"\n" for i in range(0, len(body), 64))
        if len(body) % 64 == 0:
            parts.append(b"\n")
    head = b"".join(parts) + b"---"
    return head + b" " + b64(header_mac(file_key, head)) + b"\n", file_key


def _line(f: Source, left: int) -> bytes:
    """One header line, if it ends within the ``left`` bytes the header may still take."""
    line = f.readline(left + 1)
    if len(line) > left:
        raise AgeError(f"age header longer than {MAX_HEADER // 1024} KiB")
    if not line.endswith(b"\n"):
        raise AgeError("age header cut short")
    return line


def read(f: Source) -> tuple[bytes, list[tuple[list[bytes], bytes]], bytes]:
    """(header bytes up to and including ``---``, stanzas as (arguments, body), MAC)."""
    if f.readline(len(MAGIC)) != MAGIC:
        raise NotAge("not an age v1 file")
    left = MAX_HEADER - len(MAGIC)
    raw = [MAGIC]
    stanzas: list[tuple[list[bytes], bytes]] = []
    while True:
        line = _line(f, left)
        left -= len(line)
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
            body_line = _line(f, left)
            left -= len(body_line)
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
            wrap = hkdf(shared, share + pk, _X25519_INFO)
            try:
                return ChaCha20Poly1305(wrap).decrypt(_ZERO_NONCE, body, None)
            except InvalidTag:
                continue
    raise NoMatchingKey("no identity matches any recipient stanza")


def open_file_key(f: Source, identities: list[bytes]) -> bytes:
    """Read and check the header of ``f``: the file key, once the MAC verifies."""
    head, stanzas, mac = read(f)
    file_key = unwrap(stanzas, identities)
    if not hmac.compare_digest(header_mac(file_key, head), mac):
        raise AgeError("age header MAC does not verify: the header was altered")
    return file_key
