"""Linking simulated lists with ground truth; constraints from reviewers are respected."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from roshan.examples import generate
from roshan.linkage.dates import parse_date
from roshan.linkage.digits import parse_int
from roshan.linkage.link import LinkRecord, cluster, link


def _records(folder: Path, people: int) -> tuple[list[LinkRecord], dict[int, int]]:
    ex = generate(folder, people=people, seed=11)
    with open(folder / "simulated_truth_records.csv", encoding="utf-8") as f:
        truth = {(r["source"], r["external_id"]): int(r["person"]) for r in csv.DictReader(f)}
    recs, pid = [], {}
    for lst in ex.lists:
        with open(lst.path, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                row = {lst.mapping.get(k, k): v for k, v in row.items()}
                d = parse_date(row["date_of_death"]) if row.get("date_of_death") else None
                fa, la = row.get("name_fa", ""), row.get("name_latin", "")
                i = len(recs) + 1
                recs.append(
                    LinkRecord(
                        i,
                        lst.source,
                        fa or la,
                        la if fa else "",
                        parse_int(row["age"]) if row.get("age") else None,
                        d.date.isoformat() if d else None,
                        d.precision if d else "",
                        row.get("province", ""),
                    )
                )
                pid[i] = truth[(lst.source, row["id"])]
    return recs, pid


def _pairs(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {p for g in groups for p in itertools.combinations(sorted(g), 2)}


def test_simulated_lists_link_accurately(tmp_path: Path) -> None:
    recs, pid = _records(tmp_path, 300)
    res = link(recs)
    by: dict[int, list[int]] = {}
    for i, p in pid.items():
        by.setdefault(p, []).append(i)
    pred, true = _pairs(res.clusters), _pairs(list(by.values()))
    precision, recall = len(pred & true) / len(pred), len(pred & true) / len(true)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    cross = {(a, b) for a, b in true if (recs[a - 1].name_alt == "") != (recs[b - 1].name_alt == "")}
    assert len(cross & pred) / len(cross) >= 0.9, "Persian-script and Latin-script records must meet"
    assert abs(len(res.clusters) - len(by)) <= 0.03 * len(by)


def test_cluster_respects_cannot_link_and_must_link() -> None:
    scored = [(1, 2, 0.99), (2, 3, 0.95), (4, 5, 0.3)]
    assert cluster([1, 2, 3, 4, 5], scored, 0.8) == [[1, 2, 3], [4], [5]]
    assert cluster([1, 2, 3, 4, 5], scored, 0.8, different=[(1, 3)]) == [[1, 2], [3], [4], [5]]
    assert cluster([1, 2, 3, 4, 5], scored, 0.8, same=[(4, 5)]) == [[1, 2, 3], [4, 5]]


def test_one_record_and_none() -> None:
    assert link([LinkRecord(7, "x", "نام")]).clusters == [[7]]
    assert link([]).clusters == []


def test_reviewers_labels_train_the_model(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    recs, pid = _records(tmp_path, 200)
    by: dict[int, list[int]] = {}
    for i, p in pid.items():
        by.setdefault(p, []).append(i)
    same = [(c[0], c[1]) for c in by.values() if len(c) > 1][:12]
    with caplog.at_level("WARNING"):
        res = link(recs, same=same)
    assert "labels not used" not in caplog.text
    assert all(any(a in c and b in c for c in res.clusters) for a, b in same)
