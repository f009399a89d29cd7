"""Build src/roshan/linkage/data/gazetteer.csv from ../shared/data/places (OpenStreetMap, ODbL 1.0).

uv run python scripts/build_gazetteer.py [path/to/iran_admin_names_osm.csv]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/places/iran_admin_names_osm.csv")
OUT = Path(__file__).parents[1] / "src" / "roshan" / "linkage" / "data" / "gazetteer.csv"
COLUMNS = [
    "name:fa",
    "name:en",
    "name",
    "alt_name",
    "alt_name:en",
    "alt_name:fa",
    "old_name",
    "old_name:en",
    "official_name",
    "official_name:en",
    "name:fa-Latn",
    "name:ar",
    "name:ckb",
    "name:ku",
    "name:az",
    "int_name",
    "short_name",
]
STRIP = re.compile(
    r"^(استان|شهرستان|پارێزگای|محافظة)\s+|\s+(Province|County|ostanı|şəhristanı|Rayonu)$", re.I
)


def clean(name: str) -> str:
    return STRIP.sub("", name.strip()).strip()


def main() -> None:
    with open(SRC, encoding="utf-8") as f, open(OUT, "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(["level", "province", "name_fa", "name_en", "names"])
        for row in csv.DictReader(f):
            code = row["ISO3166-2"] if row["level"] == "province" else row["province_group"]
            names = []
            for col in COLUMNS:
                for part in row.get(col, "").split(";"):
                    if part.strip() and clean(part) not in names:
                        names.append(clean(part))
            fa = clean(row["name:fa"] or row["name"])
            w.writerow([row["level"], code, fa, clean(row["name:en"]), "|".join(names)])


if __name__ == "__main__":
    main()
