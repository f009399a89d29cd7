"""The root of every error Roshan raises on purpose.

    RoshanError                      anything the user can act on; the CLI prints one line
    ├── BadInput                     a file or argument that breaks a documented rule
    │   ├── BadListFile              an organisation's CSV list that cannot be imported
    │   └── BadDate                  a date that does not exist (30 Esfand in a common year, month 13)
    ├── HomeError                    the archive home is missing, locked or inconsistent
    │   └── DatabaseLocked           another process holds the write lock for too long
    ├── KeyProblem                   a key file is missing, malformed or would be overwritten
    └── StoreError                   the evidence store refused a file
        ├── PathOutsideStore         a path that would escape the store
        └── AlteredEvidence          a stored file no longer matches its SHA-256

Subpackages define their own subclasses (``roshan.bundle.errors``) under the same root. Third-party
exceptions are translated at the boundary, so callers never catch another library's error.
"""

from __future__ import annotations


class RoshanError(Exception):
    """Something the user can act on. ``str()`` is one line that names the problem."""

    exit_code = 1


class BadInput(RoshanError):
    """A file or argument breaks a documented rule."""


class BadListFile(BadInput):
    """An organisation's list cannot be imported as a whole (bad encoding, header or rows)."""

    def __init__(self, message: str, bad_rows: list[tuple[int, str]] | None = None) -> None:
        super().__init__(message)
        self.bad_rows = bad_rows or []


class BadDate(BadInput):
    """A date that does not exist in the calendar it claims."""


class HomeError(RoshanError):
    """The archive home is missing, locked or inconsistent."""


class DatabaseLocked(HomeError):
    """The database stayed locked by another process past the timeout."""


class KeyProblem(RoshanError):
    """A key file is missing or malformed, or creating it would overwrite an existing key."""


class StoreError(RoshanError):
    """The evidence store refused a file."""


class PathOutsideStore(StoreError):
    """A path resolves outside the store it is meant to stay in."""


class AlteredEvidence(StoreError):
    """A stored file's content no longer matches the SHA-256 it is stored under."""
