"""The witness kit verbs: make a signed kit, verify a copy (docs/witness-kit.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roshan.cli.common import JsonOpt
from roshan.cli.console import emit_json, out
from roshan.errors import BadInput, HomeError


def register(app: typer.Typer) -> None:
    kit_app = typer.Typer(
        help="The witness kit: one offline HTML file that seals a report in a phone's browser. "
        "`roshan witness-kit --to archive.pub` writes one (signed); `roshan witness-kit verify FILE` checks a copy.",
        invoke_without_command=True,
    )
    app.add_typer(kit_app, name="witness-kit")

    @kit_app.callback()
    def kit_cmd(
        ctx: typer.Context,
        to: Annotated[
            list[Path] | None,
            typer.Option("--to", help="Recipients file, e.g. the home's archive.pub (repeatable)."),
        ] = None,
        relay: Annotated[
            list[str] | None, typer.Option("--relay", help="A relay address built into the kit (repeatable).")
        ] = None,
        lang: Annotated[str, typer.Option("--lang", help="The kit's first language: fa or en.")] = "fa",
        output: Annotated[
            Path | None, typer.Option("-o", "--out", help="Where to write the kit (default: a random name).")
        ] = None,
        title: Annotated[
            str | None,
            typer.Option("--title", help="The page title (default: a neutral word that says nothing)."),
        ] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Write a witness kit with the archive's recipients (and relays) built in, signed with the
        archive's publishing key."""
        if ctx.invoked_subcommand is not None:
            return
        from roshan.archive import keys
        from roshan.archive.home import Home
        from roshan.witness import kit

        home = Home.from_env()
        if not home.exists():
            raise HomeError(
                f"no archive at {home.root} (run `roshan init`, or pass --home): the kit is signed with its publishing key"
            )
        recipients = keys.recipients_from(to or [home.archive_pub])
        html = kit.make_kit(recipients, keys.load_publish_key(home), relays=relay, lang=lang, title=title)
        path = output or Path(kit.default_name())
        try:
            kit.write_kit(path, html)
        except OSError as exc:
            raise BadInput(f"cannot write {path}: {exc.strerror}") from None
        report = kit.verify_kit(path.read_bytes())
        data = {
            "path": str(path),
            "bytes": len(html.encode()),
            "recipients": [{"recipient": r, "fingerprint": keys.fingerprint(r)} for r in report.recipients],
            "relays": report.relays,
            "publish": {"public": report.publisher, "fingerprint": keys.fingerprint(report.publisher or "")},
        }
        if json_out:
            emit_json(data)
            return
        out.print(f"Witness kit written to {path} ({data['bytes'] // 1024} KB).")
        for r in data["recipients"]:  # type: ignore[attr-defined]
            out.print(f"  seals to {r['recipient']}\n           fingerprint {r['fingerprint']}")
        out.print(f"  signed by publishing key, fingerprint {data['publish']['fingerprint']}")  # type: ignore[index]

    @kit_app.command("verify")
    def kit_verify(
        file: Annotated[Path, typer.Argument(help="A copy of the witness kit (.html).")],
        key: Annotated[
            Path | None,
            typer.Option("--key", help="The archive's publish.pub: catches a kit signed by anyone else."),
        ] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Check a kit: exit 0 for a genuine copy, 1 otherwise; show the fingerprints to compare out of band."""
        from roshan.archive import keys
        from roshan.witness import kit

        try:
            data = file.read_bytes()
        except OSError as exc:
            raise BadInput(f"cannot read {file}: {exc.strerror}") from None
        verify_key = keys.load_verify_key(key) if key is not None else None
        report = kit.verify_kit(data, verify_key)
        result = {
            "genuine": report.genuine,
            "reason": report.reason,
            "checked_against_key": key is not None,
            "recipients": [{"recipient": r, "fingerprint": keys.fingerprint(r)} for r in report.recipients],
            "relays": report.relays,
            "publish": (
                {"public": report.publisher, "fingerprint": keys.fingerprint(report.publisher)}
                if report.publisher
                else None
            ),
        }
        if json_out:
            emit_json(result)
        else:
            mark = "genuine" if report.genuine else "NOT GENUINE"
            out.print(f"{file}: {mark}: {report.reason}")
            for r in result["recipients"]:  # type: ignore[attr-defined]
                out.print(f"  seals to {r['recipient']}\n           fingerprint {r['fingerprint']}")
            if report.publisher:
                out.print(
                    f"  publish  {report.publisher}\n           fingerprint {keys.fingerprint(report.publisher)}"
                )
            if report.genuine and key is None:
                out.print(
                    "  (checked against the key inside the kit only: compare these fingerprints with "
                    "`roshan keys show` out of band, or pass --key publish.pub)"
                )
        if not report.genuine:
            raise typer.Exit(1)
