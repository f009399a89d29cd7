"""Benchmark: seal and open a 1 GB attachment; throughput and peak memory, beside `age` alone.

Issue target: roshan seal >= 0.8x the age command's throughput, memory <= 150 MB.
Each step runs in a child process so its peak RSS is its own.

    uv run python benchmarks/bench_seal.py [--mb 1024] [--dir /dev/shm]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
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
        env = {k: v for k, v in os.environ.items() if not k.startswith("ROSHAN_")}
        env["ROSHAN_HOME"] = str(t / "home")
        roshan = [sys.executable, "-m", "roshan.cli.main"]
        subprocess.run([*roshan, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        pub = t / "home" / "archive.pub"
        ident = t / "home" / "keys" / "identity.txt"
        print(f"{mb:,.0f} MB attachment in {args.dir}")
        rows = []
        if age:
            dt, rss = timed([age, "-R", str(pub), "-o", str(t / "age.out"), str(video)])
            rows.append(("age -R (encrypt)", dt, rss))
            dt, rss = timed([age, "-d", "-i", str(ident), "-o", str(t / "age.plain"), str(t / "age.out")])
            rows.append(("age -d (decrypt)", dt, rss))
            (t / "age.out").unlink()
            (t / "age.plain").unlink()
        dt, rss = timed(
            [
                *roshan,
                "seal",
                "--text",
                "bench",
                "--attach",
                str(video),
                "--to",
                str(pub),
                "--anonymous",
                "-o",
                str(t / "sealed.bin"),
            ],
            env,
        )
        rows.append(("roshan seal", dt, rss))
        dt, rss = timed([*roshan, "open", str(t / "sealed.bin"), "--identity", str(ident)], env)
        rows.append(("roshan open (verify)", dt, rss))
        for name, dt, rss in rows:
            print(f"{name:22} {mb / dt:8.0f} MB/s  {dt:6.2f} s  peak {rss:6.0f} MB")
        if age:
            print(
                f"ratio seal/age encrypt: {rows[0][1] / rows[2][1]:.2f}x; open/age decrypt: {rows[1][1] / rows[3][1]:.2f}x"
            )
        print(
            f"python startup + imports are included in roshan's times ({resource.getpagesize()}-byte pages)"
        )


if __name__ == "__main__":
    main()
