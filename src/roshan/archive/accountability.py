"""Sanctions in the archive: list versions, matching actors to designations, and the gaps.

A re-import of a newer version updates a list: entries new in it are added, entries gone from it
get ``removed_on``, and every designation keeps a history of what each version said. Importing
the same version again changes nothing. Matching proposes candidates for review; only matches a
reviewer confirmed count anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from roshan.accountability import JURISDICTIONS
from roshan.archive import custody
from roshan.archive.models import Actor, Attribution, Designation
from roshan.linkage.names import skeleton

COUNTED = ("reviewed", "published")  # attribution review states that count in any output


def _forms(*names: str) -> list[tuple[str, str]]:
    """(script, comparable form) of each name: Latin names compared letter by letter with tokens sorted
    ("SIMULATEDI, Hamid" = "Hamid Simulatedi"); Persian ones through the cross-script skeleton."""
    from roshan.linkage.names import fold_latin, is_persian

    out = []
    for n in names:
        if not n:
            continue
        if is_persian(n):
            out.append(("skeleton", skeleton(n)))
        else:
            out.append(("latin", " ".join(sorted(fold_latin(n).split()))))
            out.append(("skeleton", "".join(sorted(skeleton(w) for w in n.replace(",", " ").split()))))
    return [(k, v) for k, v in out if len(v) >= 3]


def _score(actor_forms: list[tuple[str, str]], des_forms: list[tuple[str, str]]) -> float:
    """Best similarity over comparable pairs; Latin against Latin must agree letter by letter too."""
    from rapidfuzz.distance import JaroWinkler

    skel_a = [v for k, v in actor_forms if k == "skeleton"]
    skel_d = [v for k, v in des_forms if k == "skeleton"]
    skel = max((JaroWinkler.similarity(a, d) for a in skel_a for d in skel_d), default=0.0)
    latin_a = [v for k, v in actor_forms if k == "latin"]
    latin_d = [v for k, v in des_forms if k == "latin"]
    if latin_a and latin_d:  # both written in Latin: the letters must agree as well as the consonants
        return min(
            skel, max(JaroWinkler.similarity(a, d, prefix_weight=0.0) for a in latin_a for d in latin_d)
        )
    return skel


def match(*, threshold: float = 0.92, user: str = "") -> int:
    """Propose designations for actors whose names (in either script) come close; a birth year that
    disagrees rules a namesake out, one that agrees or a shared position title makes it likelier.
    Returns how many proposals were made; reviewers confirm or reject them."""
    from roshan.archive.models import Position

    titles: dict[int, set[str]] = defaultdict(set)
    for actor_id, title in Position.objects.values_list("actor_id", "title"):
        titles[actor_id] |= {w for w in title.lower().split() if len(w) > 3}
    actors = [(a, _forms(a.name_fa, a.name_latin)) for a in Actor.objects.all()]
    index: dict[str, list[tuple[Actor, list[tuple[str, str]]]]] = defaultdict(list)
    for a, forms in actors:
        for _, v in forms:
            index[v[:2]].append((a, forms))
    proposed = 0
    with transaction.atomic():
        for d in Designation.objects.filter(match__in=["unmatched", "proposed"]).iterator():
            dforms = _forms(d.name, *d.aliases)
            best: tuple[float, Actor | None] = (0.0, None)
            seen: set[int] = set()
            for _, dv in dforms:
                for a, aforms in index.get(dv[:2], []):
                    if a.pk in seen or ((a.kind == "person") != (d.kind == "person") and d.kind):
                        continue
                    seen.add(a.pk)
                    score = _score(aforms, dforms)
                    years = {b[:4] for b in d.birth_dates}
                    if a.birth_year and years:
                        score += 0.03 if str(a.birth_year) in years else -0.3
                    if titles.get(a.pk) and titles[a.pk] & set(" ".join(d.positions).lower().split()):
                        score += 0.03
                    if score > best[0]:
                        best = (score, a)
            if best[1] is not None and best[0] >= threshold:
                if d.actor_id != best[1].pk or d.match != "proposed":
                    d.actor, d.match, d.match_score = (
                        best[1],
                        Designation.Match.PROPOSED,
                        round(min(best[0], 1.0), 4),
                    )
                    d.save(update_fields=["actor", "match", "match_score"])
                    proposed += 1
        if proposed:
            custody.append("reviewed", subject="sanctions-matching", user=user, detail={"proposed": proposed})
    return proposed


@dataclass
class GapRow:
    actor_id: int
    name: str
    kind: str
    incidents: int
    victims: int
    designations: dict[str, list[str]]  # jurisdiction -> ["PROGRAMME since YYYY-MM-DD", ...]
    simulated: bool = False  # a SIMULATED actor: every output of the row says so

    @property
    def designated_in(self) -> int:
        return sum(1 for v in self.designations.values() if v)


def confirmed_designations(actor_ids: list[int]) -> dict[int, list[Designation]]:
    """Each actor's confirmed, current designations, in one query: the only ones any output shows."""
    out: dict[int, list[Designation]] = defaultdict(list)
    for d in Designation.objects.filter(
        actor_id__in=actor_ids, match="confirmed", removed_on__isnull=True
    ).order_by("pk"):
        out[d.actor_id].append(d)  # type: ignore[index]  # actor_id is never null after the filter
    return out


def gaps(jurisdictions: tuple[str, ...] = JURISDICTIONS) -> list[GapRow]:
    """Actors with counted attributions, by jurisdiction; ranked: most attributions, fewest designations first."""
    rows = []
    atts = (
        Attribution.objects.filter(review_status__in=COUNTED)
        .select_related("actor", "incident")
        .prefetch_related("incident__persons")
    )
    by_actor: dict[int, list[Attribution]] = defaultdict(list)
    for a in atts:
        by_actor[a.actor_id].append(a)
    designations = confirmed_designations(list(by_actor))
    for actor in Actor.objects.filter(pk__in=list(by_actor)):
        incidents = {a.incident_id for a in by_actor[actor.pk]}
        victims = {p.pk for a in by_actor[actor.pk] for p in a.incident.persons.all()}
        des: dict[str, list[str]] = {j: [] for j in jurisdictions}
        for d in designations[actor.pk]:
            if d.jurisdiction in des:
                des[d.jurisdiction].append(
                    ("SIMULATED " if d.simulated else "")
                    + f"{d.programme or d.list_name}"
                    + (f" since {d.listed_on.isoformat()}" if d.listed_on else "")
                )
        rows.append(
            GapRow(
                actor.pk,
                actor.name_latin or actor.name_fa,
                actor.kind,
                len(incidents),
                len(victims),
                des,
                actor.simulated,
            )
        )
    return sorted(rows, key=lambda r: (-r.incidents, r.designated_in, r.name))


def export_ftm(path: Path) -> int:
    """Reviewed actors as FtM JSON lines (published fields only)."""
    import json

    from roshan.accountability.ftm import ActorData, to_entities
    from roshan.archive.models import Position

    actors = []
    for a in Actor.objects.filter(review_status__in=COUNTED).order_by("pk"):
        positions = [
            {
                "title": p.title,
                "startDate": p.start.isoformat() if p.start else "",
                "endDate": p.end.isoformat() if p.end else "",
            }
            for p in Position.objects.filter(actor=a)
        ]
        sanctions = [  # lifted ones too, ended on the day the list dropped them: that is history
            {
                "authority": d.jurisdiction,
                "program": d.programme or d.list_name,
                "startDate": d.listed_on.isoformat() if d.listed_on else "",
                "endDate": d.removed_on.isoformat() if d.removed_on else "",
            }
            for d in Designation.objects.filter(actor=a, match="confirmed").order_by("pk")
        ]
        actors.append(
            ActorData(
                str(a.pk),
                a.kind,
                a.name_fa,
                a.name_latin,
                a.description,
                str(a.parent_id) if a.parent_id else None,
                positions,
                sanctions,
            )
        )
    lines = [json.dumps(e, ensure_ascii=False, sort_keys=True) for e in to_entities(actors)]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)


def import_ftm(path: Path, *, user: str = "", simulated: bool = False) -> int:
    """Actors from FtM JSON lines, as drafts for review. Only names, notes, positions, memberships.
    ``simulated`` marks them as example data (shown as SIMULATED wherever they appear)."""
    from roshan.accountability.ftm import from_entities
    from roshan.archive.models import Position

    data = from_entities(path)
    made: dict[str, Actor] = {}
    with transaction.atomic():
        for a in data:
            made[a.id] = Actor.objects.create(
                kind=a.kind,
                name_fa=a.name_fa[:300],
                name_latin=a.name_latin[:300],
                description=a.description,
                simulated=simulated,
            )
            for p in a.positions:
                Position.objects.create(
                    actor=made[a.id],
                    title=p["title"][:300],
                    start=_date(p.get("startDate")),
                    end=_date(p.get("endDate")),
                )
        for a in data:
            if a.parent and a.parent in made:
                made[a.id].parent = made[a.parent]
                made[a.id].save(update_fields=["parent"])
        custody.append("ingested", subject="actors:ftm", user=user, detail={"actors": len(made)})
    return len(made)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def gap_records(rows: list[GapRow], jurisdictions: tuple[str, ...]) -> list[dict[str, object]]:
    """One flat record per actor: what the table, CSV, JSON and HTML outputs show."""
    return [
        {
            "actor_id": r.actor_id,
            "name": r.name,
            "kind": r.kind,
            "incidents": r.incidents,
            "victims": r.victims,
            "designated_in": r.designated_in,
            "simulated": r.simulated,
            **{j: "; ".join(r.designations[j]) for j in jurisdictions},
        }
        for r in rows
    ]


def write_gaps_csv(records: list[dict[str, object]], jurisdictions: tuple[str, ...], path: Path) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8-sig") as f:  # BOM: spreadsheets then show Persian
        w = csv.DictWriter(
            f,
            fieldnames=[
                "actor_id",
                "name",
                "kind",
                "incidents",
                "victims",
                "designated_in",
                "simulated",
                *jurisdictions,
            ],
        )
        w.writeheader()
        w.writerows(records)


def shown_name(record: dict[str, object]) -> str:
    """The actor's name as a gap row shows it: a SIMULATED actor is never shown bare."""
    return f"{record['name']} (SIMULATED)" if record.get("simulated") else str(record["name"])


def gaps_html(records: list[dict[str, object]], jurisdictions: tuple[str, ...]) -> str:
    import html

    head = "".join(
        f"<th>{h}</th>" for h in ["actor", "incidents", "victims", *[j.upper() for j in jurisdictions]]
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(x))}</td>"
            for x in [shown_name(d), d["incidents"], d["victims"], *[d[j] or "—" for j in jurisdictions]]
        )
        + "</tr>"
        for d in records
    )
    return (
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>Sanctions gaps</title>'
        f"<table border=1><tr>{head}</tr>{body}</table></html>\n"
    )
