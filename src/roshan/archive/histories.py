"""Capture histories from the archive: which lists each linked person is on.

A list (SourceList) is one system, whatever its number of versions: only current sources count.
Lists with fewer than ``MIN_LIST`` linked people are too small to model; people found only on such
lists are added to the documented and estimated totals as they are.
"""

from __future__ import annotations

from collections import defaultdict

from roshan.archive.models import Person, Record
from roshan.errors import BadInput
from roshan.estimate.strata import Total, estimate_strata
from roshan.estimate.table import CaptureTable
from roshan.linkage.places import province_code, province_names

MIN_LIST = 10


def histories() -> tuple[dict[int, frozenset[str]], dict[int, Person]]:
    unlinked = Record.objects.filter(source__current=True, person__isnull=True).count()
    if unlinked:
        raise BadInput(f"{unlinked} records are not linked to a person yet: run `roshan link` first")
    lists: dict[int, set[str]] = defaultdict(set)
    for pid, name in Record.objects.filter(source__current=True).values_list(
        "person_id", "source__source_list__name"
    ):
        lists[pid].add(name)
    persons = Person.objects.in_bulk(list(lists))
    return {k: frozenset(v) for k, v in lists.items()}, persons


def _stratum(p: Person, by: str | None) -> str:
    if by == "province":
        code = province_code(p.province) if p.province else None
        return province_names(code)[1] if code else "unknown province"
    if by == "month":
        return p.date.strftime("%Y-%m") if p.date else "unknown month"
    return "all"


def estimate_archive(*, by: str | None = None, method: str = "loglinear", **kw: object) -> Total:
    hist, persons = histories()
    if not hist:
        raise BadInput("the archive holds no linked records to count")
    sizes: dict[str, int] = defaultdict(int)
    for h in hist.values():
        for name in h:
            sizes[name] += 1
    modelled = sorted(n for n, c in sizes.items() if c >= MIN_LIST)
    extra = 0
    groups: dict[str, list[frozenset[str]]] = defaultdict(list)
    for pid, h in hist.items():
        kept = h & set(modelled)
        if not kept:
            extra += 1
            continue
        groups[_stratum(persons[pid], by)].append(frozenset(kept))
    tables = {name: CaptureTable.from_histories(modelled, hs) for name, hs in sorted(groups.items())}
    total = estimate_strata(tables, method=method, extra_documented=extra, **kw)  # type: ignore[arg-type]
    small = sorted(n for n in sizes if n not in modelled)
    if small:
        total.notes.append(
            f"lists too small to model ({', '.join(small)}): their {extra} people found on no other "
            "list are added to documented and estimated totals as they are"
        )
    return total
