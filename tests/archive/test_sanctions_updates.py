"""Safe updates: a cut download, a wrong record count or an older file never delists anyone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roshan.accountability.sanctions import parse
from roshan.archive.models import Designation, SanctionsListVersion
from roshan.archive.sanctions import UnsafeUpdate, import_list
from tests.accountability.test_sanctions import DATA
from tests.conftest import CliHome
from tests.helpers import run_roshan

pytestmark = [pytest.mark.archive]

REAL_SDN = (DATA / "ofac-csv" / "sdn.csv").read_text(encoding="utf-8")


def _sdn(path: Path, extra: int, *, cut: int | None = None) -> Path:
    """The real sample plus ``extra`` SIMULATED rows; ``cut`` keeps only the first rows, as a dropped
    connection leaves the file (at a row boundary, so it parses)."""
    rows = REAL_SDN.splitlines(keepends=True) + [
        f'{990000 + i},"SIMULATED ENTITY {i}",-0- ,"IRAN-HR",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
        for i in range(extra)
    ]
    path.mkdir(exist_ok=True)
    (path / "sdn.csv").write_text("".join(rows[:cut]), encoding="utf-8")
    return path / "sdn.csv"


def _state() -> list[tuple[str, object, int]]:
    return [
        (d.list_identifier, d.removed_on, len(d.history))
        for d in Designation.objects.order_by("list_identifier")
    ] + [(v.version, v.list_name, v.entries) for v in SanctionsListVersion.objects.order_by("pk")]


@pytest.mark.django_db
def test_a_cut_download_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    full = import_list(parse(_sdn(tmp_path / "a", 300), "ofac"))
    assert full.added == 317
    before = _state()
    with pytest.raises(UnsafeUpdate, match=r"would remove 217 of 317 current designations \(68\.5%"):
        import_list(parse(_sdn(tmp_path / "b", 300, cut=100), "ofac"))
    assert _state() == before, "nothing changed"
    accepted = import_list(parse(_sdn(tmp_path / "b", 300, cut=100), "ofac"), accept_removals=True)
    assert accepted.removed == 217


@pytest.mark.django_db
@pytest.mark.parametrize(("removed", "refused"), [(5, False), (6, False), (7, True)])
def test_the_threshold_is_two_percent_and_more_than_five(tmp_path: Path, removed: int, refused: bool) -> None:
    # 317 current designations: 2% is 6.34, so 6 removals pass and 7 are refused
    import_list(parse(_sdn(tmp_path / "a", 300), "ofac"))
    cut = _sdn(tmp_path / "b", 300, cut=317 - removed)
    if refused:
        with pytest.raises(UnsafeUpdate):
            import_list(parse(cut, "ofac"))
    else:
        assert import_list(parse(cut, "ofac")).removed == removed


@pytest.mark.django_db
def test_a_small_list_may_lose_five(tmp_path: Path) -> None:
    import_list(parse(_sdn(tmp_path / "a", 0), "ofac"))
    assert import_list(parse(_sdn(tmp_path / "b", 0, cut=12), "ofac")).removed == 5
    with pytest.raises(UnsafeUpdate):
        import_list(parse(_sdn(tmp_path / "c", 0, cut=5), "ofac"))


def _ofac_xml(path: Path, date: str, declared: int, uids: range) -> Path:
    entries = "".join(
        f"<sdnEntry><uid>{u}</uid><lastName>SIMULATED {u}</lastName><sdnType>Entity</sdnType>"
        "<programList><program>IRAN</program></programList></sdnEntry>"
        for u in uids
    )
    path.write_text(
        '<?xml version="1.0"?><sdnList><publshInformation>'
        f"<Publish_Date>{date}</Publish_Date><Record_Count>{declared}</Record_Count>"
        f"</publshInformation>{entries}</sdnList>",
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_declared_count_and_publication_date(tmp_path: Path) -> None:
    with pytest.raises(UnsafeUpdate, match="declares 12 records but 10 were read"):
        import_list(parse(_ofac_xml(tmp_path / "a.xml", "03/14/2026", 12, range(10)), "ofac"))
    assert not SanctionsListVersion.objects.exists()
    import_list(parse(_ofac_xml(tmp_path / "b.xml", "03/14/2026", 10, range(10)), "ofac"))
    with pytest.raises(UnsafeUpdate, match="2026-03-01 is older than the current version 2026-03-14"):
        import_list(parse(_ofac_xml(tmp_path / "c.xml", "03/01/2026", 11, range(11)), "ofac"))
    newer = import_list(parse(_ofac_xml(tmp_path / "d.xml", "03/21/2026", 11, range(11)), "ofac"))
    assert (newer.added, newer.removed) == (1, 0)
    old = import_list(
        parse(_ofac_xml(tmp_path / "c.xml", "03/01/2026", 11, range(11)), "ofac"), accept_removals=True
    )
    assert not old.unchanged


def test_cli_refuses_in_one_line_and_accepts_when_told(cli_home: CliHome, tmp_path: Path) -> None:
    run_roshan("init", env=cli_home.env)
    run_roshan("sanctions", "import", str(_sdn(tmp_path / "a", 300)), "--format", "ofac", env=cli_home.env)
    cut = _sdn(tmp_path / "b", 300, cut=100)
    bad = run_roshan("sanctions", "import", str(cut), "--format", "ofac", env=cli_home.env, check=False)
    assert bad.returncode == 1
    assert bad.stderr.startswith("UnsafeUpdate: US OFAC SDN version sha256:") and "217 of 317" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    ok = run_roshan(
        "sanctions", "import", str(cut), "--format", "ofac", "--accept-removals", "--json", env=cli_home.env
    )
    assert json.loads(ok.stdout)["removed"] == 217
