"""age v1 (c2sp.org/age) with X25519 recipients, written for sealed reports.

pyrage (rage) is a sequential pipe: bytes in, age out, holding the GIL. A sealed report's first
member is a manifest carrying the SHA-256 of every attachment, so with a pipe each attachment
would be read twice (hash, then encrypt). age's payload is a STREAM of independent 64 KiB chunks
whose nonce is the chunk's index, so a chunk can be encrypted and written at its place as soon as
its plaintext is known: ``payload.ChunkWriter`` does that, ``payload.PayloadReader`` decrypts
ahead in a thread. ``keys`` reads age's key strings, ``header`` the recipient stanzas and MAC.

The primitives are ``cryptography``'s (OpenSSL: X25519, HKDF, ChaCha20-Poly1305 into and from
buffers in place, without the GIL; 3.2 GB/s a core here, where libsodium through PyNaCl gave 1.3)
and the standard library's HMAC. What is written here is the file layout only; it is checked both
ways against pyrage and against Debian's ``age`` in the tests. Everything else in Roshan that uses
age (keys, backups, device keys) still goes through pyrage.
"""

from roshan.bundle.agefile.header import MAGIC, AgeError, NoMatchingKey, NotAge, Source
from roshan.bundle.agefile.keys import bech32_decode, bech32_encode, identity_bytes, recipient_bytes
from roshan.bundle.agefile.payload import (
    BATCH,
    CHUNK,
    NONCE,
    SEALED_CHUNK,
    TAG,
    ChunkWriter,
    PayloadReader,
    chunk_count,
)

__all__ = [
    "BATCH",
    "CHUNK",
    "MAGIC",
    "NONCE",
    "SEALED_CHUNK",
    "TAG",
    "AgeError",
    "ChunkWriter",
    "NoMatchingKey",
    "NotAge",
    "PayloadReader",
    "Source",
    "bech32_decode",
    "bech32_encode",
    "chunk_count",
    "identity_bytes",
    "recipient_bytes",
]
