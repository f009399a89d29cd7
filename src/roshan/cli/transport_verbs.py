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


def register_relay(app: typer.Typer) -> None:
    relay_app = typer.Typer(help="The store-and-forward relay.", no_args_is_help=True)
    app.add_typer(relay_app, name="relay")

    @relay_app.command("serve")
    def relay_serve(
        data: Annotated[Path, typer.Option("--data", help="Folder for fragments and the archive token.")],
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port.")] = 8080,
        max_fragment: Annotated[int, typer.Option(help="Largest fragment accepted, in bytes.")] = 1 << 20,
        quota_mb: Annotated[int, typer.Option(help="Disk quota in MB.")] = 2048,
        retention_days: Annotated[float, typer.Option(help="Delete fragments older than this.")] = 14,
        rate: Annotated[
            float, typer.Option(help="Fragments accepted per second, from everyone together.")
        ] = 500,
    ) -> None:
        """Run a relay: anyone may put fragments; only the archive token lists, fetches, deletes."""
        from roshan.relay.app import RelaySettings, ensure_token, serve

        ensure_token(data)
        out.print(
            f"Relay on http://{host}:{port}/ storing in {data}; archive token in {data / 'archive-token'}"
        )
        serve(
            RelaySettings(
                data,
                max_fragment,
                quota_mb << 20,
                int(retention_days * 86400),
                rate,
                burst=max(int(rate * 2), 10),
            ),
            host,
            port,
        )

    @app.command("send")
    def send_cmd(
        file: Annotated[Path, typer.Argument(help="The sealed file to send.")],
        relay: Annotated[
            list[str], typer.Option("--relay", help="Relay URL (repeatable: fragments are spread).")
        ],
        proxy: Annotated[
            str | None, typer.Option("--proxy", help="e.g. socks5://127.0.0.1:9050 for Tor.")
        ] = None,
        redundancy: Annotated[float, typer.Option(help="Repair fragments ÷ source fragments.")] = 0.5,
        json_out: JsonOpt = False,
    ) -> None:
        """Push a sealed file's fragments to relays; run again to resume after an interruption."""
        from roshan.relay.client import send

        if not file.is_file():
            from roshan.transport.errors import TransportError

            raise TransportError(f"no such file: {file}")
        with progress("Sending", None, quiet=json_out) as advance:
            res = send(file, relay, proxy=proxy, redundancy=redundancy, progress=advance)
        if json_out:
            emit_json(res.__dict__)
            return
        out.print(f"{res.fragments} fragments: {res.sent} sent, {res.already} already on the relay(s).")

    @app.command("pull")
    def pull_cmd(
        relay: Annotated[list[str], typer.Option("--relay", help="Relay URL (repeatable).")],
        token_file: Annotated[
            list[Path],
            typer.Option("--token-file", help="The relay's archive-token (one, or one per --relay)."),
        ],
        out_dir: Annotated[
            Path | None,
            typer.Option("--out", help="Where rebuilt sealed files go (default: the home's inbox)."),
        ] = None,
        ingest: Annotated[
            bool, typer.Option("--ingest", help="Also ingest them (needs the archive key here).")
        ] = False,
        delete: Annotated[
            bool, typer.Option("--delete", help="Delete fragments of rebuilt transfers from the relay.")
        ] = False,
        proxy: Annotated[str | None, typer.Option("--proxy", help="e.g. socks5://127.0.0.1:9050.")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Fetch fragments from relays and rebuild sealed files (no key needed); --ingest to ingest them too."""
        from roshan.archive.home import Home
        from roshan.errors import BadInput
        from roshan.relay.client import pull

        if len(token_file) not in (1, len(relay)):
            raise BadInput("give one --token-file, or one per --relay")
        tokens = []
        for p in token_file:
            try:
                tokens.append(p.read_text().strip())
            except OSError as exc:
                raise BadInput(f"cannot read token file {p}: {exc.strerror}") from None
            except UnicodeDecodeError:
                raise BadInput(f"{p} is not a token file") from None
        pairs = list(zip(relay, tokens * len(relay) if len(tokens) == 1 else tokens, strict=False))
        dest = out_dir or Home.from_env().root / "pulled"
        with progress("Pulling", None, quiet=json_out) as advance:
            res = pull(pairs, dest, proxy=proxy, delete=delete, progress=advance)
        result: dict[str, object] = dict(res.__dict__)
        if ingest and res.rebuilt:
            import getpass

            from roshan.cli.common import archive

            home = archive()
            from roshan.archive.ingest import ingest_paths

            outcomes = ingest_paths(
                home, [Path(p) for p in res.rebuilt], channel="relay", user=getpass.getuser()
            )
            result["ingested"] = [o.__dict__ for o in outcomes]
            for p in res.rebuilt:
                Path(p).unlink(missing_ok=True)
        if json_out:
            emit_json(result)
            return
        out.print(f"{res.fetched} fragments fetched; rebuilt {len(res.rebuilt)} sealed file(s) into {dest}.")
        for tid, missing in res.waiting.items():
            out.print(f"waiting  {tid}  needs at least {missing} more fragment(s)")
        for o in result.get("ingested", []):  # type: ignore[attr-defined]
            out.print(f"{o['status']:<11} {Path(o['path']).name}")
