"""Where the IRGC is proscribed: dated, cited records per jurisdiction, never a yes/no flag.

Legal bases differ (a terrorist-organisation designation, a Criminal Code listing, a state-sponsor
listing, a political agreement): each entry says which, when, and on what source, and whether
someone has verified it against that source.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, TypedDict


class ProscriptionEntry(TypedDict):
    jurisdiction: str
    name_en: str
    name_fa: str
    status: str
    instrument: str
    date: str
    source: str
    verified: bool


def load(home_file: Path | None = None) -> list[ProscriptionEntry]:
    """The home's own file if present, else the shipped leads."""
    if home_file is not None and home_file.exists():
        data: Any = json.loads(home_file.read_text(encoding="utf-8"))
    else:
        data = json.loads(
            resources.files("roshan.accountability")
            .joinpath("data/irgc_proscription.json")
            .read_text(encoding="utf-8")
        )
    return sorted(data["entries"], key=lambda e: e["jurisdiction"])
