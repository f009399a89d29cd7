"""Safe media: only derivatives are published.

A photo is re-encoded from its pixels (so EXIF, XMP, ICC, GPS and maker notes cannot survive),
resized to at most 800 px, and every detected face is blurred except the consented subject's.
Detection uses the Haar cascades that OpenCV 4.x wheels ship (frontal, alt2, profile, and the
profile cascade on the mirrored image), tuned to find too much rather than too little; the
consented subject is the face most cascades agree on. Haar cascades miss small, turned and
covered faces more than a modern detector would: when in doubt, blur more.
"""

from __future__ import annotations

import io

import numpy as np

MAX_SIDE = 800


def _detect(gray: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """Face boxes (x, y, w, h, votes) from several cascades, merged where they overlap."""
    import cv2

    boxes: list[tuple[int, int, int, int]] = []
    for name in (
        "haarcascade_frontalface_default.xml",
        "haarcascade_frontalface_alt2.xml",
        "haarcascade_profileface.xml",
    ):
        cascade = cv2.CascadeClassifier(cv2.data.haarcascades + name)
        found = cascade.detectMultiScale(gray, scaleFactor=1.05, minNeighbors=3, minSize=(20, 20))
        boxes += [tuple(int(v) for v in b) for b in found]  # type: ignore[misc]
        if "profile" in name:
            flipped = cascade.detectMultiScale(
                gray[:, ::-1].copy(), scaleFactor=1.05, minNeighbors=3, minSize=(20, 20)
            )
            boxes += [(gray.shape[1] - int(x) - int(w), int(y), int(w), int(h)) for x, y, w, h in flipped]
    merged: list[list[int]] = []
    for x, y, w, h in boxes:
        for m in merged:
            ix = max(0, min(x + w, m[0] + m[2]) - max(x, m[0]))
            iy = max(0, min(y + h, m[1] + m[3]) - max(y, m[1]))
            if ix * iy > 0.3 * min(w * h, m[2] * m[3]):
                m[0], m[1] = min(x, m[0]), min(y, m[1])
                m[2], m[3] = max(x + w, m[0] + m[2]) - m[0], max(y + h, m[1] + m[3]) - m[1]
                m[4] += 1
                break
        else:
            merged.append([x, y, w, h, 1])
    return [(a, b, c, d, e) for a, b, c, d, e in merged]


def safe_photo(data: bytes, *, subject_consented: bool = True) -> tuple[bytes, dict[str, int]]:
    """A publishable JPEG: pixels only, resized, bystanders' faces blurred. Returns (bytes, report)."""
    import cv2
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as im:
        im = ImageOps.exif_transpose(im).convert("RGB")
        im.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        pixels = np.array(im)
    gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    faces = _detect(gray)
    keep = max(faces, key=lambda f: (f[4], f[2] * f[3])) if faces and subject_consented else None
    blurred = 0
    for f in faces:
        if f is keep:
            continue
        x, y, w, h, _ = f
        pad = int(0.25 * max(w, h))
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(pixels.shape[1], x + w + pad), min(pixels.shape[0], y + h + pad)
        region = pixels[y0:y1, x0:x1]
        k = max(31, (max(w, h) // 2) * 2 + 1)
        pixels[y0:y1, x0:x1] = cv2.GaussianBlur(region, (k, k), 0)
        blurred += 1
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue(), {"faces": len(faces), "blurred": blurred, "kept": int(keep is not None)}
