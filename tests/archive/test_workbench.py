"""The workbench: login everywhere, Persian by default, both calendars, access and export logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from roshan.archive import roles
from roshan.archive.models import AccessEvent, CustodyEvent, Record, Source, SourceList

pytestmark = [pytest.mark.archive, pytest.mark.django_db]


@pytest.fixture
def records() -> list[Record]:
    sl = SourceList.objects.create(name="SIMULATED Org", simulated=True)
    src = Source.objects.create(source_list=sl, name="SIMULATED Org")
    return [
        Record.objects.create(
            source=src,
            external_id="1",
            name_fa="نام آزمون",
            name_latin="Test Name",
            age=23,
            date=dt.date(2022, 9, 21),
            date_precision="day",
            date_calendar="jalali",
            province="گیلان",
        ),
        Record.objects.create(source=src, external_id="2", name_latin="Another Test"),
    ]


def _user(role: str) -> User:
    u = User.objects.create_user(f"u-{role}", password="a long enough password 1")
    roles.assign(u, role)
    return u


@pytest.mark.parametrize("path", ["/", "/admin/", "/admin/archive/record/", "/admin/archive/custodyevent/"])
def test_every_page_requires_login(client: Client, path: str) -> None:
    resp = client.get(path, follow=True)
    assert resp.redirect_chain and "/admin/login/" in resp.redirect_chain[-1][0]


def test_records_list_in_persian_with_both_calendars(client: Client, records: list[Record]) -> None:
    client.force_login(_user("analyst"))
    resp = client.get("/admin/archive/record/", HTTP_ACCEPT_LANGUAGE="fa")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'dir="rtl"' in html and "سوابق" in html and "نام آزمون" in html
    assert "1401/06/30 (2022-09-21)" in html
    assert AccessEvent.objects.filter(user="u-analyst", action="view", model="record").count() == 1
    en = client.get("/admin/archive/record/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'dir="ltr"' in en and "Records" in en


def test_export_is_logged_with_bom(client: Client, records: list[Record]) -> None:
    client.force_login(_user("analyst"))
    resp = client.post(
        "/admin/archive/record/", {"action": "export_csv", "_selected_action": [r.pk for r in records]}
    )
    body = resp.content.decode("utf-8")
    assert body.startswith("\ufeffid,source,external_id")
    assert "نام آزمون" in body and "device" not in body
    assert AccessEvent.objects.filter(action="export", model="record").count() == 1
    entry = CustodyEvent.objects.get(action="exported")
    assert (entry.user, entry.detail) == ("u-analyst", {"records": 2, "format": "csv"})


def test_roles_limit_what_users_can_do(client: Client, records: list[Record]) -> None:
    client.force_login(_user("intake"))
    assert client.get("/admin/archive/person/add/").status_code == 403
    assert client.get("/admin/archive/record/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    client.force_login(_user("admin"))
    assert client.get("/admin/auth/user/").status_code == 200


def test_logs_cannot_be_edited(client: Client, records: list[Record]) -> None:
    from roshan.archive import custody

    e = custody.append("reviewed", subject="person:1")
    client.force_login(_user("admin"))
    assert client.get("/admin/archive/custodyevent/add/").status_code == 403
    resp = client.post(f"/admin/archive/custodyevent/{e.pk}/change/", {"subject": "forged"})
    assert resp.status_code == 403 or CustodyEvent.objects.get(pk=e.pk).subject == "person:1"
    assert client.get(f"/admin/archive/custodyevent/{e.pk}/delete/").status_code == 403


def test_security_headers_and_secure_cookies_over_https() -> None:
    User.objects.create_user("s", password="a long enough password 1", is_staff=True)
    c = Client()
    resp = c.get("/admin/login/", secure=True)
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["Referrer-Policy"] == "same-origin"
    c2 = Client(enforce_csrf_checks=False)
    login = c2.post(
        "/admin/login/?next=/admin/", {"username": "s", "password": "a long enough password 1"}, secure=True
    )
    assert login.cookies["sessionid"]["secure"] is True
    plain = Client().post(
        "/admin/login/?next=/admin/", {"username": "s", "password": "a long enough password 1"}
    )
    assert not plain.cookies["sessionid"]["secure"]


def test_workbench_shows_the_proscription_tracker(client: Client) -> None:
    assert "/admin/login/" in client.get("/admin/proscription/", follow=True).redirect_chain[-1][0]
    client.force_login(_user("analyst"))
    html = client.get("/admin/proscription/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Canada" in html and "2024-06-19" in html and "Criminal Code" in html
    fa = client.get("/admin/proscription/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "کانادا" in fa


def test_index_links_the_tracker(client: Client) -> None:
    client.force_login(_user("analyst"))
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "/admin/proscription/" in html and "وضعیت سپاه پاسداران" in html
