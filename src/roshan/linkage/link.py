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


def _settings(backend_comparisons: Any, block_on: Any) -> Any:
    from splink import SettingsCreator

    cl = backend_comparisons
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            {
                "sql_condition": "skel_l IS NULL OR skel_r IS NULL",
                "label_for_charts": "null",
                "is_null_level": True,
            },
            {
                "sql_condition": "skel_l = skel_r OR skel_l = skel_alt_r OR skel_alt_l = skel_r",
                "label_for_charts": "same skeleton",
            },
            {
                "sql_condition": "jaro_winkler_similarity(skel_l, skel_r) >= 0.92",
                "label_for_charts": "JW >= 0.92",
            },
            {
                "sql_condition": "jaro_winkler_similarity(skel_l, skel_r) >= 0.80",
                "label_for_charts": "JW >= 0.80",
            },
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    )
    age = cl.CustomComparison(
        output_column_name="age",
        comparison_levels=[
            {
                "sql_condition": "age_l IS NULL OR age_r IS NULL",
                "label_for_charts": "null",
                "is_null_level": True,
            },
            {"sql_condition": "age_l = age_r", "label_for_charts": "same"},
            {"sql_condition": "abs(age_l - age_r) <= 1", "label_for_charts": "±1"},
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    )
    dod = cl.CustomComparison(
        output_column_name="dod",
        comparison_levels=[
            {
                "sql_condition": "dod_l IS NULL OR dod_r IS NULL",
                "label_for_charts": "null",
                "is_null_level": True,
            },
            {
                "sql_condition": "dod_l = dod_r AND NOT month_only_l AND NOT month_only_r",
                "label_for_charts": "same day",
            },
            {
                "sql_condition": "NOT month_only_l AND NOT month_only_r AND abs(date_diff('day', CAST(dod_l AS DATE), CAST(dod_r AS DATE))) <= 3",
                "label_for_charts": "within 3 days",
            },
            {
                "sql_condition": "abs(date_diff('day', CAST(dod_l AS DATE), CAST(dod_r AS DATE))) <= 31",
                "label_for_charts": "same month",
            },
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    )
    province = cl.CustomComparison(
        output_column_name="province",
        comparison_levels=[
            {
                "sql_condition": "province_l IS NULL OR province_r IS NULL",
                "label_for_charts": "null",
                "is_null_level": True,
            },
            {"sql_condition": "province_l = province_r", "label_for_charts": "same"},
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
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
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if backend == "spark":
        return _score_spark(records, seed, floor)
    import duckdb
    from splink import DuckDBAPI, Linker, block_on
    from splink import comparison_library as cl

    memory = os.environ.get("ROSHAN_DUCKDB_MEMORY", "2GB")
    con = duckdb.connect()
    con.execute(f"SET memory_limit='{memory}'")
    con.execute(f"SET temp_directory='{tempfile.gettempdir()}/roshan-duckdb'")
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
    linker = Linker(sdf, _settings(cl, block_on), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("skel", "dod")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    for rule in (block_on("dod"), block_on("first", "last")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError:
            # a session whose blocked pairs never reach some level cannot train it: the other
            # session and the defaults then carry that level (Splink raises on an m of exactly 0)
            continue
    known = {r.id for r in records}
    pairs = [(a, b) for a, b in labels if a in known and b in known]
    if len(pairs) >= MIN_LABELS:
        # reviewers' "same person" decisions are labels: they re-estimate m (splink #1382: users want
        # training from the labels they already have)
        con.execute(
            "CREATE TABLE labels (source_dataset_l VARCHAR, unique_id_l BIGINT, "
            "source_dataset_r VARCHAR, unique_id_r BIGINT)"
        )
        con.executemany(
            "INSERT INTO labels VALUES (?, ?, ?, ?)",
            [(sdf.dataset_display_name, a, sdf.dataset_display_name, b) for a, b in pairs],
        )
        try:
            linker.training.estimate_m_from_pairwise_labels("labels")  # type: ignore[no-untyped-call]
        except Exception as exc:
            logging.getLogger(__name__).warning("labels not used: %s", exc)
    pred = linker.inference.predict(threshold_match_probability=floor)
    sql = f"SELECT unique_id_l, unique_id_r, match_probability FROM {pred.physical_name}"  # noqa: S608 - Splink's name
    rows_out = con.execute(sql).fetchall()
    con.close()
    return [(int(a), int(b), float(p)) for a, b, p in rows_out]


def _score_spark(records: Sequence[LinkRecord], seed: int, floor: float) -> list[tuple[int, int, float]]:
    from roshan.errors import BadInput

    raise BadInput(
        "the Spark backend is not built yet; use --backend duckdb (it spills to disk past its memory limit)"
    )
