"""Face blurring on real photos that ship in a package (scikit-image's astronaut)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from roshan.publish.media import safe_photo


def _jpeg(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def test_consented_subject_stays_sharp_and_a_bystander_is_blurred() -> None:
    from skimage import data

    astronaut = data.astronaut()  # 512x512, face around x 170-290, y 40-170
    canvas = np.full((512, 1024, 3), 255, dtype=np.uint8)
    canvas[:, :512] = astronaut
    small = np.array(Image.fromarray(astronaut).resize((256, 256)))
    canvas[128:384, 640:896] = small  # the same face, smaller: a bystander
    out, report = safe_photo(_jpeg(canvas))
    assert report["kept"] == 1 and report["blurred"] >= 1
    result = np.asarray(Image.open(io.BytesIO(out)).convert("L"), dtype=float)
    scale = result.shape[1] / 1024
    subject = result[int(60 * scale) : int(160 * scale), int(180 * scale) : int(280 * scale)]
    bystander = result[int(150 * scale) : int(215 * scale), int(725 * scale) : int(775 * scale)]
    sharp = np.abs(np.diff(subject, axis=1)).mean()
    blurred = np.abs(np.diff(bystander, axis=1)).mean()
    assert sharp > 2 * blurred, (sharp, blurred)


def test_without_consent_every_face_is_blurred() -> None:
    from skimage import data

    _, report = safe_photo(_jpeg(data.astronaut()), subject_consented=False)
    assert report["faces"] >= 1 and report["blurred"] == report["faces"]
