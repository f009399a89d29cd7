"""Encrypted, consistent backups of a whole home, and restoring them.

A backup is an age file (to the archive's recipients, or a passphrase) whose plaintext is a tar:

    backup.json        format, time, database vendor, and the SHA-256 of every other member
    database.json      every archive and user row (Django's serialisation), one snapshot
    custody.jsonl      the custody log, readable without Roshan
    keys/…, archive.pub, publish.pub
    evidence/ab/cd/<sha256>   every file the snapshot refers to

Consistency: the rows are read in one transaction (SQLite: the IMMEDIATE write lock, so no
writer slips in; PostgreSQL: REPEATABLE READ). Evidence files are immutable and named by their
hash, so copying the ones the snapshot names after it is taken is consistent too.
The output appears only when complete (temp file, fsync, rename). Restore checks every member
against ``backup.json`` before loading anything, then verifies the custody chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyrage
from django.core import serializers
from django.db import connection, transaction

from roshan.archive import custody, store
from roshan.archive.home import Home
from roshan.archive.models import CustodyEvent, Evidence
from roshan.errors import BadInput, HomeError

FORMAT = "roshan-backup/1"
_MODELS = ["auth.group", "auth.user", "archive"]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    evidence_files: int
    custody_entries: int
    size: int


def _snapshot() -> tuple[bytes, bytes, list[str]]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        from django.apps import apps

        objs = []
        for label in _MODELS:
            if "." in label:
                objs.append(apps.get_model(label))
            else:
                objs.extend(apps.get_app_config(label).get_models())
        data = serializers.serialize(
            "json",
            (o for model in objs for o in model._default_manager.order_by("pk").iterator()),
            use_natural_foreign_keys=True,
        ).encode()
        log = b"".join(
            json.dumps(
                {
                    "seq": e.seq,
                    "at": e.at.isoformat(),
                    "action": e.action,
                    "evidence_sha256": e.evidence_sha256,
                    "subject": e.subject,
                    "user": e.user,
                    "detail": e.detail,
                    "prev_hash": e.prev_hash,
                    "entry_hash": e.entry_hash,
                },
                ensure_ascii=False,
            ).encode()
            + b"\n"
            for e in CustodyEvent.objects.order_by("seq").iterator()
        )
        shas = list(Evidence.objects.order_by("pk").values_list("sha256", flat=True))
    return data, log, shas


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, sums: dict[str, str]) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))
    sums[name] = hashlib.sha256(data).hexdigest()


def backup(
    home: Home,
    out: Path,
    *,
    recipients: list[pyrage.x25519.Recipient] | None = None,
    passphrase: str | None = None,
    user: str = "",
    progress: Callable[[int], None] | None = None,
) -> BackupResult:
    """Write an encrypted backup of ``home`` to ``out``."""
    if not recipients and not passphrase:
        raise BadInput("a backup needs recipients or a passphrase")
    home.tmp.mkdir(parents=True, exist_ok=True)
    data, log, shas = _snapshot()
    sums: dict[str, str] = {}
    with tempfile.TemporaryDirectory(dir=home.tmp) as work:
        plain = Path(work) / "backup.tar"
        with tarfile.open(plain, "w", format=tarfile.PAX_FORMAT) as tar:
            _add_bytes(tar, "database.json", data, sums)
            _add_bytes(tar, "custody.jsonl", log, sums)
            for p in sorted(home.keys.iterdir()):
                if p.is_file():
                    _add_bytes(tar, f"keys/{p.name}", p.read_bytes(), sums)
            for p in (home.archive_pub, home.publish_pub):
                if p.exists():
                    _add_bytes(tar, p.name, p.read_bytes(), sums)
            for sha in shas:
                src = store.path_for(home, sha)
                name = str(src.relative_to(home.root))
                tar.add(src, arcname=name, recursive=False)
                sums[name] = sha
                if progress:
                    progress(1)
            meta = {
                "format": FORMAT,
                "created": dt.datetime.now(dt.UTC).isoformat(),
                "vendor": connection.vendor,
                "members": sums,
            }
            info = json.dumps(meta, indent=1).encode()
            ti = tarfile.TarInfo("backup.json")
            ti.size = len(info)
            tar.addfile(ti, io.BytesIO(info))
        out = out.resolve()
        tmp_out = out.with_name(f".{out.name}.partial")
        try:
            if passphrase:
                tmp_out.write_bytes(pyrage.passphrase.encrypt(plain.read_bytes(), passphrase))
            else:
                pyrage.encrypt_file(str(plain), str(tmp_out), recipients)
            with open(tmp_out, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp_out, out)
        finally:
            tmp_out.unlink(missing_ok=True)
    custody.append(
        "exported",
        subject="backup",
        user=user,
        detail={"evidence_files": len(shas), "sha256": store.hash_file(out)},
    )
    return BackupResult(out, len(shas), log.count(b"\n"), out.stat().st_size)


def restore(
    home: Home,
    backup_file: Path,
    *,
    identities: list[pyrage.x25519.Identity] | None = None,
    passphrase: str | None = None,
    user: str = "",
) -> custody.Verdict:
    """Bring a backup back into an empty home (created if missing), then verify the chain."""
    from django.core.management import call_command

    if home.identity.exists():
        raise HomeError(f"{home.root} already holds an archive; restore into a new, empty home")
    home.make_dirs()
    with tempfile.TemporaryDirectory(dir=home.tmp) as work:
        plain = Path(work) / "backup.tar"
        try:
            if passphrase:
                plain.write_bytes(pyrage.passphrase.decrypt(backup_file.read_bytes(), passphrase))
            else:
                pyrage.decrypt_file(str(backup_file), str(plain), identities or [])
        except FileNotFoundError:
            raise BadInput(f"no such backup file: {backup_file}") from None
        except pyrage.DecryptError as exc:
            raise BadInput(
                f"cannot decrypt {backup_file.name}: wrong key or passphrase, or a damaged file ({exc})"
            ) from None
        staged = Path(work) / "staged"
        with tarfile.open(plain) as tar:
            try:
                meta = json.loads(tar.extractfile("backup.json").read())  # type: ignore[union-attr]
            except (KeyError, AttributeError, ValueError):
                raise BadInput(f"{backup_file.name} is not a Roshan backup (no backup.json)") from None
            if meta.get("format") != FORMAT:
                raise BadInput(f"unknown backup format {meta.get('format')!r}")
            tar.extractall(staged, filter="data")
        members: dict[str, str] = meta["members"]
        for name, sha in members.items():
            p = staged / name
            if not p.is_file() or store.hash_file(p) != sha:
                raise BadInput(f"backup member {name} is missing or damaged; nothing restored")
        call_command("migrate", verbosity=0, interactive=False)
        if CustodyEvent.objects.exists():
            raise HomeError("the database already holds an archive; restore into a new, empty one")
        for name in members:
            if name.startswith("evidence/"):
                with open(staged / name, "rb") as f:
                    store.add_stream(home, f)
        for name in members:
            if name.startswith("keys/") or name in ("archive.pub", "publish.pub"):
                dest = home.root / name
                dest.write_bytes((staged / name).read_bytes())
                dest.chmod(0o600 if name.startswith("keys/") else 0o644)
        with transaction.atomic():
            from django.contrib.auth.models import Group

            Group.objects.all().delete()
            call_command("loaddata", str(staged / "database.json"), verbosity=0)
        if connection.vendor == "postgresql":
            _reset_sequences()
    verdict = custody.verify(home)
    if verdict.ok:
        custody.append(
            "restored", subject="backup", user=user, detail={"sha256": store.hash_file(backup_file)}
        )
    return verdict


def _reset_sequences() -> None:
    from django.apps import apps
    from django.core.management.color import no_style

    models = [
        *apps.get_app_config("archive").get_models(),
        apps.get_model("auth.user"),
        apps.get_model("auth.group"),
    ]
    sql = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cur:
        for stmt in sql:
            cur.execute(stmt)
