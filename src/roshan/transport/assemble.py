"""Rebuilding transfers from fragments that arrive in any order, twice, corrupted, or not at all.

Fragments are spooled to disk per (transfer, block) as they are added, so memory stays
bounded however many transfers are interleaved; a block is decoded only when it has at least
its K source-symbol count of distinct packets, one block at a time. Duplicates are dropped by
payload id; frames that fail their checksum or carry impossible parameters are counted and
dropped; a fragment whose parameters contradict its transfer's is counted as inconsistent.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import raptorq

from roshan.transport.errors import FragmentError, NotEnoughFragments
from roshan.transport.fragment import Fragment

SAFETY = 2  # RFC 6330 decodes from K symbols with ~99%, K+2 with ~99.9999% probability


@dataclass
class _Transfer:
    file_length: int
    block_count: int
    block_size: int
    symbol_size: int
    have: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def needed(self, block: int) -> int:
        length = min(self.block_size, self.file_length - block * self.block_size)
        return -(-length // self.symbol_size)


@dataclass(frozen=True)
class TransferStatus:
    transfer_id: str
    file_length: int
    fragments: int
    complete: bool
    missing: int  # how many more fragments are needed, at least


@dataclass
class Counts:
    accepted: int = 0
    duplicates: int = 0
    corrupted: int = 0
    inconsistent: int = 0


class Assembler:
    """Collect fragments of any number of transfers; rebuild those that can be rebuilt."""

    def __init__(self, work: Path | None = None) -> None:
        self._own = work is None
        self.work = Path(tempfile.mkdtemp(prefix="rq-")) if work is None else work
        self.work.mkdir(parents=True, exist_ok=True)
        self.transfers: dict[bytes, _Transfer] = {}
        self._seen: set[tuple[bytes, int, bytes]] = set()
        self.counts = Counts()

    def close(self) -> None:
        if self._own:
            shutil.rmtree(self.work, ignore_errors=True)

    def __enter__(self) -> Assembler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_bytes(self, data: bytes) -> Fragment | None:
        try:
            frag = Fragment.from_bytes(data)
        except FragmentError:
            self.counts.corrupted += 1
            return None
        return frag if self.add(frag) else None

    def add(self, frag: Fragment) -> bool:
        t = self.transfers.get(frag.transfer_id)
        if t is None:
            t = self.transfers[frag.transfer_id] = _Transfer(
                frag.file_length, frag.block_count, frag.block_size, frag.symbol_size
            )
        elif (t.file_length, t.block_count, t.block_size, t.symbol_size) != (
            frag.file_length,
            frag.block_count,
            frag.block_size,
            frag.symbol_size,
        ):
            self.counts.inconsistent += 1
            return False
        if frag.key in self._seen:
            self.counts.duplicates += 1
            return False
        self._seen.add(frag.key)
        spool = self.work / frag.transfer_id.hex() / f"{frag.block_index}.spool"
        spool.parent.mkdir(exist_ok=True)
        with open(spool, "ab") as f:
            f.write(struct.pack(">I", len(frag.packet)) + frag.packet)
        t.have[frag.block_index] += 1
        self.counts.accepted += 1
        return True

    def add_all(self, frames: Iterable[bytes]) -> None:
        for data in frames:
            self.add_bytes(data)

    def status(self) -> list[TransferStatus]:
        out = []
        for tid, t in sorted(self.transfers.items()):
            missing = sum(max(0, t.needed(b) - t.have.get(b, 0)) for b in range(t.block_count))
            out.append(TransferStatus(tid.hex(), t.file_length, sum(t.have.values()), missing == 0, missing))
        return out

    def rebuild(self, transfer_id: str, dest: Path) -> None:
        """Decode every block into ``dest`` (written atomically), or raise NotEnoughFragments."""
        tid = bytes.fromhex(transfer_id)
        t = self.transfers[tid]
        missing = sum(max(0, t.needed(b) - t.have.get(b, 0)) for b in range(t.block_count))
        if missing:
            raise NotEnoughFragments(
                f"transfer {transfer_id} needs at least {missing} more fragment(s)", missing
            )
        partial = dest.with_name(f".{dest.name}.partial")
        try:
            with open(partial, "wb") as out:
                for b in range(t.block_count):
                    out.write(self._decode_block(tid, t, b))
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, dest)
        finally:
            partial.unlink(missing_ok=True)

    def _decode_block(self, tid: bytes, t: _Transfer, block: int) -> bytes:
        length = min(t.block_size, t.file_length - block * t.block_size)
        decoder = raptorq.Decoder.with_defaults(length, t.symbol_size)
        with open(self.work / tid.hex() / f"{block}.spool", "rb") as f:
            while head := f.read(4):
                (n,) = struct.unpack(">I", head)
                result = decoder.decode(f.read(n))
                if result is not None:
                    return bytes(result)
        raise NotEnoughFragments(
            f"transfer {tid.hex()} block {block}: its {t.have[block]} fragments did not decode; "
            f"{SAFETY} more will almost surely do",
            SAFETY,
        )
