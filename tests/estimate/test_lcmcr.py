"""LCMCR: no published figures here, so checked by simulation and against log-linear estimates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roshan.estimate import lcmcr, loglinear
from roshan.estimate.table import CaptureTable


def _simulate(n: int, probs: list[list[float]], weights: list[float], seed: int) -> CaptureTable:
    rng = np.random.default_rng(seed)
    cls = rng.choice(len(weights), size=n, p=weights)
    caught = rng.random((n, len(probs[0]))) < np.array(probs)[cls]
    hist = [frozenset(str(j) for j in np.flatnonzero(row)) for row in caught if row.any()]
    return CaptureTable.from_histories([str(j) for j in range(len(probs[0]))], hist)


@pytest.mark.parametrize("seed", [1, 2])
def test_covers_the_truth_on_a_heterogeneous_population(seed: int) -> None:
    n = 2000
    t = _simulate(n, [[0.5, 0.4, 0.45, 0.5], [0.25, 0.2, 0.3, 0.25]], [0.6, 0.4], seed)
    r = lcmcr.estimate(t, iterations=4000, seed=seed)
    assert r.lower <= n <= r.upper, (r.lower, r.upper)
    assert r.rhat < 1.2


def test_close_to_loglinear_on_independent_lists() -> None:
    t = _simulate(1000, [[0.3, 0.4, 0.35]], [1.0], 5)
    r = lcmcr.estimate(t, iterations=4000)
    e = loglinear.estimate(t, select_by="bic")
    assert abs(r.estimate - e.estimate) / e.estimate < 0.1
    assert r.lower <= 1000 <= r.upper


def test_seeded_runs_repeat() -> None:
    t = CaptureTable.read_csv(Path(__file__).parents[1] / "data" / "mse" / "korea_3lists.csv")
    a = lcmcr.estimate(t, iterations=1000, seed=3)
    b = lcmcr.estimate(t, iterations=1000, seed=3)
    assert a.estimate == b.estimate and np.array_equal(a.draws, b.draws)
