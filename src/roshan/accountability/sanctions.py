"""Reading sanctions lists the user downloaded: OpenSanctions FollowTheMoney JSON lines, the US
OFAC SDN list (CSV trio or XML), the EU consolidated financial sanctions list (XML) and the UK
sanctions list (OFSI CSV).

What is read: names and aliases in every script, birth dates (to tell namesakes apart during
matching; never published), programme, date listed, list identifier, the list's publication date.
What is **never** read: addresses, phone numbers, e-mail addresses, identity and passport numbers,
relatives, places of birth — the parsers do not extract them, so they cannot reach the archive.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roshan.errors import BadInput

FORMATS = ("ftm", "ofac", "eu", "uk")
_FTM_JURISDICTION = {
    "us_ofac_sdn": "us",
    "eu_fsf": "eu",
    "gb_hmt_sanctions": "uk",
    "gb_fcdo_sanctions": "uk",
    "ca_dfatd_sema_sanctions": "ca",
    "au_dfat_sanctions": "au",
    "us_ofac_cons": "us",
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


class BadSanctionsList(BadInput):
    """A sanctions file that cannot be read as the format it claims."""


@dataclass
class Entry:
    identifier: str
    name: str
    kind: str  # "person" | "organisation" | "other"
    aliases: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    programme: str = ""
    listed_on: str | None = None
    positions: list[str] = field(default_factory=list)  # titles the list gives (a function, a post)


@dataclass
class ParsedList:
    list_name: str
    jurisdiction: str
    version: str  # the list's publication date where the file has one, else "sha256:…"
    entries: list[Entry]
    warnings: list[str] = field(default_factory=list)
    declared_count: int | None = None  # how many records the file says it holds (OFAC XML Record_Count)
    records_read: int | None = None  # how many it held (before duplicates merged); None: len(entries)

    @property
    def read_count(self) -> int:
        return len(self.entries) if self.records_read is None else self.records_read


def _sha(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return "sha256:" + h.hexdigest()[:16]


def _dedupe(values: list[str], name: str) -> list[str]:
    seen, out = {name.strip().casefold()}, []
    for v in values:
        v = v.strip()
        if v and v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out


def _ofac_dob(text: str) -> list[str]:
    """'DOB 28 Jul 1963' / 'DOB 1963' / 'DOB circa 1963' → ISO (to the precision given)."""
    out = []
    for m in re.finditer(r"DOB (?:circa )?(?:(\d{1,2}) )?(?:([A-Za-z]{3}) )?(\d{4})", text):
        day, mon, year = m.groups()
        if mon and mon.lower()[:3] in _MONTHS:
            out.append(f"{year}-{_MONTHS[mon.lower()[:3]]:02d}" + (f"-{int(day):02d}" if day else ""))
        else:
            out.append(year)
    return out


def parse_ofac_csv(path: Path) -> ParsedList:
    """``sdn.csv`` (with ``alt.csv`` beside it, if present). ``add.csv`` holds addresses: never read."""
    alt = path.with_name("alt.csv")
    aliases: dict[str, list[str]] = {}
    warnings = []
    if alt.exists():
        for row in _csv_rows(alt):
            if len(row) >= 4:
                aliases.setdefault(row[0].strip(), []).append(_clean(row[3]))
    entries = []
    for n, row in enumerate(_csv_rows(path), 1):
        if len(row) < 4:
            warnings.append(f"{path.name} row {n}: {len(row)} fields, expected 12 (cut short?): skipped")
            continue
        ent, name, kind, program = (x.strip() for x in row[:4])
        if not ent.isdigit():
            raise BadSanctionsList(f"{path.name} row {n}: not an OFAC SDN CSV row (entity number {ent!r})")
        remarks = row[11] if len(row) > 11 else ""
        akas = re.findall(r"a\.k\.a\. '([^']+)'", remarks)
        entries.append(
            Entry(
                identifier=ent,
                name=_clean(name),
                kind="person" if _clean(kind) == "individual" else "organisation",
                aliases=_dedupe(aliases.get(ent, []) + akas, _clean(name)),
                birth_dates=_ofac_dob(remarks),
                programme=", ".join(p.strip() for p in _clean(program).split("] [") if p.strip()),
                positions=[t for t in [_clean(row[4]) if len(row) > 4 else ""] if t],
            )
        )
    if not entries:
        raise BadSanctionsList(f"{path.name}: no SDN entries found")
    return ParsedList("US OFAC SDN", "us", _sha(path, *([alt] if alt.exists() else [])), entries, warnings)


def _clean(v: str) -> str:
    v = v.strip()
    return "" if v in ("-0-", "-0- ") else v


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig", errors="strict")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    except OSError as exc:
        raise BadSanctionsList(f"cannot read {path}: {exc.strerror}") from None
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as exc:
        raise BadSanctionsList(f"{path.name}: malformed CSV ({exc})") from None


def _xml(path: Path) -> Any:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        return ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise BadSanctionsList(f"{path.name}: not well-formed XML ({exc})") from None
    except OSError as exc:
        raise BadSanctionsList(f"cannot read {path}: {exc.strerror}") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el.iter() if _local(c.tag) == name]


def _text(el: Any, name: str) -> str:
    for c in el:
        if _local(c.tag) == name:
            return (c.text or "").strip()
    return ""


def parse_ofac_xml(path: Path) -> ParsedList:
    root = _xml(path)
    if _local(root.tag) != "sdnList":
        raise BadSanctionsList(f"{path.name}: not an OFAC SDN XML file (root <{_local(root.tag)}>)")
    published = next((c.text for c in root.iter() if _local(c.tag) == "Publish_Date"), None)
    declared = next((c.text for c in root.iter() if _local(c.tag) == "Record_Count"), None)
    entries = []
    for e in _children(root, "sdnEntry"):
        name = ", ".join(x for x in (_text(e, "lastName"), _text(e, "firstName")) if x)
        akas = [
            ", ".join(x for x in (_text(a, "lastName"), _text(a, "firstName")) if x)
            for a in _children(e, "aka")
        ]
        dobs = [(d.text or "").strip() for d in _children(e, "dateOfBirth")]
        programs = [(p.text or "").strip() for p in _children(e, "program")]
        entries.append(
            Entry(
                _text(e, "uid"),
                name,
                "person" if _text(e, "sdnType") == "Individual" else "organisation",
                _dedupe(akas, name),
                _iso_dates(dobs),
                ", ".join(programs),
                positions=[t for t in [_text(e, "title")] if t],
            )
        )
    if not entries:
        raise BadSanctionsList(f"{path.name}: no <sdnEntry> found")
    version = _iso_dates([published])[0] if published and _iso_dates([published]) else _sha(path)
    try:
        count = int(declared) if declared and declared.strip() else None
    except ValueError:
        raise BadSanctionsList(f"{path.name}: Record_Count {declared!r} is not a number") from None
    return ParsedList("US OFAC SDN", "us", version, entries, declared_count=count)


def _iso_dates(values: list[str | None], dayfirst: bool = False) -> list[str]:
    """Dates as lists write them: OFAC month first (03/14/2026), OFSI day first (14/03/2026)."""
    out = []
    slashed = ("%d/%m/%Y", "%m/%d/%Y") if dayfirst else ("%m/%d/%Y", "%d/%m/%Y")
    for v in values:
        if not v:
            continue
        v = v.strip()
        for fmt in ("%Y-%m-%d", *slashed, "%d %b %Y", "%Y"):
            try:
                d = dt.datetime.strptime(v, fmt)
            except ValueError:
                continue
            out.append(d.date().isoformat() if fmt != "%Y" else v)
            break
    return out


def parse_eu_xml(path: Path) -> ParsedList:
    root = _xml(path)
    if _local(root.tag) != "export":
        raise BadSanctionsList(
            f"{path.name}: not an EU financial sanctions export (root <{_local(root.tag)}>)"
        )
    generated = root.get("generationDate", "")[:10]
    entries = []
    for e in _children(root, "sanctionEntity"):
        names = [n.get("wholeName", "").strip() for n in _children(e, "nameAlias") if n.get("wholeName")]
        if not names:
            continue
        kind_el = next(iter(_children(e, "subjectType")), None)
        kind = "person" if kind_el is not None and kind_el.get("code") == "person" else "organisation"
        reg = next(iter(_children(e, "regulation")), None)
        entries.append(
            Entry(
                e.get("logicalId") or e.get("euReferenceNumber", ""),
                names[0],
                kind,
                _dedupe(names[1:], names[0]),
                [
                    b.get("birthdate") or b.get("year", "")
                    for b in _children(e, "birthdate")
                    if b.get("birthdate") or b.get("year")
                ],
                (reg.get("programme", "") if reg is not None else ""),
                e.get("designationDate") or None,
                positions=sorted(
                    {n.get("function", "") for n in _children(e, "nameAlias") if n.get("function")}
                ),
            )
        )
    if not entries:
        raise BadSanctionsList(f"{path.name}: no <sanctionEntity> found")
    return ParsedList("EU consolidated financial sanctions", "eu", generated or _sha(path), entries)


def parse_uk_csv(path: Path) -> ParsedList:
    """OFSI consolidated list (ConList.csv): a 'Last Updated' line, a header, one row per name of a group."""
    rows = list(_csv_rows(path))
    version = ""
    if rows and rows[0] and rows[0][0].strip().lower().startswith("last updated"):
        version = (
            _iso_dates([rows[0][1] if len(rows[0]) > 1 else ""])[0]
            if len(rows[0]) > 1 and _iso_dates([rows[0][1]])
            else ""
        )
        rows = rows[1:]
    if not rows or "Group ID" not in rows[0]:
        raise BadSanctionsList(f"{path.name}: not an OFSI consolidated list (no 'Group ID' column)")
    header = [h.strip() for h in rows[0]]
    col = {h: i for i, h in enumerate(header)}
    groups: dict[str, Entry] = {}
    for n, row in enumerate(rows[1:], 2):
        if len(row) < len(header):
            raise BadSanctionsList(
                f"{path.name} line {n}: {len(row)} fields for {len(header)} columns (truncated?)"
            )

        def get(name: str, row: list[str] = row) -> str:
            return row[col[name]].strip() if name in col else ""

        name = " ".join(
            x
            for x in (
                get("Name 1"),
                get("Name 2"),
                get("Name 3"),
                get("Name 4"),
                get("Name 5"),
                get("Name 6"),
            )
            if x
        )
        gid = get("Group ID")
        g = groups.get(gid)
        if g is None:
            listed = _iso_dates([get("Listed On")], dayfirst=True)
            g = groups[gid] = Entry(
                gid,
                name,
                "person" if get("Group Type") == "Individual" else "organisation",
                programme=get("Regime"),
                listed_on=listed[0] if listed else None,
            )
        elif name and name != g.name:
            g.aliases.append(name)
        if get("Position") and get("Position") not in g.positions:
            g.positions.append(get("Position"))
        if get("Name Non-Latin Script"):
            g.aliases.append(get("Name Non-Latin Script"))
        g.birth_dates += _iso_dates([get("DOB")], dayfirst=True)
    for g in groups.values():
        g.aliases = _dedupe(g.aliases, g.name)
        g.birth_dates = sorted(set(g.birth_dates))
    if not groups:
        raise BadSanctionsList(f"{path.name}: no entries")
    return ParsedList("UK sanctions list", "uk", version or _sha(path), list(groups.values()))


def parse_ftm(path: Path) -> ParsedList:
    """OpenSanctions FollowTheMoney JSON lines: Person/Organization/… entities and Sanction entities."""
    entities: dict[str, dict[str, Any]] = {}
    sanctions: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    e = json.loads(line)
                except ValueError:
                    raise BadSanctionsList(f"{path.name} line {n}: not JSON (truncated?)") from None
                if not isinstance(e, dict) or "schema" not in e:
                    raise BadSanctionsList(f"{path.name} line {n}: not a FollowTheMoney entity")
                if e["schema"] == "Sanction":
                    sanctions.append(e)
                else:
                    entities[e["id"]] = e
    except OSError as exc:
        raise BadSanctionsList(f"cannot read {path}: {exc.strerror}") from None
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for s in sanctions:
        for ref in s.get("properties", {}).get("entity", []):
            by_entity.setdefault(ref, []).append(s)
    entries = []
    jurisdictions: set[str] = set()
    for eid, e in entities.items():
        if e["schema"] not in ("Person", "Organization", "Company", "LegalEntity", "PublicBody"):
            continue
        props = e.get("properties", {})
        names = [n.strip() for n in props.get("name", []) if n.strip()]
        if not names:
            continue
        sans = by_entity.get(eid, [])
        for ds in e.get("datasets", []):
            if ds in _FTM_JURISDICTION:
                jurisdictions.add(_FTM_JURISDICTION[ds])
        starts = sorted(d for s in sans for d in s.get("properties", {}).get("startDate", []))
        programmes = sorted({p for s in sans for p in s.get("properties", {}).get("program", [])})
        entries.append(
            Entry(
                eid,
                names[0],
                "person" if e["schema"] == "Person" else "organisation",
                _dedupe(names[1:] + props.get("alias", []) + props.get("weakAlias", []), names[0]),
                sorted(props.get("birthDate", [])),
                ", ".join(programmes),
                starts[0][:10] if starts else None,
            )
        )
    if not entries:
        raise BadSanctionsList(f"{path.name}: no Person or Organization entities")
    jurisdiction = jurisdictions.pop() if len(jurisdictions) == 1 else "multi"
    return ParsedList(f"OpenSanctions ({path.stem})", jurisdiction, _sha(path), entries)


def parse(path: Path, fmt: str) -> ParsedList:
    if fmt not in FORMATS:
        raise BadSanctionsList(f"unknown format {fmt!r}: choose {', '.join(FORMATS)}")
    if not path.exists():
        raise BadSanctionsList(f"no such file: {path}")
    if fmt == "ofac":
        return parse_ofac_xml(path) if path.suffix.lower() == ".xml" else parse_ofac_csv(path)
    if fmt == "eu":
        return parse_eu_xml(path)
    if fmt == "uk":
        if path.suffix.lower() == ".xml":
            raise BadSanctionsList("the UK list is read from its CSV (ConList.csv) in this version")
        return parse_uk_csv(path)
    return parse_ftm(path)


def parse_lists(path: Path, fmt: str) -> list[ParsedList]:
    """Every list the file holds: one for an official list, one per sanctioning authority for FtM."""
    return [parse(path, fmt)]
