"""Probabilistic record linkage with Splink (DuckDB by default), then constrained clustering.

The model (Fellegi–Sunter, trained by EM without labels):

- name: Jaro–Winkler on the cross-script skeleton (exact, ≥ 0.92, ≥ 0.80, else);
- age: equal, ±1 year, else;
- date of death: same day, within 3 days, same month (or either known only to the month), else;
- province: equal or not (weak evidence: lists often give the burial place).

u is estimated by random sampling, m by EM sessions blocked on the date and on the name, the
prior from the pairs that agree exactly on name and date. Candidate pairs come from blocking on
the full skeleton, first or last name with the date, last name with the age, and date with province.

Clustering: pairs are taken strongest first and joined unless a reviewer said the two records
are different people (a cannot-link between their clusters); reviewers' "same person" decisions
join first. Pairs between ``review_low`` and ``threshold`` are returned for review.
"""

from __future__ import annotations

import csv
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from roshan.linkage.names import fold, skeleton, skeleton_tokens
from roshan.linkage.places import province_code


@dataclass(frozen=True)
class LinkRecord:
    id: int
    source: str
    name: str  # as written (Persian preferred where both exist)
    name_alt: str = ""
    age: int | None = None
    date: str | None = None  # ISO day
    precision: str = ""
    province: str = ""


@dataclass
class LinkResult:
    clusters: list[list[int]]
    review: list[tuple[int, int, float]] = field(default_factory=list)
    pairs_scored: int = 0


class UnionFind:
    def __init__(self, ids: Sequence[int]) -> None:
        self.parent = {i: i for i in ids}
        self.members: dict[int, set[int]] = {i: {i} for i in ids}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int, cannot: dict[int, set[int]]) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        small, big = (ra, rb) if len(self.members[ra]) < len(self.members[rb]) else (rb, ra)
        for m in self.members[small]:
            if cannot.get(m, set()) & self.members[big]:
                return False
        self.parent[small] = big
        self.members[big] |= self.members.pop(small)
        return True


def cluster(
    ids: Sequence[int],
    scored: list[tuple[int, int, float]],
    threshold: float,
    same: Sequence[tuple[int, int]] = (),
    different: Sequence[tuple[int, int]] = (),
) -> list[list[int]]:
    cannot: dict[int, set[int]] = {}
    for a, b in different:
        cannot.setdefault(a, set()).add(b)
        cannot.setdefault(b, set()).add(a)
    uf = UnionFind(ids)
    for a, b in same:
        if a in uf.parent and b in uf.parent:
            uf.union(a, b, cannot)
    for a, b, p in sorted(scored, key=lambda t: -t[2]):
        if p >= threshold:
            uf.union(a, b, cannot)
    return sorted((sorted(m) for m in uf.members.values()), key=lambda c: c[0])


def _rows(records: Sequence[LinkRecord]) -> list[dict[str, Any]]:
    rows = []
    for r in records:
        toks = skeleton_tokens(r.name) if r.name else []
        rows.append(
            {
                "unique_id": r.id,
                "source": r.source,
                "name": fold(r.name),
                "skel": skeleton(r.name) or None,
                "skel_alt": skeleton(r.name_alt) or None,
                "first": toks[0] if toks else None,
                "last": toks[-1] if len(toks) > 1 else None,
                "age": r.age,
                "dod": r.date,
                "month_only": r.precision in ("month", "year"),
                "province": (province_code(r.province) or fold(r.province) or None) if r.province else None,
            }
        )
    return rows


def _settings(cl: Any, cll: Any, block_on: Any) -> Any:
    """The model, written with Splink's level library so the same settings run on DuckDB and Spark."""
    from splink import SettingsCreator

    both_days = "NOT month_only_l AND NOT month_only_r"
    date_within = partial(cll.AbsoluteDateDifferenceLevel, "dod", input_is_string=True, metric="day")
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("skel"),
            cll.Or(
                cll.ExactMatchLevel("skel"), cll.CustomLevel("skel_l = skel_alt_r OR skel_alt_l = skel_r")
            ).configure(label_for_charts="same skeleton"),
            cll.JaroWinklerLevel("skel", 0.92),
            cll.JaroWinklerLevel("skel", 0.80),
            cll.ElseLevel(),
        ],
    )
    age = cl.CustomComparison(
        output_column_name="age",
        comparison_levels=[
            cll.NullLevel("age"),
            cll.ExactMatchLevel("age"),
            cll.CustomLevel("abs(age_l - age_r) <= 1", label_for_charts="±1"),
            cll.ElseLevel(),
        ],
    )
    dod = cl.CustomComparison(
        output_column_name="dod",
        comparison_levels=[
            cll.NullLevel("dod"),
            cll.And(cll.ExactMatchLevel("dod"), cll.CustomLevel(both_days)).configure(
                label_for_charts="same day"
            ),
            cll.And(date_within(threshold=3), cll.CustomLevel(both_days)).configure(
                label_for_charts="within 3 days"
            ),
            date_within(threshold=31).configure(label_for_charts="same month"),
            cll.ElseLevel(),
        ],
    )
    province = cl.CustomComparison(
        output_column_name="province",
        comparison_levels=[cll.NullLevel("province"), cll.ExactMatchLevel("province"), cll.ElseLevel()],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[name, age, dod, province],
        # Tight enough for common names (a third of Iranian men may share a first name), wide enough
        # that a misspelt name still meets its twin through the date, the surname or the place.
        blocking_rules_to_generate_predictions=[
            block_on("skel"),
            {"blocking_rule": "l.skel = r.skel_alt"},
            {"blocking_rule": "l.skel_alt = r.skel"},
            block_on("first", "dod"),
            block_on("last", "dod"),
            block_on("last", "age"),
            block_on("dod", "province"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        max_iterations=25,
    )


def link(
    records: Sequence[LinkRecord],
    *,
    threshold: float = 0.8,
    review_low: float = 0.5,
    same: Sequence[tuple[int, int]] = (),
    different: Sequence[tuple[int, int]] = (),
    backend: str = "duckdb",
    seed: int = 1405,
    log: Callable[[str], None] | None = None,
) -> LinkResult:
    """Link ``records`` into clusters of the same person (see the module docstring)."""
    ids = [r.id for r in records]
    if len(records) < 2:
        return LinkResult([[i] for i in ids])
    scored = _score(records, backend, seed, review_low, labels=same)
    clusters = cluster(ids, scored, threshold, same, different)
    decided = {frozenset(p) for p in (*same, *different)}
    review = [
        (a, b, p) for a, b, p in scored if review_low <= p < threshold and frozenset((a, b)) not in decided
    ]
    return LinkResult(clusters, sorted(review, key=lambda t: -t[2]), len(scored))


MIN_LABELS = 10


def _score(
    records: Sequence[LinkRecord],
    backend: str,
    seed: int,
    floor: float,
    labels: Sequence[tuple[int, int]] = (),
) -> list[tuple[int, int, float]]:
    """Score candidate pairs with the same settings on DuckDB (default) or Spark."""
    for name in ("splink", "splink.internals", "py4j"):
        logging.getLogger(name).setLevel(logging.ERROR)
    known = {r.id for r in records}
    pairs = [(a, b) for a, b in labels if a in known and b in known]
    if backend == "spark":
        return _score_spark(records, seed, floor, pairs)
    import duckdb
    from splink import DuckDBAPI

    memory = os.environ.get("ROSHAN_DUCKDB_MEMORY", "2GB")
    con = duckdb.connect()
    con.execute(f"SET memory_limit='{memory}'")
    con.execute(f"SET temp_directory='{tempfile.gettempdir()}/roshan-duckdb'")
    spill = os.environ.get("ROSHAN_DUCKDB_SPILL", "20GB")  # spilling is bounded: a full disk helps no one
    con.execute(f"SET max_temp_directory_size='{spill}'")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.csv"
        rows = _rows(records)
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        con.execute(
            "CREATE TABLE records AS SELECT * FROM read_csv(?, header=true, columns={"
            "'unique_id':'BIGINT','source':'VARCHAR','name':'VARCHAR','skel':'VARCHAR','skel_alt':'VARCHAR',"
            "'first':'VARCHAR','last':'VARCHAR','age':'INTEGER','dod':'VARCHAR','month_only':'BOOLEAN',"
            "'province':'VARCHAR'})",
            [str(path)],
        )
    db = DuckDBAPI(con)
    sdf = db.register("records")

    def register_labels(rows: list[tuple[str, int, str, int]]) -> None:
        con.execute(
            "CREATE TABLE labels (source_dataset_l VARCHAR, unique_id_l BIGINT, "
            "source_dataset_r VARCHAR, unique_id_r BIGINT)"
        )
        con.executemany("INSERT INTO labels VALUES (?, ?, ?, ?)", rows)

    pred = _train_and_predict(sdf, seed, floor, pairs, register_labels)
    sql = f"SELECT unique_id_l, unique_id_r, match_probability FROM {pred.physical_name}"  # noqa: S608 - Splink's name
    rows_out = con.execute(sql).fetchall()
    con.close()
    return [(int(a), int(b), float(p)) for a, b, p in rows_out]


def _train_and_predict(
    sdf: Any,
    seed: int,
    floor: float,
    pairs: list[tuple[int, int]],
    register_labels: Callable[[list[tuple[str, int, str, int]]], None],
) -> Any:
    """The one training sequence, whatever the backend: prior, u by sampling, two EM sessions, labels."""
    from splink import Linker, block_on
    from splink import comparison_level_library as cll
    from splink import comparison_library as cl

    linker = Linker(sdf, _settings(cl, cll, block_on), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("skel", "dod")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    for rule in (block_on("dod"), block_on("first", "last")):
        try:
            # capped: blocking on a date alone gives billions of pairs at a million records
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=5e6)
        except ValueError:
            # a session whose blocked pairs never reach some level cannot train it: the other
            # session and the defaults then carry that level (Splink raises on an m of exactly 0)
            continue
    if len(pairs) >= MIN_LABELS:
        # reviewers' "same person" decisions are labels: they re-estimate m (splink #1382: users want
        # training from the labels they already have)
        name = sdf.dataset_display_name
        register_labels([(name, a, name, b) for a, b in pairs])
        try:
            linker.training.estimate_m_from_pairwise_labels("labels")  # type: ignore[no-untyped-call]
        except Exception as exc:
            logging.getLogger(__name__).warning("labels not used: %s", exc)
    return linker.inference.predict(threshold_match_probability=floor)


def _score_spark(
    records: Sequence[LinkRecord], seed: int, floor: float, pairs: list[tuple[int, int]]
) -> list[tuple[int, int, float]]:
    """The same model on Spark (the ``roshan[spark]`` extra, with Java), for lists that outgrow one machine.
    ``ROSHAN_SPARK_MASTER`` picks the cluster (default: local, every core)."""
    from roshan.errors import BadInput

    try:
        from pyspark.sql import SparkSession
        from pyspark.sql import types as T
    except ImportError:
        raise BadInput("the Spark backend needs the extra: uv sync --extra spark (and Java)") from None
    from splink import SparkAPI
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # a local Spark listens on loopback only
    spark = (
        SparkSession.builder.master(os.environ.get("ROSHAN_SPARK_MASTER", "local[*]"))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .appName("roshan-link")
        .config("spark.ui.enabled", "false")
        .config("spark.jars", similarity_jar_location())  # Splink's Jaro-Winkler and friends
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="roshan-spark-"))  # Splink breaks lineage
    schema = T.StructType(
        [
            T.StructField("unique_id", T.LongType()),
            T.StructField("source", T.StringType()),
            T.StructField("name", T.StringType()),
            T.StructField("skel", T.StringType()),
            T.StructField("skel_alt", T.StringType()),
            T.StructField("first", T.StringType()),
            T.StructField("last", T.StringType()),
            T.StructField("age", T.IntegerType()),
            T.StructField("dod", T.StringType()),
            T.StructField("month_only", T.BooleanType()),
            T.StructField("province", T.StringType()),
        ]
    )
    frame = spark.createDataFrame([tuple(r.values()) for r in _rows(records)], schema)
    # Splink registers its UDFs in one go and gives up at the first class its Spark 4 jar lacks
    # (JaroSimilarity): register them one by one, keeping those that load (jaro_winkler is the one we use).
    from splink.internals.spark.jar_location import get_scala_udfs

    for udf in get_scala_udfs():  # type: ignore[no-untyped-call]
        try:
            spark.udf.registerJavaFunction(*udf)
        except Exception:  # noqa: S112 - a UDF we do not use may be missing from the jar
            continue
    db = SparkAPI(spark_session=spark, register_udfs_automatically=False)  # type: ignore[no-untyped-call]
    sdf = db.register(frame, table_name="records")

    def register_labels(rows: list[tuple[str, int, str, int]]) -> None:
        spark.createDataFrame(
            rows, "source_dataset_l string, unique_id_l long, source_dataset_r string, unique_id_r long"
        ).createOrReplaceTempView("labels")

    pred = _train_and_predict(sdf, seed, floor, pairs, register_labels)
    out = [
        (int(r["unique_id_l"]), int(r["unique_id_r"]), float(r["match_probability"]))
        for r in pred.as_spark_dataframe().select("unique_id_l", "unique_id_r", "match_probability").collect()
    ]
    return out
