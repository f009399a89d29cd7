"""Counting verbs: link records into persons, estimate the undocumented."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from roshan.cli.common import JsonOpt, archive
from roshan.cli.console import emit_json, out, progress
from roshan.errors import BadInput


def register(app: typer.Typer) -> None:
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
