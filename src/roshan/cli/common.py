"""What every verb needs: the archive for the current home, passphrases, the workbench server."""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer

from roshan.archive.home import Home
from roshan.cli.console import out
from roshan.errors import BadInput, HomeError

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def archive(*, must_exist: bool = True) -> Home:
    """Configure Django for the home and return it; refuse a missing home unless creating one."""
    home = Home.from_env()
    if must_exist and not home.exists():
        raise HomeError(f"no archive at {home.root} (run `roshan init`, or pass --home)")
    import roshan.archive

    roshan.archive.setup()
    return home


def init_home(home: Home) -> tuple[bool, object]:
    """Create or bring up to date: folders, keys, database schema, roles. Idempotent."""
    from django.core.management import call_command

    from roshan.archive import keys, roles

    existed = home.exists()
    home.make_dirs()
    info = keys.ensure_keys(home)
    call_command("migrate", verbosity=0, interactive=False)
    roles.ensure_roles()
    return existed, info


def read_passphrase(passphrase_file: Path | None, *, confirm: bool = False, what: str = "Passphrase") -> str:
    """From a file, $ROSHAN_PASSPHRASE, or a hidden prompt — never from the command line."""
    if passphrase_file is not None:
        try:
            text = passphrase_file.read_text().rstrip("\n")
        except OSError as exc:
            raise BadInput(f"cannot read passphrase file {passphrase_file}: {exc.strerror}") from None
    elif os.environ.get("ROSHAN_PASSPHRASE"):
        text = os.environ["ROSHAN_PASSPHRASE"]
    elif sys.stdin.isatty():
        text = getpass.getpass(f"{what}: ")
        if confirm and getpass.getpass(f"{what} again: ") != text:
            raise BadInput("the two passphrases differ")
    else:
        raise BadInput("no passphrase: use --passphrase-file or ROSHAN_PASSPHRASE")
    if not text:
        raise BadInput("empty passphrase")
    return text


def serve(host: str, port: int) -> None:
    import waitress

    from roshan.archive.wsgi import application

    out.print(f"Workbench on http://{host}:{port}/  (Ctrl-C stops it)")
    try:
        waitress.serve(application, host=host, port=port, threads=8, ident="roshan")
    except OSError as exc:
        raise BadInput(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port"
        ) from None


def new_password(password_file: Path | None) -> tuple[str, bool]:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if password_file is not None:
        password = read_passphrase(password_file, what="Password")
    elif sys.stdin.isatty():
        password = read_passphrase(None, confirm=True, what="Password")
    else:
        return secrets.token_urlsafe(15), True
    try:
        validate_password(password)
    except ValidationError as exc:
        raise BadInput("; ".join(exc.messages)) from None
    return password, False
