"""Shared test helpers: running the real `roshan` command, and requiring system tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CI = os.environ.get("CI", "").lower() == "true"


def need_tool(name: str, package: str | None = None) -> str:
    """Path of a system tool; skip with the reason on a user's machine, fail under CI=true."""
    path = shutil.which(name)
    if path is None:
        reason = f"needs the system tool `{name}` (Debian package {package or name}); .ci/run installs it"
        if CI:
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)
    return path


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def run_roshan(
    *args: str,
    env: dict[str, str],
    check: bool = True,
    input: str | None = None,
    timeout: float = 120,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real command in a child process, exactly as a user would."""
    proc = subprocess.run(
        [sys.executable, "-m", "roshan.cli.main", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"roshan {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
