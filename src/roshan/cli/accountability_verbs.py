"""Accountability verbs: sanctions lists, matching, gaps, actors, dossiers."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from roshan.cli.common import JsonOpt, archive
from roshan.cli.console import emit_json, out


def register(app: typer.Typer) -> None:
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
        accept_removals: Annotated[
            bool,
            typer.Option(
                "--accept-removals",
                help="Accept a version that removes more than 2% (and more than 5) of a list, declares "
                "another record count than was read, or is older than the current one — after a person "
                "has looked: a cut download looks exactly like this.",
            ),
        ] = False,
        json_out: JsonOpt = False,
    ) -> None:
        """Import a sanctions list; a newer version updates it (added, removed) and history is kept.

        A version that looks like a broken download is refused (UnsafeUpdate) and nothing changes."""
        archive()
        from roshan.accountability.sanctions import parse_lists
        from roshan.archive.sanctions import import_lists

        parsed = parse_lists(file, fmt)
        summaries = import_lists(parsed, user=getpass.getuser(), accept_removals=accept_removals)
        warnings = [w for p in parsed for w in p.warnings]
        if json_out:
            if len(summaries) == 1:
                emit_json({**summaries[0].__dict__, "warnings": warnings})
            else:
                emit_json({"lists": [s.__dict__ for s in summaries], "warnings": warnings})
            return
        for w in warnings:
            out.print(f"warning: {w}")
        for s in summaries:
            if s.unchanged:
                out.print(f"{s.list_name} version {s.version} was already imported; nothing changed.")
            else:
                out.print(
                    f"{s.list_name} version {s.version}: {s.added} added, {s.updated} changed, "
                    f"{s.removed} removed."
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
        from rich.table import Table

        from roshan.archive.accountability import gap_records, gaps, gaps_html, shown_name, write_gaps_csv

        js = tuple(j.strip() for j in jurisdictions.split(",") if j.strip())
        data = gap_records(gaps(js), js)
        if csv_out:
            write_gaps_csv(data, js, csv_out)
        if html_out:
            html_out.write_text(gaps_html(data, js), encoding="utf-8")
        if json_out:
            emit_json(data)
            return
        table = Table(title="Sanctions gaps: most attributions, fewest designations first")
        for col in ("actor", "incidents", "victims", *[j.upper() for j in js]):
            table.add_column(col)
        for d in data:
            table.add_row(
                shown_name(d), str(d["incidents"]), str(d["victims"]), *[d[j] or "[red]—[/]" for j in js]
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
