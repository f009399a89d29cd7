"""Benchmark: the witness kit seals and splits a 50 MB video in Chromium, at normal speed and with
the CPU throttled 4x (a mid-range phone, CDP Emulation.setCPUThrottlingRate), beside `roshan seal
--strip-metadata` + split into the same relay fragments in Python (the named baseline, same run).

Reports seconds, the peak resident memory of Chromium's processes (all of them, sampled every 50 ms,
minus what they held before), the peak JavaScript heap, and the kit's size in KB.

    uv run python benchmarks/bench_witness_kit.py [--mb 50] [--rounds 1] [--rates 1,4]
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def descendants_rss_mb() -> float:
    """Resident memory of every process below this one (Playwright's driver and Chromium)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        pid, ppid = int(entry), int(fields["PPid"])
        children.setdefault(ppid, []).append(pid)
        if "chrom" in fields["Name"]:
            rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total / 1024


class Sampler:
    def __init__(self) -> None:
        self.peak = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, descendants_rss_mb())
            time.sleep(0.05)

    def __enter__(self) -> Sampler:
        self.base = descendants_rss_mb()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def video(path: Path, mb: int) -> None:
    """An MP4 with incompressible media data (like real video) and a location box to strip."""

    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    with open(path, "wb") as f:
        f.write(box(b"ftyp", b"isom\0\0\2\0isomiso2mp41"))
        size = mb << 20
        f.write(struct.pack(">I", 8 + size) + b"mdat")
        for _ in range(mb):
            f.write(os.urandom(1 << 20))
        f.write(
            box(
                b"moov",
                box(b"mvhd", bytes(100)) + box(b"udta", box(b"\xa9xyz", b"\0\x12\x15\xc7+35.6900+051.4200/")),
            )
        )


def python_baseline(home: Path, src: Path, tmp: Path, env: dict[str, str]) -> float:
    roshan = [sys.executable, "-m", "roshan.cli.main"]
    sealed = tmp / "py.bin"
    t = time.perf_counter()
    subprocess.run(
        [*roshan, "seal", "--text", "SIMULATED", "--attach", str(src), "--to", str(home / "archive.pub"),
         "--anonymous", "--strip-metadata", "-o", str(sealed)],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    from roshan.relay.client import RELAY_FRAGMENT
    from roshan.transport.split import split_file, symbol_size_for

    n = sum(1 for _ in split_file(sealed, symbol_size_for(RELAY_FRAGMENT)))
    took = time.perf_counter() - t
    print(f"  python: {n} relay fragments")
    sealed.unlink()
    return took


def kit_round(browser, kit: Path, src: Path, throttle: float) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(kit.as_uri())
    page.wait_for_selector("[data-action=seal]")
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.fill("textarea[name=testimony]", "SIMULATED benchmark testimony")
    page.set_input_files("input[type=file][name=attachments]", str(src))
    heap = [0.0]
    done = threading.Event()

    with Sampler() as mem:
        t = time.perf_counter()
        page.click("[data-action=seal]")
        while not page.locator("#out").is_visible():
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            heap[0] = max(heap[0], metrics.get("JSHeapUsedSize", 0) / (1 << 20))
            time.sleep(0.2)
        sealed = time.perf_counter() - t
        count = page.evaluate(
            "async () => (await window.roshanKit.frames(window.roshanKit.sealed(), 60000)).length"
        )
        total = time.perf_counter() - t
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        heap[0] = max(heap[0], metrics.get("JSHeapUsedSize", 0) / (1 << 20))
    done.set()
    print(f"  kit x{throttle:g}: {count} relay fragments")
    context.close()
    return sealed, total, mem.peak - mem.base, heap[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--rates", default="1,4", help="CPU throttling rates to run, e.g. 1 or 1,4")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        home = tmp / "home"
        env = {**os.environ, "ROSHAN_HOME": str(home)}
        roshan = [sys.executable, "-m", "roshan.cli.main"]
        subprocess.run([*roshan, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        kit = tmp / "kit.html"
        subprocess.run(
            [*roshan, "witness-kit", "-o", str(kit)], env=env, check=True, stdout=subprocess.DEVNULL
        )
        src = tmp / "video.mp4"
        video(src, args.mb)
        print(f"kit size: {kit.stat().st_size / 1024:.0f} KB; video {args.mb} MB")
        base = min(python_baseline(home, src, tmp, env) for _ in range(args.rounds))
        print(f"baseline roshan seal --strip-metadata + split (Python): {base:.2f} s")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            for rate in (float(x) for x in args.rates.split(",")):
                runs = [kit_round(browser, kit, src, rate) for _ in range(args.rounds)]
                sealed, total, rss, heap = min(runs)
                print(
                    f"kit, CPU x{rate:g}: seal {sealed:.2f} s, seal+split {total:.2f} s "
                    f"({total / base:.1f}x the Python baseline); peak Chromium RSS +{rss:.0f} MB, "
                    f"peak JS heap {heap:.0f} MB"
                )
            browser.close()


if __name__ == "__main__":
    main()
