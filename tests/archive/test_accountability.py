"""Sanctions in the archive: versions, removal history, do-no-harm, matching, gaps, dossiers."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import serializers

from roshan.accountability.sanctions import parse
from roshan.archive import accountability as acc
from roshan.archive.models import Actor, Attribution, Designation, Incident, Person, Source, SourceList
from roshan.archive.sanctions import import_list
from tests.accountability.test_sanctions import DATA, FORBIDDEN
from tests.conftest import CliHome
from tests.helpers import need_tool, run_roshan

pytestmark = [pytest.mark.archive]


def _dump() -> str:
    from django.apps import apps

    return "".join(
        serializers.serialize("json", m.objects.all()) for m in apps.get_app_config("archive").get_models()
    )


@pytest.mark.django_db
def test_versions_history_and_nothing_forbidden(tmp_path: Path) -> None:
    first = import_list(parse(DATA / "ofac-csv" / "sdn.csv", "ofac"))
    assert first.added == 17 and not first.unchanged
    assert import_list(parse(DATA / "ofac-csv" / "sdn.csv", "ofac")).unchanged, (
        "same version: nothing changes"
    )
    newer = tmp_path / "sdn.csv"
    lines = (DATA / "ofac-csv" / "sdn.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    newer.write_text(
        "".join(lines[1:])
        + '990001,"SIMULATED NEW ENTITY",-0- ,"IRAN-HR",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    )
    second = import_list(parse(newer, "ofac"))
    assert (second.added, second.removed) == (1, 1)
    gone = Designation.objects.get(list_identifier="10278")
    assert gone.removed_on is not None and [h["action"] for h in gone.history] == ["added", "removed"]
    # a confirmed designation the list later dropped: shown nowhere as current, exported as ended
    actor = Actor.objects.create(kind="person", name_latin="SIMULATED official", review_status="published")
    Designation.objects.filter(pk=gone.pk).update(actor=actor, match="confirmed")
    assert acc.confirmed_designations([actor.pk]) == {}
    acc.export_ftm(tmp_path / "actors.ftm.json")
    entities = [json.loads(line) for line in (tmp_path / "actors.ftm.json").read_text().splitlines()]
    (sanction,) = [e for e in entities if e["schema"] == "Sanction"]
    assert sanction["properties"]["endDate"] == [gone.removed_on.isoformat()]
    dump = _dump()
    assert not [f for f in FORBIDDEN if f in dump]


@pytest.mark.django_db
def test_matching_proposes_and_only_confirmed_counts() -> None:
    for f, fmt in (("eu.xml", "eu"), ("uk.csv", "uk"), ("ofac.xml", "ofac")):
        import_list(parse(DATA / f, fmt))
    official = Actor.objects.create(kind="person", name_fa="حمید شبیه‌سازی", review_status="published")
    unit = Actor.objects.create(kind="unit", name_latin="SIMULATED Morality Unit", review_status="published")
    Actor.objects.create(kind="person", name_latin="Someone Else Entirely")
    assert acc.match() >= 3
    proposed = Designation.objects.filter(match="proposed")
    assert set(proposed.values_list("actor_id", flat=True)) == {official.pk, unit.pk}
    src = Source.objects.create(
        source_list=SourceList.objects.create(name="SIMULATED Org"), name="SIMULATED Org"
    )
    inc = Incident.objects.create(title="SIMULATED", review_status="published")
    inc.persons.add(Person.objects.create(name_latin="SIMULATED victim", review_status="published"))
    for actor in (official, unit):
        a = Attribution.objects.create(actor=actor, incident=inc, role="ordered", review_status="published")
        a.sources.add(src)
    Attribution.objects.create(
        actor=Actor.objects.get(name_latin="Someone Else Entirely"),
        incident=inc,
        role="ordered",
        review_status="draft",
    )
    rows = acc.gaps()
    assert {r.actor_id for r in rows} == {official.pk, unit.pk}, "draft attributions count nowhere"
    assert all(r.designated_in == 0 for r in rows), "proposed matches are not designations"
    Designation.objects.filter(actor=official, jurisdiction="eu").update(match="confirmed")
    rows = {r.actor_id: r for r in acc.gaps()}
    assert rows[official.pk].designations["eu"] and rows[official.pk].designated_in == 1
    assert acc.gaps()[0].actor_id == unit.pk, "the least designated comes first"


def test_cli_import_gaps_dossier(cli_home: CliHome, tmp_path: Path) -> None:
    run_roshan("init", env=cli_home.env)
    out = json.loads(
        run_roshan(
            "sanctions", "import", str(DATA / "uk.csv"), "--format", "uk", "--json", env=cli_home.env
        ).stdout
    )
    assert out["added"] == 2
    bad = run_roshan(
        "sanctions", "import", str(DATA / "uk.csv"), "--format", "xls", env=cli_home.env, check=False
    )
    assert bad.returncode == 1 and bad.stderr.startswith("BadSanctionsList: unknown format")
    actors = tmp_path / "actors.ftm.json"
    actors.write_text(
        json.dumps(
            {
                "id": "a1",
                "schema": "Organization",
                "properties": {"name": ["SIMULATED MORALITY UNIT"], "address": ["ZZADDRESS"]},
            }
        )
        + "\n"
    )
    run_roshan("actors", "import", str(actors), env=cli_home.env)
    assert "1 designation" in run_roshan("sanctions", "match", env=cli_home.env).stdout
    gaps = json.loads(
        run_roshan(
            "sanctions",
            "gaps",
            "--csv",
            str(tmp_path / "g.csv"),
            "--html",
            str(tmp_path / "g.html"),
            "--json",
            env=cli_home.env,
        ).stdout
    )
    assert gaps == [], "a draft actor with no reviewed attribution is in no output"
    assert (tmp_path / "g.csv").read_bytes().startswith(b"\xef\xbb\xbf") and (tmp_path / "g.html").exists()
    html = tmp_path / "d.html"
    run_roshan("dossier", "SIMULATED MORALITY UNIT", "--out", str(html), env=cli_home.env)
    text = html.read_text()
    assert (
        "SIMULATED MORALITY UNIT" in text
        and "ZZADDRESS" not in text
        and "http" not in text.replace("http://www.w3", "")
    )
    missing = run_roshan("dossier", "nobody", "--out", str(html), env=cli_home.env, check=False)
    assert missing.stderr.startswith("BadInput: no actor")


def test_pdf_dossier_shapes_persian(cli_home: CliHome, tmp_path: Path) -> None:
    need_tool("chromium")
    pdftoppm = need_tool("pdftoppm", "poppler-utils")
    run_roshan("init", env=cli_home.env)
    actors = tmp_path / "a.json"
    actors.write_text(
        json.dumps(
            {"id": "a", "schema": "Person", "properties": {"name": ["حمید شبیه‌سازی", "Hamid SIMULATEDI"]}}
        )
        + "\n"
    )
    run_roshan("actors", "import", str(actors), env=cli_home.env)
    pdf = tmp_path / "d.pdf"
    run_roshan("dossier", "1", "--out", str(pdf), env=cli_home.env)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    from PIL import Image

    page = next(tmp_path.glob("page*.png"))
    with Image.open(page) as im:
        assert im.convert("L").getextrema()[0] < 100, "the page has text on it"
    shutil.copy(page, tmp_path / "dossier-page1.png")


@pytest.mark.django_db
def test_thousands_of_entries_in_unexpected_scripts(tmp_path: Path) -> None:
    import random

    rng = random.Random(1)
    scripts = [
        "Иван Петров",
        "王小明",
        "محمد علی",
        "Ὀδυσσεύς",
        "ሰላም",
        "Ngọc Ánh",
        "ᠮᠣᠩᠭᠣᠯ",
        "\u202eevil",
        "",
        "  ",
    ]
    f = tmp_path / "big.ftm.json"
    with open(f, "w", encoding="utf-8") as out:
        for i in range(3000):
            name = f"{rng.choice(scripts)} {i}"
            out.write(
                json.dumps(
                    {
                        "id": f"e{i}",
                        "schema": "Person",
                        "datasets": ["gb_hmt_sanctions"],
                        "properties": {"name": [name], "alias": [name, name]},
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    s = import_list(parse(f, "ftm"))
    assert s.added == 3000
    Actor.objects.create(kind="person", name_latin="Ivan Petrov 17")
    acc.match()  # no crash on scripts the skeleton does not know
    assert all(d.aliases == [] for d in Designation.objects.all()[:50]), "duplicate aliases dropped"
