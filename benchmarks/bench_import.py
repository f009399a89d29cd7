"""Benchmark: import 100,000 records from CSV (issue: ≥ 20,000 records/s, ≤ 500 MB peak).

Runs `roshan import-list` in a child process on SQLite (and on PostgreSQL when
ROSHAN_BENCH_PG is set, default postgresql://postgres@127.0.0.1:5432/test), measuring wall time
and the child's peak resident memory; then the ceiling: PostgreSQL's own COPY of the same file
into a plain table, in the same run.

    uv run python benchmarks/bench_import.py [--records 100000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from roshan.examples.names import GIVEN_MALE, PLACES, SURNAMES
from roshan.linkage.digits import to_persian_digits

PG = os.environ.get("ROSHAN_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def make_csv(path: Path, n: int) -> None:
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            ["id", "name_fa", "name_latin", "age", "gender", "date_of_death", "place", "province", "status"]
        )
        for i in range(n):
            g, gl = rng.choice(GIVEN_MALE)
            s, sl = rng.choice(SURNAMES)
            pl = rng.choice(PLACES)
            jal = f"1404/10/{rng.randint(1, 30):02d}"
            w.writerow(
                [
                    i,
                    f"{g} {s}",
                    f"{gl[0]} {sl[0]}",
                    to_persian_digits(str(rng.randint(12, 70))),
                    "male",
                    to_persian_digits(jal) if i % 2 else f"2026-01-{rng.randint(1, 31):02d}",
                    pl[2],
                    pl[0],
                    "killed",
                ]
            )


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and the child's peak RSS in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, max(peak, before) / 1024


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG, autocommit=True) as c:
        c.execute(sql)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "list.csv"
        make_csv(f, args.records)
        print(f"{args.records:,} records, {f.stat().st_size / 1e6:.1f} MB CSV")
        roshan = [sys.executable, "-m", "roshan.cli.main"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("ROSHAN_")}
        env["ROSHAN_HOME"] = str(Path(tmp) / "home")
        subprocess.run([*roshan, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        dt, mb = run([*roshan, "import-list", str(f), "--source", "bench"], env)
        print(f"SQLite      {args.records / dt:10,.0f} records/s  {dt:6.2f} s  peak {mb:5.0f} MB")
        try:
            db = f"roshan_bench_{uuid.uuid4().hex[:8]}"
            pg_admin(f'CREATE DATABASE "{db}"')
        except Exception as exc:
            print(f"PostgreSQL  not measured: {exc}")
            return
        try:
            env_pg = {
                **env,
                "ROSHAN_HOME": str(Path(tmp) / "home-pg"),
                "ROSHAN_DATABASE_URL": PG.rsplit("/", 1)[0] + "/" + db,
            }
            subprocess.run([*roshan, "init"], env=env_pg, check=True, stdout=subprocess.DEVNULL)
            dt_pg, mb_pg = run([*roshan, "import-list", str(f), "--source", "bench"], env_pg)
            print(
                f"PostgreSQL  {args.records / dt_pg:10,.0f} records/s  {dt_pg:6.2f} s  peak {mb_pg:5.0f} MB"
            )
            import psycopg

            with psycopg.connect(env_pg["ROSHAN_DATABASE_URL"]) as c:
                c.execute(
                    "CREATE TABLE plain (id text, name_fa text, name_latin text, age text, gender text, "
                    "date_of_death text, place text, province text, status text)"
                )
                t = time.perf_counter()
                with (
                    c.cursor().copy("COPY plain FROM STDIN WITH (FORMAT csv, HEADER true)") as cp,
                    open(f, "rb") as fh,
                ):
                    while block := fh.read(1 << 20):
                        cp.write(block)
                c.commit()
                dt_copy = time.perf_counter() - t
            print(f"COPY        {args.records / dt_copy:10,.0f} records/s  {dt_copy:6.2f} s  (the ceiling)")
            print(f"ratio: SQLite/COPY {dt_copy / dt:.3f}x, PostgreSQL/COPY {dt_copy / dt_pg:.3f}x")
        finally:
            pg_admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
