"""FollowTheMoney (FtM) entities for actors, read and written directly as JSON (the
``followthemoney`` package needs PyICU, a native build: not worth it for this mapping).

Actor → ``Person`` or ``Organization``; a position → ``Position`` plus an ``Occupancy`` linking
holder and post; a confirmed designation → ``Sanction``. Only these properties are read or written:
names, aliases, notes, position names and dates, sanction programme and dates. Addresses, phones,
e-mails, identifiers, relatives and the like are dropped on import: there is nowhere to put them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roshan.errors import BadInput

READ_PROPS = {"name", "alias", "weakAlias", "notes", "description"}


@dataclass
class ActorData:
    id: str
    kind: str  # person | unit | organisation
    name_fa: str
    name_latin: str
    description: str = ""
    parent: str | None = None
    positions: list[dict[str, str]] = field(default_factory=list)  # {title, start, end}
    sanctions: list[dict[str, str]] = field(default_factory=list)  # {authority, program, startDate, endDate}


def _is_persian(text: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in text)


def to_entities(actors: Iterable[ActorData]) -> Iterator[dict[str, Any]]:
    for a in actors:
        names = [n for n in (a.name_latin, a.name_fa) if n]
        schema = "Person" if a.kind == "person" else "Organization"
        props: dict[str, list[str]] = {"name": names}
        if a.description:
            props["notes"] = [a.description]
        yield {"id": f"roshan-actor-{a.id}", "schema": schema, "properties": props}
        if a.parent:
            yield {
                "id": f"roshan-membership-{a.id}",
                "schema": "Membership",
                "properties": {
                    "member": [f"roshan-actor-{a.id}"],
                    "organization": [f"roshan-actor-{a.parent}"],
                },
            }
        for k, p in enumerate(a.positions):
            pid = f"roshan-position-{a.id}-{k}"
            yield {"id": pid, "schema": "Position", "properties": {"name": [p["title"]]}}
            occ = {"holder": [f"roshan-actor-{a.id}"], "post": [pid]}
            occ.update({key: [p[key]] for key in ("startDate", "endDate") if p.get(key)})
            yield {"id": f"roshan-occupancy-{a.id}-{k}", "schema": "Occupancy", "properties": occ}
        for k, s in enumerate(a.sanctions):
            props = {"entity": [f"roshan-actor-{a.id}"]}
            props.update(
                {key: [s[key]] for key in ("authority", "program", "startDate", "endDate") if s.get(key)}
            )
            yield {"id": f"roshan-sanction-{a.id}-{k}", "schema": "Sanction", "properties": props}


def from_entities(path: Path) -> list[ActorData]:
    entities: dict[str, dict[str, Any]] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        e = json.loads(line)
                        entities[e["id"]] = e
                    except (ValueError, KeyError, TypeError):
                        raise BadInput(f"{path.name} line {n}: not a FollowTheMoney entity") from None
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from None
    actors: dict[str, ActorData] = {}
    for eid, e in entities.items():
        if e.get("schema") not in ("Person", "Organization", "PublicBody", "LegalEntity"):
            continue
        props = {k: v for k, v in e.get("properties", {}).items() if k in READ_PROPS}
        names = props.get("name", []) + props.get("alias", [])
        fa = next((n for n in names if _is_persian(n)), "")
        latin = next((n for n in names if not _is_persian(n)), "")
        kind = "person" if e["schema"] == "Person" else "organisation"
        actors[eid] = ActorData(
            eid, kind, fa, latin, " ".join(props.get("notes", []) + props.get("description", []))
        )
    for e in entities.values():
        p = e.get("properties", {})
        if e.get("schema") == "Occupancy":
            for holder in p.get("holder", []):
                for post in p.get("post", []):
                    title = (entities.get(post, {}).get("properties", {}).get("name") or [""])[0]
                    if holder in actors and title:
                        actors[holder].positions.append(
                            {
                                "title": title,
                                "startDate": (p.get("startDate") or [""])[0],
                                "endDate": (p.get("endDate") or [""])[0],
                            }
                        )
        if e.get("schema") == "Membership":
            for member in p.get("member", []):
                org = (p.get("organization") or [None])[0]
                if member in actors and org in actors:
                    actors[member].parent = org
    return list(actors.values())
