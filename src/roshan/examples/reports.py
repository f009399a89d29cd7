"""SIMULATED witness reports with generated images, for the quickstart and the tests.

The images are drawn here (coloured fields with a caption) and carry made-up EXIF capture
metadata, so metadata stripping and capture records can be seen working. Nothing is real.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from roshan.examples.names import GIVEN_MALE, PLACES, SURNAMES

_WHAT = [
    "SIMULATED: security forces fired on a crowd of protesters",
    "SIMULATED: a protester was shot near the main square",
    "SIMULATED: arrests during a night protest; one person died in custody",
]


def simulated_image(path: Path, rng: random.Random, caption: str) -> Path:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (320, 200), tuple(rng.randint(40, 200) for _ in range(3)))
    draw = ImageDraw.Draw(im)
    draw.rectangle((20, 120, 300, 180), fill=(30, 30, 30))
    draw.text((30, 140), caption, fill=(240, 240, 240))
    exif = Image.Exif()
    exif[0x010F] = "SIMULATED"
    exif[0x0110] = "Camera"
    exif[0x0132] = "2026:01:08 21:30:00"
    exif[0x8825] = {
        1: "N",
        2: (35.0, float(rng.randint(0, 59)), 0.0),
        3: "E",
        4: (51.0, float(rng.randint(0, 59)), 0.0),
    }
    im.save(path, exif=exif.tobytes(), quality=85)
    return path


def simulated_reports(folder: Path, n: int = 3, seed: int = 1404) -> list[tuple[dict[str, Any], list[Path]]]:
    """``n`` reports, each with one generated photo, written under ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        place = rng.choice(PLACES)
        given, _ = rng.choice(GIVEN_MALE)
        surname, _ = rng.choice(SURNAMES)
        report: dict[str, Any] = {
            "what": _WHAT[i % len(_WHAT)],
            "when": f"1404/10/{18 + i:02d}",
            "place": place[2],
            "province": place[0],
            "people": [{"name_fa": f"{given} {surname}", "age": rng.randint(16, 45), "status": "killed"}],
            "testimony": "SIMULATED testimony for the Roshan quickstart — شهادت شبیه‌سازی‌شده برای نمونه",
        }
        photo = simulated_image(folder / f"photo-{i + 1}.jpg", rng, f"SIMULATED {i + 1}")
        out.append((report, [photo]))
    return out
