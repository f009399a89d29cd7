"""``roshan quickstart``: a whole archive from SIMULATED data, end to end, safe to run twice."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer

from roshan.cli.common import archive, init_home, serve
from roshan.cli.console import emit_json, out, progress


def register(app: typer.Typer) -> None:
    @app.command("quickstart")
    def quickstart(
        home: Annotated[
            Path | None, typer.Option("--home", help="Where to build it (default ./roshan-home).")
        ] = None,
        no_serve: Annotated[
            bool, typer.Option("--no-serve", help="Do not start the workbench at the end.")
        ] = False,
        people: Annotated[int, typer.Option(help="Size of the simulated population.")] = 600,
        json_out: Annotated[bool, typer.Option("--json", help="Print what was done as JSON.")] = False,
    ) -> None:
        """Create a home, load SIMULATED example lists, run every stage, create an admin account, serve."""
        import os

        if home is not None:
            os.environ["ROSHAN_HOME"] = str(home.resolve())
        h = archive(must_exist=False)
        summary = run_quickstart(h, people=people, quiet=json_out)
        if json_out:
            emit_json(summary)
        else:
            _print(summary)
        if not no_serve:
            serve("127.0.0.1", 8000)


def run_quickstart(home: object, *, people: int, quiet: bool) -> dict[str, object]:
    from django.contrib.auth.models import User

    from roshan.archive import lists, roles
    from roshan.archive.home import Home
    from roshan.archive.models import Record, Source
    from roshan.examples import generate

    assert isinstance(home, Home)  # noqa: S101 - narrows the type for mypy
    existed, info = init_home(home)
    examples = generate(home.root / "examples", people=people)
    imported = []
    for lst in examples.lists:
        with progress(f"Importing {lst.source}", lst.rows, quiet=quiet) as advance:
            res = lists.import_list(
                lst.path, lst.source, mapping=lst.mapping, simulated=True, user="quickstart", progress=advance
            )
        imported.append(
            {
                "source": lst.source,
                "version": res.version,
                "records": res.imported,
                "unchanged": res.unchanged,
            }
        )
    reports = _witness_reports(home, quiet)
    blackout = _through_the_blackout(home, quiet)
    counting = _count(home, examples)
    site = _publish(home)
    kit = _witness_kit(home)
    admin_password = None
    if not User.objects.filter(username="admin").exists():
        admin_password = secrets.token_urlsafe(15)
        user = User.objects.create_user("admin", password=admin_password)
        roles.assign(user, "admin")
    return {
        "home": str(home.root),
        "home_existed": existed,
        "archive_recipient": info.recipient,  # type: ignore[attr-defined]
        "archive_fingerprint": info.fingerprint,  # type: ignore[attr-defined]
        "simulated_people": examples.people,
        "lists": imported,
        "counting": counting,
        "site": site,
        "witness_reports": reports,
        "witness_kit": kit,
        "blackout": blackout,
        "records_counted": Record.objects.filter(source__current=True).count(),
        "sources": Source.objects.count(),
        "admin_user": "admin",
        "admin_password": admin_password,
        "examples": str(examples.folder),
    }


def _witness_kit(home: object) -> str:
    """The witness kit for this archive, written once into the home (docs/witness-kit.md)."""
    from roshan.archive.home import Home
    from roshan.archive.keys import load_publish_key, recipients_from
    from roshan.witness import kit

    assert isinstance(home, Home)  # noqa: S101
    path = home.root / "witness-kit.html"
    if not path.exists():
        html = kit.make_kit(
            recipients_from([home.archive_pub]), load_publish_key(home), title="Roshan witness kit"
        )
        kit.write_kit(path, html)
    return str(path)


def _witness_reports(home: object, quiet: bool) -> dict[str, object]:
    """Seal a few SIMULATED witness reports (once) and ingest them (idempotent)."""
    from roshan.archive.home import Home
    from roshan.archive.ingest import ingest_paths
    from roshan.archive.keys import recipients_from
    from roshan.bundle import DeviceKey, seal
    from roshan.examples.reports import simulated_reports

    assert isinstance(home, Home)  # noqa: S101
    folder = home.root / "examples" / "sealed"
    if not folder.is_dir() or not any(folder.glob("*.bin")):
        recipients = recipients_from([home.archive_pub])
        work = home.root / "examples" / "report-media"
        for i, (report, files) in enumerate(simulated_reports(work), 1):
            folder.mkdir(parents=True, exist_ok=True)
            seal(
                report, files, recipients, DeviceKey.one_time(), folder / f"{i:04d}.bin", strip_metadata=True
            )
    with progress("Ingesting sealed reports", None, quiet=quiet) as advance:
        outcomes = ingest_paths(home, [folder], channel="usb", user="quickstart", progress=advance)
    return {
        "sealed": len(outcomes),
        "ingested": sum(o.status == "ingested" for o in outcomes),
        "already": sum(o.status == "duplicate" for o in outcomes),
        "attachments": sum(o.attachments for o in outcomes),
    }


def _publish(home: object) -> dict[str, object]:
    """Mark the SIMULATED persons reviewed and published, then build the memorial into home/site."""
    from roshan.archive import custody
    from roshan.archive.home import Home
    from roshan.archive.keys import load_publish_key
    from roshan.archive.models import Person
    from roshan.archive.publication import gather
    from roshan.publish.site import build

    assert isinstance(home, Home)  # noqa: S101
    marked = (
        Person.objects.filter(records__source__source_list__simulated=True)
        .exclude(review_status__in=["published", "withdrawn"])
        .distinct()
    )
    ids = list(marked.values_list("pk", flat=True))
    Person.objects.filter(pk__in=ids).update(review_status="published")
    if ids:
        custody.append(
            "reviewed",
            subject="quickstart",
            user="quickstart",
            detail={"published_simulated_persons": len(ids)},
        )
    res = build(gather(home, user="quickstart"), home.site, load_publish_key(home))
    return {
        "marked_published": len(ids),
        "victims": res.victims,
        "files": res.files,
        "home_page": str(res.out / "fa" / "index.html"),
    }


def _count(home: object, examples: object) -> dict[str, object]:
    """Link the lists and estimate, beside the SIMULATED truth."""
    from roshan.archive.histories import estimate_archive
    from roshan.archive.linking import run_link
    from roshan.estimate.loglinear import NoEstimate
    from roshan.estimate.report import summary_en, summary_fa

    linked = run_link(user="quickstart")
    result: dict[str, object] = {
        "records": linked.records,
        "persons": linked.persons,
        "review_pending": linked.review_pending,
        "truth": examples.people,
    }  # type: ignore[attr-defined]
    for method in ("loglinear", "lcmcr"):
        try:
            t = estimate_archive(method=method, iterations=4000)
        except NoEstimate as exc:
            result[method] = {"refused": str(exc)}
            continue
        result[method] = {
            "documented": t.documented,
            "estimate": round(t.estimate),
            "lower": round(t.lower),
            "upper": round(t.upper),
            "summary_en": summary_en(t),
            "summary_fa": summary_fa(t),
        }
    return result


def _through_the_blackout(home: object, quiet: bool) -> dict[str, object]:
    """One SIMULATED report through text fragments with a quarter lost, one through a loopback relay."""
    import random

    from roshan.archive.home import Home
    from roshan.archive.ingest import ingest_paths
    from roshan.archive.keys import recipients_from
    from roshan.bundle import DeviceKey, seal
    from roshan.relay.app import BackgroundRelay, RelaySettings
    from roshan.relay.client import pull, send
    from roshan.transport.channels import write_fragments

    assert isinstance(home, Home)  # noqa: S101
    base = home.root / "examples" / "blackout"
    text_report, relay_report = base / "via-text.bin", base / "via-relay.bin"
    if not text_report.exists() or not relay_report.exists():
        base.mkdir(parents=True, exist_ok=True)
        recipients = recipients_from([home.archive_pub])
        seal(
            {"what": "SIMULATED: report carried as text fragments over a messenger", "when": "1404/10/19"},
            [],
            recipients,
            DeviceKey.one_time(),
            text_report,
        )
        seal(
            {"what": "SIMULATED: report carried through a relay", "when": "1404/10/20"},
            [],
            recipients,
            DeviceKey.one_time(),
            relay_report,
        )
    lines = base / "text-fragments"
    if not lines.is_dir():
        write_fragments(text_report, "text", lines, 0.5, 400)
    all_lines = sorted(lines.iterdir())
    kept = random.Random(7).sample(  # noqa: S311 - which lines the demo loses, not cryptography
        all_lines, len(all_lines) - len(all_lines) // 4
    )
    pasted = base / "pasted-messages.txt"
    pasted.write_text("\n\n".join(p.read_text() for p in kept), encoding="utf-8")
    via_text = ingest_paths(home, [pasted], channel="text", user="quickstart")
    with BackgroundRelay(RelaySettings(home.root / "examples" / "relay-data")) as relay:
        sent = send(relay_report, [relay.url])
        pulled = pull([(relay.url, relay.token)], home.tmp / "pulled", delete=True)
    via_relay = ingest_paths(home, [Path(p) for p in pulled.rebuilt], channel="relay", user="quickstart")
    for p in pulled.rebuilt:
        Path(p).unlink(missing_ok=True)
    return {
        "text_lines": len(all_lines),
        "text_lines_lost": len(all_lines) - len(kept),
        "text": [o.status for o in via_text],
        "relay_fragments": sent.fragments,
        "relay": [o.status for o in via_relay],
    }


def _print(s: dict[str, object]) -> None:
    out.print(("Archive home (kept): " if s["home_existed"] else "Archive home created: ") + str(s["home"]))
    out.print(f"  archive.pub fingerprint {s['archive_fingerprint']}")
    out.print(f"SIMULATED population of {s['simulated_people']} people; lists written to {s['examples']}")
    for lst in s["lists"]:  # type: ignore[attr-defined]
        state = "already imported, unchanged" if lst["unchanged"] else f"{lst['records']} records imported"
        out.print(f"  {lst['source']} v{lst['version']}: {state}")
    w = s["witness_reports"]
    out.print(
        f"SIMULATED witness reports sealed with metadata stripped: {w['sealed']}; ingested now {w['ingested']}, "  # type: ignore[index]
        f"already in the archive {w['already']}; drafts wait for review in the workbench"
    )  # type: ignore[index]
    out.print(f"Witness kit (open it in a phone's browser, offline): {s['witness_kit']}")
    c = s["counting"]
    out.print(
        f"Linked {c['records']} records into {c['persons']} persons; {c['review_pending']} pairs await review."
    )  # type: ignore[index]
    for m in ("loglinear", "lcmcr"):
        e = c[m]  # type: ignore[index]
        if "refused" in e:
            out.print(f"  {m}: no estimate ({e['refused']})")
        else:
            out.print(
                f"  {m}: documented {e['documented']}, estimated {e['estimate']} ({e['lower']}–{e['upper']}) "
                f"— SIMULATED truth: {c['truth']} people"
            )  # type: ignore[index]
    out.print(c["loglinear"].get("summary_fa", ""))  # type: ignore[index]
    site = s["site"]
    out.print(
        f"Marked {site['marked_published']} SIMULATED persons reviewed and published (quickstart does this; "  # type: ignore[index]
        f"a real archive's reviewers do it in the workbench). Memorial: {site['home_page']}"
    )  # type: ignore[index]
    b = s["blackout"]
    out.print(
        f"Through the blackout: {b['text_lines']} text lines with {b['text_lines_lost']} lost → "  # type: ignore[index]
        f"{', '.join(b['text'])}; {b['relay_fragments']} fragments via a loopback relay → {', '.join(b['relay'])}"
    )  # type: ignore[index]
    out.print(f"Records in the archive (current versions): {s['records_counted']}")
    if s["admin_password"]:
        out.print(f"Workbench account: admin  password: {s['admin_password']}  (shown once; keep it)")
    else:
        out.print("Workbench account 'admin' exists; reset its password with `roshan user passwd admin`.")
