"""What the archive lets the memorial show: reviewed, published items only, as plain data.

Only fields listed here can reach a page. Never: testimony, device fingerprints, channels,
capture metadata, unreviewed or unpublished persons, draft or unsourced attributions, birth
dates of designated people, anything about where a living official can be found.
"""

from __future__ import annotations

from collections import defaultdict

from roshan.archive import custody, store
from roshan.archive.accountability import confirmed_designations
from roshan.archive.home import Home
from roshan.archive.models import Actor, Attribution, Incident, Person, Record, SourceList
from roshan.errors import RoshanError
from roshan.publish.data import ActorPage, IncidentPage, SiteData, Totals, Victim

PUBLISHED = "published"


def _province(text: str) -> tuple[str, str]:
    """(Persian, English) names of the province a place belongs to, or the text as written."""
    from roshan.linkage.places import province_code, province_names

    code = province_code(text) if text else None
    return province_names(code) if code else (text, text)


def _totals() -> Totals:
    from roshan.archive.histories import estimate_archive
    from roshan.estimate.report import summary_en, summary_fa

    try:
        t = estimate_archive()
    except (RoshanError, ValueError) as exc:
        n = Person.objects.count()
        return Totals(
            n,
            None,
            None,
            None,
            "",
            f"Documented {n:,} people. No estimate: {exc}.",
            f"{n} نفر مستند شده‌اند. برآوردی در کار نیست.",
        )
    strata = tuple((s.name, s.documented, s.estimate) for s in t.strata) if len(t.strata) > 1 else ()
    return Totals(
        t.documented,
        round(t.estimate),
        round(t.lower),
        round(t.upper),
        t.method,
        summary_en(t),
        summary_fa(t),
        strata,
    )


def gather(home: Home, *, user: str = "") -> SiteData:
    from roshan.accountability.proscription import load
    from roshan.publish.media import safe_photo

    persons = list(Person.objects.filter(review_status=PUBLISHED).order_by("pk"))
    ids = [p.pk for p in persons]
    sources: dict[int, set[str]] = defaultdict(set)
    simulated = False
    for pid, name, kind, sim in Record.objects.filter(person_id__in=ids, source__current=True).values_list(
        "person_id",
        "source__source_list__name",
        "source__source_list__kind",
        "source__source_list__simulated",
    ):
        sources[pid].add(SourceList.public_label(kind, name))
        simulated = simulated or sim
    incidents = list(
        Incident.objects.filter(review_status=PUBLISHED).prefetch_related("persons").order_by("pk")
    )
    inc_of: dict[int, list[int]] = defaultdict(list)
    for inc in incidents:
        for p in inc.persons.all():
            inc_of[p.pk].append(inc.pk)
    victims = []
    for p in persons:
        photo = None
        if p.photo_id and p.photo_consent:
            photo, report = safe_photo(store.path_for(home, p.photo.sha256).read_bytes())  # type: ignore[union-attr]
            custody.append(
                "redacted",
                evidence_sha256=p.photo.sha256,
                subject=f"person:{p.pk}",
                user=user,  # type: ignore[union-attr]
                detail={
                    "faces": report["faces"],
                    "blurred": report["blurred"],
                    "tool": "roshan.publish.media",
                },
            )
        provinces = _province(p.province)
        victims.append(
            Victim(
                id=p.pk,
                name_fa=p.name_fa,
                name_latin=p.name_latin,
                age=p.age,
                gender=p.gender,
                date=p.date.isoformat() if p.date else "",
                precision=p.date_precision or "day",
                calendar=p.date_calendar or "gregorian",
                place=p.place,
                province=provinces[0],
                province_en=provinces[1],
                status=p.status,
                story_fa=p.story_fa,
                story_en=p.story_en,
                sources=tuple(sorted(sources[p.pk])),
                photo=photo,
                incidents=tuple(sorted(inc_of[p.pk])),
            )
        )
    attributions = list(
        Attribution.objects.filter(
            review_status=PUBLISHED, actor__review_status=PUBLISHED, incident__review_status=PUBLISHED
        )
        .prefetch_related("sources__source_list")
        .order_by("pk")
    )
    # nothing about an actor without a cited source (``all()`` reads the prefetched sources; exists() would query)
    attributions = [a for a in attributions if a.sources.all()]
    by_actor: dict[int, list[Attribution]] = defaultdict(list)
    by_incident: dict[int, list[Attribution]] = defaultdict(list)
    for a in attributions:
        by_actor[a.actor_id].append(a)
        by_incident[a.incident_id].append(a)
    actors = []
    designations = confirmed_designations(list(by_actor))
    for actor in Actor.objects.filter(pk__in=list(by_actor)).order_by("pk"):
        sanctions: dict[str, list[str]] = defaultdict(list)
        for d in designations[actor.pk]:
            sanctions[d.jurisdiction].append(
                ("SIMULATED " if d.simulated else "") + (d.programme or d.list_name)
            )
        parent = actor.parent_id if actor.parent_id in by_actor else None
        actors.append(
            ActorPage(
                id=actor.pk,
                kind=actor.kind,
                name_fa=actor.name_fa,
                name_latin=actor.name_latin,
                description=actor.description,
                parent=parent,
                attributions=tuple(
                    (
                        a.incident_id,
                        a.role,
                        a.confidence,
                        tuple(
                            sorted(
                                SourceList.public_label(s.source_list.kind, s.source_list.name)
                                for s in a.sources.all()
                            )
                        ),
                    )
                    for a in by_actor[actor.pk]
                ),
                sanctions={k: sorted(v) for k, v in sanctions.items()},
                simulated=actor.simulated,
            )
        )
    published_victims = set(ids)
    incident_pages = [
        IncidentPage(
            id=i.pk,
            title=i.title,
            description=i.description,
            date=i.date.isoformat() if i.date else "",
            precision=i.date_precision or "day",
            place=i.place,
            province=i.province,
            victims=tuple(sorted(p.pk for p in i.persons.all() if p.pk in published_victims)),
            attributions=tuple((a.actor_id, a.role, a.confidence) for a in by_incident[i.pk]),
        )
        for i in incidents
    ]
    withdrawn = list(Person.objects.filter(review_status="withdrawn").values_list("pk", flat=True))
    return SiteData(
        victims,
        _totals(),
        incident_pages,
        actors,
        [dict(e) for e in load(home.root / "irgc_proscription.json")],
        withdrawn,
        simulated or any(a.simulated for a in actors),
    )
