"""The evidence store: content-addressed, atomic, idempotent, and it refuses to be escaped."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roshan.archive import store
from roshan.archive.home import Home
from roshan.errors import AlteredEvidence, PathOutsideStore, StoreError


def test_add_is_content_addressed_and_idempotent(home: Home, tmp_path: Path) -> None:
    f = tmp_path / "photo.jpg"
    f.write_bytes(b"\xff\xd8 not really a jpeg")
    first = store.add_file(home, f)
    second = store.add_file(home, f)
    sha = hashlib.sha256(f.read_bytes()).hexdigest()
    assert (first.sha256, first.created, second.created) == (sha, True, False)
    stored = home.evidence / sha[:2] / sha[2:4] / sha
    assert stored.read_bytes() == f.read_bytes()
    assert not stat.S_IMODE(stored.stat().st_mode) & 0o222, "stored evidence must be read-only"
    assert list(home.tmp.iterdir()) == [], "no temp file left behind"
    assert list(store.iter_stored(home)) == [sha]


def test_failed_stream_leaves_nothing(home: Home) -> None:
    class Broken(io.RawIOBase):
        def __init__(self) -> None:
            self.calls = 0

        def read(self, n: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 2:
                raise OSError("USB stick pulled out")
            return b"x" * 1024

    with pytest.raises(StoreError, match="USB stick"):
        store.add_stream(home, Broken())  # type: ignore[arg-type]
    assert list(home.tmp.iterdir()) == []
    assert list(store.iter_stored(home)) == []


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ab" * 31 + "/x", "A" * 64, "0" * 63, ""])
def test_path_for_refuses_anything_but_a_hash(home: Home, bad: str) -> None:
    with pytest.raises(PathOutsideStore):
        store.path_for(home, bad)


def test_check_detects_altered_and_missing(home: Home, tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("testimony")
    s = store.add_file(home, f)
    store.check(home, s.sha256)
    p = store.path_for(home, s.sha256)
    os.chmod(p, 0o644)
    p.write_text("testimonY")
    with pytest.raises(AlteredEvidence, match="altered"):
        store.check(home, s.sha256)
    p.unlink()
    with pytest.raises(AlteredEvidence, match="missing"):
        store.check(home, s.sha256)


def test_missing_file_is_one_clear_error(home: Home, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such file"):
        store.add_file(home, tmp_path / "nope")


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=3 * 1024 * 1024 // 2))
def test_any_content_round_trips(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    h = Home(tmp_path_factory.mktemp("h"))
    h.make_dirs()
    s = store.add_stream(h, io.BytesIO(data))
    assert s.size == len(data)
    assert store.path_for(h, s.sha256).read_bytes() == data
