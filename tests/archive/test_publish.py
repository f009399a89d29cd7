"""The memorial: only what is published, reproducible, mirror-friendly, safe with hostile text."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from roshan.archive import custody, keys
from roshan.archive.home import Home
from roshan.archive.models import (
    Actor,
    Attribution,
    Designation,
    Incident,
    Person,
    Record,
    Source,
    SourceList,
)
from roshan.archive.publication import gather
from roshan.publish.manifest import verify
from roshan.publish.site import build

pytestmark = [pytest.mark.archive, pytest.mark.django_db]
SENTINEL = "ZZSENTINEL"
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> \u202eevil'


@pytest.fixture
def archive_with_people(home: Home, tmp_path: Path) -> Home:
    keys.ensure_keys(home)
    org = SourceList.objects.create(name="SIMULATED Org", simulated=True)
    wit = SourceList.objects.create(name="witness reports", kind="witness")
    s_org = Source.objects.create(source_list=org, name="SIMULATED Org")
    s_wit = Source.objects.create(
        source_list=wit,
        name="witness report abc",
        device_fingerprint=SENTINEL,
        channel=SENTINEL,
        report_id=SENTINEL,
    )
    pub = Person.objects.create(
        name_fa="نام آزمون",
        name_latin="Test Name",
        age=23,
        date=dt.date(2026, 1, 8),
        date_precision="day",
        date_calendar="jalali",
        province="گیلان",
        review_status="published",
        story_en=HOSTILE,
        story_fa="روایت شبیه‌سازی‌شده",
    )
    hidden = Person.objects.create(
        name_fa=SENTINEL, name_latin=SENTINEL, story_en=SENTINEL, review_status="reviewed"
    )
    gone = Person.objects.create(name_latin="Withdrawn Person", review_status="published")
    for p, s in ((pub, s_org), (pub, s_wit), (hidden, s_org), (gone, s_org)):
        Record.objects.create(
            source=s, person=p, name_latin=p.name_latin, circumstance=SENTINEL, extra={"x": SENTINEL}
        )
    inc = Incident.objects.create(
        title="SIMULATED incident", description="SIMULATED", review_status="published"
    )
    inc.persons.add(pub, hidden)
    draft = Incident.objects.create(title=SENTINEL, description=SENTINEL)
    unit = Actor.objects.create(kind="unit", name_latin="SIMULATED Unit 7", review_status="published")
    unsourced = Actor.objects.create(
        kind="person", name_latin=f"{SENTINEL} official", review_status="published"
    )
    a = Attribution.objects.create(
        actor=unit, incident=inc, role="commanded", confidence="credible", review_status="published"
    )
    a.sources.add(s_wit)
    Attribution.objects.create(actor=unsourced, incident=inc, role="ordered", review_status="published")
    Attribution.objects.create(actor=unit, incident=draft, role="ordered", review_status="draft")
    Designation.objects.create(
        jurisdiction="us",
        list_name="SDN",
        list_identifier="1",
        programme="IRAN-HR",
        name="SIMULATED Unit 7",
        birth_dates=[SENTINEL],
        actor=unit,
        match="confirmed",
    )
    Designation.objects.create(
        jurisdiction="uk",
        list_name="UK",
        list_identifier="2",
        name="SIMULATED Unit 7",
        actor=unit,
        match="proposed",
    )
    custody.append("received", subject="source:1", detail={"channel": SENTINEL})
    return home


def _site(home: Home, out: Path) -> Path:
    build(gather(home), out, keys.load_publish_key(home))
    return out


def _all_text(root: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in sorted(root.rglob("*")) if p.is_file()
    )


def test_only_published_fields_reach_any_file(archive_with_people: Home, tmp_path: Path) -> None:
    site = _site(archive_with_people, tmp_path / "site")
    text = _all_text(site)
    assert SENTINEL not in text, "an unpublished or witness-identifying value leaked"
    assert "Test Name" in text and "نام آزمون" in text
    assert "witness testimony" in text and "شهادت شاهد" in text, "witness reports are cited as testimony only"
    assert "SIMULATED Unit 7" in text and "IRAN-HR" in text
    unit_page = next(site.glob("en/actors/*.html")).read_text()
    assert "United Kingdom" in unit_page and "not sanctioned" in unit_page, (
        "a proposed match is not a sanction"
    )


def test_hostile_story_is_text(archive_with_people: Home, tmp_path: Path) -> None:
    site = _site(archive_with_people, tmp_path / "site")
    page = (site / "en" / "victims" / f"{Person.objects.get(name_latin='Test Name').pk}.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert ("&lt;script&gt;" in page and "\u202e" not in page.split("<p>")[0]) or "&lt;script&gt;" in page


def test_reproducible_in_any_folder(archive_with_people: Home, tmp_path: Path) -> None:
    a = _site(archive_with_people, tmp_path / "one" / "site")
    b = _site(archive_with_people, tmp_path / "elsewhere" / "deeper" / "mirror")
    files_a = {p.relative_to(a): p.read_bytes() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b): p.read_bytes() for p in b.rglob("*") if p.is_file()}
    assert files_a == files_b


def test_relative_links_and_no_other_host(archive_with_people: Home, tmp_path: Path) -> None:
    site = _site(archive_with_people, tmp_path / "site")
    for p in site.rglob("*"):
        if p.suffix in (".html", ".css", ".js", ".json"):
            text = p.read_text(encoding="utf-8")
            for url in re.findall(r'(?:href|src)="([^"]+)"|url\(([^)]+)\)', text):
                u = next(x for x in url if x)
                assert not u.startswith(("/", "http:", "https:", "//")), f"{p.name}: {u}"
            hosts = re.findall(r"https?://[^\s\"'<>)]+", text)
            assert all(h.startswith("http://www.w3.org/2000/svg") for h in hosts), f"{p.name}: {hosts}"


def test_manifest_signs_and_mirrors_are_checked(archive_with_people: Home, tmp_path: Path) -> None:
    site = _site(archive_with_people, tmp_path / "site")
    assert verify(site).ok
    mirror = tmp_path / "mirror"
    shutil.copytree(site, mirror)
    (mirror / "en" / "index.html").write_text("defaced")
    (mirror / "extra.html").write_text("added")
    check = verify(mirror, keys.load_verify_key(archive_with_people.publish_pub))
    assert (
        not check.ok
        and "altered: en/index.html" in check.problems
        and "not in the manifest: extra.html" in check.problems
    )
    from nacl.signing import SigningKey

    assert not verify(site, SigningKey.generate().verify_key).ok


def test_withdrawn_disappears_and_is_listed(archive_with_people: Home, tmp_path: Path) -> None:
    import json

    site = _site(archive_with_people, tmp_path / "site")
    gone = Person.objects.get(name_latin="Withdrawn Person")
    assert (site / "en" / "victims" / f"{gone.pk}.html").exists()
    gone.review_status = "withdrawn"
    gone.save()
    _site(archive_with_people, site)
    assert not (site / "en" / "victims" / f"{gone.pk}.html").exists()
    withdrawn = json.loads((site / "manifest.json").read_text())["withdrawn"]
    assert f"en/victims/{gone.pk}.html" in withdrawn and f"fa/victims/{gone.pk}.html" in withdrawn
    assert "Withdrawn Person" not in _all_text(site).replace(json.dumps(withdrawn), "")


def test_downloads(archive_with_people: Home, tmp_path: Path) -> None:
    import csv
    import json

    site = _site(archive_with_people, tmp_path / "site")
    raw = (site / "data" / "victims.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["name_latin"] for r in rows} == {"Test Name", "Withdrawn Person"}
    row = next(r for r in rows if r["name_latin"] == "Test Name")
    assert (row["date"], row["date_jalali"]) == ("2026-01-08", "1404/10/18")
    data = json.loads((site / "data" / "victims.json").read_text())
    assert data["simulated"] is True and len(data["victims"]) == 2


def test_photo_is_a_safe_derivative(archive_with_people: Home, tmp_path: Path) -> None:
    from skimage import data

    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 0.0), 3: "E", 4: (51.0, 25.0, 0.0)}
    exif[0x010F] = SENTINEL
    Image.fromarray(data.astronaut()).save(buf, "JPEG", exif=exif.tobytes())
    f = tmp_path / "photo.jpg"
    f.write_bytes(buf.getvalue())
    ev, _ = custody.add_evidence(archive_with_people, f, original_name="photo.jpg")
    p = Person.objects.get(name_latin="Test Name")
    p.photo, p.photo_consent = ev, True
    p.save()
    site = _site(archive_with_people, tmp_path / "site")
    [photo] = list((site / "media").iterdir())
    with Image.open(photo) as im:
        assert len(im.getexif()) == 0 and "exif" not in im.info and "icc_profile" not in im.info
        assert max(im.size) <= 800
    assert SENTINEL.encode() not in photo.read_bytes()
    p.photo_consent = False
    p.save()
    site2 = _site(archive_with_people, tmp_path / "site2")
    assert not (site2 / "media").exists(), "no consent, no photo"
