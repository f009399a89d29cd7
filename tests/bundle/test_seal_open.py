"""Sealing and opening: the round trip, metadata stripping, keys, and the standard tools."""

from __future__ import annotations

import hashlib
import os
import subprocess
import tarfile
from pathlib import Path

import pyrage
import pytest
from PIL import Image

from roshan.bundle import DeviceKey, open_report, seal
from roshan.bundle.errors import DeviceKeyError, InvalidReport
from roshan.bundle.sealer import default_name
from tests.bundle.conftest import REPORT, jpeg_with_gps, png_with_text
from tests.helpers import need_tool


def test_round_trip(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\0\0\0\x18ftypmp42" + bytes(range(256)) * 400)
    photo = jpeg_with_gps(tmp_path / "photo.jpg")
    out = tmp_path / "x.bin"
    manifest, warnings = seal(REPORT, [photo, video], [archive_identity.to_public()], device_key, out)
    assert warnings == []
    assert out.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert "نام آزمون".encode() not in out.read_bytes() and b"SimCam" not in out.read_bytes()
    opened = open_report(out, [archive_identity], tmp_path / "staging")
    m = opened.manifest
    assert m["report"] == REPORT and m["report_id"] == manifest["report_id"]
    assert [a["name"] for a in m["attachments"]] == ["photo.jpg", "clip.mp4"]
    assert [a["media_type"] for a in m["attachments"]] == ["image/jpeg", "video/mp4"]
    assert opened.files["photo.jpg"].read_bytes() == photo.read_bytes(), (
        "without --strip-metadata, the original"
    )
    assert opened.files["clip.mp4"].read_bytes() == video.read_bytes()
    capture = m["attachments"][0]["capture"]
    assert capture["device"] == "SimCam Model-7"
    assert capture["gps"] == {"lat": pytest.approx(35.691667), "lon": pytest.approx(51.416667)}
    assert opened.device_fingerprint == device_key.fingerprint
    opened.cleanup()
    assert not (tmp_path / "staging").exists()


def test_strip_metadata_keeps_pixels_and_records_original(
    tmp_path: Path, archive_identity, device_key
) -> None:  # type: ignore[no-untyped-def]
    photo = jpeg_with_gps(tmp_path / "photo.jpg")
    png = png_with_text(tmp_path / "shot.png")
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF-1.4 simulated")
    out = tmp_path / "x.bin"
    _, warnings = seal(
        REPORT, [photo, png, other], [archive_identity.to_public()], device_key, out, strip_metadata=True
    )
    assert warnings == [
        "notes.pdf: metadata of application/pdf files is not removed (only JPEG, PNG and MP4 are)"
    ]
    opened = open_report(out, [archive_identity], tmp_path / "s")
    jpg = opened.files["photo.jpg"]
    with Image.open(jpg) as im, Image.open(photo) as orig:
        assert len(im.getexif()) == 0 and "exif" not in im.info
        assert im.tobytes() == orig.tobytes(), "stripping must not re-encode the image"
    with Image.open(opened.files["shot.png"]) as im:
        assert "Author" not in im.info and "Location" not in im.info
        assert im.tobytes() == Image.open(png).tobytes()
    entries = {a["name"]: a for a in opened.manifest["attachments"]}
    assert entries["photo.jpg"]["stripped"] is True
    assert entries["photo.jpg"]["original_sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert entries["photo.jpg"]["capture"]["gps"]["lat"] > 35, "capture metadata stays inside the sealed file"
    assert "stripped" not in entries["notes.pdf"]


def test_standard_tools_read_it(tmp_path: Path, device_key) -> None:  # type: ignore[no-untyped-def]
    age = need_tool("age")
    ident = tmp_path / "key.txt"
    subprocess.run(["age-keygen", "-o", str(ident)], check=True, capture_output=True)
    recipient = pyrage.x25519.Identity.from_str(
        next(line for line in ident.read_text().splitlines() if line.startswith("AGE-SECRET"))
    ).to_public()
    photo = jpeg_with_gps(tmp_path / "photo.jpg")
    out = tmp_path / "report.bin"
    seal(REPORT, [photo], [recipient], device_key, out)
    dest = tmp_path / "x"
    dest.mkdir()
    dec = subprocess.run([age, "-d", "-i", str(ident), str(out)], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=dec, check=True)
    names = subprocess.run(["tar", "-t"], input=dec, check=True, capture_output=True).stdout.decode().split()
    assert names == ["manifest.json", "manifest.sig", "photo.jpg"]
    assert (dest / "photo.jpg").read_bytes() == photo.read_bytes()
    import json

    assert json.loads((dest / "manifest.json").read_text())["report"]["place"] == "رشت"


def test_default_name_reveals_nothing() -> None:
    names = {default_name() for _ in range(50)}
    assert len(names) == 50
    assert all("roshan" not in n.lower() and "report" not in n.lower() for n in names)


def test_device_key_is_encrypted_and_never_overwritten(tmp_path: Path) -> None:
    key = DeviceKey.generate()
    path = tmp_path / "device.key"
    key.save(path, "a passphrase")
    assert path.read_bytes().startswith(b"age-encryption.org/v1")
    assert DeviceKey.load(path, "a passphrase").fingerprint == key.fingerprint
    with pytest.raises(DeviceKeyError, match="wrong passphrase"):
        DeviceKey.load(path, "another")
    with pytest.raises(DeviceKeyError, match="refusing to overwrite"):
        DeviceKey.generate().save(path, "x")
    assert DeviceKey.one_time().fingerprint != DeviceKey.one_time().fingerprint


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ([], "JSON object"),
        ({}, "empty"),
        ({"what": 3}, "'what' must be text"),
        ({"whom": "x", "what": "y"}, "unknown field"),
        ({"what": "x", "when": "1404/13/01"}, "month 13"),
        ({"people": [{"name_fa": "x", "age": 300}]}, r"people\[1\].age"),
        ({"people": [{"name_fa": "x", "status": "gone"}]}, r"people\[1\].status"),
        ({"people": "x"}, "must be a list"),
    ],
)
def test_report_schema_messages(tmp_path: Path, archive_identity, device_key, report, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidReport, match=message):
        seal(report, [], [archive_identity.to_public()], device_key, tmp_path / "x.bin")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "new", [b"b" * 5000, b"a" * 4000, b"a" * 6000], ids=["same size", "shorter", "longer"]
)
def test_file_changed_while_sealing_leaves_nothing(
    tmp_path: Path, archive_identity, device_key, monkeypatch, new: bytes
) -> None:  # type: ignore[no-untyped-def]
    """Laid out at one size, read once: any change after the layout (content, size) is refused."""
    from roshan.bundle import sealer

    f = tmp_path / "a.bin"
    f.write_bytes(b"a" * 5000)
    real = sealer.build_manifest

    def then_change(*args, **kw):  # type: ignore[no-untyped-def]
        result = real(*args, **kw)
        with open(f, "r+b") as g:  # in place: same inode, a new change time
            g.write(new)
            g.truncate(len(new))
        st = f.stat()  # file times are coarse (jiffies): move mtime on as a real edit a moment later would
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        return result

    monkeypatch.setattr(sealer, "build_manifest", then_change)
    from roshan.bundle.errors import BundleError

    with pytest.raises(BundleError, match="changed while it was being sealed"):
        seal({"testimony": "x"}, [f], [archive_identity.to_public()], device_key, tmp_path / "out.bin")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]


def test_tar_member_order_is_fixed(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.bin"
    seal({"testimony": "x"}, [], [archive_identity.to_public()], device_key, out)
    plain = pyrage.decrypt(out.read_bytes(), [archive_identity])
    import io

    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        assert tar.getnames() == ["manifest.json", "manifest.sig"]
    assert len(plain) % 10240 == 0


def test_report_too_large_for_the_manifest_is_refused_when_sealing(
    tmp_path: Path, archive_identity, device_key
) -> None:  # type: ignore[no-untyped-def]
    """The archive refuses manifests over 1 MiB; the witness hears it before sending, not after."""
    from roshan.bundle.manifest import MAX_MANIFEST_BYTES

    with pytest.raises(InvalidReport, match="attach long texts as files"):
        seal(
            {"testimony": "ش" * MAX_MANIFEST_BYTES},
            [],
            [archive_identity.to_public()],
            device_key,
            tmp_path / "x.bin",
        )
    assert list(tmp_path.iterdir()) == []
    out = tmp_path / "ok.bin"
    seal({"testimony": "ش" * (MAX_MANIFEST_BYTES // 4)}, [], [archive_identity.to_public()], device_key, out)
    assert open_report(out, [archive_identity], tmp_path / "staging").manifest["report"]["testimony"]
