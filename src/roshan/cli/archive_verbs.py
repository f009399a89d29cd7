"""Archive verbs: init, import-list, evidence, custody, keys, backup, restore, user, serve."""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer

from roshan.archive.home import Home
from roshan.cli.console import emit_json, out, progress
from roshan.errors import BadInput, HomeError, KeyProblem

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def archive(*, must_exist: bool = True) -> Home:
    """Configure Django for the home and return it; refuse a missing home unless creating one."""
    home = Home.from_env()
    if must_exist and not home.exists():
        raise HomeError(f"no archive at {home.root} (run `roshan init`, or pass --home)")
    import roshan.archive

    roshan.archive.setup()
    return home


def init_home(home: Home) -> tuple[bool, object]:
    """Create or bring up to date: folders, keys, database schema, roles. Idempotent."""
    from django.core.management import call_command

    from roshan.archive import keys, roles

    existed = home.exists()
    home.make_dirs()
    info = keys.ensure_keys(home)
    call_command("migrate", verbosity=0, interactive=False)
    roles.ensure_roles()
    return existed, info


def read_passphrase(passphrase_file: Path | None, *, confirm: bool = False, what: str = "Passphrase") -> str:
    """From a file, $ROSHAN_PASSPHRASE, or a hidden prompt — never from the command line."""
    if passphrase_file is not None:
        try:
            text = passphrase_file.read_text().rstrip("\n")
        except OSError as exc:
            raise BadInput(f"cannot read passphrase file {passphrase_file}: {exc.strerror}") from None
    elif os.environ.get("ROSHAN_PASSPHRASE"):
        text = os.environ["ROSHAN_PASSPHRASE"]
    elif sys.stdin.isatty():
        text = getpass.getpass(f"{what}: ")
        if confirm and getpass.getpass(f"{what} again: ") != text:
            raise BadInput("the two passphrases differ")
    else:
        raise BadInput("no passphrase: use --passphrase-file or ROSHAN_PASSPHRASE")
    if not text:
        raise BadInput("empty passphrase")
    return text


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
        password, generated = _new_password(password_file)
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
        password, generated = _new_password(password_file)
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


def serve(host: str, port: int) -> None:
    import waitress

    from roshan.archive.wsgi import application

    out.print(f"Workbench on http://{host}:{port}/  (Ctrl-C stops it)")
    try:
        waitress.serve(application, host=host, port=port, threads=8, ident="roshan")
    except OSError as exc:
        raise BadInput(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port"
        ) from None


def _new_password(password_file: Path | None) -> tuple[str, bool]:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if password_file is not None:
        password = read_passphrase(password_file, what="Password")
    elif sys.stdin.isatty():
        password = read_passphrase(None, confirm=True, what="Password")
    else:
        return secrets.token_urlsafe(15), True
    try:
        validate_password(password)
    except ValidationError as exc:
        raise BadInput("; ".join(exc.messages)) from None
    return password, False


def register_counting(app: typer.Typer) -> None:
    @app.command("link")
    def link_cmd(
        backend: Annotated[
            str, typer.Option(help="duckdb (default) or spark (the roshan[spark] extra).")
        ] = "duckdb",
        threshold: Annotated[
            float, typer.Option(help="Match probability from which two records are one person.")
        ] = 0.8,
        review_low: Annotated[
            float, typer.Option(help="Pairs from here up to the threshold go to the review queue.")
        ] = 0.5,
        export: Annotated[
            Path | None, typer.Option("--export", help="Write source,external_id,person_id for every record.")
        ] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Link the records of all lists into unique persons (Splink), keeping ids and reviews across runs."""
        archive()
        from roshan.archive.linking import export_links, run_link

        if backend not in ("duckdb", "spark"):
            raise BadInput("--backend is duckdb or spark")
        with progress("Linking", None, quiet=json_out):
            s = run_link(threshold=threshold, review_low=review_low, backend=backend, user=getpass.getuser())
        data = dict(s.__dict__)
        if export:
            data["exported"] = export_links(export)
        if json_out:
            emit_json(data)
            return
        out.print(
            f"{s.records} records → {s.persons} persons ({s.kept_ids} kept their id, {s.new_persons} new); "
            f"{s.review_pending} pairs wait in the review queue."
        )
        if export:
            out.print(f"Wrote {data['exported']} rows to {export}")

    @app.command("estimate")
    def estimate_cmd(
        by: Annotated[
            str | None, typer.Option("--by", help="Stratify by province or month, estimate each, sum.")
        ] = None,
        method: Annotated[str, typer.Option("--method", help="loglinear or lcmcr.")] = "loglinear",
        select_by: Annotated[
            str, typer.Option("--select", help="bic, aic, stepwise-aic or stepwise-p.")
        ] = "bic",
        max_order: Annotated[
            int, typer.Option("--max-order", help="Highest interaction order for bic/aic: 2 or 3.")
        ] = 2,
        p_threshold: Annotated[
            float, typer.Option("--p-threshold", help="Significance for the stepwise rules.")
        ] = 0.05,
        iterations: Annotated[int, typer.Option(help="LCMCR iterations per chain.")] = 10_000,
        table: Annotated[
            Path | None,
            typer.Option("--table", help="Estimate from a capture-history CSV instead of the archive."),
        ] = None,
        chart: Annotated[
            Path | None, typer.Option("--chart", help="Write a chart to this path (.png and .svg).")
        ] = None,
        lang: Annotated[str, typer.Option("--lang", help="Summary language: en, fa or both.")] = "both",
        json_out: JsonOpt = False,
    ) -> None:
        """Estimate how many were killed that no list has (multiple systems estimation), with intervals."""
        from roshan.estimate import report
        from roshan.estimate.loglinear import NoEstimate
        from roshan.estimate.strata import estimate_strata
        from roshan.estimate.table import CaptureTable

        if method not in ("loglinear", "lcmcr"):
            raise BadInput("--method is loglinear or lcmcr")
        if select_by not in ("bic", "aic", "stepwise-aic", "stepwise-p"):
            raise BadInput("--select is bic, aic, stepwise-aic or stepwise-p")
        if max_order not in (2, 3):
            raise BadInput("--max-order is 2 or 3")
        if by not in (None, "province", "month"):
            raise BadInput("--by is province or month")
        kw = {
            "method": method,
            "select_by": select_by,
            "max_order": max_order,
            "p_threshold": p_threshold,
            "iterations": iterations,
        }
        try:
            with progress("Estimating", None, quiet=json_out):
                if table is not None:
                    total = estimate_strata({table.stem: CaptureTable.read_csv(table)}, **kw)  # type: ignore[arg-type]
                else:
                    archive()
                    from roshan.archive.histories import estimate_archive

                    total = estimate_archive(by=by, **kw)
        except NoEstimate as exc:
            raise BadInput(f"no estimate: {exc}") from None
        data = report.as_json(total)
        if chart:
            data["chart"] = [str(p) for p in report.chart(total, chart)]
        if json_out:
            emit_json(data)
            return
        if lang in ("en", "both"):
            out.print(report.summary_en(total))
        if lang in ("fa", "both"):
            out.print(report.summary_fa(total))
        if len(total.strata) > 1:
            for s in total.strata:
                out.print(
                    f"  {s.name}: documented {s.documented}, estimate {s.estimate:,.0f} "
                    f"({s.lower:,.0f}–{s.upper:,.0f}){' — ' + s.note if s.note else ''}"
                )


def register_publish(app: typer.Typer) -> None:
    publish_app = typer.Typer(help="The public memorial.", invoke_without_command=True)
    app.add_typer(publish_app, name="publish")

    @publish_app.callback()
    def publish_cmd(
        ctx: typer.Context,
        out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the static site.")] = None,
        lang: Annotated[str, typer.Option("--lang", help="Languages, e.g. fa,en.")] = "fa,en",
        json_out: JsonOpt = False,
    ) -> None:
        """Build the bilingual static memorial from what reviewers marked for publication."""
        if ctx.invoked_subcommand is not None:
            return
        if out_dir is None:
            raise BadInput("give --out DIR (or `roshan publish verify DIR`)")
        home = archive()
        from roshan.archive import custody, keys
        from roshan.archive.publication import gather
        from roshan.publish.site import build

        langs = tuple(x.strip() for x in lang.split(",") if x.strip())
        if not langs or any(x not in ("fa", "en") for x in langs):
            raise BadInput("--lang takes fa, en or both (fa,en)")
        with progress("Publishing", None, quiet=json_out):
            data = gather(home, user=getpass.getuser())
            res = build(data, out_dir, keys.load_publish_key(home), langs)
        from roshan.archive.store import hash_file

        custody.append(
            "published",
            subject="site",
            user=getpass.getuser(),
            detail={
                "victims": res.victims,
                "files": res.files,
                "manifest_sha256": hash_file(res.out / "manifest.json"),
            },
        )
        result = {
            "out": str(res.out),
            "files": res.files,
            "bytes": res.bytes,
            "victims": res.victims,
            "withdrawn": res.withdrawn,
            "home_page": str(res.out / langs[0] / "index.html"),
        }
        if json_out:
            emit_json(result)
            return
        out.print(f"Published {res.victims} victims, {res.files} files ({res.bytes:,} bytes) to {res.out}")
        if res.withdrawn:
            out.print(f"  withdrawn paths listed in the manifest for mirrors: {len(res.withdrawn)}")
        out.print(f"  home page: {result['home_page']}")

    @publish_app.command("verify")
    def verify_cmd(
        site: Annotated[Path, typer.Argument(help="A published site or a mirror of it.")],
        key: Annotated[
            Path | None,
            typer.Option("--key", help="publish.pub to check against (default: the key in the manifest)."),
        ] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Check a mirror: the manifest's signature and every file's SHA-256; exit 1 on any difference."""
        from roshan.archive.keys import load_verify_key
        from roshan.publish.manifest import verify

        check = verify(site, load_verify_key(key) if key else None)
        if json_out:
            emit_json(check.__dict__)
        elif check.ok:
            out.print(f"Intact: {check.files} files match the signed manifest.")
        else:
            for p in check.problems[:50]:
                out.print(f"[bold red]{p}[/]")
        if not check.ok:
            raise typer.Exit(1)


def register_accountability(app: typer.Typer) -> None:
    sanctions_app = typer.Typer(help="Sanctions lists, matching and gaps.", no_args_is_help=True)
    app.add_typer(sanctions_app, name="sanctions")
    actors_app = typer.Typer(
        help="Actors alleged responsible (FollowTheMoney in and out).", no_args_is_help=True
    )
    app.add_typer(actors_app, name="actors")

    @sanctions_app.command("import")
    def sanctions_import(
        file: Annotated[
            Path,
            typer.Argument(help="The list as downloaded (for OFAC CSV: sdn.csv, with alt.csv beside it)."),
        ],
        fmt: Annotated[str, typer.Option("--format", help="ftm, ofac, eu or uk.")],
        json_out: JsonOpt = False,
    ) -> None:
        """Import a sanctions list; a newer version updates it (added, removed) and history is kept."""
        archive()
        from roshan.accountability.sanctions import parse
        from roshan.archive.accountability import import_list

        parsed = parse(file, fmt)
        s = import_list(parsed, user=getpass.getuser())
        if json_out:
            emit_json({**s.__dict__, "warnings": parsed.warnings})
            return
        for w in parsed.warnings:
            out.print(f"warning: {w}")
        if s.unchanged:
            out.print(f"{s.list_name} version {s.version} was already imported; nothing changed.")
        else:
            out.print(
                f"{s.list_name} version {s.version}: {s.added} added, {s.updated} changed, {s.removed} removed."
            )

    @sanctions_app.command("match")
    def sanctions_match(
        threshold: Annotated[
            float, typer.Option(help="Name similarity from which a designation is proposed.")
        ] = 0.92,
        json_out: JsonOpt = False,
    ) -> None:
        """Propose designations for actors (reviewers confirm or reject them in the workbench)."""
        archive()
        from roshan.archive.accountability import match

        n = match(threshold=threshold, user=getpass.getuser())
        if json_out:
            emit_json({"proposed": n})
        else:
            out.print(f"{n} designation(s) proposed for review; only confirmed matches count.")

    @sanctions_app.command("gaps")
    def sanctions_gaps(
        jurisdictions: Annotated[str, typer.Option(help="Comma-separated jurisdictions.")] = "us,eu,uk,ca,au",
        csv_out: Annotated[Path | None, typer.Option("--csv", help="Also write CSV here.")] = None,
        html_out: Annotated[Path | None, typer.Option("--html", help="Also write an HTML page here.")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Actors by jurisdiction beside their attributed incidents; the least sanctioned first."""
        archive()
        import csv as csv_mod
        import html as html_mod

        from rich.table import Table

        from roshan.archive.accountability import gaps

        js = tuple(j.strip() for j in jurisdictions.split(",") if j.strip())
        rows = gaps(js)
        data = [
            {
                "actor_id": r.actor_id,
                "name": r.name,
                "kind": r.kind,
                "incidents": r.incidents,
                "victims": r.victims,
                "designated_in": r.designated_in,
                **{j: "; ".join(r.designations[j]) for j in js},
            }
            for r in rows
        ]
        if csv_out:
            with open(csv_out, "w", newline="", encoding="utf-8-sig") as f:
                w = csv_mod.DictWriter(
                    f, fieldnames=["actor_id", "name", "kind", "incidents", "victims", "designated_in", *js]
                )
                w.writeheader()
                w.writerows(data)
        if html_out:
            head = "".join(
                f"<th>{h}</th>" for h in ["actor", "incidents", "victims", *[j.upper() for j in js]]
            )
            body = "".join(
                "<tr>"
                + "".join(
                    f"<td>{html_mod.escape(str(x))}</td>"
                    for x in [d["name"], d["incidents"], d["victims"], *[d[j] or "—" for j in js]]
                )
                + "</tr>"
                for d in data
            )
            html_out.write_text(
                f'<!doctype html><html lang="en"><meta charset="utf-8"><title>Sanctions gaps</title>'
                f"<table border=1><tr>{head}</tr>{body}</table></html>\n",
                encoding="utf-8",
            )
        if json_out:
            emit_json(data)
            return
        table = Table(title="Sanctions gaps: most attributions, fewest designations first")
        for col in ("actor", "incidents", "victims", *[j.upper() for j in js]):
            table.add_column(col)
        for d in data:
            table.add_row(
                d["name"], str(d["incidents"]), str(d["victims"]), *[d[j] or "[red]—[/]" for j in js]
            )
        out.print(table)

    @actors_app.command("export")
    def actors_export(file: Annotated[Path, typer.Argument(help="FtM JSON lines to write.")]) -> None:
        """Reviewed actors, positions and confirmed sanctions as FollowTheMoney entities."""
        archive()
        from roshan.archive.accountability import export_ftm

        out.print(f"{export_ftm(file)} entities written to {file}")

    @actors_app.command("import")
    def actors_import(file: Annotated[Path, typer.Argument(help="FtM JSON lines.")]) -> None:
        """Actors from FollowTheMoney entities, as drafts (addresses and identifiers are dropped)."""
        archive()
        from roshan.archive.accountability import import_ftm

        out.print(f"{import_ftm(file, user=getpass.getuser())} actors imported as drafts for review.")

    @app.command("dossier")
    def dossier_cmd(
        actor: Annotated[str, typer.Argument(help="Actor id or exact name.")],
        out_file: Annotated[Path, typer.Option("--out", help="FILE.pdf or FILE.html")],
    ) -> None:
        """A dossier on one actor: positions, attributed incidents and victims, evidence, sources, sanctions."""
        archive()
        from roshan.archive import custody
        from roshan.archive.dossier import find_actor, write

        a = find_actor(actor)
        write(a, out_file)
        custody.append(
            "exported", subject=f"actor:{a.pk}", user=getpass.getuser(), detail={"dossier": out_file.suffix}
        )
        out.print(f"Dossier written to {out_file}")
