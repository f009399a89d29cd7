"""Sanctions lists in the archive: versioned, safe imports.

A re-import of a newer version updates a list: entries new in it are added, entries gone from it
get ``removed_on``, and every designation keeps a history of what each version said. Importing
the same version again changes nothing.

**A broken download never delists anyone.** A file cut at a row boundary (what a dropped
connection leaves) parses cleanly and looks like a version in which thousands were lifted: that
is how 3,281 of 7,379 OFAC designations were once marked lifted. So a version is refused
(``UnsafeUpdate``, nothing changes) when it would remove more than 2% — and more than 5 — of the
list's current designations, when the file declares a record count that disagrees with what was
read (OFAC XML's ``Record_Count``), or when it is dated before the version already imported.
``accept_removals=True`` accepts all three after a person has looked. A file holding several lists
(an OpenSanctions export) is checked and versioned list by list, in one transaction: one unsafe
list refuses the whole file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from roshan.accountability.sanctions import ParsedList
from roshan.archive import custody
from roshan.archive.models import Designation, SanctionsListVersion
from roshan.errors import RoshanError

# A real list changes by a handful of entries a week; OFAC's biggest delisting days lift a few
# dozen of ~17,000 entries (well under 1%). 2% leaves room for those and still stops any cut file;
# the floor of 5 lets a small list (or a first correction) lose a few entries unattended.
MAX_REMOVED_SHARE = 0.02
MAX_REMOVED_UNATTENDED = 5


class UnsafeUpdate(RoshanError):
    """A list version that looks like a broken download: accepted only with ``--accept-removals``."""


@dataclass(frozen=True)
class ImportSummary:
    list_name: str
    version: str
    added: int
    updated: int
    removed: int
    unchanged: bool


def _published(version: str) -> dt.date | None:
    """The publication date when the version is one (a format that dates itself), else None."""
    try:
        return dt.date.fromisoformat(version[:10]) if version[:4].isdigit() else None
    except ValueError:
        return None


def update_problems(parsed: ParsedList) -> list[str]:
    """Why importing this version could delist people by mistake (empty: safe)."""
    problems = []
    current = set(
        Designation.objects.filter(list_name=parsed.list_name, removed_on__isnull=True).values_list(
            "list_identifier", flat=True
        )
    )
    removed = len(current - {e.identifier for e in parsed.entries})
    if current and removed > MAX_REMOVED_UNATTENDED and removed > MAX_REMOVED_SHARE * len(current):
        problems.append(
            f"{parsed.list_name} version {parsed.version} would remove {removed:,} of {len(current):,} "
            f"current designations ({removed / len(current):.1%}; more than "
            f"{MAX_REMOVED_SHARE:.0%} and more than {MAX_REMOVED_UNATTENDED})"
        )
    if parsed.declared_count is not None and parsed.declared_count != parsed.read_count:
        problems.append(
            f"{parsed.list_name} version {parsed.version} declares {parsed.declared_count:,} records "
            f"but {parsed.read_count:,} were read"
        )
    new_date = _published(parsed.version)
    latest = (
        SanctionsListVersion.objects.filter(list_name=parsed.list_name)
        .order_by("-imported_at", "-pk")
        .first()
    )
    old_date = _published(latest.version) if latest else None
    if new_date and old_date and new_date < old_date:
        problems.append(
            f"{parsed.list_name} version {parsed.version} is older than the current version {latest.version}"  # type: ignore[union-attr]  # old_date implies latest
        )
    return problems


def import_lists(
    lists: list[ParsedList], *, user: str = "", accept_removals: bool = False, simulated: bool = False
) -> list[ImportSummary]:
    """Import every list a file holds, all or nothing; refuse unsafe versions unless accepted.
    ``simulated`` marks the versions and their entries as example data, so every page, gap row
    and dossier that shows them says SIMULATED."""
    with transaction.atomic():
        problems = {id(p): [] if _already(p) else update_problems(p) for p in lists}
        every = [msg for msgs in problems.values() for msg in msgs]
        if every and not accept_removals:
            raise UnsafeUpdate(
                "; ".join(every) + ". Nothing changed: check the download, or pass --accept-removals "
                "after a person has looked"
            )
        return [
            _unchanged(p)
            if _already(p)
            else _import(p, user=user, accepted=problems[id(p)], simulated=simulated)
            for p in lists
        ]


def import_list(
    parsed: ParsedList, *, user: str = "", accept_removals: bool = False, simulated: bool = False
) -> ImportSummary:
    """One list: see ``import_lists``."""
    return import_lists([parsed], user=user, accept_removals=accept_removals, simulated=simulated)[0]


def _already(parsed: ParsedList) -> bool:
    return SanctionsListVersion.objects.filter(list_name=parsed.list_name, version=parsed.version).exists()


def _unchanged(parsed: ParsedList) -> ImportSummary:
    return ImportSummary(parsed.list_name, parsed.version, 0, 0, 0, True)


def _import(parsed: ParsedList, *, user: str, accepted: list[str], simulated: bool = False) -> ImportSummary:
    today = dt.date.today()
    removal_date = _published(parsed.version) or today
    added = updated = 0
    existing = {d.list_identifier: d for d in Designation.objects.filter(list_name=parsed.list_name)}
    seen = set()
    for e in parsed.entries:
        seen.add(e.identifier)
        fields = {
            "jurisdiction": parsed.jurisdiction,
            "programme": e.programme[:200],
            "name": e.name[:300],
            "aliases": e.aliases,
            "birth_dates": e.birth_dates,
            "kind": e.kind,
            "listed_on": dt.date.fromisoformat(e.listed_on) if e.listed_on else None,
            "simulated": simulated,
        }
        d = existing.get(e.identifier)
        if d is None:
            d = Designation(list_name=parsed.list_name, list_identifier=e.identifier, **fields)
            d.history = [{"version": parsed.version, "action": "added"}]
            d.list_version = parsed.version
            d.save()
            added += 1
            continue
        changed = [k for k, v in fields.items() if getattr(d, k) != v] + (
            ["relisted"] if d.removed_on else []
        )
        for k, v in fields.items():
            setattr(d, k, v)
        d.removed_on = None
        d.list_version = parsed.version
        d.history = [
            *d.history,
            {
                "version": parsed.version,
                "action": "changed" if changed else "present",
                **({"fields": changed} if changed else {}),
            },
        ]
        d.save()
        updated += bool(changed)
    removed = 0
    for ident, d in existing.items():
        if ident not in seen and d.removed_on is None:
            d.removed_on = removal_date
            d.history = [*d.history, {"version": parsed.version, "action": "removed"}]
            d.save()
            removed += 1
    SanctionsListVersion.objects.create(
        list_name=parsed.list_name,
        version=parsed.version,
        jurisdiction=parsed.jurisdiction,
        entries=len(parsed.entries),
        simulated=simulated,
    )
    detail: dict[str, object] = {
        "version": parsed.version,
        "added": added,
        "updated": updated,
        "removed": removed,
    }
    if accepted:
        detail["accepted"] = accepted  # what a person looked at and let through
    custody.append("ingested", subject=f"sanctions:{parsed.list_name}", user=user, detail=detail)
    return ImportSummary(parsed.list_name, parsed.version, added, updated, removed, False)
