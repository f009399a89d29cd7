"""The witness kit as a witness uses it: Chromium at a phone's size, from file://, nothing reachable.

Seal Persian testimony with a JPEG carrying GPS EXIF, save the report and the text pieces, then the
archive's own commands take them: `roshan ingest` (signature, hashes), the stripped bytes equal what
`roshan seal --strip-metadata` makes of the same JPEG, a quarter of the text lines deleted still
joins, screenshots of the QR frames join, and so does a video file of those frames.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from roshan.bundle import strip
from tests.helpers import need_tool, run_roshan
from tests.witness.conftest import VECTORS, Kit, phone

pytestmark = [pytest.mark.archive, pytest.mark.browser]

JPEG = VECTORS / "gps-orientation.jpg"
TESTIMONY = "گزارش آزمایشی (SIMULATED): ساعت نه شب در خیابان آزادی صدای تیراندازی آمد."


def open_kit(b: Any, kit: Kit) -> Any:
    page = b.context.new_page()
    page.goto(kit.path.as_uri())
    page.wait_for_selector("[data-action=seal]")
    return page


def seal(page: Any, files: list[Path], testimony: str = TESTIMONY, passphrase: str = "") -> str:
    page.fill("textarea[name=testimony]", testimony)
    page.fill("input[name=when]", "۱۴۰۴/۱۰/۱۸")
    page.set_input_files("input[type=file][name=attachments]", [str(f) for f in files])
    if passphrase:
        page.fill("input[name=passphrase]", passphrase)
    page.click("[data-action=seal]")
    page.wait_for_selector("#out:not([hidden])", timeout=120_000)
    return str(page.locator("#seal-status").text_content())


def download(page: Any, action: str, dest: Path) -> Path:
    with page.expect_download() as d:
        page.click(f"[data-action={action}]")
    target = dest / d.value.suggested_filename
    d.value.save_as(target)
    return target


def opened(kit: Kit, report: Path, out: Path) -> dict[str, Any]:
    run_roshan("open", str(report), "--out", str(out), env=kit.home.env)
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_seal_in_persian_then_ingest_join_and_qr(browser: Any, kit: Kit, tmp_path: Path) -> None:
    b = phone(browser)
    page = open_kit(b, kit)
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("fa", "rtl")
    assert "kit-check" in (page.locator("#kit-check.ok").get_attribute("id") or "")
    status = seal(page, [JPEG])
    assert ".bin" in status
    page.screenshot(path=str(tmp_path / "sealed-fa.png"), full_page=True)

    report = download(page, "save-report", tmp_path)
    assert len(report.stem) == 8 and report.suffix == ".bin", "a random name that says nothing"
    assert report.read_bytes().startswith(b"age-encryption.org/v1\n")

    # the archive's view: signature and hashes (ingest), EXIF gone, the same bytes roshan seal strips to
    m = opened(kit, report, tmp_path / "opened")
    assert m["report"] == {"testimony": TESTIMONY, "when": "۱۴۰۴/۱۰/۱۸"}
    assert m["device"]["anonymous"] is True
    (att,) = m["attachments"]
    with open(JPEG, "rb") as f:
        expected = b"".join(strip.stripped("image/jpeg", f))
    data = (tmp_path / "opened" / att["name"]).read_bytes()
    assert data == expected, "the page strips byte for byte as roshan seal --strip-metadata does"
    assert att["sha256"] == hashlib.sha256(data).hexdigest() and att["stripped"] is True
    assert att["original_sha256"] == hashlib.sha256(JPEG.read_bytes()).hexdigest()
    assert "gps" not in att.get("capture", {}), "the place is kept only when the witness ticks it"
    assert strip.orientation(data[data.index(b"Exif\0\0") + 6 :]) == 6, "orientation kept"
    assert b"SIMULATED" not in data, "EXIF device and comment are gone"
    # the standard tools open it too
    age = need_tool("age")
    untar = tmp_path / "untar"
    untar.mkdir()
    plain = subprocess.run(
        [age, "-d", "-i", str(kit.home.root / "keys" / "identity.txt"), str(report)],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(untar)], input=plain, check=True)
    assert sorted(p.name for p in untar.iterdir()) == sorted(["manifest.json", "manifest.sig", att["name"]])
    assert (untar / att["name"]).read_bytes() == data
    ingest = json.loads(run_roshan("ingest", str(report), "--json", env=kit.home.env).stdout)
    assert [o["status"] for o in ingest] == ["ingested"]

    # text pieces: sized for SMS so a small report makes many; a quarter deleted still joins
    page.select_option("select[name=fragment-size]", "1000")
    text = download(page, "save-text", tmp_path).read_text()
    lines = text.splitlines()
    assert len(lines) >= 8 and all(line.startswith("rq1:") and len(line) <= 1000 for line in lines)
    page.click("[data-action=copy-next]")
    assert page.locator("[data-current-line]").input_value() == lines[0]
    page.click("[data-action=copy-next]")
    assert page.locator("[data-current-line]").input_value() == lines[1]
    k = -(-report.stat().st_size // ((1000 - 5) * 3 // 4 - 42 - 1))  # source lines, at most
    kept = random.Random(7).sample(lines, len(lines) - len(lines) // 4)
    assert sum(1 for line in lines[:k] if line not in kept) > 0, (
        "some source pieces are lost: repair pieces count"
    )
    paste = tmp_path / "paste.txt"
    paste.write_text("\n\n".join(kept))
    joined = tmp_path / "joined.bin"
    run_roshan("join", str(paste), "-o", str(joined), env=kit.home.env)
    assert joined.read_bytes() == report.read_bytes()

    # QR frames on screen, photographed (screenshots), read by roshan join
    page.click("[data-action=show-qr]")
    page.click("[data-action=qr-pause]")
    frame = page.locator("canvas[data-qr-frame]")
    count = int(page.locator("#qr-count").text_content().split("/")[1])
    shots = tmp_path / "shots"
    shots.mkdir()
    for i in range(count):
        frame.screenshot(path=str(shots / f"{i:03d}.png"))
        page.click("[data-action=qr-next]")
    run_roshan("join", str(shots), "-o", str(tmp_path / "qr.bin"), env=kit.home.env)
    assert (tmp_path / "qr.bin").read_bytes() == report.read_bytes()

    # ... and from a video of the screen (each frame held a few video frames, as a camera would)
    import cv2
    import numpy as np
    from PIL import Image

    video = tmp_path / "screen.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10, (720, 720))
    for png in sorted(shots.iterdir()):
        img = np.array(Image.open(png).convert("RGB").resize((720, 720)))[:, :, ::-1]
        for _ in range(3):
            writer.write(img)
    writer.release()
    run_roshan("join", str(video), "-o", str(tmp_path / "video.bin"), env=kit.home.env)
    assert (tmp_path / "video.bin").read_bytes() == report.read_bytes()

    assert b.outside() == [], f"the kit tried to reach {b.outside()}"
    b.context.close()


def test_english_device_key_and_no_webcrypto(browser: Any, kit: Kit, tmp_path: Path) -> None:
    """English, a device key kept under a passphrase, and a page where crypto.subtle is missing."""
    b = phone(browser, init_script="delete Crypto.prototype.subtle; delete window.crypto.subtle;")
    page = open_kit(b, kit)
    assert page.evaluate("() => typeof crypto.subtle") == "undefined"
    page.click("[data-action=lang]")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("en", "ltr")
    assert page.locator("[data-action=seal]").text_content() == "Seal"
    png = VECTORS / "text-orientation.png"
    seal(page, [png], testimony="SIMULATED testimony in English", passphrase="correct horse battery")
    assert "Fingerprint" in str(page.locator("#wipe-status").text_content())
    first = download(page, "save-report", tmp_path)
    m = opened(kit, first, tmp_path / "o1")
    assert m["device"]["anonymous"] is False
    assert (tmp_path / "o1" / "text-orientation.png").read_bytes() == b"".join(
        strip.stripped("image/png", io.BytesIO(png.read_bytes()))
    )
    # the same device key signs the next report; a wrong passphrase does not open it
    page.fill("input[name=passphrase]", "wrong")
    page.click("[data-action=seal]")
    page.locator("#seal-status", has_text="Wrong passphrase").wait_for()
    page.fill("input[name=passphrase]", "correct horse battery")
    page.click("[data-action=seal]")
    page.locator("#seal-status", has_text="Report sealed").wait_for()
    second = download(page, "save-report", tmp_path)
    assert second.name != first.name
    m2 = opened(kit, second, tmp_path / "o2")
    assert m2["device"]["public_key"] == m["device"]["public_key"]
    stored = page.evaluate("() => Object.values(localStorage).join('')")
    assert "roshan-device-key" not in stored and len(stored) > 100, "kept only encrypted"
    page.click("[data-action=wipe]")
    assert page.evaluate("() => localStorage.length") == 0
    assert page.locator("#out").is_hidden()
    assert b.outside() == []
    b.context.close()


def test_damaged_kit_refuses_and_over_cap_is_refused(browser: Any, kit: Kit, tmp_path: Path) -> None:
    html = kit.path.read_text(encoding="utf-8")
    damaged = tmp_path / "damaged.html"
    damaged.write_text(html.replace("box-sizing:border-box", "box-sizing:content-box", 1), encoding="utf-8")
    assert run_roshan("witness-kit", "verify", str(damaged), env=kit.home.env, check=False).returncode == 1
    b = phone(browser)
    page = b.context.new_page()
    page.goto(damaged.as_uri())
    page.wait_for_selector("#kit-check.bad")
    page.fill("textarea[name=testimony]", "SIMULATED")
    page.click("[data-action=seal]")
    assert "damaged" in str(page.locator("#seal-status").text_content()) or "آسیب" in str(
        page.locator("#seal-status").text_content()
    )
    assert page.locator("#out").is_hidden()

    page = open_kit(b, kit)
    page.click("[data-action=lang]")
    big = tmp_path / "big.mp4"
    with open(big, "wb") as f:
        f.truncate(257 << 20)  # sparse: over the 256 MB cap
    page.fill("textarea[name=testimony]", "SIMULATED testimony")
    page.set_input_files("input[type=file][name=attachments]", [str(big)])
    assert "over 256 MB" in str(page.locator("#seal-status").text_content())
    page.click("[data-action=seal]")
    assert "over 256 MB" in str(page.locator("#seal-status").text_content())
    assert page.locator("#out").is_hidden()
    assert page.locator("textarea[name=testimony]").input_value() == "SIMULATED testimony", "nothing lost"
    assert b.outside() == []
    b.context.close()
