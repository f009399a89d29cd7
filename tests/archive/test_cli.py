"""The `roshan` command end to end, in child processes, on a real home (SQLite or PostgreSQL)."""

from __future__ import annotations

import concurrent.futures
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PG_URL, CliHome, sql
from tests.helpers import need_tool, run_roshan, write_csv

pytestmark = pytest.mark.archive


def test_init_creates_keys_once(cli_home: CliHome) -> None:
    first = run_roshan("init", env=cli_home.env)
    assert "Created archive home" in first.stdout and "fingerprint" in first.stdout
    ident = cli_home.root / "keys" / "identity.txt"
    assert stat.S_IMODE(ident.stat().st_mode) == 0o600
    before = (ident.read_bytes(), (cli_home.root / "keys" / "publish.key").read_bytes())
    second = run_roshan("init", env=cli_home.env)
    assert "keys kept" in second.stdout
    assert before == (ident.read_bytes(), (cli_home.root / "keys" / "publish.key").read_bytes())
    recipient = (cli_home.root / "archive.pub").read_text().strip()
    assert recipient.startswith("age1") and recipient in first.stdout


def test_age_command_opens_with_the_archive_identity(cli_home: CliHome, tmp_path: Path) -> None:
    age = need_tool("age")
    run_roshan("init", env=cli_home.env)
    msg = tmp_path / "m.txt"
    msg.write_text("شهادت")
    enc = tmp_path / "m.age"
    subprocess.run([age, "-R", str(cli_home.root / "archive.pub"), "-o", str(enc), str(msg)], check=True)
    out = subprocess.run(
        [age, "-d", "-i", str(cli_home.root / "keys" / "identity.txt"), str(enc)],
        check=True,
        capture_output=True,
    )
    assert out.stdout.decode() == "شهادت"


def test_every_verb_has_help(cli_home: CliHome) -> None:
    import typer.main

    from roshan.cli.main import app, register_verbs
    from roshan.cli.reference import _walk

    register_verbs()
    verbs = [
        path for path, cmd in _walk(typer.main.get_command(app), []) if not getattr(cmd, "commands", None)
    ]
    assert len(verbs) >= 25
    for verb in verbs:
        proc = run_roshan(*verb, "--help", env=cli_home.env)
        assert "Usage:" in proc.stdout, verb
    assert not cli_home.root.exists(), "--help must not create anything"


def test_missing_home_is_one_line(cli_home: CliHome, tmp_path: Path) -> None:
    proc = run_roshan("import-list", str(tmp_path / "x.csv"), "--source", "X", env=cli_home.env, check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"HomeError: no archive at {cli_home.root} (run `roshan init`, or pass --home)"
    ]


def test_bad_csv_is_one_line_and_debug_shows_traceback(cli_home: CliHome, tmp_path: Path) -> None:
    run_roshan("init", env=cli_home.env)
    f = write_csv(tmp_path / "bad.csv", "id,age\n1,20\n2,ten\n")
    proc = run_roshan("import-list", str(f), "--source", "X", env=cli_home.env, check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "BadListFile: bad.csv: 1 bad row(s), nothing imported — line 3"
    )
    debug = run_roshan("--debug", "import-list", str(f), "--source", "X", env=cli_home.env, check=False)
    assert "Traceback" in debug.stderr


def test_import_list_json_and_skip_bad(cli_home: CliHome, tmp_path: Path) -> None:
    import json

    run_roshan("init", env=cli_home.env)
    f = write_csv(tmp_path / "l.csv", "Ref,Full name,Age\n1,Test A,20\n2,Test B,x\n")
    proc = run_roshan(
        "import-list",
        str(f),
        "--source",
        "Org",
        "--map",
        "Ref=id",
        "--map",
        "Full name=name_latin",
        "--map",
        "Age=age",
        "--skip-bad",
        "--json",
        env=cli_home.env,
    )
    data = json.loads(proc.stdout)
    assert (data["imported"], data["version"], data["bad_rows"]) == (1, 1, [[3, "age is not a number: 'x'"]])


def test_concurrent_evidence_adds_do_not_fork_the_chain(cli_home: CliHome, tmp_path: Path) -> None:
    run_roshan("init", env=cli_home.env)
    files = []
    for i in range(8):
        f = tmp_path / f"f{i}.bin"
        f.write_bytes(os.urandom(2048))
        g = tmp_path / f"g{i}.bin"
        g.write_bytes(os.urandom(2048))
        files.append((f, g))
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        procs = list(
            pool.map(
                lambda fg: run_roshan(
                    "evidence",
                    "add",
                    str(fg[0]),
                    str(fg[1]),
                    "--channel",
                    "usb",
                    env=cli_home.env,
                    check=False,
                ),
                files,
            )
        )
    assert all(p.returncode == 0 for p in procs), [p.stderr for p in procs if p.returncode]
    verify = run_roshan("custody", "verify", "--json", env=cli_home.env)
    import json

    v = json.loads(verify.stdout)
    assert (v["ok"], v["entries"], v["files"]) == (True, 16, 16)


def test_custody_verify_exits_nonzero_on_altered_file(cli_home: CliHome, tmp_path: Path) -> None:
    run_roshan("init", env=cli_home.env)
    f = tmp_path / "e.bin"
    f.write_bytes(b"evidence")
    sha = run_roshan("evidence", "add", str(f), env=cli_home.env).stdout.split()[0]
    stored = cli_home.root / "evidence" / sha[:2] / sha[2:4] / sha
    os.chmod(stored, 0o644)
    stored.write_bytes(b"evidencE")
    proc = run_roshan("custody", "verify", env=cli_home.env, check=False)
    assert proc.returncode == 1 and "altered" in proc.stdout


def test_custody_verify_finds_a_row_edited_behind_its_back(cli_home: CliHome, tmp_path: Path) -> None:
    run_roshan("init", env=cli_home.env)
    for i in range(3):
        f = tmp_path / f"{i}.bin"
        f.write_bytes(bytes([i]) * 10)
        run_roshan("evidence", "add", str(f), env=cli_home.env)
    sql(cli_home, "UPDATE archive_custodyevent SET \"user\"='someone else' WHERE seq=2")
    proc = run_roshan("custody", "verify", env=cli_home.env, check=False)
    assert proc.returncode == 1 and "entry #2 was altered" in proc.stdout


@pytest.mark.skipif(bool(PG_URL), reason="holds the SQLite write lock")
def test_locked_database_is_one_line_and_writes_nothing(cli_home: CliHome, tmp_path: Path) -> None:
    run_roshan("init", env=cli_home.env)
    f = write_csv(tmp_path / "l.csv", "id,name_latin\n1,A\n")
    holder = sqlite3.connect(cli_home.root / "roshan.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        proc = run_roshan(
            "import-list",
            str(f),
            "--source",
            "X",
            env={**cli_home.env, "ROSHAN_DB_TIMEOUT": "0.5"},
            check=False,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "DatabaseLocked: the database is locked by another process; try again when it has finished"
    ]
    assert sql(cli_home, "SELECT count(*) FROM archive_record") == [(0,)]


def test_backup_and_restore_round_trip(cli_home: CliHome, new_home, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    run_roshan("init", env=cli_home.env)
    write_csv(tmp_path / "l.csv", "id,name_fa,date_of_death\n1,آزمون,1404/10/18\n")
    run_roshan("import-list", str(tmp_path / "l.csv"), "--source", "Org", env=cli_home.env)
    f = tmp_path / "photo.bin"
    f.write_bytes(os.urandom(5000))
    run_roshan("evidence", "add", str(f), env=cli_home.env)
    run_roshan("user", "add", "rev", "--role", "reviewer", env=cli_home.env)
    bak = tmp_path / "home.backup"
    run_roshan("backup", str(bak), env=cli_home.env)
    assert bak.read_bytes().startswith(b"age-encryption.org/v1")
    assert "آزمون".encode() not in bak.read_bytes()
    # restore into a new home (and, on PostgreSQL, a new database)
    restored = new_home("restored")
    new_env, new_root = restored.env, restored.root
    if True:
        wrong = run_roshan(
            "restore", str(bak), "--identity", str(tmp_path / "nope.txt"), env=new_env, check=False
        )
        assert wrong.returncode == 1 and wrong.stderr.startswith("KeyProblem")
        proc = run_roshan(
            "restore",
            str(bak),
            "--identity",
            str(cli_home.root / "keys" / "identity.txt"),
            "--json",
            env=new_env,
        )
        v = json.loads(proc.stdout)
        assert (v["ok"], v["files"]) == (True, 1)
        assert v["entries"] == 2, (
            "the list import and the file; the backup's own entry comes after its snapshot"
        )
        again = run_roshan("custody", "verify", env=new_env)
        assert "intact" in again.stdout
        assert (new_root / "keys" / "identity.txt").read_bytes() == (
            cli_home.root / "keys" / "identity.txt"
        ).read_bytes()
        log = run_roshan("custody", "log", "--json", env=new_env)
        assert json.loads(log.stdout)[-1]["action"] == "restored"
        refused = run_roshan(
            "restore",
            str(bak),
            "--identity",
            str(cli_home.root / "keys" / "identity.txt"),
            env=new_env,
            check=False,
        )
        assert refused.returncode == 1 and "already holds an archive" in refused.stderr
        assert sql(restored, "SELECT name_fa FROM archive_record") == [("آزمون",)]


def test_backup_with_passphrase_and_damaged_backup(cli_home: CliHome, new_home, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_roshan("init", env=cli_home.env)
    pw = tmp_path / "pw"
    pw.write_text("correct horse battery staple\n")
    bak = tmp_path / "b.age"
    run_roshan("backup", str(bak), "--passphrase-file", str(pw), env=cli_home.env)
    data = bytearray(bak.read_bytes())
    data[len(data) // 2] ^= 1
    bad = tmp_path / "bad.age"
    bad.write_bytes(bytes(data))
    target = new_home("restored")
    proc = run_roshan("restore", str(bad), "--passphrase-file", str(pw), env=target.env, check=False)
    assert proc.returncode == 1 and proc.stderr.startswith("BadInput: cannot decrypt")
    assert not (target.root / "keys" / "identity.txt").exists(), "a failed restore leaves no keys behind"
    ok = run_roshan("restore", str(bak), "--passphrase-file", str(pw), env=target.env)
    assert "intact" in ok.stdout


def test_user_roles_and_passwords(cli_home: CliHome, tmp_path: Path) -> None:
    run_roshan("init", env=cli_home.env)
    out = run_roshan("user", "add", "sara", "--role", "analyst", env=cli_home.env).stdout
    assert "Password:" in out
    bad = run_roshan("user", "add", "x", "--role", "boss", env=cli_home.env, check=False)
    assert bad.returncode == 1 and "unknown role 'boss'" in bad.stderr
    dup = run_roshan("user", "add", "sara", "--role", "analyst", env=cli_home.env, check=False)
    assert "exists" in dup.stderr
    weak = tmp_path / "weak"
    weak.write_text("123")
    proc = run_roshan("user", "passwd", "sara", "--password-file", str(weak), env=cli_home.env, check=False)
    assert proc.returncode == 1 and "too short" in proc.stderr


def test_quickstart_twice(cli_home: CliHome, tmp_path: Path) -> None:
    import json

    home = tmp_path / "qs"
    env = {k: v for k, v in cli_home.env.items() if k != "ROSHAN_HOME"}
    first = json.loads(run_roshan("quickstart", "--home", str(home), "--no-serve", "--json", env=env).stdout)
    assert first["admin_password"] and all(not lst["unchanged"] for lst in first["lists"])
    assert all(lst["source"].startswith("SIMULATED") for lst in first["lists"])
    second = json.loads(run_roshan("quickstart", "--home", str(home), "--no-serve", "--json", env=env).stdout)
    assert second["admin_password"] is None and all(lst["unchanged"] for lst in second["lists"])
    witness_people = 3  # each SIMULATED witness report names one person
    listed = sum(lst["records"] for lst in first["lists"])
    assert second["records_counted"] == first["records_counted"] == listed + witness_people
    assert first["witness_reports"]["ingested"] == 3 and second["witness_reports"]["already"] == 3
    assert first["counting"]["loglinear"]["lower"] <= first["counting"]["loglinear"]["estimate"]
    assert first["site"]["victims"] > 0 and Path(first["site"]["home_page"]).exists()
    text = run_roshan("quickstart", "--home", str(home), "--no-serve", env=env).stdout
    assert "roshan user passwd admin" in text
    kit = Path(first["witness_kit"])
    assert kit == home / "witness-kit.html" and str(kit) in text and second["witness_kit"] == str(kit)
    run_roshan("witness-kit", "verify", str(kit), "--key", str(home / "publish.pub"), env=env)
    v = run_roshan("--home", str(home), "custody", "verify", env=env)
    assert "intact" in v.stdout
