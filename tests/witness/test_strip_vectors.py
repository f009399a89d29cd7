"""The shared vectors: `roshan seal --strip-metadata` strips them to the committed bytes (the kit's
JavaScript is checked against the same file by witness/test/strip.test.js), keeps the orientation,
and removes the MP4 location box."""

from __future__ import annotations

import hashlib
import io
import json
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roshan.bundle import media, strip
from tests.witness.conftest import VECTORS

VECTOR = json.loads((VECTORS / "vectors.json").read_text())


@pytest.mark.parametrize("name", sorted(VECTOR))
def test_python_strips_to_the_shared_vector(name: str) -> None:
    path = VECTORS / name
    v = VECTOR[name]
    assert media.media_type(path) == v["media_type"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == v["sha256"], "the vector file itself is unchanged"
    out = b"".join(strip.stripped(v["media_type"], io.BytesIO(path.read_bytes())))
    assert len(out) == v["stripped_size"] and hashlib.sha256(out).hexdigest() == v["stripped_sha256"]


def test_jpeg_keeps_only_the_orientation(tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = VECTORS / "gps-orientation.jpg"
    assert media.capture_metadata(src, "image/jpeg")["gps"] == {"lat": 35.69, "lon": 51.42}
    out = tmp_path / "s.jpg"
    out.write_bytes(b"".join(strip.stripped("image/jpeg", io.BytesIO(src.read_bytes()))))
    from PIL import Image

    with Image.open(out) as im:
        assert dict(im.getexif()) == {0x0112: 6}
    assert media.capture_metadata(out, "image/jpeg") == {"width": 64, "height": 48}


def test_png_keeps_only_the_orientation() -> None:
    out = b"".join(strip.stripped("image/png", io.BytesIO((VECTORS / "text-orientation.png").read_bytes())))
    assert b"tEXt" not in out and b"SIMULATED" not in out
    at = out.index(b"eXIf")
    assert strip.orientation(out[at + 4 : at + 4 + 26]) == 8


def test_mp4_location_becomes_free_space_of_the_same_length() -> None:
    src = (VECTORS / "location.mp4").read_bytes()
    out = b"".join(strip.stripped("video/mp4", io.BytesIO(src)))
    assert len(out) == len(src) and b"\xa9xyz" in src and b"\xa9xyz" not in out and b"+35.69" not in out
    mdat = src.index(b"mdat")
    assert out[: mdat + 4] == src[: mdat + 4], "everything before moov (ftyp, mdat header) is unchanged"


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _kinds(data: bytes) -> list[bytes]:
    out, at = [], 0
    while at < len(data):
        size, kind = struct.unpack_from(">I4s", data, at)
        out.append(kind)
        at += size
    return out


_child = st.tuples(st.sampled_from([b"free", b"udta", b"meta", b"mdia", b"trak"]), st.binary(max_size=40))


@given(st.lists(_child, max_size=6))
def test_mp4_strip_keeps_length_and_drops_every_metadata_box(children: list[tuple[bytes, bytes]]) -> None:
    def child(kind: bytes, payload: bytes) -> bytes:  # a trak holds boxes; the others any bytes
        return _box(kind, _box(b"udta", payload) + _box(b"tkhd", payload) if kind == b"trak" else payload)

    moov = _box(b"moov", b"".join(child(k, p) for k, p in children))
    src = _box(b"ftyp", b"isom\0\0\0\0") + _box(b"mdat", b"x" * 20) + moov
    out = b"".join(strip.stripped("video/mp4", io.BytesIO(src)))
    assert len(out) == len(src)
    inner = out[-len(moov) + 8 :]
    kinds = _kinds(inner)
    assert not {b"udta", b"meta"} & set(kinds)
    at = 0
    for kind in kinds:  # inside each trak too
        size = struct.unpack_from(">I", inner, at)[0]
        if kind == b"trak":
            assert _kinds(inner[at + 8 : at + size]) == [b"free", b"tkhd"]
        at += size


@given(st.binary(max_size=200))
def test_mp4_strip_refuses_or_keeps_length_on_any_input(data: bytes) -> None:
    src = _box(b"ftyp", b"isom") + data
    try:
        out = b"".join(strip.stripped("video/mp4", io.BytesIO(src)))
    except strip.StripError:
        return
    assert len(out) == len(src)
