"""Fragments: framing, corruption, absurd parameters, any order, duplicates, loss, many transfers."""

from __future__ import annotations

import os
import random
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roshan.transport import Assembler, Fragment, FragmentError, split_file
from roshan.transport.errors import NotEnoughFragments
from roshan.transport.fragment import HEADER_SIZE, MAGIC


def _file(tmp: Path, size: int, name: str = "sealed.bin") -> Path:
    p = tmp / name
    p.write_bytes(os.urandom(size))
    return p


def test_frame_round_trip(tmp_path: Path) -> None:
    frags = list(split_file(_file(tmp_path, 5000), 512, 0.5))
    f = frags[0]
    assert Fragment.from_bytes(f.to_bytes()) == f
    assert f.to_bytes().startswith(MAGIC) and len(f.to_bytes()) == HEADER_SIZE + 4 + 512 + 4
    assert len(frags) == 10 + 5  # K = ceil(5000/512) = 10 source symbols, ceil(10 * 0.5) = 5 repair


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b[:20], "too short"),
        (lambda b: b"XXX" + b[3:], "bad magic"),
        (lambda b: b[:50] + bytes([b[50] ^ 1]) + b[51:], "checksum"),
    ],
)
def test_damaged_frames_refused(tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    frame = next(split_file(_file(tmp_path, 3000), 256)).to_bytes()
    with pytest.raises(FragmentError, match=message):
        Fragment.from_bytes(mutate(frame))


def _forge(**fields: int) -> bytes:
    """A frame with a valid checksum but the given parameters."""
    p = {
        "length": 1000,
        "index": 0,
        "count": 1,
        "bsize": 1024,
        "t": 64,
        "packet_len": 68,
        "version": 1,
    } | fields
    head = struct.pack(
        ">3sB8sQIIIH", MAGIC, p["version"], b"\1" * 8, p["length"], p["index"], p["count"], p["bsize"], p["t"]
    )
    body = head + b"\0" * p["packet_len"]
    return body + struct.pack(">I", zlib.crc32(body))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"t": 0}, "symbol size"),
        ({"t": 63}, "symbol size"),
        ({"length": 0}, "file length"),
        ({"length": 1 << 50}, "file length"),
        ({"bsize": 1 << 40 & 0xFFFFFFFF or 0xFFFFFFFF}, "block size"),
        ({"count": 7}, "block count"),
        ({"index": 3}, "block index"),
        ({"packet_len": 40}, "packet length"),
        ({"version": 9}, "version"),
    ],
)
def test_absurd_parameters_refused(fields: dict[str, int], message: str) -> None:
    with pytest.raises(FragmentError, match=message):
        Fragment.from_bytes(_forge(**fields))


def test_any_order_duplicates_corruption_and_other_transfers(tmp_path: Path) -> None:
    a, b = _file(tmp_path, 20_000, "a"), _file(tmp_path, 7_000, "b")
    frames = [f.to_bytes() for f in split_file(a, 512, 0.5)] + [f.to_bytes() for f in split_file(b, 256, 0.5)]
    rng = random.Random(1)
    frames += rng.sample(frames, 10)  # duplicates
    frames += [fr[:40] + bytes([fr[40] ^ 255]) + fr[41:] for fr in rng.sample(frames, 5)]  # corrupted copies
    rng.shuffle(frames)
    with Assembler(tmp_path / "w") as asm:
        asm.add_all(frames)
        assert (asm.counts.duplicates, asm.counts.corrupted) == (10, 5)
        statuses = asm.status()
        assert len(statuses) == 2 and all(s.complete for s in statuses)
        for s in statuses:
            out = tmp_path / s.transfer_id
            asm.rebuild(s.transfer_id, out)
            assert out.read_bytes() in (a.read_bytes(), b.read_bytes())


def test_says_how_many_more_it_needs(tmp_path: Path) -> None:
    f = _file(tmp_path, 10_000)
    frags = list(split_file(f, 1000, 0.5))  # K = 10, 5 repair
    with Assembler() as asm:
        for fr in frags[:7]:
            asm.add(fr)
        [s] = asm.status()
        assert (s.complete, s.missing, s.fragments) == (False, 3, 7)
        with pytest.raises(NotEnoughFragments) as exc:
            asm.rebuild(s.transfer_id, tmp_path / "out")
        assert exc.value.needed == 3 and not (tmp_path / "out").exists()
        for fr in frags[-3:]:  # three repair symbols make up for the lost sources
            asm.add(fr)
        asm.rebuild(s.transfer_id, tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == f.read_bytes()


def test_multi_block_files(tmp_path: Path) -> None:
    f = _file(tmp_path, 300_000)
    frags = list(split_file(f, 1024, 0.3, block_size=64 * 1024))
    assert {fr.block_count for fr in frags} == {5}
    random.Random(3).shuffle(frags)
    with Assembler() as asm:
        for fr in frags:
            asm.add(fr)
        [s] = asm.status()
        asm.rebuild(s.transfer_id, tmp_path / "o")
    assert (tmp_path / "o").read_bytes() == f.read_bytes()


def test_same_sealed_file_gives_the_same_fragments(tmp_path: Path) -> None:
    import pyrage

    sealed = tmp_path / "s.bin"
    sealed.write_bytes(pyrage.encrypt(os.urandom(5000), [pyrage.x25519.Identity.generate().to_public()]))
    first = [f.to_bytes() for f in split_file(sealed, 512)]
    assert first == [f.to_bytes() for f in split_file(sealed, 512)]
    other = tmp_path / "o.bin"
    other.write_bytes(os.urandom(5000))
    assert next(split_file(other, 512)).transfer_id != next(split_file(other, 512)).transfer_id


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(1, 60_000), loss=st.floats(0.0, 0.25), seed=st.integers(0, 2**32))
def test_random_loss_below_redundancy_rebuilds_identically(
    tmp_path_factory, size: int, loss: float, seed: int
) -> None:  # type: ignore[no-untyped-def]
    """Redundancy 0.5 carries 1.5x; losing up to a quarter leaves >= 1.125x of K: rebuilt, byte-identical
    (or, with RFC 6330's small failure rate at exactly K, the assembler says what more it needs)."""
    tmp = tmp_path_factory.mktemp("loss")
    f = tmp / "f"
    f.write_bytes(random.Random(seed).randbytes(size))
    frags = list(split_file(f, 256, 0.5, block_size=16 * 1024))
    rng = random.Random(seed)
    kept = [fr for fr in frags if rng.random() >= loss]
    rng.shuffle(kept)
    with Assembler() as asm:
        for fr in kept:
            asm.add(fr)
        [s] = asm.status()
        if not s.complete:
            assert s.missing > 0
            return
        try:
            asm.rebuild(s.transfer_id, tmp / "out")
        except NotEnoughFragments as exc:
            assert exc.needed > 0
            return
    assert (tmp / "out").read_bytes() == f.read_bytes()
