"""Publishing verbs: build the memorial, verify a mirror."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from roshan.cli.common import JsonOpt, archive
from roshan.cli.console import emit_json, out, progress
from roshan.errors import BadInput


def register(app: typer.Typer) -> None:
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
