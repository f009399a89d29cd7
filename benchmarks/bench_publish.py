"""Benchmark: build the memorial for 50,000 victims (targets: <= 60 s, <= 2 GB, <= 50 KB per victim page).

uv run python benchmarks/bench_publish.py [--victims 50000]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

from nacl.signing import SigningKey

from roshan.examples.names import GIVEN_FEMALE, GIVEN_MALE, PLACES, SURNAMES
from roshan.publish.data import SiteData, Totals, Victim
from roshan.publish.site import build


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--victims", type=int, default=50_000)
    args = ap.parse_args()
    rng = random.Random(3)
    victims = []
    for i in range(1, args.victims + 1):
        g, gl = rng.choice(GIVEN_MALE + GIVEN_FEMALE)
        s, sl = rng.choice(SURNAMES)
        place = rng.choice(PLACES)
        victims.append(
            Victim(
                i,
                f"{g} {s}",
                f"{gl[0]} {sl[0]}",
                rng.randint(12, 70),
                "",
                f"2026-01-{rng.randint(1, 28):02d}",
                "day",
                "gregorian",
                place[2],
                place[0],
                "killed",
                "SIMULATED story. " * 20,
                "SIMULATED story. " * 20,
                ("SIMULATED list A", "SIMULATED list B"),
                province_en=place[1],
            )
        )
    data = SiteData(
        victims,
        Totals(
            args.victims,
            args.victims * 1.4,
            args.victims * 1.2,
            args.victims * 1.7,
            "log-linear",
            "SIMULATED summary",
            "خلاصه",
        ),
        simulated=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        res = build(data, Path(tmp) / "site", SigningKey.generate())
        dt = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        largest = max(p.stat().st_size for p in (res.out / "fa" / "victims").iterdir())
        print(
            f"{args.victims:,} victims: {dt:.1f} s, peak RSS {peak:,.0f} MB, {res.files:,} files, "
            f"{res.bytes / 1e6:,.0f} MB on disk, largest victim page {largest / 1024:.1f} KB"
        )


if __name__ == "__main__":
    main()
