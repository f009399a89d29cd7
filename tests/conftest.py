"""Fixtures: a fresh archive home per test, on SQLite or (with ROSHAN_DATABASE_URL) its own PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
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
def new_home(tmp_path: Path) -> Iterator[Callable[[str], CliHome]]:
    """Make home folders for child `roshan` processes. On PostgreSQL each home gets a new database."""
    made: list[str] = []

    def make(name: str = "home") -> CliHome:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ROSHAN_")}
        root = tmp_path / name
        env["ROSHAN_HOME"] = str(root)
        env["COLUMNS"] = "200"
        if PG_URL:
            dbname = f"roshan_t_{uuid.uuid4().hex[:12]}"
            with _pg_admin(PG_URL) as conn:
                conn.execute(f'CREATE DATABASE "{dbname}"')
            made.append(dbname)
            env["ROSHAN_DATABASE_URL"] = f"{PG_URL.rsplit('/', 1)[0]}/{dbname}"
        return CliHome(root, env)

    yield make
    if made:
        with _pg_admin(PG_URL) as conn:
            for dbname in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@pytest.fixture
def cli_home(new_home: Callable[[str], CliHome]) -> CliHome:
    return new_home("home")


def sql(home: CliHome, statement: str) -> list[tuple[object, ...]]:
    """Run SQL against a home's database behind Roshan's back (to tamper, or to look)."""
    if PG_URL:
        import psycopg

        with psycopg.connect(home.env["ROSHAN_DATABASE_URL"], autocommit=True) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else []
    import sqlite3

    with sqlite3.connect(home.root / "roshan.sqlite3") as db:
        return db.execute(statement).fetchall()


@pytest.fixture
def home(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A Home value for in-process tests (the database is pytest-django's test database)."""
    from roshan.archive.home import Home

    h = Home(tmp_path / "home")
    h.make_dirs()
    return h
