"""Benchmark: seal and open a 1 GB attachment; throughput and peak memory, beside `age` alone.

Issue target: roshan seal >= 0.8x the age command's throughput, memory <= 150 MB.
Each step runs in a child process so its peak RSS is its own. This machine's speed drifts by 2x
and more from minute to minute, so age and roshan run in paired rounds (order alternating) and
the median of the per-round ratios is the figure to quote.

    uv run python benchmarks/bench_seal.py [--mb 1024] [--dir /dev/shm]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process, started with nothing left to write back."""
    os.sync()  # else the step before (age does not fsync) is flushed to disk during this one
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    dt = time.perf_counter() - t
    if status:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return dt, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("--dir", default=os.environ.get("BENCH_TMP", tempfile.gettempdir()))
    ap.add_argument("--rounds", type=int, default=3, help="age and roshan alternate; medians reported")
    args = ap.parse_args()
    age = shutil.which("age")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        t = Path(tmp)
        video = t / "video.mp4"
        with open(video, "wb") as f:
            block = os.urandom(1 << 20)
            for _ in range(args.mb):
                f.write(block)
        mb = video.stat().st_size / 1e6
        # Bytecode is cached as on an installed copy (this machine's shell sets PYTHONDONTWRITEBYTECODE,
        # which would add ~0.3 s of compiling to every roshan start).
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("ROSHAN_") and k != "PYTHONDONTWRITEBYTECODE"
        }
        env["ROSHAN_HOME"] = str(t / "home")
        roshan = [sys.executable, "-m", "roshan.cli.main"]
        subprocess.run([*roshan, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        pub = t / "home" / "archive.pub"
        ident = t / "home" / "keys" / "identity.txt"
        sealed = t / "sealed.bin"

        def seal_cmd(src: Path, out: Path) -> list[str]:
            return [
                *roshan,
                "seal",
                "--text",
                "bench",
                "--attach",
                str(src),
                "--to",
                str(pub),
                "--anonymous",
                "-o",
                str(out),
            ]

        def open_cmd(src: Path) -> list[str]:
            return [*roshan, "open", str(src), "--identity", str(ident)]

        small = t / "small.txt"  # warm-up: the imports' bytecode is written once
        small.write_text("warm-up")
        subprocess.run(seal_cmd(small, t / "w.bin"), env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(open_cmd(t / "w.bin"), env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"{mb:,.0f} MB attachment in {args.dir}; {args.rounds} rounds")
        rows: dict[str, list[tuple[float, float]]] = {}
        seal_ratio: list[float] = []
        synced_ratio: list[float] = []
        open_ratio: list[float] = []

        def run_age() -> None:
            if not age:
                return
            rows.setdefault("age -R (encrypt)", []).append(
                timed([age, "-R", str(pub), "-o", str(t / "age.out"), str(video)])
            )
            # roshan seal fsyncs before renaming its output into place (a sealed testimony must
            # survive a power cut); age does not. The same with the file synced after:
            (t / "age.out").unlink()
            rows.setdefault("age -R, then sync", []).append(
                timed(
                    [
                        "sh",
                        "-c",
                        f'"{age}" -R "{pub}" -o "{t / "age.out"}" "{video}" && sync "{t / "age.out"}"',
                    ]
                )
            )
            # the plaintext goes nowhere, as roshan open (verify) writes none
            rows.setdefault("age -d (decrypt)", []).append(
                timed([age, "-d", "-i", str(ident), "-o", os.devnull, str(t / "age.out")])
            )
            (t / "age.out").unlink()

        def run_roshan() -> None:
            rows.setdefault("roshan seal", []).append(timed(seal_cmd(video, sealed), env))
            rows.setdefault("roshan open (verify)", []).append(timed(open_cmd(sealed), env))
            sealed.unlink()

        for i in range(args.rounds):  # paired rounds, the order alternating: the machine drifts
            for step in (run_age, run_roshan) if i % 2 == 0 else (run_roshan, run_age):
                step()
            if age:
                seal_ratio.append(rows["age -R (encrypt)"][-1][0] / rows["roshan seal"][-1][0])
                synced_ratio.append(rows["age -R, then sync"][-1][0] / rows["roshan seal"][-1][0])
                open_ratio.append(rows["age -d (decrypt)"][-1][0] / rows["roshan open (verify)"][-1][0])
        for name, runs in rows.items():
            med = statistics.median(dt for dt, _ in runs)
            speeds = " ".join(f"{mb / dt:5.0f}" for dt, _ in runs)
            peak = max(rss for _, rss in runs)
            print(f"{name:22} median {mb / med:5.0f} MB/s  (rounds: {speeds})  peak {peak:4.0f} MB")
        if age:
            for name, ratios in (
                ("seal / age -R", seal_ratio),
                ("seal / age -R + sync", synced_ratio),
                ("open / age -d", open_ratio),
            ):
                each = " ".join(f"{r:.2f}" for r in ratios)
                print(f"throughput ratio {name}: median {statistics.median(ratios):.2f}x  (rounds: {each})")
        print("python start-up and imports are included in roshan's times")


if __name__ == "__main__":
    main()
