"""Dossiers on an actor, laid out for a government or a UN investigation: HTML, or PDF printed by
headless Chromium (which shapes Persian and lays it out right to left; WeasyPrint would need the
system's Pango). Only reviewed attributions with a cited source; witnesses cited as testimony."""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

from roshan.archive.accountability import COUNTED, JURISDICTIONS, confirmed_designations
from roshan.archive.models import Actor, Attribution, CustodyEvent, Position, SourceList
from roshan.errors import BadInput


def find_actor(ref: str) -> Actor:
    if ref.isdigit():
        actor = Actor.objects.filter(pk=int(ref)).first()
    else:
        matches = list(Actor.objects.filter(name_latin__iexact=ref) | Actor.objects.filter(name_fa=ref))
        if len(matches) > 1:
            raise BadInput(f"{len(matches)} actors are named {ref!r}: give the id")
        actor = matches[0] if matches else None
    if actor is None:
        raise BadInput(f"no actor {ref!r}")
    return actor


def render_html(actor: Actor) -> str:
    from django.utils import translation

    with translation.override("en"):  # the dossier is laid out in English, names in both scripts
        return _render_html(actor)


def _render_html(actor: Actor) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    font = resources.files("roshan.publish").joinpath("assets/fonts/Vazirmatn-Variable.woff2").read_bytes()
    items = []
    for att in Attribution.objects.filter(actor=actor, review_status__in=COUNTED).select_related("incident"):
        sources = sorted(
            {
                SourceList.public_label(s.source_list.kind, s.source_list.name)
                for s in att.sources.select_related("source_list")
            }
        )
        if not sources:
            continue
        inc = att.incident
        evidence = []
        for e in inc.evidence.all().order_by("sha256"):
            entries = list(CustodyEvent.objects.filter(evidence_sha256=e.sha256).order_by("seq"))
            summary = ", ".join(f"{x.action} {x.at:%Y-%m-%d}" for x in entries) or "no entries"
            evidence.append({"sha256": e.sha256, "media_type": e.media_type, "custody": summary})
        victims = [p.name_latin or p.name_fa for p in inc.persons.filter(review_status__in=COUNTED)]
        items.append(
            {
                "incident": inc,
                "role": att.get_role_display(),
                "confidence": att.get_confidence_display(),
                "date": inc.date.isoformat() if inc.date else "",
                "victims": victims,
                "sources": sources,
                "evidence": evidence,
            }
        )
    sanctions: dict[str, list[str]] = {j: [] for j in JURISDICTIONS}
    for d in confirmed_designations([actor.pk])[actor.pk]:
        sanctions.setdefault(d.jurisdiction, []).append(
            ("SIMULATED " if d.simulated else "")
            + f"{d.programme or d.list_name}"
            + (f" (since {d.listed_on.isoformat()})" if d.listed_on else "")
        )
    simulated = [
        what
        for what, flag in (
            ("this actor", actor.simulated),
            ("sanctions entries", any(s.startswith("SIMULATED ") for v in sanctions.values() for s in v)),
        )
        if flag
    ]
    env = Environment(
        loader=PackageLoader("roshan.publish", "templates"), autoescape=select_autoescape(["html"])
    )
    return env.get_template("dossier.html").render(
        a=actor,
        positions=Position.objects.filter(actor=actor).order_by("start"),
        incidents=items,
        sanctions=sanctions,
        jurisdictions=JURISDICTIONS,
        simulated=" and ".join(simulated),
        font="data:font/woff2;base64," + base64.b64encode(font).decode(),
    )


def write(actor: Actor, out: Path) -> Path:
    html = render_html(actor)
    if out.suffix.lower() == ".html":
        out.write_text(html, encoding="utf-8")
        return out
    if out.suffix.lower() != ".pdf":
        raise BadInput("--out must end in .pdf or .html")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise BadInput("PDF dossiers are printed by Chromium, which is not installed; write .html instead")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "dossier.html"
        src.write_text(html, encoding="utf-8")
        pdf = Path(tmp) / "dossier.pdf"
        subprocess.run(  # noqa: S603 - a fixed argument list, our own file
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-pdf-header-footer",
                f"--user-data-dir={tmp}/profile",
                f"--print-to-pdf={pdf}",
                src.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        shutil.copyfile(pdf, out)
    return out
