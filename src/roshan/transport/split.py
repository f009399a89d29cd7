"""Cutting a file into fragments, one block at a time (constant memory).

The ``raptorq`` package codes a whole block held in memory, so files are cut into blocks of at
most ``block_size`` bytes, each coded separately (RFC 6330 with one source block per block).
``redundancy`` is repair symbols ÷ source symbols per block: 0.5 means a quarter of all
fragments may be lost and 1.125× what is needed still arrives.

The transfer id is random per sealed file: taken from the age header (whose stanzas are fresh
random bytes for every sealed file), so splitting the same sealed file again yields the same
fragments (a resumed send only adds what is missing); any other file gets a random id.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterator
from pathlib import Path

import raptorq

from roshan.transport.errors import TransportError
from roshan.transport.fragment import MAX_SYMBOL, OVERHEAD, Fragment

DEFAULT_BLOCK = 4 << 20
MAX_SOURCE_SYMBOLS = 50_000
AGE_MAGIC = b"age-encryption.org/v1\n"


def transfer_id_for(path: Path) -> bytes:
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(AGE_MAGIC) and b"\n---" in head:
        return hashlib.sha256(b"roshan transfer id\0" + head[: head.index(b"\n---")]).digest()[:8]
    return secrets.token_bytes(8)


def symbol_size_for(fragment_bytes: int) -> int:
    """The largest RFC 6330 symbol (multiple of 8) that fits a fragment of ``fragment_bytes``."""
    t = (fragment_bytes - OVERHEAD) // 8 * 8
    if t < 8:
        raise TransportError(f"a fragment of {fragment_bytes} bytes is too small (at least {OVERHEAD + 8})")
    return min(t, MAX_SYMBOL)


def split_file(
    path: Path,
    symbol_size: int,
    redundancy: float = 0.5,
    *,
    block_size: int = DEFAULT_BLOCK,
    transfer_id: bytes | None = None,
) -> Iterator[Fragment]:
    """Yield every fragment of ``path``, block by block: its source symbols, then its repair symbols."""
    if redundancy < 0:
        raise TransportError("redundancy cannot be negative")
    length = path.stat().st_size
    if length == 0:
        raise TransportError(f"{path.name} is empty: nothing to send")
    symbol_size = symbol_size // 8 * 8
    # one RFC 6330 source block per block: at most 56,403 source symbols (section 5.1.2); keep a margin
    block_size = max(min(block_size, symbol_size * MAX_SOURCE_SYMBOLS) // symbol_size, 1) * symbol_size
    tid = transfer_id or transfer_id_for(path)
    count = -(-length // block_size)
    with open(path, "rb") as f:
        for index in range(count):
            block = f.read(block_size)
            k = -(-len(block) // symbol_size)
            repair = math.ceil(k * redundancy)
            encoder = raptorq.Encoder.with_defaults(block, symbol_size)
            for packet in encoder.get_encoded_packets(repair):
                yield Fragment(tid, length, index, count, block_size, symbol_size, bytes(packet))
