"""Writing fragments for a channel, and reading fragments back from whatever arrived."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from roshan.transport import qr, text
from roshan.transport.errors import TransportError
from roshan.transport.fragment import MAGIC, OVERHEAD
from roshan.transport.split import split_file, symbol_size_for

CHANNELS = ("files", "text", "qr")
# size of one fragment as carried: bytes for files and QR, characters for text
DEFAULT_SIZE = {"files": 64 * 1024, "text": 4000, "qr": qr.DEFAULT_QR_BYTES}
NAMED_SIZES = {"sms": 160, "messenger": 4000}


@dataclass(frozen=True)
class SplitResult:
    fragments: int
    bytes_written: int
    transfer_id: str
    symbol_size: int


def parse_size(channel: str, size: str | None) -> int:
    if size is None:
        return DEFAULT_SIZE[channel]
    if size in NAMED_SIZES:
        if channel != "text":
            raise TransportError(f"--size {size} is for the text channel")
        return NAMED_SIZES[size]
    try:
        return int(size)
    except ValueError:
        raise TransportError(f"--size is a number (or sms/messenger for text): {size!r}") from None


def write_fragments(path: Path, channel: str, out: Path, redundancy: float, size: int) -> SplitResult:
    if channel not in CHANNELS:
        raise TransportError(f"unknown channel {channel!r}: files, text or qr")
    frame_bytes = text.frame_bytes_for(size) if channel == "text" else size
    if frame_bytes > 65528 + OVERHEAD and channel != "files":
        raise TransportError("--size too large for this channel")
    t = symbol_size_for(frame_bytes)
    out.mkdir(parents=True, exist_ok=True)
    n = written = 0
    pngs: list[bytes] = []
    tid = ""
    for n, frag in enumerate(split_file(path, t, redundancy), 1):
        tid = frag.transfer_id.hex()
        frame = frag.to_bytes()
        stem = f"{tid[:8]}-{n:06d}"
        if channel == "files":
            data = frame
            name = f"{stem}.frag"
        elif channel == "text":
            data = (text.encode_line(frame) + "\n").encode()
            name = f"{stem}.txt"
        else:
            data = qr.frame_png(frame)
            pngs.append(data)
            name = f"{stem}.png"
        target = out / name
        target.write_bytes(data)
        written += len(data)
    if channel == "qr":
        page = out / f"{tid[:8]}-player.html"
        page.write_text(qr.player_html(pngs), encoding="utf-8")
    return SplitResult(n, written, tid, t)


def frames_from(inputs: list[str]) -> Iterator[tuple[str, bytes]]:
    """(where, frame) for every fragment in files, folders, text, QR images, or ``-`` (stdin)."""
    for item in inputs:
        if item == "-":
            for frame in text.decode_text(sys.stdin.read()):
                yield "stdin", frame
            continue
        p = Path(item)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                yield from _from_file(f)
        elif p.is_file():
            yield from _from_file(p)
        else:
            raise TransportError(f"no such file or folder: {item}")


def _from_file(path: Path) -> Iterator[tuple[str, bytes]]:
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(MAGIC):
        yield str(path), path.read_bytes()
    elif qr.is_video(head):
        for frame in qr.decode_video(path):
            yield str(path), frame
    elif head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF")):
        for frame in qr.decode_image(path):
            yield str(path), frame
    elif path.stat().st_size < 64 << 20:
        try:
            content = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return
        for frame in text.decode_text(content):
            yield str(path), frame
