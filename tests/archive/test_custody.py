"""The custody chain: every entry carries the previous hash; verify finds the first break."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from roshan.archive import custody, store
from roshan.archive.home import Home
from roshan.archive.models import CustodyEvent, Evidence

pytestmark = [pytest.mark.archive, pytest.mark.django_db]


def _chain(n: int) -> list[CustodyEvent]:
    return [
        custody.append("reviewed", subject=f"person:{i}", user="analyst", detail={"n": i}) for i in range(n)
    ]


def test_entries_link_to_their_predecessor(home: Home) -> None:
    events = _chain(4)
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == custody.GENESIS
    for a, b in itertools.pairwise(events):
        assert b.prev_hash == a.entry_hash
    v = custody.verify(home)
    assert (v.ok, v.entries) == (True, 4)


def test_hash_covers_every_field(home: Home) -> None:
    e = _chain(1)[0]
    fields = {
        "seq": e.seq,
        "at": e.at,
        "action": e.action,
        "evidence_sha256": e.evidence_sha256,
        "subject": e.subject,
        "user": e.user,
        "detail": e.detail,
        "prev_hash": e.prev_hash,
    }
    assert custody.entry_hash(**fields) == e.entry_hash
    for key, other in [
        ("action", "published"),
        ("subject", "person:99"),
        ("user", "x"),
        ("detail", {"n": 1}),
    ]:
        assert custody.entry_hash(**{**fields, key: other}) != e.entry_hash


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda: CustodyEvent.objects.filter(seq=2).update(subject="person:forged"), "entry #2 was altered"),
        (lambda: CustodyEvent.objects.filter(seq=3).delete(), "entry #3 is missing"),
        (lambda: CustodyEvent.objects.filter(seq=4).update(prev_hash="f" * 64), "entry #4 does not carry"),
    ],
)
def test_verify_names_the_first_break(home: Home, tamper, message: str) -> None:  # type: ignore[no-untyped-def]
    _chain(5)
    tamper()
    v = custody.verify(home)
    assert not v.ok
    assert message in v.problem


def test_unknown_action_refused(home: Home) -> None:
    with pytest.raises(ValueError, match="unknown custody action"):
        custody.append("shredded")


def test_add_evidence_records_receipt_once(home: Home, tmp_path: Path) -> None:
    f = tmp_path / "video.mp4"
    f.write_bytes(os.urandom(4096))
    ev, created = custody.add_evidence(home, f, channel="usb", original_name="video.mp4")
    again, created2 = custody.add_evidence(home, f, channel="usb")
    assert (created, created2, again.pk) == (True, False, ev.pk)
    entries = list(CustodyEvent.objects.filter(evidence_sha256=ev.sha256))
    assert [(e.action, e.detail["channel"]) for e in entries] == [("received", "usb")]
    assert custody.verify(home).ok


def test_verify_finds_an_altered_file(home: Home, tmp_path: Path) -> None:
    f = tmp_path / "photo.png"
    f.write_bytes(b"original pixels")
    ev, _ = custody.add_evidence(home, f)
    p = store.path_for(home, ev.sha256)
    os.chmod(p, 0o644)
    p.write_bytes(b"doctored pixels")
    v = custody.verify(home)
    assert not v.ok and "altered" in v.problem
    assert Evidence.objects.count() == 1
