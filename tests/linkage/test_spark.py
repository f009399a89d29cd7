"""The same linkage settings on Spark (the ``roshan[spark]`` extra): same clusters as DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from roshan.linkage.link import link
from tests.helpers import need_tool
from tests.linkage.test_link import _pairs, _records

pytestmark = pytest.mark.slow


def test_spark_links_like_duckdb(tmp_path: Path) -> None:
    need_tool("java", "default-jre-headless")
    pytest.importorskip(
        "pyspark", reason="the Spark extra is not installed: uv run --extra spark pytest -m slow"
    )
    recs, truth = _records(tmp_path, 200)
    by: dict[int, list[int]] = {}
    for i, p in truth.items():
        by.setdefault(p, []).append(i)
    true = _pairs(list(by.values()))
    spark = _pairs(link(recs, backend="spark").clusters)
    duck = _pairs(link(recs).clusters)
    assert len(spark & true) / len(true) >= 0.95 and len(spark & true) / len(spark) >= 0.95
    assert len(spark ^ duck) <= 0.02 * len(duck), "the same settings give (nearly) the same links"
