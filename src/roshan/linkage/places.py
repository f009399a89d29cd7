"""Places through a gazetteer: any written form of a province or county → the province's ISO code.

«تهران», "Tehran", «استان تهران», "Tehran Province" all give IR-23; a county gives its province
(lists often name the city). Data: OpenStreetMap (ODbL), see data/README.md.
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

from roshan.linkage.names import fold, skeleton


@functools.cache
def _index() -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, str]]]:
    exact: dict[str, str] = {}
    skel: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    text = resources.files("roshan.linkage").joinpath("data/gazetteer.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    # provinces first, so a county that shares its province's name does not shadow it
    for row in sorted(rows, key=lambda r: r["level"] != "province"):
        code = row["province"]
        if row["level"] == "province":
            names[code] = (row["name_fa"], row["name_en"])
        for name in row["names"].split("|"):
            if name:
                exact.setdefault(fold(name), code)
                skel.setdefault(skeleton(name), code)
    return exact, skel, names


def province_code(text: str) -> str | None:
    """ISO 3166-2 code of the province a place name belongs to, or None."""
    if not text.strip():
        return None
    exact, skel, _ = _index()
    for candidate in (text, text.replace("Province", "").replace("استان", "")):
        key = fold(candidate)
        if key in exact:
            return exact[key]
        if skeleton(candidate) in skel:
            return skel[skeleton(candidate)]
    return None


def province_names(code: str) -> tuple[str, str]:
    """(Persian, English) name of a province code."""
    return _index()[2].get(code, (code, code))
