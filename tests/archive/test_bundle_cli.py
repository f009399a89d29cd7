"""Sealed reports through the command line: keys device, seal (file, --text, prompts), open, ingest."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bundle.conftest import jpeg_with_gps
from tests.conftest import CliHome
from tests.helpers import run_roshan

pytestmark = pytest.mark.archive


@pytest.fixture
def witness(cli_home: CliHome, tmp_path: Path) -> tuple[CliHome, dict[str, str], Path]:
    run_roshan("init", env=cli_home.env)
    w = tmp_path / "phone"
    w.mkdir()
    env = {k: v for k, v in cli_home.env.items() if k not in ("ROSHAN_HOME", "ROSHAN_DATABASE_URL")}
    env["ROSHAN_PASSPHRASE"] = "a long device passphrase"
    return cli_home, env, w


def _run_in(
    cwd: Path, *args: str, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    """The command run from the witness's phone folder (where device.key and sealed files land)."""
    return run_roshan(*args, env=env, check=check, cwd=cwd, timeout=60)


def test_seal_open_ingest(witness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home, env, phone = witness
    made = json.loads(_run_in(phone, "keys", "device", "--json", env=env).stdout)
    assert (phone / "device.key").exists() and len(made["fingerprint"]) == 39
    report = phone / "r.json"
    report.write_text(
        json.dumps({"what": "SIMULATED", "when": "1404/10/18", "people": [{"name_fa": "نام آزمون"}]}),
        encoding="utf-8",
    )
    jpeg_with_gps(phone / "p.jpg")
    pub = str(home.root / "archive.pub")
    sealed = json.loads(
        _run_in(
            phone, "seal", "r.json", "--attach", "p.jpg", "--to", pub, "--strip-metadata", "--json", env=env
        ).stdout
    )
    out = phone / sealed["path"]
    assert out.exists() and sealed["device_fingerprint"] == made["fingerprint"]
    assert sorted(p.name for p in phone.iterdir()) == sorted(
        ["device.key", "r.json", "p.jpg", sealed["path"]]
    ), "nothing else written on the phone"
    opened = json.loads(run_roshan("open", str(out), "--json", env=home.env).stdout)
    assert opened["verified"] and opened["manifest"]["report"]["people"][0]["name_fa"] == "نام آزمون"
    dest = tmp_path / "extracted"
    run_roshan("open", str(out), "--out", str(dest), env=home.env)
    assert sorted(p.name for p in dest.iterdir()) == ["manifest.json", "p.jpg"]
    ing = json.loads(run_roshan("ingest", str(out), "--channel", "usb", "--json", env=home.env).stdout)
    assert [o["status"] for o in ing] == ["ingested"]
    again = json.loads(run_roshan("ingest", str(out), "--json", env=home.env).stdout)
    assert [o["status"] for o in again] == ["duplicate"]


def test_text_anonymous_and_bad_input(witness) -> None:  # type: ignore[no-untyped-def]
    home, env, phone = witness
    pub = str(home.root / "archive.pub")
    a = json.loads(
        _run_in(
            phone,
            "seal",
            "--text",
            "SIMULATED: they took my brother",
            "--to",
            pub,
            "--anonymous",
            "-o",
            "a.bin",
            "--json",
            env=env,
        ).stdout
    )
    b = json.loads(
        _run_in(
            phone,
            "seal",
            "--text",
            "SIMULATED again",
            "--to",
            pub,
            "--anonymous",
            "-o",
            "b.bin",
            "--json",
            env=env,
        ).stdout
    )
    assert a["anonymous"] and a["device_fingerprint"] != b["device_fingerprint"]
    nokey = _run_in(phone, "seal", "--text", "x", "--to", pub, env=env, check=False)
    assert nokey.returncode == 1 and nokey.stderr.startswith("KeyProblem: no device key")
    noto = _run_in(phone, "seal", "--text", "x", "--anonymous", env=env, check=False)
    assert noto.stderr.startswith("KeyProblem: no recipients")
    (phone / "bad.json").write_text('{"what": "x", "when": "1404/12/30"}')
    bad = _run_in(phone, "seal", "bad.json", "--to", pub, "--anonymous", env=env, check=False)
    assert bad.stderr.strip().splitlines() == [
        "InvalidReport: field 'when': no such Solar Hijri date: '1404/12/30'"
    ]
    flipped = bytearray((phone / "a.bin").read_bytes())
    flipped[-20] ^= 4
    (phone / "a.bin").write_bytes(bytes(flipped))
    ing = run_roshan("ingest", str(phone / "a.bin"), str(phone / "b.bin"), env=home.env, check=False)
    assert ing.returncode == 1
    assert "quarantined" in ing.stdout and "ingested" in ing.stdout
    reasons = list((home.root / "quarantine").glob("*.reason.txt"))
    assert len(reasons) == 1 and reasons[0].read_text().startswith("TamperedReport")


def test_persian_prompts(witness) -> None:  # type: ignore[no-untyped-def]
    home, env, phone = witness
    answers = [
        "SIMULATED تیراندازی",
        "۱۴۰۴/۱۰/۱۸",
        "رشت",
        "گیلان",
        "نام آزمون",
        "۲۳",
        "killed",
        "",
        "شهادت شبیه‌سازی‌شده",
    ]
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "roshan.cli.main",
            "seal",
            "--to",
            str(home.root / "archive.pub"),
            "--anonymous",
            "-o",
            "p.bin",
            "--lang",
            "fa",
        ],
        cwd=phone,
        env=env,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(slave)
    for line in answers:
        os.write(master, (line + "\n").encode())
        time.sleep(0.05)
    _, errors = proc.communicate(timeout=60)
    os.close(master)
    assert proc.returncode == 0, errors
    m = json.loads(run_roshan("open", str(phone / "p.bin"), "--json", env=home.env).stdout)["manifest"][
        "report"
    ]
    assert m["when"] == "۱۴۰۴/۱۰/۱۸" and m["people"] == [
        {"name_fa": "نام آزمون", "age": 23, "status": "killed"}
    ]
    assert m["testimony"] == "شهادت شبیه‌سازی‌شده"
