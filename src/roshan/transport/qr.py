"""The QR channel: PNG frames (segno), one offline HTML page that loops them on a screen, and
reading them back from photos or a video of the screen (OpenCV).

Codes use byte mode and error correction level M; at the default 700 bytes a frame is a
version ~20 code, which a phone camera reads from a laptop screen. Reading uses zxing-cpp,
which also finds codes in photos of a screen (scaled, rotated, blurred, JPEG-compressed).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterator
from pathlib import Path

DEFAULT_QR_BYTES = 700


def frame_png(frame: bytes, scale: int = 4) -> bytes:
    import segno

    code = segno.make(frame, error="m", mode="byte", micro=False)
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def decode_image(path_or_image: Path | object) -> Iterator[bytes]:
    """Every QR payload in an image file (or PIL image)."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(path_or_image) if isinstance(path_or_image, Path) else path_or_image
    except (UnidentifiedImageError, OSError):
        return
    for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):  # type: ignore[arg-type]
        if result.valid:
            yield bytes(result.bytes)


def is_video(head: bytes) -> bool:
    """MP4/QuickTime (``ftyp``), AVI (``RIFF…AVI ``), Matroska/WebM: what a phone or a screen recorder writes."""
    return (
        head[4:8] == b"ftyp"
        or (head.startswith(b"RIFF") and head[8:12] == b"AVI ")
        or head.startswith(b"\x1a\x45\xdf\xa3")
    )


def decode_video(path: Path, every: int = 1) -> Iterator[bytes]:
    """Every distinct QR payload in a video of the screen (OpenCV reads it frame by frame).

    A code held on screen for several video frames is decoded once; frames in between that show
    two codes at once, or a blur, simply yield nothing.
    """
    import cv2
    import zxingcpp

    capture = cv2.VideoCapture(str(path))
    seen: set[bytes] = set()
    n = 0
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                return
            n += 1
            if (n - 1) % every:
                continue
            rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
            for result in zxingcpp.read_barcodes(rgb, formats=zxingcpp.BarcodeFormat.QRCode):  # type: ignore[arg-type]
                data = bytes(result.bytes)
                if result.valid and data not in seen:
                    seen.add(data)
                    yield data
    finally:
        capture.release()


PLAYER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>frames</title>
<style>body{{margin:0;background:#fff;font:16px sans-serif;text-align:center}}
#f{{image-rendering:pixelated;width:min(92vmin,900px);height:auto;margin-top:2vmin}}
.all img{{width:300px;margin:8px;image-rendering:pixelated}}</style></head>
<body>
<div id="player" hidden><img id="f" alt="frame"><p><span id="n"></span> / {count} ·
<button id="slower">slower</button> <button id="pause">pause</button> <button id="faster">faster</button></p></div>
<noscript><div class="all">{all}</div></noscript>
<script>
const frames = [{list}];
let i = 0, ms = 400, timer = null;
const img = document.getElementById("f"), n = document.getElementById("n");
function show() {{ img.src = frames[i]; n.textContent = i + 1; i = (i + 1) % frames.length; }}
function run() {{ clearInterval(timer); timer = setInterval(show, ms); }}
document.getElementById("player").hidden = false;
document.getElementById("slower").onclick = () => {{ ms = Math.min(ms * 1.5, 5000); run(); }};
document.getElementById("faster").onclick = () => {{ ms = Math.max(ms / 1.5, 80); run(); }};
document.getElementById("pause").onclick = () => {{ if (timer) {{ clearInterval(timer); timer = null; }} else run(); }};
show(); run();
</script></body></html>
"""


def player_html(pngs: list[bytes]) -> str:
    """One self-contained page (no request to anywhere) that loops the frames for filming."""
    uris = ["data:image/png;base64," + base64.b64encode(p).decode() for p in pngs]
    return PLAYER.format(
        count=len(uris),
        list=",".join(f'"{u}"' for u in uris),
        all="".join(f'<img alt="frame {k + 1}" src="{html.escape(u)}">' for k, u in enumerate(uris)),
    )
