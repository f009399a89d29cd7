"""Sanctions list parsers: every format, never an address or identifier, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from roshan.accountability.ftm import ActorData, from_entities, to_entities
from roshan.accountability.proscription import load
from roshan.accountability.sanctions import BadSanctionsList, parse

DATA = Path(__file__).parents[1] / "data" / "sanctions"
FORBIDDEN = [
    "ZZADDRESS",
    "ZZPASSPORT",
    "zzemail",
    "Shahin Shahr",
    "info@gicdf.org",
    "561-77-9011",
    "P0017003",
    "Tehran 15946",
    "Telephone",
]


@pytest.mark.parametrize(
    ("file", "fmt", "jurisdiction", "version", "count"),
    [
        ("ofac-csv/sdn.csv", "ofac", "us", "sha256:", 17),
        ("ofac.xml", "ofac", "us", "2026-03-14", 2),
        ("eu.xml", "eu", "eu", "2026-02-19", 2),
        ("uk.csv", "uk", "uk", "2026-03-14", 2),
        ("opensanctions.ftm.json", "ftm", "us", "sha256:", 2),
    ],
)
def test_formats(file: str, fmt: str, jurisdiction: str, version: str, count: int) -> None:
    parsed = parse(DATA / file, fmt)
    assert (parsed.jurisdiction, len(parsed.entries)) == (jurisdiction, count)
    assert parsed.version.startswith(version)
    text = repr(parsed)
    assert not [f for f in FORBIDDEN if f in text], "addresses, identifiers and contacts are never read"


def test_fields_read() -> None:
    uk = parse(DATA / "uk.csv", "uk").entries[0]
    assert (uk.name, uk.birth_dates, uk.listed_on, uk.programme) == (
        "Hamid SIMULATEDI",
        ["1961-03-12"],
        "2023-04-13",
        "Iran (Human Rights)",
    )
    assert "حمید شبیه‌سازی" in uk.aliases and "Hamed SIMULATEDY" in uk.aliases
    ofac = {e.identifier: e for e in parse(DATA / "ofac-csv" / "sdn.csv", "ofac").entries}
    assert ofac["10278"].birth_dates == ["1963-07-28"] and "BURTON BURGESS" in ofac["10278"].aliases
    assert ofac["11195"].programme == "NPWMD, IFSR, IRAN-CON-ARMS-EO"
    ftm = parse(DATA / "opensanctions.ftm.json", "ftm").entries[0]
    assert ftm.aliases.count("Hamed Simulatedy") == 1, "duplicate aliases are dropped"


@pytest.mark.parametrize(
    ("content", "suffix", "fmt", "message"),
    [
        ("<sdnList><sdnEntry>", ".xml", "ofac", "not well-formed"),
        ("<other/>", ".xml", "eu", "not an EU"),
        ('{"id": "x", "schema": "Person"', ".json", "ftm", "not JSON"),
        ("a,b\n1,2\n", ".csv", "uk", "Group ID"),
        ("x", ".csv", "nope", "unknown format"),
        ("abc,NAME,individual,SDGT\n", ".csv", "ofac", "entity number"),
    ],
)
def test_bad_files(tmp_path: Path, content: str, suffix: str, fmt: str, message: str) -> None:
    f = tmp_path / f"list{suffix}"
    f.write_text(content)
    with pytest.raises(BadSanctionsList, match=message):
        parse(f, fmt)


def test_xml_bombs_are_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        "<export>&lol2;</export>"
    )
    f = tmp_path / "bomb.xml"
    f.write_text(bomb)
    with pytest.raises(BadSanctionsList):
        parse(f, "eu")


def test_ftm_round_trip_drops_what_it_must(tmp_path: Path) -> None:
    actors = [
        ActorData("1", "unit", "یگان شبیه‌سازی", "SIMULATED Unit", "SIMULATED"),
        ActorData(
            "2",
            "person",
            "",
            "SIMULATED Official",
            parent="1",
            positions=[{"title": "Commander", "startDate": "2020-01-01"}],
        ),
    ]
    f = tmp_path / "a.ftm.json"
    import json

    lines = [json.dumps(e) for e in to_entities(actors)]
    doctored = json.loads(lines[0])
    doctored["properties"]["address"] = ["ZZADDRESS 1"]
    doctored["properties"]["phone"] = ["+98 ZZ"]
    lines[0] = json.dumps(doctored)
    f.write_text("\n".join(lines) + "\n")
    back = {a.name_latin: a for a in from_entities(f)}
    assert back["SIMULATED Unit"].name_fa == "یگان شبیه‌سازی"
    assert back["SIMULATED Official"].positions[0]["title"] == "Commander"
    assert back["SIMULATED Official"].parent == "roshan-actor-1"
    assert "ZZADDRESS" not in repr(back)


def test_proscription_leads_are_dated_cited_and_unverified() -> None:
    entries = load()
    assert {e["jurisdiction"] for e in entries} >= {"us", "ca", "au", "eu", "uk"}
    assert all(e["date"] and e["source"] and e["verified"] is False for e in entries)
