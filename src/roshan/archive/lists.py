"""Importing an organisation's list of victims (``roshan import-list``).

The whole file is read and checked first; nothing is written unless every row is good (or
``skip_bad`` is asked for), and then it is written in one transaction: never half-imported.
Importing a different file under the same source name makes a new version of that Source and
marks the old one superseded (its records stay for audit, and are no longer counted). Importing
the very same file again changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from roshan.archive import custody
from roshan.archive.models import Record, Source, SourceList
from roshan.errors import BadDate, BadListFile
from roshan.linkage.dates import parse_date
from roshan.linkage.digits import parse_int

FIELDS = ("id", "name_fa", "name_latin", "age", "gender", "date_of_death", "place", "province", "status")
MAX_AGE = 130


@dataclass
class ImportResult:
    source: str
    version: int
    imported: int
    unchanged: bool = False
    superseded_version: int | None = None
    bad_rows: list[tuple[int, str]] = field(default_factory=list)


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """``["Full name=name_latin", "ID=id"]`` → ``{"Full name": "name_latin", "ID": "id"}``."""
    out = {}
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        if not sep or not column or target not in FIELDS:
            raise BadListFile(f"--map expects COLUMN=FIELD with FIELD one of {', '.join(FIELDS)}: {pair!r}")
        out[column] = target
    return out


def _decode(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(
            "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        )
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadListFile(
            f"{path.name} is not valid {encoding} (line {line}); save it as UTF-8 or pass --encoding"
        ) from None
    except LookupError:
        raise BadListFile(f"unknown encoding {encoding!r}") from None


def _row_values(line: int, row: dict[str, str]) -> tuple[object, ...]:
    """Check one row and return the Record columns; raise ValueError naming the problem."""
    age = None
    if row.get("age", "").strip():
        try:
            age = parse_int(row["age"])
        except ValueError:
            raise ValueError(f"age is not a number: {row['age']!r}") from None
        if age > MAX_AGE:
            raise ValueError(f"age {age} is not plausible")
    date = precision = calendar = None
    written = row.get("date_of_death", "").strip()
    if written:
        try:
            rd = parse_date(written)
        except BadDate as exc:
            raise ValueError(str(exc)) from None
        date, precision, calendar = rd.date.isoformat(), rd.precision, rd.calendar
    return (
        row.get("id", "").strip(),
        line,
        row.get("name_fa", "").strip(),
        row.get("name_latin", "").strip(),
        age,
        row.get("gender", "").strip(),
        date,
        precision or "",
        calendar or "",
        written,
        row.get("place", "").strip(),
        row.get("province", "").strip(),
        row.get("status", "").strip(),
        "",
    )


_COLUMNS = (
    "external_id",
    "line",
    "name_fa",
    "name_latin",
    "age",
    "gender",
    "date",
    "date_precision",
    "date_calendar",
    "date_as_written",
    "place",
    "province",
    "status",
    "circumstance",
)


def read_list(
    path: Path,
    mapping: dict[str, str] | None = None,
    encoding: str = "utf-8",
) -> tuple[list[tuple[object, ...]], list[tuple[int, str]], str]:
    """Parse and check a list file. Returns (good rows, bad rows with line numbers, file SHA-256)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadListFile(f"cannot read {path}: {exc.strerror}") from None
    sha = hashlib.sha256(data).hexdigest()
    text = _decode(data, encoding, path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadListFile(f"{path.name} is empty") from None
    except csv.Error as exc:
        raise BadListFile(f"{path.name} is not CSV: {exc}") from None
    mapping = mapping or {}
    targets = [mapping.get(h.strip(), h.strip().lower()) for h in header]
    known = [t for t in targets if t in FIELDS]
    if not known:
        raise BadListFile(
            f"{path.name}: the header has none of the known columns ({', '.join(FIELDS)}); use --map COLUMN=FIELD"
        )
    missing_map = [c for c in mapping if c not in [h.strip() for h in header]]
    if missing_map:
        raise BadListFile(
            f"{path.name}: --map names columns the header does not have: {', '.join(missing_map)}"
        )
    extra_cols = [(i, h) for i, (h, t) in enumerate(zip(header, targets, strict=True)) if t not in FIELDS]
    good: list[tuple[object, ...]] = []
    bad: list[tuple[int, str]] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                bad.append((line, f"{len(row)} cells for {len(header)} columns"))
                continue
            values = {t: row[i] for i, t in enumerate(targets) if i < len(row) and t in FIELDS}
            try:
                rec = _row_values(line, values)
            except ValueError as exc:
                bad.append((line, str(exc)))
                continue
            extra = {h: row[i] for i, h in extra_cols if i < len(row) and row[i].strip()}
            good.append((*rec, json.dumps(extra, ensure_ascii=False) if extra else "{}"))
    except csv.Error as exc:
        raise BadListFile(f"{path.name} line {reader.line_num}: malformed CSV ({exc})") from None
    return good, bad, sha


def import_list(
    path: Path,
    source_name: str,
    *,
    mapping: dict[str, str] | None = None,
    skip_bad: bool = False,
    encoding: str = "utf-8",
    simulated: bool = False,
    user: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import ``path`` as the newest version of the source ``source_name`` (see module docstring)."""
    source_name = source_name.strip()
    if not source_name:
        raise BadListFile("--source must name the list")
    rows, bad, sha = read_list(path, mapping, encoding)
    if bad and not skip_bad:
        first = "; ".join(f"line {n}: {why}" for n, why in bad[:5])
        more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
        raise BadListFile(
            f"{path.name}: {len(bad)} bad row(s), nothing imported — {first}{more}; --skip-bad imports the rest",
            bad,
        )
    with transaction.atomic():
        current = Source.objects.filter(name=source_name, current=True).select_related("source_list").first()
        if current and current.file_sha256 == sha:
            return ImportResult(source_name, current.version, current.row_count, unchanged=True, bad_rows=bad)
        slist, _ = SourceList.objects.get_or_create(
            name=source_name, defaults={"kind": SourceList.Kind.ORGANISATION, "simulated": simulated}
        )
        version = current.version + 1 if current else 1
        if current:
            Source.objects.filter(pk=current.pk).update(current=False)
        source = Source.objects.create(
            source_list=slist,
            name=source_name,
            version=version,
            supersedes=current,
            file_name=path.name,
            file_sha256=sha,
            row_count=len(rows),
        )
        _insert(source.pk, rows, progress)
        custody.append(
            "ingested",
            subject=f"source:{source.pk}",
            user=user,
            detail={"list": source_name, "version": version, "file_sha256": sha, "records": len(rows)},
        )
    return ImportResult(
        source_name, version, len(rows), superseded_version=current.version if current else None, bad_rows=bad
    )


def _insert(source_id: int, rows: list[tuple[object, ...]], progress: Callable[[int], None] | None) -> None:
    """Bulk insert inside the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

    The ORM's bulk_create spent two thirds of the import time building model instances.
    """
    table = Record._meta.db_table
    cols = ("source_id", *_COLUMNS, "extra")
    batch = 5000
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor
            with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:  # cols are ours, not input
                for i, row in enumerate(rows, 1):
                    cp.write_row((source_id, *row))
                    if progress and i % batch == 0:
                        progress(batch)
            if progress:
                progress(len(rows) % batch)
            return
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cur.executemany(sql, [(source_id, *r) for r in chunk])
            if progress:
                progress(len(chunk))
