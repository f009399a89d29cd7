"""Benchmark: fragments (issue targets in brackets).

- split and join of a 100 MB file, files channel: MB/s each way and peak memory [>= 50 MB/s one core]
- bytes carried / file size at zero loss, per channel [files <= 1.03x + codec, text <= 1.40x]
- smallest redundancy rebuilding in 99% of trials under random and burst loss of 10/25/40%
  [25% random loss at redundancy <= 0.40]
- relay on loopback under load: fragments/s and p99 latency

    uv run python benchmarks/bench_transport.py [--mb 100] [--trials 100]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from roshan.transport import Assembler, split_file
from roshan.transport.channels import write_fragments
from roshan.transport.errors import NotEnoughFragments


def split_join(path: Path, work: Path) -> None:
    t = time.perf_counter()
    res = write_fragments(path, "files", work / "frags", 0.0, 64 * 1024)
    dt_split = time.perf_counter() - t
    t = time.perf_counter()
    with Assembler(work / "spool") as asm:
        for p in sorted((work / "frags").iterdir()):
            asm.add_bytes(p.read_bytes())
        [s] = asm.status()
        asm.rebuild(s.transfer_id, work / "out")
    dt_join = time.perf_counter() - t
    mb = path.stat().st_size / 1e6
    same = hashlib.sha256((work / "out").read_bytes()).digest() == hashlib.sha256(path.read_bytes()).digest()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"files channel, {mb:.0f} MB: split {mb / dt_split:6.1f} MB/s, join {mb / dt_join:6.1f} MB/s, "
        f"identical={same}, peak RSS {peak:.0f} MB, {res.fragments} fragments"
    )


def overheads(path: Path, work: Path) -> None:
    size = path.stat().st_size
    for channel, n in (("files", 64 * 1024), ("text", 4000), ("text", 160), ("qr", 700)):
        res = write_fragments(path, channel, work / f"o-{channel}-{n}", 0.0, n)
        html = sum(p.stat().st_size for p in (work / f"o-{channel}-{n}").glob("*.html"))
        print(
            f"zero-loss bytes carried / file, {channel:5} size {n:6}: {(res.bytes_written) / size:.3f}x"
            + (f" (+ player page {html / size:.2f}x)" if html else "")
        )


def survives(frags: list, loss: float, burst: bool, rng: random.Random) -> bool:  # type: ignore[type-arg]
    if burst:  # lose whole runs of consecutive fragments (a phone switched off, a relay down)
        kept, i = [], 0
        while i < len(frags):
            if rng.random() < loss / 8:
                i += 8
            else:
                kept.append(frags[i])
                i += 1
    else:
        kept = [f for f in frags if rng.random() >= loss]
    with Assembler() as asm:
        for f in kept:
            asm.add(f)
        [s] = asm.status() or [None]
        if s is None or not s.complete:
            return False
        try:
            asm.rebuild(s.transfer_id, asm.work / "r")
        except NotEnoughFragments:
            return False
    return True


def loss_table(work: Path, trials: int, size: int) -> None:
    """Loss tolerance depends on K (source symbols): the binomial spread shrinks as K grows."""
    f = work / "small.bin"
    f.write_bytes(os.urandom(size))
    print(f"loss trials on {size:,} bytes in 1,000-byte symbols: K = {-(-size // 1000)}")
    grid = [x / 100 for x in range(0, 205, 5)]
    for burst in (False, True):
        for loss in (0.10, 0.25, 0.40):
            found = None
            for r in grid:
                frags = list(split_file(f, 1000, r, transfer_id=b"\0" * 8))
                rng = random.Random(int(r * 1000) + int(loss * 100))
                ok = sum(survives(frags, loss, burst, rng) for _ in range(trials))
                if ok >= 0.99 * trials:
                    found = r
                    break
            kind = "burst " if burst else "random"
            print(
                f"{kind} loss {loss:.0%}: smallest redundancy rebuilding in 99% of {trials} trials = {found}"
            )


def relay_load(work: Path, n: int = 2000, threads: int = 16) -> None:
    import httpx

    from roshan.relay.app import BackgroundRelay, RelaySettings

    bodies = [os.urandom(1200) for _ in range(n)]
    with (
        BackgroundRelay(RelaySettings(work / "relay", rate_per_second=1e9, burst=10**9)) as relay,
        httpx.Client() as client,
    ):

        def put(b: bytes) -> float:
            t = time.perf_counter()
            r = client.put(f"{relay.url}/v1/fragments/{hashlib.sha256(b).hexdigest()}", content=b)
            assert r.status_code == 201
            return time.perf_counter() - t

        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            lat = sorted(pool.map(put, bodies))
        dt = time.perf_counter() - t0
    p99 = lat[int(len(lat) * 0.99)] * 1000
    print(
        f"relay on loopback, {threads} concurrent clients: {n / dt:,.0f} fragments/s, "
        f"median {statistics.median(lat) * 1000:.1f} ms, p99 {p99:.1f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--loss-bytes", type=int, nargs="+", default=[200_000, 1_000_000])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = work / "big.bin"
        big.write_bytes(os.urandom(args.mb << 20))
        split_join(big, work)
        small = work / "s.bin"
        small.write_bytes(os.urandom(2 << 20))
        overheads(small, work)
        for size in args.loss_bytes:
            loss_table(work, args.trials, size)
        relay_load(work)


if __name__ == "__main__":
    main()
