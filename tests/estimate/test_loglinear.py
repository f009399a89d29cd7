"""Log-linear MSE reproduces published estimates, running the model selection itself.

Tolerance: point estimates of log-linear models are deterministic, so within 0.5 of the
published figure (published values are rounded to one decimal or to units). Profile intervals
are compared with the published range to the nearest few percent where one was published.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roshan.errors import BadInput
from roshan.estimate import loglinear
from roshan.estimate.loglinear import NoEstimate
from roshan.estimate.table import CaptureTable

DATA = Path(__file__).parents[1] / "data" / "mse"


def _t(name: str) -> CaptureTable:
    return CaptureTable.read_csv(DATA / name)


@pytest.mark.parametrize(
    ("file", "select", "p", "published", "model"),
    [
        ("uk_2013_5lists.csv", "stepwise-aic", 0.05, 11313, None),  # Bales, Hesketh & Silverman 2015
        ("uk_2013_6lists.csv", "stepwise-aic", 0.05, 11418, None),
        ("new_orleans_8lists.csv", "stepwise-p", 0.02, 1184, ["D*E"]),  # Chan, Silverman & Vincent 2021
        ("new_orleans_5lists.csv", "stepwise-p", 0.02, 1034, []),
        ("korea_3lists.csv", "stepwise-p", 0.02, 268.8, ["b*c"]),  # Silverman, Chan & Vincent 2024: [b·c, d]
        ("korea_3lists.csv", "bic", 0.05, 157.2, ["b*c", "c*d"]),
    ],
)
def test_published_estimates(
    file: str, select: str, p: float, published: float, model: list[str] | None
) -> None:
    e = loglinear.estimate(_t(file), select_by=select, p_threshold=p)
    assert e.estimate == pytest.approx(published, abs=0.5)
    if model is not None:
        assert sorted(e.model) == sorted(model)
    assert e.lower < e.estimate < e.upper


def test_uk_interval_matches_the_published_range() -> None:
    e = loglinear.estimate(_t("uk_2013_5lists.csv"), select_by="stepwise-aic")
    assert 9_500 < e.lower < 10_500 and 12_500 < e.upper < 13_500  # published: 10,000–13,000


def test_main_effects_new_orleans() -> None:
    f = loglinear.fit(_t("new_orleans_8lists.csv"), ())
    assert _t("new_orleans_8lists.csv").observed + f.missing == pytest.approx(997, abs=0.5)


def test_artificial_identifiability() -> None:
    t = _t("artificial_3lists.csv")
    ab, ac, bc = (0, 1), (0, 2), (1, 2)
    assert "not identifiable" in loglinear.fit(t, (ab, ac, bc)).reason
    assert not loglinear.fit(t, (ab,)).finite
    assert loglinear.fit(t, (ac, bc)).finite
    assert loglinear.estimate(t, select_by="bic").model == ["A*C", "B*C"]


def test_number_of_hierarchical_models() -> None:
    assert len(loglinear.hierarchical_models(4, 3)) == 113
    assert len(loglinear.hierarchical_models(3, 2)) == 8


def test_refusals() -> None:
    single = CaptureTable.from_counts(["A"], {(1,): 10})
    with pytest.raises(NoEstimate, match="at least two lists"):
        loglinear.estimate(single)
    apart = CaptureTable.from_counts(["A", "B"], {(1, 0): 10, (0, 1): 7})
    with pytest.raises(NoEstimate, match="share no one"):
        loglinear.estimate(apart)


def test_independent_two_lists_is_lincoln_petersen() -> None:
    t = CaptureTable.from_counts(["A", "B"], {(1, 0): 60, (0, 1): 40, (1, 1): 20})
    # N = n_A n_B / m = 80 * 60 / 20 = 240 (derived by hand)
    assert loglinear.estimate(t).estimate == pytest.approx(240, rel=1e-6)


@pytest.mark.parametrize("bad", ["A,B\n1,0\n", "A,B,count\n1,2,5\n", "A,B,count\n1,0,x\n"])
def test_bad_tables(tmp_path: Path, bad: str) -> None:
    f = tmp_path / "t.csv"
    f.write_text(bad)
    with pytest.raises(BadInput):
        CaptureTable.read_csv(f)
