"""One fragment: a RaptorQ encoding symbol with a small frame (docs/fragment-format.md).

    offset size  field
    0      3     magic b"\\xd1RQ"
    3      1     version (1)
    4      8     transfer id: random per sealed file, not a content hash
    12     8     file length in bytes
    20     4     block index       (files are cut into blocks coded separately: constant memory)
    24     4     block count
    28     4     block size        (every block but the last has this length)
    32     2     symbol size T     (RFC 6330 transmission parameter; multiple of 8)
    34     4+T   RFC 6330 packet: payload id (source block number, encoding symbol id) + symbol
    38+T   4     CRC-32 of everything before it

Nothing here names the sender, the archive or the content; the file length is visible, as the
size of the sealed file is.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from roshan.transport.errors import FragmentError

MAGIC = b"\xd1RQ"
VERSION = 1
_HEAD = struct.Struct(">3sB8sQIIIH")
HEADER_SIZE = _HEAD.size  # 34
OVERHEAD = HEADER_SIZE + 4 + 4  # header, payload id, CRC
MAX_FILE = 1 << 40
MAX_BLOCK = 64 << 20
MAX_SYMBOL = 65528


@dataclass(frozen=True)
class Fragment:
    transfer_id: bytes
    file_length: int
    block_index: int
    block_count: int
    block_size: int
    symbol_size: int
    packet: bytes

    @property
    def block_length(self) -> int:
        return min(self.block_size, self.file_length - self.block_index * self.block_size)

    @property
    def esi(self) -> int:
        """Encoding symbol id (RFC 6330 section 3.2): below K a source symbol, from K on a repair symbol."""
        return int.from_bytes(self.packet[1:4], "big")

    @property
    def key(self) -> tuple[bytes, int, bytes]:
        return self.transfer_id, self.block_index, self.packet[:4]

    def to_bytes(self) -> bytes:
        head = _HEAD.pack(
            MAGIC,
            VERSION,
            self.transfer_id,
            self.file_length,
            self.block_index,
            self.block_count,
            self.block_size,
            self.symbol_size,
        )
        body = head + self.packet
        return body + struct.pack(">I", zlib.crc32(body))

    @classmethod
    def from_bytes(cls, data: bytes) -> Fragment:
        if len(data) < OVERHEAD + 8:
            raise FragmentError("too short to be a fragment")
        if data[:3] != MAGIC:
            raise FragmentError("not a fragment (bad magic)")
        body, crc = data[:-4], struct.unpack(">I", data[-4:])[0]
        if zlib.crc32(body) != crc:
            raise FragmentError("corrupted fragment (checksum mismatch)")
        _, version, tid, length, index, count, bsize, tsize = _HEAD.unpack_from(body)
        if version != VERSION:
            raise FragmentError(f"unknown fragment version {version}")
        frag = cls(tid, length, index, count, bsize, tsize, body[HEADER_SIZE:])
        frag.check()
        return frag

    def check(self) -> None:
        """Refuse parameters no honest sender produces (so a forged frame cannot make us allocate)."""
        t = self.symbol_size
        if not (8 <= t <= MAX_SYMBOL and t % 8 == 0):
            raise FragmentError(f"absurd symbol size {t}")
        if not 0 < self.file_length <= MAX_FILE:
            raise FragmentError(f"absurd file length {self.file_length}")
        if not t <= self.block_size <= MAX_BLOCK:
            raise FragmentError(f"absurd block size {self.block_size}")
        if self.block_count != -(-self.file_length // self.block_size):
            raise FragmentError("block count does not match file length and block size")
        if not 0 <= self.block_index < self.block_count:
            raise FragmentError("block index out of range")
        if len(self.packet) != 4 + t:
            raise FragmentError("packet length does not match the symbol size")
        if self.packet[0] != 0:
            raise FragmentError("unexpected source block number")
