"""The custody log: an append-only chain of CustodyEvents, each carrying its predecessor's hash.

    entry_hash = SHA-256( RFC 8785 canonical JSON of {seq, at, action, evidence_sha256,
                                                       subject, user, detail, prev_hash} )

The first entry's ``prev_hash`` is 64 zeros. Editing, deleting or reordering any entry breaks
every later link, and ``verify`` reports the first break. Appends are serialised so concurrent
ingests cannot fork the chain: on SQLite every transaction is ``BEGIN IMMEDIATE`` (the write
lock is taken before the last entry is read); on PostgreSQL a transaction-scoped advisory lock
does the same. The unique ``seq`` and ``prev_hash`` columns are the last line of defence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rfc8785
from django.db import connection, transaction
from django.utils import timezone

from roshan.archive import store
from roshan.archive.home import Home
from roshan.archive.models import CustodyEvent, Evidence
from roshan.errors import AlteredEvidence

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x526F7368616E  # "Roshan"


def entry_hash(
    *,
    seq: int,
    at: dt.datetime,
    action: str,
    evidence_sha256: str,
    subject: str,
    user: str,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    body = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="milliseconds"),
        "action": action,
        "evidence_sha256": evidence_sha256,
        "subject": subject,
        "user": user,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(rfc8785.dumps(body)).hexdigest()


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def append(
    action: str,
    *,
    evidence_sha256: str = "",
    subject: str = "",
    user: str = "",
    detail: dict[str, Any] | None = None,
) -> CustodyEvent:
    """Append one entry. Joins the caller's transaction if there is one (the lock is then held
    until that transaction commits, so an ingest and its custody entries commit together)."""
    if action not in CustodyEvent.Action.values:
        raise ValueError(f"unknown custody action {action!r}")
    detail = detail or {}
    with transaction.atomic():
        _lock()
        last = CustodyEvent.objects.order_by("-seq").only("seq", "entry_hash").first()
        seq = last.seq + 1 if last else 1
        prev = last.entry_hash if last else GENESIS
        now = timezone.now()
        # Milliseconds: what every serialisation (Django's JSON, backups) keeps exactly.
        at = now.replace(microsecond=now.microsecond // 1000 * 1000)
        h = entry_hash(
            seq=seq,
            at=at,
            action=action,
            evidence_sha256=evidence_sha256,
            subject=subject,
            user=user,
            detail=detail,
            prev_hash=prev,
        )
        return CustodyEvent.objects.create(
            seq=seq,
            at=at,
            action=action,
            evidence_sha256=evidence_sha256,
            subject=subject,
            user=user,
            detail=detail,
            prev_hash=prev,
            entry_hash=h,
        )


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    files: int
    problem: str = ""
    seq: int | None = None


def verify(home: Home, progress: Callable[[int], None] | None = None) -> Verdict:
    """Walk the chain, then every stored file; stop at the first problem and name it."""
    prev = GENESIS
    expected = 1
    n = 0
    for ev in CustodyEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if ev.seq != expected:
            return Verdict(False, n, 0, f"entry #{expected} is missing (next is #{ev.seq})", expected)
        if ev.prev_hash != prev:
            return Verdict(False, n, 0, f"entry #{ev.seq} does not carry the previous entry's hash", ev.seq)
        recomputed = entry_hash(
            seq=ev.seq,
            at=ev.at,
            action=ev.action,
            evidence_sha256=ev.evidence_sha256,
            subject=ev.subject,
            user=ev.user,
            detail=ev.detail,
            prev_hash=ev.prev_hash,
        )
        if recomputed != ev.entry_hash:
            return Verdict(False, n, 0, f"entry #{ev.seq} was altered after it was written", ev.seq)
        prev = ev.entry_hash
        expected += 1
        n += 1
        if progress:
            progress(1)
    files = 0
    for sha in Evidence.objects.order_by("id").values_list("sha256", flat=True).iterator(chunk_size=2000):
        try:
            store.check(home, sha)
        except AlteredEvidence as exc:
            return Verdict(False, n, files, str(exc))
        files += 1
        if progress:
            progress(1)
    return Verdict(True, n, files)


def add_evidence(
    home: Home,
    path_or_stream: Any,
    *,
    action: str = "received",
    user: str = "",
    channel: str = "",
    original_name: str = "",
    media_type: str = "",
    source: Any = None,
    provenance: str = "",
    capture_metadata: dict[str, Any] | None = None,
) -> tuple[Evidence, bool]:
    """Store a file and record it: Evidence row plus a custody entry, in one transaction.

    Idempotent: the same content again returns the existing Evidence and writes no entry.
    """
    from pathlib import Path

    stored = (
        store.add_file(home, Path(path_or_stream))
        if isinstance(path_or_stream, str | Path)
        else store.add_stream(home, path_or_stream)
    )
    with transaction.atomic():
        _lock()
        existing = Evidence.objects.filter(sha256=stored.sha256).first()
        if existing:
            return existing, False
        ev = Evidence.objects.create(
            sha256=stored.sha256,
            size=stored.size,
            media_type=media_type,
            original_name=original_name,
            source=source,
            provenance=provenance,
            capture_metadata=capture_metadata or {},
        )
        append(
            action,
            evidence_sha256=stored.sha256,
            subject=f"evidence:{ev.pk}",
            user=user,
            detail={"channel": channel, "size": stored.size} if channel else {"size": stored.size},
        )
        return ev, True
