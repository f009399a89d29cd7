"""Ingest: sealed reports into the archive — idempotent, atomic, quarantining what is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pyrage
import pytest

from roshan.archive import custody, keys, store
from roshan.archive.home import Home
from roshan.archive.ingest import ingest_paths
from roshan.archive.models import CustodyEvent, Evidence, Incident, Record, Source
from roshan.bundle import DeviceKey, seal
from tests.bundle.conftest import REPORT, jpeg_with_gps

pytestmark = [pytest.mark.archive, pytest.mark.django_db]


@pytest.fixture
def keyed(home: Home) -> Home:
    keys.ensure_keys(home)
    return home


def _recipient(home: Home) -> pyrage.x25519.Recipient:
    return keys.load_identities(home)[-1].to_public()


def _sealed(home: Home, folder: Path, name: str = "r.bin", report: dict | None = None) -> Path:  # type: ignore[type-arg]
    folder.mkdir(exist_ok=True)
    photo = jpeg_with_gps(folder / f"{name}.jpg")
    out = folder / name
    seal(report or REPORT, [photo], [_recipient(home)], DeviceKey.generate(), out)
    photo.unlink()
    return out


def test_ingest_creates_drafts_evidence_and_custody(keyed: Home, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    f = _sealed(keyed, usb)
    before = f.read_bytes()
    [o] = ingest_paths(keyed, [f], channel="usb", user="intake")
    assert o.status == "ingested" and o.attachments == 1
    assert f.read_bytes() == before and f.exists(), "files on the stick are left as they are"
    src = Source.objects.get()
    assert (src.source_list.name, src.source_list.kind, src.channel) == ("witness reports", "witness", "usb")
    assert len(src.device_fingerprint) == 39
    names = sorted(Evidence.objects.values_list("original_name", flat=True))
    assert names == ["manifest.json", "manifest.sig", "r.bin.jpg"]
    photo = Evidence.objects.get(original_name="r.bin.jpg")
    assert photo.capture_metadata["device"] == "SimCam Model-7"
    inc = Incident.objects.get()
    assert (inc.review_status, inc.province, str(inc.date)) == ("draft", "گیلان", "2026-01-08")
    rec = Record.objects.get()
    assert (rec.name_fa, rec.age, rec.status, rec.source_id) == ("نام آزمون", 23, "killed", src.pk)
    actions = list(CustodyEvent.objects.values_list("action", flat=True))
    assert actions == ["received", "ingested", "ingested", "ingested"]
    assert CustodyEvent.objects.get(action="received").detail["channel"] == "usb"
    assert custody.verify(keyed).ok
    assert list(keyed.inbox.iterdir()) == []


def test_same_report_twice_is_one_source(keyed: Home, tmp_path: Path) -> None:
    f = _sealed(keyed, tmp_path / "a")
    copy = tmp_path / "elsewhere.bin"
    copy.write_bytes(f.read_bytes())
    outcomes = ingest_paths(keyed, [f, copy, f])
    assert [o.status for o in outcomes] == ["ingested", "duplicate", "duplicate"]
    assert Source.objects.count() == 1 and Record.objects.count() == 1


@pytest.mark.parametrize("damage", ["flip", "truncate", "wrong-key", "garbage"])
def test_refused_reports_go_to_quarantine_with_reason(keyed: Home, tmp_path: Path, damage: str) -> None:
    f = _sealed(keyed, tmp_path / "a")
    data = bytearray(f.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 1
    elif damage == "truncate":
        data = data[:-100]
    elif damage == "wrong-key":
        other = Home(tmp_path / "other")
        other.make_dirs()
        keys.ensure_keys(other)
        data = bytearray(_sealed(other, tmp_path / "b").read_bytes())
    else:
        data = bytearray(b"age-encryption.org/v1\n-> nonsense")
    bad = tmp_path / "incoming.bin"
    bad.write_bytes(bytes(data))
    [o] = ingest_paths(keyed, [bad])
    assert o.status == "quarantined"
    files = sorted(p.name for p in keyed.quarantine.iterdir())
    assert len(files) == 2 and files[1].endswith(".reason.txt")
    assert (keyed.quarantine / files[1]).read_text().split(":")[0] in ("TamperedReport", "NotASealedReport")
    assert Source.objects.count() == Evidence.objects.count() == CustodyEvent.objects.count() == 0
    assert list(store.iter_stored(keyed)) == [] and list(keyed.inbox.iterdir()) == []
    assert bad.exists()


def test_folder_is_searched_by_content(keyed: Home, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    _sealed(keyed, folder, "IMG_0001.dat")
    (folder / "notes.txt").write_text("not a report")
    outcomes = {Path(o.path).name: o.status for o in ingest_paths(keyed, [folder])}
    assert outcomes == {"IMG_0001.dat": "ingested", "notes.txt": "skipped"}


def test_crash_midway_leaves_only_the_inbox_file(keyed: Home, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from roshan.archive import ingest

    f = _sealed(keyed, tmp_path / "a")

    def crash(*a: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(ingest, "_drafts", crash)
    with pytest.raises(OSError, match="power cut"):
        ingest_paths(keyed, [f])
    assert Source.objects.count() == Evidence.objects.count() == CustodyEvent.objects.count() == 0
    assert list(store.iter_stored(keyed)) == []
    assert [p.name for p in keyed.inbox.iterdir()] == [store.hash_file(f)]
    monkeypatch.undo()
    [o] = ingest_paths(keyed, [f])
    assert o.status == "ingested"


def test_rotated_keys_still_open_old_reports(keyed: Home, tmp_path: Path) -> None:
    old = _sealed(keyed, tmp_path / "a", "old.bin")
    keys.rotate(keyed)
    new = _sealed(keyed, tmp_path / "a", "new.bin", {"testimony": "SIMULATED after rotation"})
    assert (keyed.archive_pub.read_text().strip()) == str(_recipient(keyed))
    assert [o.status for o in ingest_paths(keyed, [old, new])] == ["ingested", "ingested"]
    assert len(keys.load_identities(keyed)) == 2
    assert os.stat(keyed.identity).st_mode & 0o777 == 0o600
