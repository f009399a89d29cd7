"""The workbench speaks Persian: every label the archive defines has a Persian translation, compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "roshan" / "archive"
LOCALE = SRC / "locale" / "fa" / "LC_MESSAGES"


def _po_pairs() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    return {m: s for m, s in re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, re.M)}


def test_every_archive_label_has_a_persian_translation() -> None:
    used = set()
    for py in SRC.rglob("*.py"):
        used |= set(re.findall(r'_\("([^"]+)"\)', py.read_text(encoding="utf-8")))
    pairs = _po_pairs()
    missing = sorted(u for u in used if not pairs.get(u))
    assert not missing, f"add these to {LOCALE / 'django.po'} and run msgfmt: {missing}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    with open(LOCALE / "django.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    stale = {k: v for k, v in _po_pairs().items() if mo.gettext(k) != v}
    assert not stale, "django.mo is stale: run `msgfmt -o django.mo django.po` in " + str(LOCALE)
