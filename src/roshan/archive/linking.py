"""Linking the archive's records into Persons, keeping ids and reviewers' work across runs.

Only records of current sources take part (a superseded version of a list is audit history).
Person ids are stable: each new cluster takes the id of the existing Person most of its records
already belonged to; curated profiles (a story, a photo, a review status beyond draft) are never
overwritten, and a curated Person whose records all moved elsewhere is kept, not deleted.
"""

from __future__ import annotations

import csv
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from roshan.archive import custody
from roshan.archive.models import Person, Record, ReviewPair
from roshan.linkage.link import LinkRecord, link


@dataclass(frozen=True)
class LinkSummary:
    records: int
    persons: int
    new_persons: int
    kept_ids: int
    review_pending: int
    pairs_scored: int


def _records() -> list[Record]:
    return list(
        Record.objects.filter(source__current=True).select_related("source__source_list").order_by("pk")
    )


def _link_record(r: Record) -> LinkRecord:
    name = r.name_fa or r.name_latin
    return LinkRecord(
        id=r.pk,
        source=r.source.source_list.name,
        name=name,
        name_alt=r.name_latin if r.name_fa else "",
        age=r.age,
        date=r.date.isoformat() if r.date else None,
        precision=r.date_precision,
        province=r.province,
    )


def _decisions() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    same, different = [], []
    for a, b, d in ReviewPair.objects.exclude(decision__in=["pending", "unsure"]).values_list(
        "record_a_id", "record_b_id", "decision"
    ):
        (same if d == "same" else different).append((a, b))
    return same, different


_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})  # a profile shows the Persian letters


def _curated(p: Person) -> bool:
    return bool(p.story_fa or p.story_en or p.photo_id) or p.review_status != "draft"


def _fill_profile(p: Person, recs: list[Record]) -> None:
    def mode(values: list[str]) -> str:
        values = [v for v in values if v]
        return Counter(values).most_common(1)[0][0] if values else ""

    p.name_fa = mode([r.name_fa for r in recs]).translate(_PERSIAN_LETTERS)
    p.name_latin = mode([r.name_latin for r in recs])
    ages = [r.age for r in recs if r.age is not None]
    p.age = int(statistics.median_low(ages)) if ages else None
    dated = [r for r in recs if r.date]
    if dated:
        best = min(dated, key=lambda r: ({"day": 0, "month": 1, "year": 2}.get(r.date_precision, 3), r.date))
        p.date, p.date_precision, p.date_calendar = best.date, best.date_precision, best.date_calendar
    p.province = mode([r.province for r in recs])
    p.place = mode([r.place for r in recs])
    p.gender = mode([r.gender for r in recs])
    status = mode([r.status for r in recs])
    p.status = status if status in dict(Person._meta.get_field("status").choices) else "killed"


def run_link(
    *,
    threshold: float = 0.8,
    review_low: float = 0.5,
    backend: str = "duckdb",
    user: str = "",
    log: Callable[[str], None] | None = None,
) -> LinkSummary:
    records = _records()
    same, different = _decisions()
    result = link(
        [_link_record(r) for r in records],
        threshold=threshold,
        review_low=review_low,
        same=same,
        different=different,
        backend=backend,
    )
    by_id = {r.pk: r for r in records}
    with transaction.atomic():
        taken: set[int] = set()
        new = kept = 0
        persons = Person.objects.in_bulk()
        changed_records = []
        for cl in sorted(result.clusters, key=len, reverse=True):
            recs = [by_id[i] for i in cl]
            votes = Counter(r.person_id for r in recs if r.person_id and r.person_id not in taken)
            if votes:
                pid = votes.most_common(1)[0][0]
                person = persons[pid]
                kept += 1
            else:
                person = Person.objects.create()
                persons[person.pk] = person
                new += 1
            taken.add(person.pk)
            if not _curated(person):
                _fill_profile(person, recs)
                person.save()
            for r in recs:
                if r.person_id != person.pk:
                    r.person_id = person.pk
                    changed_records.append(r)
        Record.objects.bulk_update(changed_records, ["person"], batch_size=2000)
        orphans = [p for pid, p in persons.items() if pid not in taken]
        Person.objects.filter(pk__in=[p.pk for p in orphans if not _curated(p)]).delete()
        ReviewPair.objects.filter(decision="pending").delete()
        existing = {(a, b) for a, b in ReviewPair.objects.values_list("record_a_id", "record_b_id")}
        ReviewPair.objects.bulk_create(
            [
                ReviewPair(record_a_id=min(a, b), record_b_id=max(a, b), score=round(p, 4))
                for a, b, p in result.review
                if (min(a, b), max(a, b)) not in existing
            ],
            batch_size=2000,
        )
        custody.append(
            "reviewed",
            subject="linkage",
            user=user,
            detail={"records": len(records), "persons": len(result.clusters), "threshold": threshold},
        )
    return LinkSummary(
        len(records),
        len(result.clusters),
        new,
        kept,
        ReviewPair.objects.filter(decision="pending").count(),
        result.pairs_scored,
    )


def export_links(path: Path) -> int:
    """One row per current record: source (the list), external_id, person_id."""
    n = 0
    tmp = path.with_name(f".{path.name}.partial")
    with open(tmp, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(["source", "external_id", "person_id"])
        for src, ext, pid in (
            Record.objects.filter(source__current=True)
            .order_by("pk")
            .values_list("source__name", "external_id", "person_id")
            .iterator()
        ):
            w.writerow([src, ext, pid or ""])
            n += 1
    tmp.replace(path)
    return n


def _decide(a: int, b: int, decision: str, user: str) -> None:
    """Record a reviewer's decision on a pair of records (a constraint on every later run)."""
    from django.utils import timezone

    a, b = sorted((a, b))
    ReviewPair.objects.update_or_create(
        record_a_id=a,
        record_b_id=b,
        defaults={
            "score": 1.0 if decision == "same" else 0.0,
            "decision": decision,
            "decided_by": user,
            "decided_at": timezone.now(),
        },
    )


def merge_persons(ids: list[int], user: str) -> Person:
    """Hand merge: every record of these persons goes to the lowest id; recorded as 'same' decisions."""
    ids = sorted(ids)
    target = Person.objects.get(pk=ids[0])
    with transaction.atomic():
        recs = list(Record.objects.filter(person_id__in=ids).order_by("pk"))
        anchor = next((r for r in recs if r.person_id == target.pk), recs[0] if recs else None)
        for r in recs:
            if anchor and r.pk != anchor.pk and r.person_id != target.pk:
                _decide(anchor.pk, r.pk, "same", user)
        Record.objects.filter(person_id__in=ids).update(person=target)
        Person.objects.filter(pk__in=ids[1:]).delete()
        custody.append("reviewed", subject=f"person:{target.pk}", user=user, detail={"merged": ids})
    return target


def split_records(record_ids: list[int], user: str) -> Person:
    """Hand split: these records become a new person; 'different' decisions against the rest."""
    with transaction.atomic():
        moved = list(Record.objects.filter(pk__in=record_ids))
        old_ids = {r.person_id for r in moved if r.person_id}
        staying = list(Record.objects.filter(person_id__in=old_ids).exclude(pk__in=record_ids))
        person = Person.objects.create()
        for m in moved:
            for s in staying:
                _decide(m.pk, s.pk, "different", user)
        Record.objects.filter(pk__in=record_ids).update(person=person)
        _fill_profile(person, moved)
        person.save()
        custody.append(
            "reviewed", subject=f"person:{person.pk}", user=user, detail={"split_from": sorted(old_ids)}
        )
    return person
