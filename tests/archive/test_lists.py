"""Importing an organisation's list: all or nothing, versions, Persian digits and Jalali dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from roshan.archive import lists
from roshan.archive.models import CustodyEvent, Record, Source
from roshan.errors import BadListFile
from tests.helpers import write_csv

pytestmark = [pytest.mark.archive, pytest.mark.django_db]

GOOD = """id,name_fa,name_latin,age,gender,date_of_death,place,province,status
H-1,نام‌آزمون یک,Test One,۲۳,male,۱۴۰۴/۱۰/۱۸,رشت,گیلان,killed
H-2,,Test Two,31,female,2026-01-09,,Tehran,killed
H-3,نام آزمون سه,,,,1404/10,,,executed
H-4,,,,,,,,killed
"""


def test_import_reads_every_known_column(tmp_path: Path) -> None:
    res = lists.import_list(write_csv(tmp_path / "l.csv", GOOD), "Test list")
    assert (res.version, res.imported) == (1, 4)
    r1 = Record.objects.get(external_id="H-1")
    assert (r1.name_fa, r1.age, r1.date, r1.date_precision, r1.date_calendar) == (
        "نام‌آزمون یک",
        23,
        dt.date(2026, 1, 8),
        "day",
        "jalali",
    )
    assert r1.date_as_written == "۱۴۰۴/۱۰/۱۸" and r1.line == 2
    r3 = Record.objects.get(external_id="H-3")
    assert (r3.date_precision, r3.status) == ("month", "executed")
    nameless = Record.objects.get(external_id="H-4")
    assert nameless.name_fa == nameless.name_latin == "", "a record with no name is still a documented death"
    assert CustodyEvent.objects.filter(action="ingested", subject=f"source:{res_source_id()}").count() == 1


def res_source_id() -> int:
    return Source.objects.get(name="Test list", current=True).pk


def test_map_renames_columns_and_keeps_others(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "b.csv", "Ref,Full name,Died,Note\nB7,Test Person,2026-01-10,seen at hospital\n")
    mapping = lists.parse_mapping(["Ref=id", "Full name=name_latin", "Died=date_of_death"])
    lists.import_list(f, "B", mapping=mapping)
    r = Record.objects.get()
    assert (r.external_id, r.name_latin, r.extra) == ("B7", "Test Person", {"Note": "seen at hospital"})


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("id,age\n1,twenty\n", "line 2: age is not a number"),
        ("id,date_of_death\n1,1404/12/30\n", "line 2: no such Solar Hijri date"),
        ("id,date_of_death\n1,1401/13/01\n", "month 13 does not exist"),
        ("id,age\n1,20\n2,200\n", "line 3: age 200 is not plausible"),
    ],
)
def test_bad_rows_refuse_the_whole_file(tmp_path: Path, body: str, problem: str) -> None:
    with pytest.raises(BadListFile, match=problem):
        lists.import_list(write_csv(tmp_path / "x.csv", body), "X")
    assert Source.objects.count() == Record.objects.count() == CustodyEvent.objects.count() == 0


def test_skip_bad_imports_the_rest_and_lists_them(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "x.csv", "id,age\n1,20\n2,abc\n3,30\n")
    res = lists.import_list(f, "X", skip_bad=True)
    assert res.imported == 2
    assert res.bad_rows == [(3, "age is not a number: 'abc'")]
    assert sorted(Record.objects.values_list("external_id", flat=True)) == ["1", "3"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("id,name_fa\n1,علي\n".encode("cp1256"), "not valid utf-8 \\(line 2\\)"),
        (b"colour,shape\nred,round\n", "none of the known columns"),
        (b"", "is empty"),
    ],
)
def test_unreadable_files(tmp_path: Path, data: bytes, problem: str) -> None:
    f = tmp_path / "x.csv"
    f.write_bytes(data)
    with pytest.raises(BadListFile, match=problem):
        lists.import_list(f, "X")
    assert Source.objects.count() == 0


def test_encoding_option_reads_legacy_files(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_bytes("id,name_fa\n1,علي رضايي\n".encode("cp1256"))  # legacy files: Arabic ي
    lists.import_list(f, "Legacy", encoding="cp1256")
    assert Record.objects.get().name_fa == "علي رضايي"


def test_new_version_supersedes_and_same_file_changes_nothing(tmp_path: Path) -> None:
    v1 = write_csv(tmp_path / "v1.csv", "id,name_latin\n1,A\n2,B\n")
    v2 = write_csv(tmp_path / "v2.csv", "id,name_latin\n1,A\n2,B\n3,C\n")
    lists.import_list(v1, "Org")
    again = lists.import_list(v1, "Org")
    assert again.unchanged and Source.objects.count() == 1
    res = lists.import_list(v2, "Org")
    assert (res.version, res.superseded_version) == (2, 1)
    old, new = Source.objects.order_by("version")
    assert (old.current, new.current, new.supersedes_id) == (False, True, old.pk)
    assert Record.objects.count() == 5, "old records stay for audit"
    assert Record.objects.filter(source__current=True).count() == 3, "and are not counted twice"


def test_bad_map_is_named() -> None:
    with pytest.raises(BadListFile, match="COLUMN=FIELD"):
        lists.parse_mapping(["Name=fullname"])
