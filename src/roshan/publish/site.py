"""Building the memorial: every page in Persian and English from ``SiteData``.

Reproducible: no clocks, no absolute paths, sorted everything, so the same input gives the same
bytes in any folder at any time. Mirror-friendly: relative links only, the font and scripts
vendored, search from a script-loaded index (works from ``file://``). Atomic: the site is built
beside the target and swapped in whole.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import shutil
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from nacl.signing import SigningKey

from roshan.accountability import JURISDICTIONS
from roshan.linkage.dates import both_calendars
from roshan.linkage.digits import to_persian_digits
from roshan.publish import manifest
from roshan.publish.data import SiteData, Victim
from roshan.publish.i18n import STATUSES, T

PAGE_SIZE = 500
FIELDS = (
    "id",
    "name_fa",
    "name_latin",
    "age",
    "gender",
    "date",
    "date_precision",
    "date_jalali",
    "place",
    "province",
    "status",
    "sources",
)


@dataclass(frozen=True)
class BuildResult:
    out: Path
    files: int
    bytes: int
    victims: int
    withdrawn: list[str]


# bidi overrides and isolates in user text could reverse what a reader sees
_BIDI_OVERRIDES = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _plain(text: object) -> str:
    return str(text or "").translate(_BIDI_OVERRIDES)


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("roshan.publish", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plain"] = _plain
    return env


def _num(lang: str):  # type: ignore[no-untyped-def]
    def n(value: Any) -> str:
        if value is None:
            return ""
        text = (
            f"{round(value):,}"
            if isinstance(value, float)
            else (f"{value:,}" if isinstance(value, int) else str(value))
        )
        return to_persian_digits(text.replace(",", "٬")) if lang == "fa" else text

    return n


def _dates(lang: str):  # type: ignore[no-untyped-def]
    def d(item: Any) -> str:
        import datetime as dt

        if not item.date:
            return ""
        text = both_calendars(
            dt.date.fromisoformat(item.date), item.precision, getattr(item, "calendar", "gregorian")
        )
        return to_persian_digits(text) if lang == "fa" else text

    return d


def _name(v: Victim, lang: str) -> str:
    return (v.name_fa if lang == "fa" and v.name_fa else (v.name_latin or v.name_fa)) or str(
        T[lang]["unnamed"]
    )


def _chart_svg(data: SiteData, lang: str) -> str:
    """An inline SVG bar chart; its text is text, so the browser shapes Persian."""
    t = data.totals
    if t.estimate is None:
        return ""
    rows = list(t.strata) or [("", t.documented, t.estimate)]
    rows = rows[:12]
    top = max([r[2] for r in rows] + [t.upper or 0 if len(rows) == 1 else 0]) or 1
    n = _num(lang)
    w, bar = 640, 26
    h = 30 + len(rows) * (bar + 14)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {h}" width="100%">']
    for k, (label, documented, estimate) in enumerate(rows):
        y = 20 + k * (bar + 14)
        we = int(400 * estimate / top)
        wd = int(400 * documented / top)
        x0 = 200
        parts.append(f'<rect x="{x0}" y="{y}" width="{we}" height="{bar}" fill="#c9d6e3"/>')
        parts.append(f'<rect x="{x0}" y="{y + 6}" width="{wd}" height="{bar - 12}" fill="#2b4c6f"/>')
        parts.append(
            f'<text x="{x0 - 8}" y="{y + bar - 8}" text-anchor="end" font-size="13">{html.escape(label)}</text>'
        )
        parts.append(
            f'<text x="{x0 + we + 6}" y="{y + bar - 8}" font-size="13">{n(documented)} / {n(estimate)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _write(root: Path, rel: str, content: str | bytes) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def _victim_rows(data: SiteData) -> list[dict[str, Any]]:
    import datetime as dt

    rows = []
    for v in sorted(data.victims, key=lambda v: v.id):
        jal = ""
        if v.date:
            jal = both_calendars(dt.date.fromisoformat(v.date), v.precision, v.calendar).split(" ")[0]
        rows.append(
            {
                "id": v.id,
                "name_fa": v.name_fa,
                "name_latin": v.name_latin,
                "age": v.age,
                "gender": v.gender,
                "date": v.date,
                "date_precision": v.precision,
                "date_jalali": jal,
                "place": v.place,
                "province": v.province,
                "status": v.status,
                "sources": "; ".join(v.sources),
            }
        )
    return rows


def build(data: SiteData, out: Path, key: SigningKey, langs: tuple[str, ...] = ("fa", "en")) -> BuildResult:
    out = out.resolve()
    staging = out.with_name(f".{out.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        previous, previously_withdrawn = _previous(out)
        _render(data, staging, langs)
        hashes = manifest.file_hashes(staging)
        explicit = {f"{lang}/victims/{i}.html" for i in data.withdrawn for lang in langs}
        withdrawn = sorted(((previous - set(hashes)) | explicit | previously_withdrawn) - set(hashes))
        manifest.write(staging, key, withdrawn, hashes)
        built = [p for p in staging.rglob("*") if p.is_file()]
        size, files = sum(p.stat().st_size for p in built), len(built)
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            os.replace(out, old)
        os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(out, files, size, len(data.victims), withdrawn)


def _previous(out: Path) -> tuple[set[str], set[str]]:
    """Files and withdrawn paths of the build already at ``out`` (empty when there is none)."""
    try:
        data = json.loads((out / manifest.MANIFEST).read_text(encoding="utf-8"))
        return set(data["files"]), set(data["withdrawn"])
    except (OSError, ValueError, KeyError):
        return set(), set()


def _assets(root: Path) -> None:
    base = resources.files("roshan.publish").joinpath("assets")
    for rel in (
        "style.css",
        "search.js",
        "fonts/Vazirmatn-Variable.woff2",
        "fonts/OFL.txt",
        "fonts/README.md",
    ):
        _write(root, f"assets/{rel}", base.joinpath(rel).read_bytes())


def _render(data: SiteData, root: Path, langs: tuple[str, ...]) -> None:
    env = _env()
    _assets(root)
    victims = sorted(data.victims, key=lambda v: v.id)
    photos: dict[int, str] = {}
    for v in victims:
        if v.photo:
            rel = f"media/{hashlib.sha256(v.photo).hexdigest()[:24]}.jpg"
            _write(root, rel, v.photo)
            photos[v.id] = rel
    actor_names_by_lang = {
        lang: {
            a.id: (a.name_fa if lang == "fa" and a.name_fa else a.name_latin or a.name_fa)
            for a in data.actors
        }
        for lang in langs
    }
    incident_titles = {i.id: i.title for i in data.incidents}
    actor_simulated = {a.id: a.simulated for a in data.actors}
    by_id = {v.id: v for v in victims}

    def prov(v: Victim, lang: str) -> str:
        return v.province if lang == "fa" else (v.province_en or v.province)

    for lang in langs:
        other = next((x for x in ("fa", "en") if x != lang), lang)
        common = {
            "lang": lang,
            "other": other,
            "t": T[lang],
            "n": _num(lang),
            "dates": _dates(lang),
            "simulated": data.simulated,
            "totals": data.totals,
            "prov": lambda v, _l=lang: prov(v, _l),
        }
        provinces = sorted({prov(v, lang) for v in victims if v.province})

        def page(
            rel: str,
            template: str,
            depth: int,
            _lang: str = lang,
            _common: dict[str, Any] = common,
            **ctx: Any,
        ) -> None:
            html_text = env.get_template(template).render(root="../" * depth, page=rel, **_common, **ctx)
            _write(root, f"{_lang}/{rel}", html_text)

        page("index.html", "home.html", 1, chart=_chart_svg(data, lang))
        chunks = [victims[i : i + PAGE_SIZE] for i in range(0, len(victims), PAGE_SIZE)] or [[]]
        for k, chunk in enumerate(chunks, 1):
            page(
                "victims.html" if k == 1 else f"victims-{k}.html",
                "victims.html",
                1,
                page_victims=chunk,
                pages=range(1, len(chunks) + 1),
                current=k,
                provinces=provinces,
                statuses=STATUSES,
            )
        for v in victims:
            page(f"victims/{v.id}.html", "victim.html", 2, v=v, photo=photos.get(v.id))
        page(
            "incidents.html",
            "list.html",
            1,
            heading=T[lang]["incidents"],
            intro="",
            items=[(f"incidents/{i.id}.html", i.title, _dates(lang)(i)) for i in data.incidents],
        )
        for i in data.incidents:
            labels = [(vid, _name(by_id[vid], lang)) for vid in i.victims if vid in by_id]
            page(
                f"incidents/{i.id}.html",
                "incident.html",
                2,
                i=i,
                victims=labels,
                actor_names=actor_names_by_lang[lang],
                actor_simulated=actor_simulated,
            )
        page(
            "actors.html",
            "list.html",
            1,
            heading=T[lang]["actors"],
            intro="",
            items=[
                (
                    f"actors/{a.id}.html",
                    actor_names_by_lang[lang][a.id],
                    f"{T[lang][f'kind_{a.kind}']}"
                    + (f" · {T[lang]['simulated_mark']}" if a.simulated else ""),
                )
                for a in data.actors
            ],
        )
        for a in data.actors:
            page(
                f"actors/{a.id}.html",
                "actor.html",
                2,
                a=a,
                jurisdictions=JURISDICTIONS,
                actor_names=actor_names_by_lang[lang],
                incident_titles=incident_titles,
            )
        page("irgc.html", "irgc.html", 1, entries=data.proscription)
        page("methodology.html", "methodology.html", 1)
        page("downloads.html", "downloads.html", 1)
        index = [
            {
                "i": v.id,
                "n": _name(v, lang) if lang == "fa" else (v.name_latin or v.name_fa),
                "l": v.name_latin if lang == "fa" else v.name_fa,
                "a": _num(lang)(v.age) if v.age is not None else "",
                "p": v.province,
                "s": v.status,
                "d": v.date,
                "dd": _dates(lang)(v),
            }
            for v in victims
        ]
        _write(
            root,
            f"search/index-{lang}.js",
            "window.ROSHAN_INDEX="
            + json.dumps(index, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
            + ";\n",
        )
    _downloads(data, root)
    _write(root, "index.html", _language_page(langs))


def _downloads(data: SiteData, root: Path) -> None:
    rows = _victim_rows(data)
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.DictWriter(buf, fieldnames=list(FIELDS), lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    _write(root, "data/victims.csv", buf.getvalue())
    payload = {"simulated": data.simulated, "totals": asdict(data.totals), "victims": rows}
    _write(
        root, "data/victims.json", json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    )
    meanings = {
        "id": "stable person id / شناسه پایدار فرد",
        "name_fa": "name in Persian script / نام به خط فارسی",
        "name_latin": "name in Latin script / نام به خط لاتین",
        "age": "age at death / سن",
        "gender": "gender as reported / جنسیت",
        "date": "date of death, ISO Gregorian / تاریخ میلادی",
        "date_precision": "day, month or year / دقت تاریخ",
        "date_jalali": "the same date in the Solar Hijri calendar / تاریخ خورشیدی",
        "place": "place of the event / مکان رویداد",
        "province": "province / استان",
        "status": "killed, executed, disappeared, detained, injured / وضعیت",
        "sources": "lists that document the person; witness reports appear as 'witness testimony' / منابع",
    }
    items = "".join(f"<tr><td><code>{f}</code></td><td>{html.escape(meanings[f])}</td></tr>" for f in FIELDS)
    _write(
        root,
        "data/dictionary.html",
        (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Data dictionary · راهنمای داده‌ها</title>'
            '<link rel="stylesheet" href="../assets/style.css"></head><body><main><h1>Data dictionary · راهنمای داده‌ها</h1>'
            f'<table class="matrix"><tr><th>field</th><th>meaning · معنا</th></tr>{items}</table>'
            "<p>victims.csv is UTF-8 with a byte-order mark. Only reviewed, published fields are included.</p>"
            "</main></body></html>\n"
        ),
    )


def _language_page(langs: tuple[str, ...]) -> str:
    links = {
        "fa": '<a lang="fa" dir="rtl" href="fa/index.html">یادمان به فارسی</a>',
        "en": '<a lang="en" href="en/index.html">Memorial in English</a>',
    }
    return (
        '<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>روشن · Roshan</title>'
        '<link rel="stylesheet" href="assets/style.css"></head><body><main><h1>روشن · Roshan</h1><p>'
        + " · ".join(links[lang] for lang in langs)
        + "</p></main></body></html>\n"
    )
