"""Benchmark: ingest one sealed report with a large attachment into a fresh archive home.

Wall time and peak memory of `roshan ingest` (a child process, start-up included), beside `cp` of
the same sealed file into the home: the floor for "read it once, write it once". Ingest reads the
report once into the inbox, decrypts and verifies it into staging, and moves the staged files
into the evidence store.

    uv run python benchmarks/bench_ingest.py [--mb 1024] [--dir /dev/shm] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    os.sync()
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return time.perf_counter() - t, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("--dir", default=os.environ.get("BENCH_TMP", tempfile.gettempdir()))
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    roshan = [sys.executable, "-m", "roshan.cli.main"]
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ROSHAN_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        t = Path(tmp)
        video = t / "video.mp4"
        with open(video, "wb") as f:
            block = os.urandom(1 << 20)
            for _ in range(args.mb):
                f.write(block)
        homes = [t / f"home{i}" for i in range(args.rounds)]  # a fresh archive each round
        for home in homes:
            subprocess.run(
                [*roshan, "init"],
                env={**env, "ROSHAN_HOME": str(home)},
                check=True,
                stdout=subprocess.DEVNULL,
            )
        sealed = t / "report.bin"
        to = [arg for home in homes for arg in ("--to", str(home / "archive.pub"))]
        subprocess.run(
            [
                *roshan,
                "seal",
                "--text",
                "bench",
                "--attach",
                str(video),
                "--anonymous",
                "-o",
                str(sealed),
                *to,
            ],
            env={**env, "ROSHAN_HOME": str(homes[0])},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        video.unlink()
        mb = sealed.stat().st_size / 1e6
        rows: dict[str, list[tuple[float, float]]] = {"cp into the home": [], "roshan ingest": []}
        for home in homes:
            home_env = {**env, "ROSHAN_HOME": str(home)}
            rows["cp into the home"].append(timed(["cp", str(sealed), str(home / "copy.bin")], home_env))
            (home / "copy.bin").unlink()
            rows["roshan ingest"].append(
                timed([*roshan, "ingest", str(sealed), "--channel", "usb"], home_env)
            )
        print(f"sealed report of {mb:,.0f} MB in {args.dir}; {args.rounds} rounds, a fresh home each")
        for name, runs in rows.items():
            med = statistics.median(dt for dt, _ in runs)
            each = " ".join(f"{dt:.2f}" for dt, _ in runs)
            print(
                f"{name:18} median {med:6.2f} s  {mb / med:6.0f} MB/s  (rounds: {each})  peak {max(r for _, r in runs):5.0f} MB"
            )


if __name__ == "__main__":
    main()
