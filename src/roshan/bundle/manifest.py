"""The manifest of a sealed report, and the report a witness writes (docs/bundle-format.md).

The witness's report (a JSON file, ``--text``, or prompts) is checked here with messages that
name the field. The manifest adds what the sealer knows: format, version, a random report id, the
sealing time, the device's public key, and each attachment's name, size, media type and SHA-256
(plus capture metadata read from the media, which never leaves the sealed file unencrypted).
Its bytes are RFC 8785 canonical JSON, so the signature covers exactly one representation.
"""

from __future__ import annotations

import re
from typing import Any, NotRequired, TypedDict, cast

import rfc8785

from roshan.bundle.errors import InvalidReport, UnsupportedVersion
from roshan.errors import BadDate
from roshan.linkage.dates import parse_date

FORMAT = "roshan-report"
VERSION = 1
MAX_MANIFEST_BYTES = 1 << 20  # 1 MiB: far more than any honest report's text needs
STATUSES = ("killed", "executed", "disappeared", "detained", "injured", "unknown")
_SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f]{1,200}$")


class PersonInput(TypedDict, total=False):
    name_fa: str
    name_latin: str
    age: int
    gender: str
    status: str
    date: str


class ReportInput(TypedDict, total=False):
    """What a witness writes. Every field is optional, but a report says something."""

    what: str
    when: str
    place: str
    province: str
    people: list[PersonInput]
    testimony: str
    language: str


class AttachmentEntry(TypedDict):
    name: str
    size: int
    media_type: str
    sha256: str
    original_sha256: NotRequired[str]
    stripped: NotRequired[bool]
    capture: NotRequired[dict[str, Any]]


class Manifest(TypedDict):
    format: str
    version: int
    report_id: str
    sealed_at: str
    device: dict[str, Any]
    report: ReportInput
    attachments: list[AttachmentEntry]


_STR_FIELDS = ("what", "when", "place", "province", "testimony", "language")
_PERSON_STR = ("name_fa", "name_latin", "gender", "status", "date")


def validate_report(data: Any) -> ReportInput:
    """Check a witness's report; raise InvalidReport naming the first problem."""
    if not isinstance(data, dict):
        raise InvalidReport("a report is a JSON object (with fields such as what, when, people, testimony)")
    unknown = sorted(set(data) - set(_STR_FIELDS) - {"people"})
    if unknown:
        raise InvalidReport(
            f"unknown field(s) {', '.join(unknown)}; known: {', '.join((*_STR_FIELDS, 'people'))}"
        )
    for key in _STR_FIELDS:
        if key in data and not isinstance(data[key], str):
            raise InvalidReport(f"field {key!r} must be text")
    if data.get("when"):
        try:
            parse_date(data["when"])
        except BadDate as exc:
            raise InvalidReport(f"field 'when': {exc}") from None
    people = data.get("people", [])
    if not isinstance(people, list):
        raise InvalidReport("field 'people' must be a list")
    for i, p in enumerate(people, 1):
        where = f"people[{i}]"
        if not isinstance(p, dict):
            raise InvalidReport(f"{where} must be an object")
        bad = sorted(set(p) - set(_PERSON_STR) - {"age"})
        if bad:
            raise InvalidReport(f"{where}: unknown field(s) {', '.join(bad)}")
        for key in _PERSON_STR:
            if key in p and not isinstance(p[key], str):
                raise InvalidReport(f"{where}.{key} must be text")
        if "age" in p and (
            not isinstance(p["age"], int) or isinstance(p["age"], bool) or not 0 <= p["age"] <= 130
        ):
            raise InvalidReport(f"{where}.age must be a whole number from 0 to 130")
        if p.get("status") and p["status"] not in STATUSES:
            raise InvalidReport(f"{where}.status must be one of {', '.join(STATUSES)}")
        if p.get("date"):
            try:
                parse_date(p["date"])
            except BadDate as exc:
                raise InvalidReport(f"{where}.date: {exc}") from None
    if not any(str(data.get(k, "")).strip() for k in ("what", "testimony")) and not people:
        raise InvalidReport("the report is empty: give at least 'what', 'testimony' or 'people'")
    return data  # type: ignore[return-value]


def canonical(manifest: Manifest) -> bytes:
    return bytes(rfc8785.dumps(manifest))  # type: ignore[arg-type]  # a TypedDict is a JSON object


def check_format(data: Any) -> None:
    """Is this a report manifest of a version we read? Checked before the signature, whose scheme a
    later version could change."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidReport("manifest.json is not a Roshan report manifest")
    if data.get("version") != VERSION:
        raise UnsupportedVersion(
            f"report format version {data.get('version')!r}; this archive reads version {VERSION}"
        )


def check_manifest(data: Any) -> Manifest:
    """Structural checks on a manifest read from a sealed file (after its signature verified)."""
    check_format(data)
    for key, kind in (
        ("report_id", str),
        ("sealed_at", str),
        ("device", dict),
        ("report", dict),
        ("attachments", list),
    ):
        if not isinstance(data.get(key), kind):
            raise InvalidReport(f"manifest field {key!r} is missing or of the wrong type")
    if not re.fullmatch(r"[0-9a-f]{32}", data["report_id"]):
        raise InvalidReport("manifest report_id is not 32 hex digits")
    validate_report(data["report"])
    names = set()
    for a in data["attachments"]:
        if not isinstance(a, dict) or not isinstance(a.get("name"), str) or not _SAFE_NAME.match(a["name"]):
            raise InvalidReport("an attachment entry has no plain file name")
        if a["name"] in names or a["name"] in ("manifest.json", "manifest.sig"):
            raise InvalidReport(f"attachment name {a['name']!r} is used twice")
        names.add(a["name"])
        if not isinstance(a.get("size"), int) or a["size"] < 0:
            raise InvalidReport(f"attachment {a['name']!r} has no valid size")
        if not isinstance(a.get("sha256"), str) or not re.fullmatch(r"[0-9a-f]{64}", a["sha256"]):
            raise InvalidReport(f"attachment {a['name']!r} has no valid SHA-256")
    return cast(Manifest, data)


def safe_attachment_name(name: str, taken: set[str]) -> str:
    """A plain member name for an attached file: its base name, made unique."""
    base = re.sub(r"[/\\\x00-\x1f]", "_", name)[-150:] or "attachment"
    candidate, n = base, 1
    while candidate in taken or candidate in ("manifest.json", "manifest.sig"):
        n += 1
        candidate = f"{n}-{base}"
    taken.add(candidate)
    return candidate
