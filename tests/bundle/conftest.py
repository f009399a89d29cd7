from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pyrage
import pytest
from PIL import Image

from roshan.bundle import DeviceKey
from roshan.bundle.manifest import FORMAT, VERSION, canonical


@pytest.fixture(scope="session")
def archive_identity() -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.generate()


@pytest.fixture(scope="session")
def device_key() -> DeviceKey:
    return DeviceKey.generate()


def jpeg_with_gps(path: Path, colour: tuple[int, int, int] = (200, 30, 30)) -> Path:
    im = Image.new("RGB", (96, 64), colour)
    exif = Image.Exif()
    exif[0x010F] = "SimCam"
    exif[0x0110] = "Model-7"
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 30.0), 3: "E", 4: (51.0, 25.0, 0.0)}
    im.save(path, exif=exif.tobytes(), quality=90)
    return path


def png_with_text(path: Path) -> Path:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "witness name here")
    info.add_text("Location", "35.69,51.42")
    Image.new("RGB", (40, 30), (10, 120, 10)).save(path, pnginfo=info)
    return path


REPORT = {
    "what": "SIMULATED: shooting at a protest",
    "when": "1404/10/18",
    "place": "رشت",
    "province": "گیلان",
    "people": [{"name_fa": "نام آزمون", "name_latin": "Test Name", "age": 23, "status": "killed"}],
    "testimony": "SIMULATED testimony — شهادت شبیه‌سازی‌شده",
}


def manifest_for(key: DeviceKey, attachments: list[tuple[str, bytes]], **over: Any) -> dict[str, Any]:
    import hashlib

    m: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "report_id": "0" * 32,
        "sealed_at": "2026-01-09T00:00:00+00:00",
        "device": {"public_key": key.public_b64, "anonymous": False},
        "report": {"testimony": "SIMULATED"},
        "attachments": [
            {
                "name": n,
                "size": len(d),
                "media_type": "application/octet-stream",
                "sha256": hashlib.sha256(d).hexdigest(),
            }
            for n, d in attachments
        ],
    }
    m.update(over)
    return m


def raw_tar(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return buf.getvalue()


def reg(name: str) -> tarfile.TarInfo:
    return tarfile.TarInfo(name)


def sealed_bytes(
    key: DeviceKey,
    recipient: pyrage.x25519.Recipient,
    attachments: list[tuple[str, bytes]] | None = None,
    *,
    manifest: dict[str, Any] | None = None,
    body: bytes | None = None,
    sig: bytes | None = None,
    extra: list[tuple[tarfile.TarInfo, bytes | None]] | None = None,
) -> bytes:
    """A sealed report built by hand, so each rule can be broken on purpose."""
    attachments = attachments or []
    m = manifest or manifest_for(key, attachments)
    body = body if body is not None else canonical(m)  # type: ignore[arg-type]
    sig = sig if sig is not None else key.sign(body)
    members: list[tuple[tarfile.TarInfo, bytes | None]] = [
        (reg("manifest.json"), body),
        (reg("manifest.sig"), sig),
    ]
    members += [(reg(n), d) for n, d in attachments]
    members += extra or []
    return bytes(pyrage.encrypt(raw_tar(members), [recipient]))


def write(tmp: Path, data: bytes, name: str = "r.bin") -> Path:
    p = tmp / name
    p.write_bytes(data)
    return p


__all__ = [
    "REPORT",
    "jpeg_with_gps",
    "json",
    "manifest_for",
    "png_with_text",
    "raw_tar",
    "reg",
    "sealed_bytes",
    "write",
]
