"""Fixtures: a fresh archive home per test, on SQLite or (with ROSHAN_DATABASE_URL) its own PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_URL = os.environ.get("ROSHAN_DATABASE_URL", "")


@dataclass
class CliHome:
    root: Path
    env: dict[str, str]


def _pg_admin(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url, autocommit=True)


@pytest.fixture
def cli_home(tmp_path: Path) -> Iterator[CliHome]:
    """A home folder for child `roshan` processes. On PostgreSQL each test gets a new database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSHAN_")}
    root = tmp_path / "home"
    env["ROSHAN_HOME"] = str(root)
    env["COLUMNS"] = "200"
    dbname = None
    if PG_URL:
        dbname = f"roshan_t_{uuid.uuid4().hex[:12]}"
        with _pg_admin(PG_URL) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        base = PG_URL.rsplit("/", 1)[0]
        env["ROSHAN_DATABASE_URL"] = f"{base}/{dbname}"
    yield CliHome(root, env)
    if dbname:
        with _pg_admin(PG_URL) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@pytest.fixture
def home(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A Home value for in-process tests (the database is pytest-django's test database)."""
    from roshan.archive.home import Home

    h = Home(tmp_path / "home")
    h.make_dirs()
    return h
