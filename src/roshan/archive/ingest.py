"""Ingesting sealed reports: inbox → open and verify → evidence store and draft records.

    source files (USB stick, download folder)   left exactly as they are
        │ copy (atomic)
    inbox/<sha256 of the sealed file>           kept until ingested
        │ open_report (staging inside tmp/)     every check of roshan.bundle.opener
        ├─ refused ─► quarantine/<name> + <name>.reason.txt
        └─ accepted ► one transaction: Source (list "witness reports"), Evidence (manifest,
                      signature, attachments), custody entries, draft Incident and Records

Idempotent: a report whose signed manifest is already in the archive is recognised and not
stored twice. Atomic: files enter the evidence store only inside the transaction, and the ones
it added are removed again if it fails, so a crash leaves nothing but the inbox file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from roshan.archive import custody, keys, store
from roshan.archive.home import Home
from roshan.archive.models import Evidence, Incident, Record, Source, SourceList
from roshan.bundle import OpenedReport, open_report
from roshan.bundle.errors import BundleError
from roshan.bundle.opener import is_sealed_report
from roshan.errors import RoshanError
from roshan.linkage.dates import parse_date

WITNESS_LIST = "witness reports"


@dataclass(frozen=True)
class IngestOutcome:
    path: str
    status: str  # "ingested" | "duplicate" | "quarantined" | "skipped"
    detail: str = ""
    source_id: int | None = None
    attachments: int = 0


def walk(paths: list[Path]) -> Iterator[tuple[Path, bool]]:
    """Files to consider, and whether the user named them (folders are searched by content)."""
    for p in paths:
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                yield f, False
        else:
            yield p, True


def _to_inbox(home: Home, path: Path) -> Path:
    """Copy what arrived into ``inbox/<sha256>``, reading it once (it may sit on a slow USB stick)."""
    with open(path, "rb") as src:
        tmp, digest, _ = store.copy_hashing(src, home.inbox, ".incoming-")
    dest = home.inbox / digest
    if dest.exists():
        tmp.unlink()
    else:
        os.replace(tmp, dest)
    return dest


def _quarantine(home: Home, inbox_file: Path, original: Path, reason: str) -> None:
    home.quarantine.mkdir(parents=True, exist_ok=True)
    dest = home.quarantine / f"{inbox_file.name[:16]}-{original.name}"
    os.replace(inbox_file, dest)
    dest.with_name(dest.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")


def ingest_paths(
    home: Home,
    paths: list[Path],
    *,
    channel: str = "",
    user: str = "",
    progress: Callable[[int], None] | None = None,
) -> list[IngestOutcome]:
    identities = keys.load_identities(home)
    outcomes: list[IngestOutcome] = []
    home.tmp.mkdir(parents=True, exist_ok=True)
    rebuild_dir = Path(tempfile.mkdtemp(dir=home.tmp, prefix="fragments-"))
    try:
        items, rebuilt = _gather(home, paths, outcomes, rebuild_dir)
        _ingest_each(home, [*items, *rebuilt], identities, outcomes, channel, user, progress)
    finally:
        shutil.rmtree(rebuild_dir, ignore_errors=True)
    return outcomes


def _ingest_each(
    home: Home,
    items: list[tuple[Path, bool]],
    identities: list,
    outcomes: list[IngestOutcome],  # type: ignore[type-arg]
    channel: str,
    user: str,
    progress: Callable[[int], None] | None,
) -> None:
    for path, named in items:
        if progress:
            progress(1)
        if not path.exists():
            outcomes.append(IngestOutcome(str(path), "skipped", "no such file"))
            continue
        if not named and not is_sealed_report(path):
            outcomes.append(IngestOutcome(str(path), "skipped", "not a sealed report"))
            continue
        inbox_file = _to_inbox(home, path)
        staging = Path(tempfile.mkdtemp(dir=home.tmp, prefix="open-"))
        staging.rmdir()
        try:
            opened = open_report(inbox_file, identities, staging)
        except BundleError as exc:
            _quarantine(home, inbox_file, path, f"{type(exc).__name__}: {exc}")
            outcomes.append(IngestOutcome(str(path), "quarantined", f"{type(exc).__name__}: {exc}"))
            continue
        try:
            outcomes.append(_commit(home, opened, inbox_file, path, channel, user))
        finally:
            opened.cleanup()


def _gather(
    home: Home, paths: list[Path], outcomes: list[IngestOutcome], rebuild_dir: Path
) -> tuple[list[tuple[Path, bool]], list[tuple[Path, bool]]]:
    """Split the inputs into sealed reports and fragments; rebuild what the fragments allow.

    Rebuilt files then go through the inbox like any other arrival; transfers still missing
    fragments are reported with how many more they need (give their fragments again later,
    together with the rest).
    """
    from roshan.transport import Assembler
    from roshan.transport.channels import frames_from

    items: list[tuple[Path, bool]] = []
    fragment_files: list[str] = []
    for path, named in walk(paths):
        if path.exists() and not is_sealed_report(path) and _may_hold_fragments(path):
            fragment_files.append(str(path))
        else:
            items.append((path, named))
    rebuilt: list[tuple[Path, bool]] = []
    if not fragment_files:
        return items, rebuilt
    found: set[str] = set()
    with Assembler(rebuild_dir / "spool") as asm:
        for where, frame in frames_from(fragment_files):
            before = asm.counts.corrupted
            asm.add_bytes(frame)
            if asm.counts.corrupted == before:
                found.add(where)
        for st in asm.status():
            if st.complete:
                dest = rebuild_dir / f"transfer-{st.transfer_id}"
                asm.rebuild(st.transfer_id, dest)
                rebuilt.append((dest, True))
            else:
                outcomes.append(
                    IngestOutcome(
                        f"transfer {st.transfer_id}",
                        "waiting",
                        f"{st.fragments} fragments, needs at least {st.missing} more",
                    )
                )
    outcomes += [
        IngestOutcome(f, "skipped", "no sealed report or fragment in it")
        for f in fragment_files
        if f not in found
    ]
    return items, rebuilt


def _may_hold_fragments(path: Path) -> bool:
    from roshan.transport.fragment import MAGIC

    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(MAGIC) or head.startswith((b"\x89PNG", b"\xff\xd8\xff")):
        return True
    try:
        return (
            "rq1:" in path.read_text(encoding="utf-8", errors="ignore").lower()
            if path.stat().st_size < 64 << 20
            else False
        )
    except OSError:
        return False


def _commit(
    home: Home, opened: OpenedReport, inbox_file: Path, path: Path, channel: str, user: str
) -> IngestOutcome:
    m = opened.manifest
    existing = Source.objects.filter(file_sha256=opened.manifest_sha256).first()
    if existing:
        inbox_file.unlink(missing_ok=True)
        return IngestOutcome(str(path), "duplicate", f"already ingested as source {existing.pk}", existing.pk)
    sealed_sha = inbox_file.name
    created_files: list[str] = []
    staged = opened.staging / "files"
    (opened.staging / "manifest.json").write_bytes(opened.manifest_bytes)
    (opened.staging / "manifest.sig").write_bytes(opened.signature)
    try:
        with transaction.atomic():
            slist, _ = SourceList.objects.get_or_create(
                name=WITNESS_LIST, defaults={"kind": SourceList.Kind.WITNESS}
            )
            source = Source.objects.create(
                source_list=slist,
                name=f"witness report {m['report_id'][:12]}",
                report_id=m["report_id"],
                device_fingerprint=opened.device_fingerprint,
                channel=channel,
                file_sha256=opened.manifest_sha256,
                file_name="",
                row_count=len(m["report"].get("people", [])),
            )
            custody.append(
                "received",
                subject=f"source:{source.pk}",
                user=user,
                detail={
                    "channel": channel,
                    "sealed_sha256": sealed_sha,
                    "received_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                },
            )
            evidence = []
            # every staged file was hashed as the opener wrote it and checked against the manifest
            parts = [
                (
                    opened.staging / "manifest.json",
                    opened.manifest_sha256,
                    "manifest.json",
                    "application/json",
                    {},
                ),
                (
                    opened.staging / "manifest.sig",
                    hashlib.sha256(opened.signature).hexdigest(),
                    "manifest.sig",
                    "application/octet-stream",
                    {},
                ),
            ]
            parts += [
                (staged / f"{i:04d}", a["sha256"], a["name"], a["media_type"], a.get("capture", {}))
                for i, a in enumerate(m["attachments"])
            ]
            for file, sha, name, kind, capture in parts:
                stored = store.adopt(home, file, sha)
                if stored.created:
                    created_files.append(stored.sha256)
                ev, made = Evidence.objects.get_or_create(
                    sha256=stored.sha256,
                    defaults={
                        "size": stored.size,
                        "media_type": kind,
                        "original_name": name,
                        "source": source,
                        "capture_metadata": capture,
                        "provenance": f"sealed report {m['report_id']}",
                    },
                )
                if made:
                    custody.append(
                        "ingested",
                        evidence_sha256=ev.sha256,
                        subject=f"evidence:{ev.pk}",
                        user=user,
                        detail={"source": source.pk, "name": name},
                    )
                evidence.append(ev)
            _drafts(source, m, evidence)
    except BaseException:
        for sha in created_files:
            p = store.path_for(home, sha)
            if p.exists() and not Evidence.objects.filter(sha256=sha).exists():
                os.chmod(p, 0o600)
                p.unlink()
        raise
    inbox_file.unlink(missing_ok=True)
    return IngestOutcome(
        str(path), "ingested", m["report"].get("what", "")[:80], source.pk, len(m["attachments"])
    )


def _date_fields(text: str | None) -> dict[str, object]:
    if not text:
        return {}
    try:
        rd = parse_date(text)
    except RoshanError:
        return {}
    return {"date": rd.date, "date_precision": rd.precision, "date_calendar": rd.calendar}


def _drafts(source: Source, m: dict, evidence: list[Evidence]) -> None:  # type: ignore[type-arg]
    r = m["report"]
    incident = Incident.objects.create(
        title=(r.get("what") or r.get("testimony") or "witness report")[:300],
        description="\n\n".join(x for x in (r.get("what", ""), r.get("testimony", "")) if x),
        place=r.get("place", ""),
        province=r.get("province", ""),
        **_date_fields(r.get("when")),
    )
    incident.sources.add(source)
    incident.evidence.add(*evidence)
    records = []
    for i, p in enumerate(r.get("people", []), 1):
        rec = Record.objects.create(
            source=source,
            external_id=str(i),
            name_fa=p.get("name_fa", ""),
            name_latin=p.get("name_latin", ""),
            age=p.get("age"),
            gender=p.get("gender", ""),
            status=p.get("status", ""),
            date_as_written=p.get("date") or r.get("when", ""),
            place=r.get("place", ""),
            province=r.get("province", ""),
            **_date_fields(p.get("date") or r.get("when")),
        )
        records.append(rec)
    incident.records.add(*records)
