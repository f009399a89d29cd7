"""A SIMULATED population and organisations' lists that each capture part of it.

Capture is heterogeneous and correlated, as real documentation is: people killed in places with
many active documenters (a per-province "visibility") are likelier to be on every list, and two
of the lists share informants (list B is likelier to have someone list A has). So the lists are
not independent — the situation multiple-systems estimation has to cope with.

Each list writes its people its own way: Persian script with Persian digits and Jalali dates;
Latin spellings that vary (Mohammad/Muhammad, -zadeh/-zade); Arabic «ي/ك» for «ی/ک» and a lost
ZWNJ; ages off by one; a date off by a day or known only to the month.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import jdatetime

from roshan.examples.names import GIVEN_FEMALE, GIVEN_MALE, PLACES, SURNAMES
from roshan.linkage.digits import to_persian_digits

LABEL = "SIMULATED"


@dataclass(frozen=True)
class SimPerson:
    pid: int
    given_fa: str
    given_latin: list[str]
    surname_fa: str
    surname_latin: list[str]
    gender: str
    age: int
    date: dt.date
    place: tuple[str, str, str, str]
    status: str


@dataclass(frozen=True)
class ExampleList:
    """One simulated organisation's list: its CSV, the name to import it under, and its column map."""

    source: str
    path: Path
    mapping: dict[str, str]
    rows: int


@dataclass
class ExampleSet:
    folder: Path
    people: int
    lists: list[ExampleList] = field(default_factory=list)
    truth: Path | None = None


def _population(rng: random.Random, n: int, start: dt.date, days: int) -> list[SimPerson]:
    people = []
    for pid in range(1, n + 1):
        female = rng.random() < 0.18
        g_fa, g_lat = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        s_fa, s_lat = rng.choice(SURNAMES)
        age = max(9, min(75, int(rng.gauss(27, 10))))
        date = start + dt.timedelta(days=int(rng.triangular(0, days, days * 0.2)))
        place = rng.choices(PLACES, weights=[6, 5, 5, 4, 3, 3, 2, 2, 2, 2, 2, 2])[0]
        status = "executed" if rng.random() < 0.04 else "killed"
        people.append(
            SimPerson(pid, g_fa, g_lat, s_fa, s_lat, "female" if female else "male", age, date, place, status)
        )
    return people


def _arabic_letters(name: str) -> str:
    return name.replace("ی", "ي").replace("ک", "ك")


def _fa(p: SimPerson, rng: random.Random, sloppy: bool) -> str:
    name = f"{p.given_fa} {p.surname_fa}"
    if sloppy and rng.random() < 0.5:
        name = _arabic_letters(name)
    if sloppy and rng.random() < 0.5:
        name = name.replace("\u200c", rng.choice(["", " "]))
    return name


def _latin(p: SimPerson, rng: random.Random) -> str:
    return f"{rng.choice(p.given_latin)} {rng.choice(p.surname_latin)}"


def _jalali(d: dt.date, persian: bool) -> str:
    text = jdatetime.date.fromgregorian(date=d).strftime("%Y/%m/%d")
    return to_persian_digits(text) if persian else text


def generate(folder: Path, *, people: int = 600, seed: int = 1405) -> ExampleSet:
    """Write the SIMULATED lists and ``truth.csv`` into ``folder``; deterministic for a seed."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    pop = _population(rng, people, dt.date(2026, 1, 8), 30)
    visibility = {pl[0]: rng.uniform(0.5, 1.0) for pl in PLACES}
    captured: dict[str, list[SimPerson]] = {"A": [], "B": [], "C": [], "D": []}
    for p in pop:
        v = visibility[p.place[0]]
        a = rng.random() < 0.55 * v
        b = rng.random() < (0.6 if a else 0.3) * v
        c = rng.random() < 0.35 * v + (0.1 if p.status == "executed" else 0)
        d = rng.random() < 0.25 * v
        for key, on in zip("ABCD", (a, b, c, d), strict=True):
            if on:
                captured[key].append(p)
    result = ExampleSet(folder, people)

    def noisy_age(age: int) -> int:
        return age + rng.choice([-1, 1]) if rng.random() < 0.1 else age

    def noisy_date(d: dt.date) -> dt.date:
        return d + dt.timedelta(days=rng.choice([-1, 1])) if rng.random() < 0.08 else d

    # A: Persian script, Persian digits, Jalali dates, standard columns.
    rows_a = [
        ["id", "name_fa", "name_latin", "age", "gender", "date_of_death", "place", "province", "status"]
    ]
    for i, p in enumerate(captured["A"], 1):
        rows_a.append(
            [
                f"A-{i:04d}",
                _fa(p, rng, False),
                _latin(p, rng),
                to_persian_digits(str(noisy_age(p.age))),
                p.gender,
                _jalali(noisy_date(p.date), True),
                p.place[2],
                p.place[0],
                p.status,
            ]
        )
    # B: Latin only, Gregorian ISO dates, its own column names (needs --map).
    rows_b = [["Ref", "Full name", "Age", "Date of death", "City", "Province"]]
    for i, p in enumerate(captured["B"], 1):
        rows_b.append(
            [
                f"B{i}",
                _latin(p, rng),
                str(noisy_age(p.age)) if rng.random() < 0.9 else "",
                noisy_date(p.date).isoformat(),
                p.place[3],
                p.place[1],
            ]
        )
    # C: Persian script written sloppily (Arabic letters, lost ZWNJ), Jalali in ASCII digits.
    rows_c = [["id", "name_fa", "age", "date_of_death", "province", "status"]]
    for i, p in enumerate(captured["C"], 1):
        rows_c.append(
            [
                str(1000 + i),
                _fa(p, rng, True),
                str(noisy_age(p.age)),
                _jalali(noisy_date(p.date), False),
                p.place[0],
                p.status,
            ]
        )
    # D: both scripts, some dates known only to the month.
    rows_d = [["id", "name_latin", "name_fa", "age", "date_of_death", "province"]]
    for i, p in enumerate(captured["D"], 1):
        date = noisy_date(p.date).isoformat()
        rows_d.append(
            [
                f"D{i:03d}",
                _latin(p, rng),
                _fa(p, rng, True),
                str(noisy_age(p.age)),
                date[:7] if rng.random() < 0.15 else date,
                p.place[1],
            ]
        )

    specs = [
        ("A", f"{LABEL} Group A", rows_a, {}),
        (
            "B",
            f"{LABEL} Group B",
            rows_b,
            {
                "Ref": "id",
                "Full name": "name_latin",
                "Age": "age",
                "Date of death": "date_of_death",
                "City": "place",
                "Province": "province",
            },
        ),
        ("C", f"{LABEL} Group C", rows_c, {}),
        ("D", f"{LABEL} Group D", rows_d, {}),
    ]
    for key, source, rows, mapping in specs:
        path = folder / f"simulated_list_{key}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
        result.lists.append(ExampleList(source, path, mapping, len(rows) - 1))
    truth = folder / "simulated_truth.csv"
    with open(truth, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["person", "name_fa", "name_latin", "age", "date_of_death", "province", "on_lists"])
        for p in pop:
            on_lists = "".join(k for k in "ABCD" if p in captured[k])
            w.writerow(
                [
                    p.pid,
                    f"{p.given_fa} {p.surname_fa}",
                    f"{p.given_latin[0]} {p.surname_latin[0]}",
                    p.age,
                    p.date.isoformat(),
                    p.place[1],
                    on_lists,
                ]
            )
    result.truth = truth
    with open(folder / "simulated_truth_records.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["source", "external_id", "person"])
        for key, source, rows, _ in specs:
            for row, p in zip(rows[1:], captured[key], strict=True):
                w.writerow([source, row[0], p.pid])
    (folder / "README.txt").write_text(
        "SIMULATED data generated by roshan.examples. These are not real people.\n"
        f"Population: {people}; lists: "
        + ", ".join(f"{lst.source} ({lst.rows} rows)" for lst in result.lists)
        + "\n",
        encoding="utf-8",
    )
    (folder / "lists.json").write_text(
        json.dumps(
            [{"source": lst.source, "file": lst.path.name, "map": lst.mapping} for lst in result.lists],
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    return result
