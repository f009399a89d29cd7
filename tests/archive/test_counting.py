"""Counting in the archive: link, stable person ids, reviewers' decisions, merge/split, estimate."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from roshan.archive import lists
from roshan.archive.histories import estimate_archive
from roshan.archive.linking import export_links, merge_persons, run_link, split_records
from roshan.archive.models import Person, Record, ReviewPair, Source
from roshan.errors import BadInput
from roshan.examples import generate
from tests.conftest import CliHome
from tests.helpers import run_roshan

pytestmark = [pytest.mark.archive]


@pytest.fixture
def simulated(tmp_path: Path) -> Path:
    ex = generate(tmp_path / "ex", people=150, seed=3)
    for lst in ex.lists:
        lists.import_list(lst.path, lst.source, mapping=lst.mapping, simulated=True)
    return tmp_path / "ex"


@pytest.mark.django_db
def test_link_is_stable_and_respects_decisions(simulated: Path, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="run `roshan link` first"):
        estimate_archive()
    first = run_link()
    assert first.records == Record.objects.count() and first.new_persons == first.persons
    before = dict(Record.objects.values_list("pk", "person_id"))
    second = run_link()
    assert (second.new_persons, second.kept_ids) == (0, first.persons)
    assert dict(Record.objects.values_list("pk", "person_id")) == before, "ids stay where clusters persist"
    # a reviewer says two linked records are different people: the next run keeps them apart
    person = next(p for p in Person.objects.all() if p.records.count() >= 2)
    a, b = sorted(person.records.values_list("pk", flat=True))[:2]
    ReviewPair.objects.create(record_a_id=a, record_b_id=b, score=0.9, decision="different")
    person.story_en = "SIMULATED curated story"
    person.save()
    run_link()
    ra, rb = Record.objects.get(pk=a), Record.objects.get(pk=b)
    assert ra.person_id != rb.person_id
    assert Person.objects.filter(story_en="SIMULATED curated story").exists(), "curated profiles survive"
    out = tmp_path / "links.csv"
    assert export_links(out) == Record.objects.filter(source__current=True).count()
    with open(out, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert set(rows[0]) == {"source", "external_id", "person_id"} and all(r["person_id"] for r in rows)


@pytest.mark.django_db
def test_merge_and_split_by_hand(simulated: Path) -> None:
    run_link()
    p1, p2 = Person.objects.order_by("pk")[:2]
    target = merge_persons([p1.pk, p2.pk], "reviewer")
    assert not Person.objects.filter(pk=p2.pk).exists()
    run_link()
    assert Record.objects.filter(person_id=target.pk).count() >= 2, (
        "the merge is a constraint later runs keep"
    )
    rec = Record.objects.filter(person_id=target.pk).first()
    assert rec is not None
    new = split_records([rec.pk], "reviewer")
    run_link()
    assert Record.objects.get(pk=rec.pk).person_id != target.pk
    assert new.pk


@pytest.mark.django_db
def test_estimate_from_the_archive(simulated: Path) -> None:
    run_link()
    t = estimate_archive()
    assert t.documented == Person.objects.count()
    assert t.lower <= t.estimate <= t.upper and t.estimate >= t.documented
    by = estimate_archive(by="province")
    assert by.documented == t.documented and len(by.strata) > 1


@pytest.mark.django_db
def test_a_list_imported_twice_is_one_source(simulated: Path) -> None:
    path = simulated / "simulated_list_A.csv"
    again = lists.import_list(path, "SIMULATED Group A")
    assert again.unchanged and Source.objects.filter(name="SIMULATED Group A").count() == 1


def test_cli_link_estimate(cli_home: CliHome, tmp_path: Path) -> None:
    run_roshan("init", env=cli_home.env)
    ex = generate(tmp_path / "ex", people=120, seed=5)
    for lst in ex.lists:
        args = ["import-list", str(lst.path), "--source", lst.source]
        for col, field in lst.mapping.items():
            args += ["--map", f"{col}={field}"]
        run_roshan(*args, env=cli_home.env)
    link = json.loads(
        run_roshan("link", "--export", str(tmp_path / "l.csv"), "--json", env=cli_home.env).stdout
    )
    assert link["exported"] == link["records"]
    est = json.loads(run_roshan("estimate", "--json", env=cli_home.env).stdout)
    assert {"documented", "estimate", "lower", "upper", "method", "model"} <= set(est)
    assert "مستند" in est["summary_fa"]
    chart = tmp_path / "chart"
    run_roshan("estimate", "--by", "month", "--chart", str(chart), env=cli_home.env)
    assert chart.with_suffix(".png").stat().st_size > 1000
    svg = chart.with_suffix(".svg").read_text()
    assert "<text" in svg, "SVG text stays text so the browser can shape Persian"
    table = json.loads(
        run_roshan(
            "estimate",
            "--table",
            str(Path(__file__).parents[1] / "data" / "mse" / "korea_3lists.csv"),
            "--select",
            "stepwise-p",
            "--p-threshold",
            "0.02",
            "--json",
            env=cli_home.env,
        ).stdout
    )
    assert round(table["estimate"], 1) == 268.8 and table["model"] == ["b*c"]
    single = tmp_path / "one.csv"
    single.write_text("A,count\n1,5\n")
    bad = run_roshan("estimate", "--table", str(single), env=cli_home.env, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("BadInput")
