"""split, join, ingest of fragments, and relay → pull --ingest, through the real command."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import CliHome
from tests.helpers import run_roshan

pytestmark = pytest.mark.archive


@pytest.fixture
def sealed(cli_home: CliHome, tmp_path: Path) -> tuple[CliHome, list[Path]]:
    run_roshan("init", env=cli_home.env)
    out = []
    for i in range(2):
        f = tmp_path / f"r{i}.bin"
        run_roshan(
            "seal",
            "--text",
            f"SIMULATED report {i}",
            "--to",
            str(cli_home.root / "archive.pub"),
            "--anonymous",
            "-o",
            str(f),
            env=cli_home.env,
        )
        out.append(f)
    return cli_home, out


def test_split_join_mixed_channels_and_transfers(sealed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home, (a, b) = sealed
    run_roshan(
        "split", str(a), "--channel", "text", "--size", "300", "--out", str(tmp_path / "ta"), env=home.env
    )
    run_roshan(
        "split", str(b), "--channel", "files", "--size", "300", "--out", str(tmp_path / "fb"), env=home.env
    )
    lines = sorted((tmp_path / "ta").iterdir())
    paste = tmp_path / "paste.txt"
    paste.write_text(
        "\n".join(p.read_text() for p in random.Random(1).sample(lines, len(lines) * 3 // 4 + 1))
    )
    out = tmp_path / "rebuilt"
    proc = run_roshan(
        "join", str(paste), str(tmp_path / "fb"), str(tmp_path / "fb"), "-o", str(out), "--json", env=home.env
    )
    data = json.loads(proc.stdout)
    assert len(data["transfers"]) == 2 and data["counts"]["duplicates"] > 0
    rebuilt = sorted(p.read_bytes() for p in out.iterdir())
    assert rebuilt == sorted([a.read_bytes(), b.read_bytes()])
    # too few: says how many more, exit 1
    few = tmp_path / "few"
    few.mkdir()
    for p in sorted((tmp_path / "fb").iterdir())[:2]:
        (few / p.name).write_bytes(p.read_bytes())
    proc = run_roshan("join", str(few), "-o", str(tmp_path / "x.bin"), env=home.env, check=False)
    assert proc.returncode == 1 and "needs at least" in proc.stdout
    nothing = run_roshan(
        "join", str(paste.parent / "nope"), "-o", str(tmp_path / "y"), env=home.env, check=False
    )
    assert nothing.returncode == 1 and nothing.stderr.startswith("TransportError: no such file")


def test_ingest_takes_fragments_directly(sealed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home, (a, _) = sealed
    run_roshan("split", str(a), "--channel", "qr", "--out", str(tmp_path / "qr"), env=home.env)
    res = json.loads(
        run_roshan("ingest", str(tmp_path / "qr"), "--channel", "qr", "--json", env=home.env).stdout
    )
    assert [r["status"] for r in res if r["status"] != "skipped"] == ["ingested"]


def test_relay_to_pull_ingest(sealed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home, (a, b) = sealed
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "relay"
    relay = subprocess.Popen(
        [sys.executable, "-m", "roshan.cli.main", "relay", "serve", "--data", str(data), "--port", str(port)],
        env=home.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(url + "/v1/health", timeout=0.5)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        witness_env = {k: v for k, v in home.env.items() if k not in ("ROSHAN_HOME", "ROSHAN_DATABASE_URL")}
        for f in (a, b):
            run_roshan("send", str(f), "--relay", url, env=witness_env)
        proc = run_roshan(
            "pull",
            "--relay",
            url,
            "--token-file",
            str(data / "archive-token"),
            "--ingest",
            "--json",
            env=home.env,
        )
        res = json.loads(proc.stdout)
        assert len(res["rebuilt"]) == 2 and [o["status"] for o in res["ingested"]] == ["ingested", "ingested"]
        wrong = tmp_path / "wrong-token"
        wrong.write_text("not-the-token\n")
        bad = run_roshan("pull", "--relay", url, "--token-file", str(wrong), env=home.env, check=False)
        assert bad.returncode == 1 and "401" in bad.stderr
        binary = run_roshan("pull", "--relay", url, "--token-file", str(a), env=home.env, check=False)
        assert binary.stderr.startswith("BadInput: ") and "not a token file" in binary.stderr
    finally:
        relay.terminate()
        relay.wait(timeout=10)
