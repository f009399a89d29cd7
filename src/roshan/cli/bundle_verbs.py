"""Sealed-report verbs: keys device, seal, open, ingest."""

from __future__ import annotations

import getpass
import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from roshan.cli.common import archive, read_passphrase
from roshan.cli.console import emit_json, err, out, progress
from roshan.errors import BadInput, KeyProblem

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
PassFile = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file",
        help="Read the device key's passphrase from this file (or set ROSHAN_PASSPHRASE).",
    ),
]

PROMPTS = {
    "fa": {
        "what": "چه اتفاقی افتاد؟",
        "when": "کی؟ (مثلاً ۱۴۰۴/۱۰/۱۸)",
        "place": "کجا؟ (شهر یا محل)",
        "province": "استان",
        "name": "نام فرد (خالی = پایان)",
        "age": "سن (اختیاری)",
        "status": "وضعیت (killed, executed, disappeared, detained, injured)",
        "testimony": "شهادت شما (آزاد)",
    },
    "en": {
        "what": "What happened?",
        "when": "When? (e.g. 2026-01-08 or 1404/10/18)",
        "place": "Where? (city or place)",
        "province": "Province",
        "name": "Name of a person concerned (empty = done)",
        "age": "Age (optional)",
        "status": "Status (killed, executed, disappeared, detained, injured)",
        "testimony": "Your testimony (free text)",
    },
}


def _prompt_report(lang: str) -> dict[str, Any]:
    p = PROMPTS[lang]
    report: dict[str, Any] = {}
    for key in ("what", "when", "place", "province"):
        value = typer.prompt(p[key], default="", show_default=False).strip()
        if value:
            report[key] = value
    people = []
    while True:
        name = typer.prompt(p["name"], default="", show_default=False).strip()
        if not name:
            break
        person: dict[str, Any] = {
            "name_fa" if any("\u0600" <= c <= "\u06ff" for c in name) else "name_latin": name
        }
        age = typer.prompt(p["age"], default="", show_default=False).strip()
        if age:
            from roshan.linkage.digits import parse_int

            try:
                person["age"] = parse_int(age)
            except ValueError:
                raise BadInput(f"age is not a number: {age!r}") from None
        status = typer.prompt(p["status"], default="killed").strip()
        person["status"] = status
        people.append(person)
    if people:
        report["people"] = people
    testimony = typer.prompt(p["testimony"], default="", show_default=False).strip()
    if testimony:
        report["testimony"] = testimony
    return report


def register(app: typer.Typer, keys_app: typer.Typer) -> None:
    @keys_app.command("device")
    def keys_device(
        out_file: Annotated[Path, typer.Option("--out", help="Where to keep the device key.")] = Path(
            "device.key"
        ),
        passphrase_file: PassFile = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Create a device signing key, encrypted under a passphrase (age scrypt)."""
        from roshan.bundle import DeviceKey

        pw = read_passphrase(passphrase_file, confirm=True)
        key = DeviceKey.generate()
        key.save(out_file, pw)
        if json_out:
            emit_json({"path": str(out_file), "fingerprint": key.fingerprint})
            return
        out.print(f"Device key written to {out_file} (encrypted).\n  fingerprint {key.fingerprint}")

    @app.command("seal")
    def seal_cmd(
        report_file: Annotated[
            Path | None, typer.Argument(help="The report as JSON (see docs/bundle-format.md).")
        ] = None,
        text: Annotated[
            str | None, typer.Option("--text", help="A free-text testimony, the least a witness can send.")
        ] = None,
        attach: Annotated[
            list[Path] | None, typer.Option("--attach", help="A photo, video or document (repeatable).")
        ] = None,
        to: Annotated[
            list[Path] | None, typer.Option("--to", help="Recipients file, e.g. archive.pub (repeatable).")
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option("-o", "--output", help="Sealed file to write (default: a neutral random name)."),
        ] = None,
        key_file: Annotated[
            Path, typer.Option("--key", help="Device key made by `roshan keys device`.")
        ] = Path("device.key"),
        anonymous: Annotated[
            bool, typer.Option("--anonymous", help="Sign with a fresh one-time key instead.")
        ] = False,
        strip_metadata: Annotated[
            bool,
            typer.Option("--strip-metadata", help="Remove EXIF/XMP/GPS from attached JPEG and PNG copies."),
        ] = False,
        lang: Annotated[str, typer.Option("--lang", help="Language of the prompts: fa or en.")] = "fa",
        passphrase_file: PassFile = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Seal a report and its files into one encrypted, signed file only the archive can open."""
        from roshan.archive.keys import recipients_from
        from roshan.bundle import DeviceKey, seal
        from roshan.bundle.errors import InvalidReport
        from roshan.bundle.sealer import default_name

        if report_file is not None:
            try:
                report: Any = json.loads(report_file.read_text(encoding="utf-8"))
            except OSError as exc:
                raise BadInput(f"cannot read {report_file}: {exc.strerror}") from None
            except ValueError as exc:
                raise InvalidReport(f"{report_file.name} is not valid JSON ({exc})") from None
            if text:
                report = {**report, "testimony": text} if isinstance(report, dict) else report
        elif text is not None:
            report = {"testimony": text}
        elif sys.stdin.isatty():
            if lang not in PROMPTS:
                raise BadInput("--lang is fa or en")
            report = _prompt_report(lang)
        else:
            raise BadInput("give a report file, --text, or run in a terminal to be asked")
        if not to:
            raise KeyProblem("no recipients: pass --to archive.pub (the archive's public key)")
        recipients = recipients_from(to)
        if anonymous:
            key = DeviceKey.one_time()
        else:
            if not key_file.exists():
                raise KeyProblem(
                    f"no device key at {key_file}: create one with `roshan keys device`, or use --anonymous"
                )
            key = DeviceKey.load(key_file, read_passphrase(passphrase_file))
        target = output or Path(default_name())
        total = sum(p.stat().st_size for p in attach or [] if p.is_file())
        with progress("Sealing", total or None, quiet=json_out) as advance:
            manifest, warnings = seal(
                report,
                list(attach or []),
                recipients,
                key,
                target,
                strip_metadata=strip_metadata,
                progress=advance,
            )
        for w in warnings:
            err.print(f"warning: {w}")
        if json_out:
            emit_json(
                {
                    "path": str(target),
                    "size": target.stat().st_size,
                    "attachments": len(manifest["attachments"]),
                    "device_fingerprint": key.fingerprint,
                    "anonymous": key.anonymous,
                }
            )
            return
        out.print(
            f"Sealed: {target} ({target.stat().st_size:,} bytes, {len(manifest['attachments'])} attachment(s)). "
            "Only the archive's key opens it."
        )

    @app.command("open")
    def open_cmd(
        file: Annotated[Path, typer.Argument(help="A sealed report.")],
        identity: Annotated[
            Path | None, typer.Option("--identity", "-i", help="age identity file (default: the archive's).")
        ] = None,
        out_dir: Annotated[
            Path | None, typer.Option("--out", help="Extract the report and its files into this new folder.")
        ] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Verify a sealed report and list what it holds (or extract it with --out)."""
        from roshan.archive.home import Home
        from roshan.archive.keys import load_identities, load_identity_file
        from roshan.bundle import open_report

        ids = load_identity_file(identity) if identity else load_identities(Home.from_env())
        if out_dir is not None and out_dir.exists() and any(out_dir.iterdir()):
            raise BadInput(f"{out_dir} exists and is not empty")
        home = Home.from_env()
        scratch = home.tmp if home.tmp.is_dir() else None  # staging inside the home when there is one
        with tempfile.TemporaryDirectory(dir=scratch) as tmp:
            opened = open_report(file, ids, Path(tmp) / "staging", extract=out_dir is not None)
            m = opened.manifest
            if out_dir is not None:
                out_dir.mkdir(parents=True, exist_ok=True)
                (out_dir / "manifest.json").write_text(
                    json.dumps(m, ensure_ascii=False, indent=2), encoding="utf-8"
                )
                for name, path in opened.files.items():
                    (out_dir / name).write_bytes(path.read_bytes())
        if json_out:
            emit_json({"manifest": m, "device_fingerprint": opened.device_fingerprint, "verified": True})
            return
        r = m["report"]
        out.print(
            f"Verified report {m['report_id']} sealed {m['sealed_at']}, device {opened.device_fingerprint}"
            f"{' (one-time key)' if m['device'].get('anonymous') else ''}"
        )
        for key in ("what", "when", "place", "province"):
            if r.get(key):
                out.print(f"  {key}: {r[key]}")  # type: ignore[literal-required]
        for p in r.get("people", []):
            out.print(
                f"  person: {p.get('name_fa') or ''} {p.get('name_latin') or ''} {p.get('age') or ''} {p.get('status') or ''}"
            )
        if r.get("testimony"):
            out.print(f"  testimony: {r['testimony'][:200]}")
        for a in m["attachments"]:
            out.print(
                f"  file: {a['name']}  {a['size']:,} bytes  {a['media_type']}  sha256 {a['sha256'][:16]}…"
            )
        if out_dir is not None:
            out.print(f"Extracted into {out_dir}")

    @app.command("ingest")
    def ingest_cmd(
        paths: Annotated[list[Path], typer.Argument(help="Sealed reports, or folders to search for them.")],
        channel: Annotated[str, typer.Option(help="How they arrived: usb, text, qr, relay, ...")] = "",
        json_out: JsonOpt = False,
    ) -> None:
        """Open, verify and take sealed reports into the archive (idempotent; refused ones go to quarantine/)."""
        home = archive()
        from roshan.archive.ingest import ingest_paths

        with progress("Ingesting", None, quiet=json_out) as advance:
            outcomes = ingest_paths(home, paths, channel=channel, user=getpass.getuser(), progress=advance)
        if json_out:
            emit_json([o.__dict__ for o in outcomes])
        else:
            for o in outcomes:
                out.print(f"{o.status:<11} {o.path}" + (f"  — {o.detail}" if o.detail else ""))
        if any(o.status == "quarantined" for o in outcomes):
            raise typer.Exit(1)
