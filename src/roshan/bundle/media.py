"""Media type and capture metadata (time, GPS, device) of an attached file.

Capture metadata is evidence (where and when a photo was taken) and a danger (it can identify
the witness), so it goes into the manifest, inside the sealed file, and nowhere else.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

_MAGIC = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
    (b"%PDF", "application/pdf"),
]


def media_type(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(16)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp":
        return "video/mp4" if head[8:11] != b"qt " else "video/quicktime"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    guess, _ = mimetypes.guess_type(path.name)
    return guess or "application/octet-stream"


def _ratio(v: Any) -> float:
    return float(v[0]) / float(v[1]) if isinstance(v, tuple) else float(v)


def _gps(gps: dict[int, Any]) -> dict[str, float] | None:
    try:
        lat = sum(_ratio(x) / 60**i for i, x in enumerate(gps[2]))
        lon = sum(_ratio(x) / 60**i for i, x in enumerate(gps[4]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if gps.get(1) == "S":
        lat = -lat
    if gps.get(3) == "W":
        lon = -lon
    return {"lat": round(lat, 6), "lon": round(lon, 6)}


def capture_metadata(path: Path, kind: str) -> dict[str, Any]:
    """Time, GPS and device from an image's EXIF; empty for anything else or when absent."""
    if not kind.startswith("image/"):
        return {}
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            exif = im.getexif()
            out: dict[str, Any] = {"width": im.width, "height": im.height}
    except (UnidentifiedImageError, OSError):
        return {}
    sub = exif.get_ifd(0x8769)
    when = sub.get(0x9003) or exif.get(0x0132)
    if when:
        out["time"] = str(when)
    device = " ".join(str(exif[t]).strip() for t in (0x010F, 0x0110) if exif.get(t))
    if device:
        out["device"] = device
    gps = _gps(dict(exif.get_ifd(0x8825)))
    if gps:
        out["gps"] = gps
    return out
