"""Benchmark: import a list of 20,000 designations and match 2,000 actors (targets: <= 60 s, <= 1 GB).

Runs in a fresh SQLite home; the list is a generated OFAC-format CSV with SIMULATED names.

    uv run python benchmarks/bench_sanctions.py [--designations 20000] [--actors 2000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--designations", type=int, default=20_000)
    ap.add_argument("--actors", type=int, default=2_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ROSHAN_HOME"] = str(Path(tmp) / "home")
        import roshan.archive

        roshan.archive.setup()
        from roshan.archive.home import Home
        from roshan.cli.archive_verbs import init_home

        init_home(Home.from_env())
        from roshan.accountability.sanctions import parse
        from roshan.archive import accountability as acc
        from roshan.archive.models import Actor
        from roshan.archive.sanctions import import_list

        rng = random.Random(5)
        syll = [
            "ka",
            "ra",
            "za",
            "mo",
            "ha",
            "se",
            "ni",
            "sh",
            "ja",
            "fa",
            "ba",
            "lo",
            "de",
            "pa",
            "ta",
            "go",
        ]

        def name() -> str:
            return " ".join(
                "".join(rng.choice(syll) for _ in range(rng.randint(2, 4))).capitalize() for _ in range(2)
            )

        names = [name() for _ in range(args.designations)]
        sdn = Path(tmp) / "sdn.csv"
        with open(sdn, "w", encoding="utf-8") as f:
            for i, n in enumerate(names, 1):
                f.write(
                    f'{i},"{n.upper()}","individual","IRAN-HR",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1960."\n'
                )
        t = time.perf_counter()
        s = import_list(parse(sdn, "ofac"))
        t_import = time.perf_counter() - t
        Actor.objects.bulk_create(
            [
                Actor(kind="person", name_latin=rng.choice(names) if k % 4 == 0 else name())
                for k in range(args.actors)
            ]
        )
        t = time.perf_counter()
        proposed = acc.match()
        t_match = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"import {s.added:,} designations: {t_import:.1f} s; match {args.actors:,} actors: {t_match:.1f} s "
            f"({proposed:,} proposed; a quarter of the actors carry a listed name); peak RSS {peak:,.0f} MB"
        )


if __name__ == "__main__":
    main()
