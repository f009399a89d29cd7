"""Benchmark: linkage accuracy (simulated lists with truth, beside a plain Jaro-Winkler baseline),
scale, and real name pairs and lists from ../shared/data/victims/ (read there, never copied).

    uv run python benchmarks/bench_link.py accuracy [--people 600 1500]
    uv run python benchmarks/bench_link.py scale [--records 100000]
    uv run python benchmarks/bench_link.py real
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from roshan.linkage.link import LinkRecord, link

SHARED = Path(__file__).parents[2] / "shared" / "data" / "victims"
sys.path.insert(0, str(Path(__file__).parents[1]))


def prf(clusters: list[list[int]], truth: dict[int, int]) -> tuple[float, float, float, set, set]:  # type: ignore[type-arg]
    pred = {p for c in clusters for p in itertools.combinations(sorted(c), 2)}
    by: dict[int, list[int]] = {}
    for i, p in truth.items():
        by.setdefault(p, []).append(i)
    true = {p for c in by.values() for p in itertools.combinations(sorted(c), 2)}
    tp = len(pred & true)
    precision, recall = tp / max(len(pred), 1), tp / max(len(true), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9), pred, true


def baseline(records: list[LinkRecord]) -> list[list[int]]:
    """Splink with plain Jaro-Winkler on the raw names (no folding, no skeleton), same other fields."""
    import roshan.linkage.link as L

    raw = [LinkRecord(r.id, r.source, r.name, "", r.age, r.date, r.precision, r.province) for r in records]
    orig_skel, orig_tokens = L.skeleton, L.skeleton_tokens
    L.skeleton = lambda name: name.lower()  # type: ignore[assignment]
    L.skeleton_tokens = lambda name: name.lower().split()  # type: ignore[assignment]
    try:
        return link(raw).clusters
    finally:
        L.skeleton, L.skeleton_tokens = orig_skel, orig_tokens


def accuracy(people: list[int]) -> None:
    from tests.linkage.test_link import _records

    for n in people:
        with tempfile.TemporaryDirectory() as tmp:
            recs, truth = _records(Path(tmp), n)
        t = time.perf_counter()
        res = link(recs)
        dt = time.perf_counter() - t
        p, r, f1, pred, true = prf(res.clusters, truth)
        cross = {(a, b) for a, b in true if (recs[a - 1].name_alt == "") != (recs[b - 1].name_alt == "")}
        bp, br, bf1, bpred, _ = prf(baseline(recs), truth)
        persons = len(set(truth.values()))
        print(
            f"{n} simulated people, {len(recs)} records ({dt:.1f} s): P {p:.3f} R {r:.3f} F1 {f1:.3f}, "
            f"cross-script recall {len(cross & pred) / max(len(cross), 1):.3f}, "
            f"{len(res.clusters)} persons for {persons} true"
        )
        print(
            f"    baseline (raw names, Jaro-Winkler): P {bp:.3f} R {br:.3f} F1 {bf1:.3f}, "
            f"cross-script recall {len(cross & bpred) / max(len(cross), 1):.3f}"
        )


def scale(records: int) -> None:
    """4 lists drawing on ~records/2 people; surnames composed from syllables so the name space is
    as wide as a real country's (the example simulator's 32 surnames would make everyone a namesake)."""
    from roshan.examples.names import GIVEN_FEMALE, GIVEN_MALE, PLACES

    rng = random.Random(1)
    syllables = [
        ("ر", "r"),
        ("ز", "z"),
        ("م", "m"),
        ("ن", "n"),
        ("ک", "k"),
        ("ب", "b"),
        ("ش", "sh"),
        ("ف", "f"),
        ("ت", "t"),
        ("د", "d"),
        ("ل", "l"),
        ("س", "s"),
        ("ه", "h"),
        ("ج", "j"),
        ("پ", "p"),
        ("گ", "g"),
    ]
    vowels = ["a", "e", "o", "i"]
    people = []
    for _ in range(records // 2):
        parts = [rng.choice(syllables) for _ in range(rng.randint(3, 5))]
        fa_s = "".join(p[0] for p in parts) + "ی"
        la_s = "".join(p[1] + rng.choice(vowels) for p in parts) + "i"
        g, gl = rng.choice(GIVEN_MALE + GIVEN_FEMALE)
        people.append(
            (
                f"{g} {fa_s}",
                f"{rng.choice(gl)} {la_s.capitalize()}",
                rng.randint(12, 70),
                f"2025-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}",
                rng.choice(PLACES)[0],
            )
        )
    recs = []
    for i in range(records):
        fa, la, age, date, prov = people[rng.randrange(len(people))]
        recs.append(LinkRecord(i + 1, f"list{i % 4}", fa if i % 2 else la, "", age, date, "day", prov))
    t = time.perf_counter()
    res = link(recs)
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"scale: {records:,} records from 4 lists linked in {dt:.1f} s, peak RSS {peak:,.0f} MB, "
        f"{res.pairs_scored:,} pairs above 0.5, {len(res.clusters):,} clusters"
    )


def real_pairs() -> None:
    from roshan.linkage.names import skeleton

    pairs = SHARED / "fa_latin_person_name_pairs.csv"
    if not pairs.exists():
        print(f"real lists not present at {SHARED}: skipped")
        return
    with open(pairs, encoding="utf-8") as f:
        rows = [
            (r["name_farsi"], r["name_latin"])
            for r in csv.DictReader(f)
            if r["name_farsi"] and r["name_latin"]
        ]
    import duckdb

    con = duckdb.connect()
    sk = [(skeleton(fa), skeleton(la)) for fa, la in rows]
    equal = sum(a == b for a, b in sk) / len(sk)
    con.execute("CREATE TABLE p (a VARCHAR, b VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?)", sk)
    jw92, jw80 = con.execute(
        "SELECT avg((jaro_winkler_similarity(a, b) >= 0.92)::INT), "
        "avg((jaro_winkler_similarity(a, b) >= 0.80)::INT) FROM p"
    ).fetchone()
    rng = random.Random(2)
    shuffled = [(a, sk[rng.randrange(len(sk))][1]) for a, _ in sk]
    collide = sum(a == b for a, b in shuffled) / len(shuffled)
    print(
        f"real name pairs ({len(sk):,} Persian/Latin spellings of one person): skeletons equal {equal:.1%}, "
        f"JW >= 0.92 {jw92:.1%}, >= 0.80 {jw80:.1%}; unrelated pairs with equal skeletons {collide:.3%}"
    )


def _blocks(path: Path) -> list[dict[str, str]]:
    out, cur = [], {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() == "---":
            if cur:
                out.append(cur)
            cur = {}
        elif ":" in line and line.split(":", 1)[0].isupper():
            k, v = line.split(":", 1)
            cur[k.strip()] = v.strip()
    if cur:
        out.append(cur)
    return out


def real_lists() -> None:
    """Link the real 2022 lists of HRANA, Iran Human Rights and Wikipedia (read in place, never copied)."""
    import re

    from roshan.errors import BadDate
    from roshan.linkage.dates import parse_date

    if not (SHARED / "hrana_extracted_victims.txt").exists():
        print(f"real lists not present at {SHARED}: skipped")
        return

    def date(text: str) -> tuple[str | None, str]:
        text = text.strip()
        for fmt in ("%d-%b-%Y", "%Y-%m-%d", "%d %B %Y"):
            try:
                import datetime as dt

                return dt.datetime.strptime(text, fmt).date().isoformat(), "day"
            except ValueError:
                pass
        try:
            d = parse_date(text)
            return d.date.isoformat(), d.precision
        except BadDate:
            return None, ""

    def age(text: str) -> int | None:
        m = re.match(r"\s*(\d{1,3})", text or "")
        return int(m.group(1)) if m else None

    recs: list[LinkRecord] = []
    for b in _blocks(SHARED / "hrana_extracted_victims.txt"):
        if b.get("NAME"):
            d, prec = date(b.get("DATE", ""))
            recs.append(
                LinkRecord(
                    len(recs) + 1,
                    "HRANA",
                    b["NAME"],
                    "",
                    age(b.get("AGE", "")),
                    d,
                    prec,
                    b.get("LOCATION", "").split(",")[-1],
                )
            )
    for b in _blocks(SHARED / "ihr_extracted_victims.txt"):
        name = b.get("NAME_FA") or b.get("NAME_EN", "")
        if name:
            d, prec = date(b.get("DATE", ""))
            recs.append(
                LinkRecord(
                    len(recs) + 1,
                    "IHR",
                    name,
                    b.get("NAME_EN", "") if b.get("NAME_FA") else "",
                    age(b.get("AGE", "")),
                    d,
                    prec,
                    b.get("LOCATION", "").split(",")[-1],
                )
            )
    with open(SHARED / "wikipedia_wlf_2022_raw.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            d, prec = date(r.get("date_of_death", ""))
            recs.append(
                LinkRecord(
                    len(recs) + 1,
                    "Wikipedia",
                    r["name_latin"],
                    "",
                    age(r.get("age_at_death", "")),
                    d,
                    prec,
                    r.get("province", ""),
                )
            )
    for name, fn in (
        ("Roshan", lambda: link(recs).clusters),
        ("baseline (raw names)", lambda: baseline(recs)),
    ):
        t = time.perf_counter()
        clusters = fn()
        source = {r.id: r.source for r in recs}
        shared: dict[str, int] = {}
        for c in clusters:
            lists = sorted({source[i] for i in c})
            for a, b in itertools.combinations(lists, 2):
                shared[f"{a}&{b}"] = shared.get(f"{a}&{b}", 0) + 1
        print(
            f"real 2022 lists, {name}: {len(recs)} records -> {len(clusters)} persons in "
            f"{time.perf_counter() - t:.1f} s; shared: {shared}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["accuracy", "scale", "real", "real-lists"])
    ap.add_argument("--people", type=int, nargs="+", default=[600, 1500])
    ap.add_argument("--records", type=int, default=100_000)
    args = ap.parse_args()
    if args.what == "accuracy":
        accuracy(args.people)
    elif args.what == "scale":
        scale(args.records)
    elif args.what == "real":
        real_pairs()
    else:
        real_lists()


if __name__ == "__main__":
    main()
