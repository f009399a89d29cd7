"""SIMULATED actors, designations and list versions say so in every output: pages, gap rows, dossiers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from roshan.accountability.sanctions import parse
from roshan.archive import accountability as acc
from roshan.archive import keys
from roshan.archive.dossier import render_html
from roshan.archive.home import Home
from roshan.archive.models import (
    Actor,
    Attribution,
    Designation,
    Incident,
    Person,
    SanctionsListVersion,
    Source,
    SourceList,
)
from roshan.archive.publication import gather
from roshan.archive.sanctions import import_list
from roshan.publish.site import build
from tests.accountability.test_sanctions import DATA

pytestmark = [pytest.mark.archive, pytest.mark.django_db]


def _attributed(actor: Actor) -> None:
    src = Source.objects.get_or_create(
        source_list=SourceList.objects.get_or_create(name="SIMULATED Org", simulated=True)[0],
        name="SIMULATED Org",
    )[0]
    inc = Incident.objects.create(title=f"Incident of {actor.name_latin}", review_status="published")
    inc.persons.add(Person.objects.create(name_latin="SIMULATED victim", review_status="published"))
    att = Attribution.objects.create(actor=actor, incident=inc, role="commanded", review_status="published")
    att.sources.add(src)


def test_a_simulated_import_marks_the_version_and_its_entries() -> None:
    import_list(parse(DATA / "opensanctions.ftm.json", "ftm"), simulated=True)
    assert SanctionsListVersion.objects.get().simulated
    assert Designation.objects.count() and all(d.simulated for d in Designation.objects.all())
    import_list(parse(DATA / "uk.csv", "uk"))
    assert not any(d.simulated for d in Designation.objects.filter(jurisdiction="uk"))
    assert "SIMULATED" in str(Designation.objects.filter(simulated=True).first())


def test_every_output_names_a_simulated_actor_as_such(home: Home, tmp_path: Path) -> None:
    keys.ensure_keys(home)
    fake = Actor.objects.create(
        kind="unit", name_latin="Zorvath Unit", review_status="published", simulated=True
    )
    real = Actor.objects.create(kind="unit", name_latin="Plain Unit", review_status="published")
    for a in (fake, real):
        _attributed(a)
    Designation.objects.create(
        jurisdiction="us",
        list_name="SIMULATED list",
        list_identifier="s1",
        programme="IRAN-HR",
        name="Zorvath Unit",
        actor=fake,
        match="confirmed",
        simulated=True,
    )
    rows = {r.actor_id: r for r in acc.gaps()}
    assert rows[fake.pk].simulated and not rows[real.pk].simulated
    assert rows[fake.pk].designations["us"][0].startswith("SIMULATED ")
    js = ("us", "eu")
    records = acc.gap_records(list(rows.values()), js)
    acc.write_gaps_csv(records, js, tmp_path / "g.csv")
    with open(tmp_path / "g.csv", encoding="utf-8-sig") as f:
        by_name = {r["name"]: r for r in csv.DictReader(f)}
    assert by_name["Zorvath Unit"]["simulated"] == "True" and by_name["Plain Unit"]["simulated"] == "False"
    html = acc.gaps_html(records, js)
    assert "Zorvath Unit (SIMULATED)" in html and "Plain Unit (SIMULATED)" not in html

    dossier = render_html(fake)
    assert "SIMULATED: this actor and sanctions entries" in dossier
    assert 'class="simulated"' not in render_html(real)

    site = tmp_path / "site"
    build(gather(home), site, keys.load_publish_key(home))
    for lang in ("fa", "en"):
        page = (site / lang / "actors" / f"{fake.pk}.html").read_text(encoding="utf-8")
        assert '<bdi lang="en" dir="ltr">SIMULATED</bdi>' in page and "SIMULATED IRAN-HR" in page
        assert "simulated-mark" not in (site / lang / "actors" / f"{real.pk}.html").read_text(
            encoding="utf-8"
        )
        assert 'class="simulated"' in page, "the site-wide banner shows"
    listing = (site / "en" / "actors.html").read_text(encoding="utf-8")
    assert listing.count("unit · SIMULATED") == 1, "the real unit is not marked"
    incident = next(i for i in Incident.objects.all() if i.attributions.filter(actor=fake).exists())
    assert "simulated-mark" in (site / "en" / "incidents" / f"{incident.pk}.html").read_text(encoding="utf-8")
