"""Blackout verbs: split a sealed file into fragments, join fragments back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roshan.cli.console import emit_json, err, out, progress

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def join_inputs(
    inputs: list[str], dest: Path, *, quiet: bool
) -> tuple[list[dict[str, object]], dict[str, int]]:
    """Rebuild every transfer found in ``inputs`` into ``dest`` (a file for one, a folder for several)."""
    from roshan.transport import Assembler
    from roshan.transport.channels import frames_from

    with Assembler() as asm:
        with progress("Reading fragments", None, quiet=quiet) as advance:
            for _, frame in frames_from(inputs):
                asm.add_bytes(frame)
                advance(1)
        statuses = asm.status()
        complete = [s for s in statuses if s.complete]
        several = len(statuses) > 1 or dest.is_dir()
        if several:
            dest.mkdir(parents=True, exist_ok=True)
        results: list[dict[str, object]] = []
        for s in statuses:
            row: dict[str, object] = {
                "transfer": s.transfer_id,
                "size": s.file_length,
                "fragments": s.fragments,
            }
            if s.complete:
                target = dest / f"{s.transfer_id}.bin" if several else dest
                from roshan.transport.errors import NotEnoughFragments

                try:
                    asm.rebuild(s.transfer_id, target)
                    row.update(rebuilt=str(target), missing=0)
                except NotEnoughFragments as exc:
                    row.update(rebuilt=None, missing=exc.needed)
            else:
                row.update(rebuilt=None, missing=s.missing)
            results.append(row)
        counts = {
            "accepted": asm.counts.accepted,
            "duplicates": asm.counts.duplicates,
            "corrupted": asm.counts.corrupted,
            "inconsistent": asm.counts.inconsistent,
            "complete": len(complete),
        }
    return results, counts


def register(app: typer.Typer) -> None:
    @app.command("split")
    def split_cmd(
        file: Annotated[Path, typer.Argument(help="The sealed file to cut into fragments.")],
        channel: Annotated[str, typer.Option("--channel", help="files, text or qr.")] = "files",
        out_dir: Annotated[
            Path, typer.Option("--out", help="Folder for the fragments (one file each).")
        ] = Path("fragments"),
        redundancy: Annotated[float, typer.Option(help="Repair fragments ÷ source fragments.")] = 0.5,
        size: Annotated[
            str | None,
            typer.Option(
                help="Size of one fragment: bytes (files, qr) or characters (text; 'sms' = 160, 'messenger' = 4000)."
            ),
        ] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Cut a sealed file into RaptorQ fragments for a channel; any large enough subset rebuilds it."""
        from roshan.transport.channels import parse_size, write_fragments
        from roshan.transport.errors import TransportError

        if not file.is_file():
            raise TransportError(f"no such file: {file}")
        res = write_fragments(file, channel, out_dir, redundancy, parse_size(channel, size))
        ratio = res.bytes_written / file.stat().st_size
        if json_out:
            emit_json({**res.__dict__, "out": str(out_dir), "bytes_ratio": round(ratio, 4)})
            return
        out.print(
            f"{res.fragments} fragments ({channel}) in {out_dir}, {res.bytes_written:,} bytes = {ratio:.2f}× the file; "
            f"any {1 / (1 + redundancy):.0%} or so of them rebuild it."
        )

    @app.command("join")
    def join_cmd(
        inputs: Annotated[
            list[str],
            typer.Argument(help="Fragment files, text files, QR images, folders, or - for pasted text."),
        ],
        output: Annotated[
            Path, typer.Option("-o", "--output", help="Output file (one transfer) or folder (several).")
        ],
        json_out: JsonOpt = False,
    ) -> None:
        """Rebuild sealed files from fragments in any mix and order; say what is still missing."""
        results, counts = join_inputs(inputs, output, quiet=json_out)
        if json_out:
            emit_json({"transfers": results, "counts": counts})
        else:
            for r in results:
                if r["rebuilt"]:
                    out.print(f"rebuilt  {r['transfer']}  {r['size']:,} bytes → {r['rebuilt']}")
                else:
                    out.print(
                        f"waiting  {r['transfer']}  {r['fragments']} fragments so far, needs at least {r['missing']} more"
                    )
            err.print(
                f"{counts['accepted']} fragments used, {counts['duplicates']} duplicates, "
                f"{counts['corrupted']} corrupted, {counts['inconsistent']} inconsistent"
            )
        if not results:
            err.print("no fragments found in the inputs")
        if not results or any(not r["rebuilt"] for r in results):
            raise typer.Exit(1)
