"""Archive verbs: init, import-list, evidence, custody, backup, restore, keys, user, serve."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from roshan.cli.common import JsonOpt, archive, init_home, new_password, read_passphrase, serve
from roshan.cli.console import emit_json, out, progress
from roshan.errors import BadInput, KeyProblem


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init_cmd(json_out: JsonOpt = False) -> None:
        """Create the archive home: database, keys (age identity, publishing key), roles. Safe to re-run."""
        home = archive(must_exist=False)
        existed, info = init_home(home)
        data = {
            "home": str(home.root),
            "created": not existed,
            "recipient": info.recipient,  # type: ignore[attr-defined]
            "fingerprint": info.fingerprint,
            "publish_public": info.publish_public,  # type: ignore[attr-defined]
            "publish_fingerprint": info.publish_fingerprint,
        }  # type: ignore[attr-defined]
        if json_out:
            emit_json(data)
            return
        out.print(
            ("Archive home exists, keys kept: " if existed else "Created archive home: ") + str(home.root)
        )
        out.print(f"  archive.pub  {info.recipient}")  # type: ignore[attr-defined]
        out.print(f"  fingerprint  {info.fingerprint}   (check it out of band)")  # type: ignore[attr-defined]
        out.print(f"  publish.pub  fingerprint {info.publish_fingerprint}")  # type: ignore[attr-defined]

    @app.command("import-list")
    def import_list_cmd(
        file: Annotated[Path, typer.Argument(help="The list as CSV (UTF-8).")],
        source: Annotated[str, typer.Option("--source", help='Name of the list, e.g. "HRANA".')],
        map_: Annotated[
            list[str] | None,
            typer.Option(
                "--map",
                help="COLUMN=FIELD, mapping one of the file's columns onto id, name_fa, name_latin, age, "
                "gender, date_of_death, place, province, status (repeatable).",
            ),
        ] = None,
        skip_bad: Annotated[
            bool, typer.Option("--skip-bad", help="Import the good rows and list the bad ones.")
        ] = False,
        encoding: Annotated[str, typer.Option("--encoding", help="Text encoding of the file.")] = "utf-8",
        json_out: JsonOpt = False,
    ) -> None:
        """Import an organisation's list of victims as Records of one Source (a new version if it changed)."""
        archive()
        from roshan.archive import lists

        mapping = lists.parse_mapping(map_ or [])
        with progress("Importing", None, quiet=json_out) as advance:
            res = lists.import_list(
                file, source, mapping=mapping, skip_bad=skip_bad, encoding=encoding, progress=advance
            )
        if json_out:
            emit_json(res.__dict__)
            return
        if res.unchanged:
            out.print(f"{res.source}: same file as version {res.version} already imported; nothing changed.")
        else:
            sup = f", superseding version {res.superseded_version}" if res.superseded_version else ""
            out.print(f"{res.source}: version {res.version}, {res.imported} records imported{sup}.")
        for line, why in res.bad_rows:
            out.print(f"  skipped line {line}: {why}")

    evidence_app = typer.Typer(help="The evidence store.", no_args_is_help=True)
    app.add_typer(evidence_app, name="evidence")

    @evidence_app.command("add")
    def evidence_add(
        files: Annotated[list[Path], typer.Argument(help="Files to store.")],
        channel: Annotated[str, typer.Option(help="How the files arrived (usb, relay, ...).")] = "",
        json_out: JsonOpt = False,
    ) -> None:
        """Store files by SHA-256 with a 'received' custody entry (idempotent)."""
        home = archive()
        from roshan.archive import custody

        rows = []
        for f in files:
            ev, created = custody.add_evidence(
                home, f, channel=channel, original_name=f.name, user=getpass.getuser()
            )
            rows.append({"file": str(f), "sha256": ev.sha256, "size": ev.size, "new": created})
        if json_out:
            emit_json(rows)
            return
        for r in rows:
            out.print(f"{r['sha256']}  {r['file']}{'' if r['new'] else '  (already stored)'}")

    custody_app = typer.Typer(help="The hash-chained custody log.", no_args_is_help=True)
    app.add_typer(custody_app, name="custody")

    @custody_app.command("verify")
    def custody_verify(json_out: JsonOpt = False) -> None:
        """Walk the chain and every stored file; exit 1 at the first broken link or altered file."""
        home = archive()
        from roshan.archive import custody
        from roshan.archive.models import CustodyEvent, Evidence

        total = CustodyEvent.objects.count() + Evidence.objects.count()
        with progress("Verifying", total, quiet=json_out) as advance:
            v = custody.verify(home, advance)
        if json_out:
            emit_json(v.__dict__)
        elif v.ok:
            out.print(
                f"Custody chain intact: {v.entries} entries, {v.files} evidence files match their hashes."
            )
        else:
            out.print(f"[bold red]BROKEN[/]: {v.problem}")
        if not v.ok:
            raise typer.Exit(1)

    @custody_app.command("log")
    def custody_log(
        limit: Annotated[int, typer.Option(help="Show the last N entries.")] = 20, json_out: JsonOpt = False
    ) -> None:
        """Show the newest custody entries."""
        archive()
        from roshan.archive.models import CustodyEvent

        rows = list(
            CustodyEvent.objects.order_by("-seq")[:limit].values(
                "seq", "at", "action", "subject", "evidence_sha256", "user", "entry_hash"
            )
        )[::-1]
        if json_out:
            emit_json(rows)
            return
        for r in rows:
            out.print(
                f"#{r['seq']:<5} {r['at']:%Y-%m-%d %H:%M:%S}  {r['action']:<9} {r['subject'] or r['evidence_sha256'][:16]}"
            )

    @app.command("backup")
    def backup_cmd(
        file: Annotated[Path, typer.Argument(help="Where to write the encrypted backup.")],
        to: Annotated[
            list[Path] | None, typer.Option("--to", help="Recipients file (default: archive.pub).")
        ] = None,
        use_passphrase: Annotated[
            bool, typer.Option("--passphrase", help="Encrypt with a passphrase instead.")
        ] = False,
        passphrase_file: Annotated[
            Path | None, typer.Option(help="Read the passphrase from this file.")
        ] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Write a consistent, age-encrypted backup of the whole home (database, evidence, keys, custody log)."""
        home = archive()
        from roshan.archive import backup, keys
        from roshan.archive.models import Evidence

        pw = read_passphrase(passphrase_file, confirm=True) if (use_passphrase or passphrase_file) else None
        recips = None if pw else keys.recipients_from(to or [home.archive_pub])
        with progress("Backing up evidence", Evidence.objects.count(), quiet=json_out) as advance:
            res = backup.backup(
                home, file, recipients=recips, passphrase=pw, user=getpass.getuser(), progress=advance
            )
        if json_out:
            emit_json(res.__dict__)
            return
        out.print(
            f"Backup written: {res.path} ({res.size:,} bytes, {res.evidence_files} evidence files, "
            f"{res.custody_entries} custody entries)."
        )

    @app.command("restore")
    def restore_cmd(
        file: Annotated[Path, typer.Argument(help="A backup written by `roshan backup`.")],
        identity: Annotated[
            Path | None, typer.Option("--identity", "-i", help="age identity file that opens it.")
        ] = None,
        use_passphrase: Annotated[
            bool, typer.Option("--passphrase", help="The backup uses a passphrase.")
        ] = False,
        passphrase_file: Annotated[
            Path | None, typer.Option(help="Read the passphrase from this file.")
        ] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Restore a backup into a new, empty home (--home), then verify the custody chain."""
        home = archive(must_exist=False)
        from roshan.archive import backup, keys

        pw = read_passphrase(passphrase_file) if (use_passphrase or passphrase_file) else None
        if pw is None and identity is None:
            raise KeyProblem("restore needs --identity (the archive's keys/identity.txt) or --passphrase")
        ids = keys.load_identity_file(identity) if identity else None
        v = backup.restore(home, file, identities=ids, passphrase=pw, user=getpass.getuser())
        if json_out:
            emit_json(v.__dict__)
        elif v.ok:
            out.print(
                f"Restored into {home.root}: custody chain intact ({v.entries} entries, {v.files} files)."
            )
        else:
            out.print(f"[bold red]Restored, but the custody chain is BROKEN[/]: {v.problem}")
        if not v.ok:
            raise typer.Exit(1)

    keys_app = typer.Typer(help="Archive and device keys.", no_args_is_help=True)
    app.add_typer(keys_app, name="keys")
    from roshan.cli import bundle_verbs

    bundle_verbs.register(app, keys_app)

    @keys_app.command("show")
    def keys_show(json_out: JsonOpt = False) -> None:
        """Print the archive's public keys and fingerprints, to check out of band."""
        home = archive()
        from roshan.archive import keys

        ids = keys.load_identities(home)
        pub = home.publish_pub.read_text().strip()
        data = {
            "recipients": [
                {
                    "recipient": str(i.to_public()),
                    "fingerprint": keys.fingerprint(str(i.to_public())),
                    "current": n == len(ids) - 1,
                }
                for n, i in enumerate(ids)
            ],
            "publish": {"public": pub, "fingerprint": keys.fingerprint(pub)},
        }
        if json_out:
            emit_json(data)
            return
        for r in data["recipients"]:  # type: ignore[attr-defined]
            mark = "current" if r["current"] else "older  "
            out.print(f"{mark}  {r['recipient']}\n         fingerprint {r['fingerprint']}")
        out.print(f"publish  {pub}\n         fingerprint {keys.fingerprint(pub)}")

    @keys_app.command("rotate")
    def keys_rotate(json_out: JsonOpt = False) -> None:
        """Add a new archive identity and write the new archive.pub; older identities still open older reports."""
        home = archive()
        from roshan.archive import custody, keys

        info = keys.rotate(home)
        custody.append(
            "reviewed", subject="keys", user=getpass.getuser(), detail={"rotated_to": info.fingerprint}
        )
        if json_out:
            emit_json({"recipient": info.recipient, "fingerprint": info.fingerprint})
            return
        out.print(
            f"New archive key: {info.recipient}\n  fingerprint {info.fingerprint}\n"
            f"  {home.archive_pub} now names it; give it to witnesses and relays."
        )

    user_app = typer.Typer(help="Workbench accounts.", no_args_is_help=True)
    app.add_typer(user_app, name="user")

    @user_app.command("add")
    def user_add(
        name: Annotated[str, typer.Argument(help="User name.")],
        role: Annotated[str, typer.Option(help="intake, analyst, reviewer, publisher or admin.")],
        password_file: Annotated[Path | None, typer.Option(help="Read the password from this file.")] = None,
    ) -> None:
        """Create a workbench account with a role. Without a password, one is generated and printed."""
        archive()
        from django.contrib.auth.models import User

        from roshan.archive import roles

        if role not in roles.ROLES:
            raise BadInput(f"unknown role {role!r}: choose one of {', '.join(roles.ROLES)}")
        if User.objects.filter(username=name).exists():
            raise BadInput(f"user {name!r} exists; use `roshan user passwd {name}`")
        password, generated = new_password(password_file)
        user = User.objects.create_user(name, password=password)
        roles.assign(user, role)
        out.print(f"User {name} created with role {role}." + (f" Password: {password}" if generated else ""))

    @user_app.command("passwd")
    def user_passwd(
        name: Annotated[str, typer.Argument(help="User name.")],
        password_file: Annotated[Path | None, typer.Option(help="Read the password from this file.")] = None,
    ) -> None:
        """Set a new password (prompted, read from a file, or generated and printed)."""
        archive()
        from django.contrib.auth.models import User

        user = User.objects.filter(username=name).first()
        if user is None:
            raise BadInput(f"no user {name!r}")
        password, generated = new_password(password_file)
        user.set_password(password)
        user.save()
        out.print(f"Password of {name} changed." + (f" New password: {password}" if generated else ""))

    @app.command("serve")
    def serve_cmd(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port.")] = 8000,
    ) -> None:
        """Run the review workbench (login required on every page)."""
        archive()
        serve(host, port)
