"""The archive: a Django project that owns the database, the evidence store and the custody log.

Named components, each a module: ``home`` (where things live), ``store`` (content-addressed
evidence), ``custody`` (the hash-chained log), ``keys`` (archive identities), ``lists`` (importing an
organisation's list), ``backup``, ``roles`` (workbench groups), ``access`` (who viewed or exported
what). ``setup()`` configures Django for a home once per process.
"""

from __future__ import annotations

import os
from pathlib import Path

_ready = False


def setup(home: Path | str | None = None) -> None:
    """Configure Django for ``home`` (or ``$ROSHAN_HOME``, default ``./roshan-home``) once."""
    global _ready
    if _ready:
        return
    if home is not None:
        os.environ["ROSHAN_HOME"] = str(Path(home).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roshan.archive.settings")
    import django

    django.setup()
    _ready = True
