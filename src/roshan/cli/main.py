"""``roshan``: the command line. Every verb is a few lines over a library function.

Errors the user can act on (``RoshanError``) print one line ``ErrorType: message`` and exit 1;
a traceback only with ``--debug``. Third-party errors are translated at this boundary.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

# typer checks every parameter with pydantic, which scans all installed packages for plugins at
# start-up; Roshan uses none (saves a tenth of a second on every command).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

from roshan.cli.console import err
from roshan.errors import DatabaseLocked, HomeError, RoshanError

app = typer.Typer(
    name="roshan",
    help="Roshan (روشن): evidence and accountability archive that keeps working through a blackout.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main(
    home: Annotated[
        Path | None, typer.Option("--home", help="Archive home (default $ROSHAN_HOME or ./roshan-home).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    if home is not None:
        os.environ["ROSHAN_HOME"] = str(home.resolve())


_registered = False


def register_verbs() -> None:
    """Attach every verb to ``app`` (once): the verb modules import their libraries lazily."""
    global _registered
    if _registered:
        return
    from roshan.cli import (
        accountability_verbs,
        archive_verbs,
        counting_verbs,
        publish_verbs,
        quickstart,
        transport_verbs,
        witness_verbs,
    )

    archive_verbs.register(app)
    counting_verbs.register(app)
    publish_verbs.register(app)
    accountability_verbs.register(app)
    transport_verbs.register(app)
    transport_verbs.register_relay(app)
    witness_verbs.register(app)
    quickstart.register(app)
    _registered = True


def _translate(exc: BaseException) -> RoshanError | None:
    """Third-party errors that mean something to the user, as our own."""
    from django.db import OperationalError  # imported late: Django loads only for archive verbs

    if isinstance(exc, OperationalError):
        text = str(exc)
        if "locked" in text:
            return DatabaseLocked("the database is locked by another process; try again when it has finished")
        return HomeError(f"database error: {text.splitlines()[0] if text else type(exc).__name__}")
    return None


def run() -> None:
    register_verbs()
    debug = "--debug" in sys.argv
    try:
        app()  # standalone: usage errors, --help and Exit are handled by typer itself
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except RoshanError as exc:
        if debug:
            raise
        _one_line(type(exc).__name__, str(exc))
        sys.exit(exc.exit_code)
    except Exception as exc:
        if debug:
            raise
        mine = _translate(exc)
        if mine is None:
            _one_line("InternalError", f"{type(exc).__name__}: {exc} (run with --debug for the traceback)")
            sys.exit(2)
        _one_line(type(mine).__name__, str(mine))
        sys.exit(mine.exit_code)


def _one_line(kind: str, message: str) -> None:
    from rich.text import Text

    first = message.strip().splitlines()[0] if message.strip() else ""
    err.print(Text.assemble((kind, "bold red"), ": ", first), soft_wrap=True)


if __name__ == "__main__":
    run()
