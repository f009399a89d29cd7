"""Creating a file that must not exist yet (keys, tokens): one way, used by every package."""

from __future__ import annotations

import os
from pathlib import Path


def create_new(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a new file with ``mode``, synced to disk.

    Raises ``FileExistsError`` rather than overwrite: callers say what that means for them.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
