"""Channels: text that survives messengers, QR frames that survive cameras, files on a stick."""

from __future__ import annotations

import io
import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFilter

from roshan.linkage.digits import to_persian_digits
from roshan.transport import Assembler, split_file
from roshan.transport.channels import frames_from, write_fragments
from roshan.transport.qr import decode_image, frame_png
from roshan.transport.text import decode_text, encode_line


def _rebuild(frames, tmp: Path) -> bytes:  # type: ignore[no-untyped-def]
    with Assembler() as asm:
        asm.add_all(frames)
        [s] = asm.status()
        asm.rebuild(s.transfer_id, tmp / "rebuilt")
    return (tmp / "rebuilt").read_bytes()


def test_text_survives_messengers(tmp_path: Path) -> None:
    f = tmp_path / "s.bin"
    f.write_bytes(os.urandom(6000))
    lines = [encode_line(fr.to_bytes()) for fr in split_file(f, 400, 0.2)]
    mangled = []
    for line in lines:
        wrapped = re.sub(r"(.{37})", "\\1\n", line)  # wrapped at any width
        quoted = "\n".join("> " + part for part in wrapped.split("\n"))  # messenger quoting
        spaced = quoted.replace("A", " A").replace("k", "k\u200c")  # added spaces and ZWNJ
        mangled.append(to_persian_digits(spaced))  # Persian keyboard digits
    text = "Forwarded:\n" + "\n\n".join(mangled) + "\nSent from my phone"
    assert _rebuild(decode_text(text), tmp_path) == f.read_bytes()


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=1, max_size=300), st.text(max_size=20))
def test_text_line_round_trip(frame: bytes, noise: str) -> None:
    noise = noise.replace(":", "")
    assert list(decode_text(noise + " " + encode_line(frame) + " " + noise)) == [frame]


def test_truncated_line_is_counted_not_crashed(tmp_path: Path) -> None:
    f = tmp_path / "s.bin"
    f.write_bytes(os.urandom(3000))
    lines = [encode_line(fr.to_bytes()) for fr in split_file(f, 300, 0.5)]
    lines[0] = lines[0][:-30] + ":"
    with Assembler() as asm:
        asm.add_all(decode_text("\n".join(lines)))
        assert asm.counts.corrupted == 1
        [s] = asm.status()
        assert s.complete


def _degrade(png: bytes, kind: str) -> Image.Image:
    im = Image.open(io.BytesIO(png)).convert("RGB")
    if kind == "scaled":
        im = im.resize((int(im.width * 0.7), int(im.height * 0.7)), Image.Resampling.BILINEAR)
    elif kind == "rotated":
        im = im.rotate(7, expand=True, fillcolor=(255, 255, 255))
    elif kind == "blurred":
        im = im.filter(ImageFilter.GaussianBlur(1.2))
    elif kind == "jpeg":
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=35)
        im = Image.open(io.BytesIO(buf.getvalue()))
    elif kind == "photo-of-screen":  # all of it at once, on a grey background
        im = im.rotate(4, expand=True, fillcolor=(200, 200, 200)).filter(ImageFilter.GaussianBlur(0.8))
        im = im.resize((int(im.width * 0.8), int(im.height * 0.8)))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=50)
        im = Image.open(io.BytesIO(buf.getvalue()))
    return im


@pytest.mark.parametrize("kind", ["clean", "scaled", "rotated", "blurred", "jpeg", "photo-of-screen"])
def test_qr_frames_survive_a_camera(tmp_path: Path, kind: str) -> None:
    f = tmp_path / "s.bin"
    f.write_bytes(os.urandom(2000))
    frames = [fr.to_bytes() for fr in split_file(f, 656, 0.5)]  # 700-byte frames: the QR default
    decoded = []
    for frame in frames:
        got = list(decode_image(_degrade(frame_png(frame), kind)))
        assert got == [frame], f"{kind}: frame not read"
        decoded += got
    assert _rebuild(decoded, tmp_path) == f.read_bytes()


@pytest.mark.parametrize("channel", ["files", "text", "qr"])
def test_split_and_read_back_every_channel(tmp_path: Path, channel: str) -> None:
    f = tmp_path / "s.bin"
    f.write_bytes(os.urandom(4000))
    out = tmp_path / "out"
    res = write_fragments(f, channel, out, 0.5, {"files": 1000, "text": 800, "qr": 700}[channel])
    files = sorted(out.iterdir())
    assert len([p for p in files if not p.name.endswith(".html")]) == res.fragments
    if channel == "qr":
        page = next(p for p in files if p.name.endswith("player.html")).read_text()
        assert page.count("data:image/png;base64,") == 2 * res.fragments  # player list + no-JS fallback
        assert "http://" not in page and "https://" not in page
    # lose a quarter, keep the rest in a shuffled mix
    kept = [p for p in files if not p.name.endswith(".html")]
    random.Random(5).shuffle(kept)
    kept = kept[: int(len(kept) * 0.75) + 1]
    assert _rebuild([fr for _, fr in frames_from([str(p) for p in kept])], tmp_path) == f.read_bytes()
