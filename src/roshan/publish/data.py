"""What the site is built from: only reviewed, publishable fields. Nothing else can reach a page."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Victim:
    id: int
    name_fa: str
    name_latin: str
    age: int | None
    gender: str
    date: str  # ISO day or ""
    precision: str
    calendar: str
    place: str
    province: str
    status: str
    story_fa: str
    story_en: str
    sources: tuple[str, ...]  # list names; witness reports appear as "witness testimony"
    photo: bytes | None = None  # a published derivative only (see media.py)
    province_en: str = ""
    incidents: tuple[int, ...] = ()


@dataclass(frozen=True)
class IncidentPage:
    id: int
    title: str
    description: str
    date: str
    precision: str
    place: str
    province: str
    victims: tuple[int, ...]
    attributions: tuple[tuple[int, str, str], ...]  # (actor id, role, confidence)


@dataclass(frozen=True)
class ActorPage:
    id: int
    kind: str
    name_fa: str
    name_latin: str
    description: str
    parent: int | None
    attributions: tuple[tuple[int, str, str, tuple[str, ...]], ...]  # (incident, role, confidence, sources)
    sanctions: dict[str, list[str]]  # jurisdiction -> programmes (confirmed designations only)
    simulated: bool = False  # example data: every page that names the actor says SIMULATED


@dataclass(frozen=True)
class Totals:
    documented: int
    estimate: float | None
    lower: float | None
    upper: float | None
    method: str
    summary_en: str
    summary_fa: str
    strata: tuple[tuple[str, int, float], ...] = ()


@dataclass
class SiteData:
    victims: list[Victim]
    totals: Totals
    incidents: list[IncidentPage] = field(default_factory=list)
    actors: list[ActorPage] = field(default_factory=list)
    proscription: list[dict[str, object]] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)
    simulated: bool = False
