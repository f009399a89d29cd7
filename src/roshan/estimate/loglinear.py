"""Poisson log-linear models for multiple systems estimation (Fienberg 1972; Bishop, Fienberg &
Holland 1975; Bales, Hesketh & Silverman 2015; Chan, Silverman & Vincent 2021).

The 2^k − 1 observable cells are modelled with main effects and chosen interactions; the
estimate of the unobserved cell is exp(intercept), the total N = observed + that.
Model selection is the user's choice, because published estimates used different rules:

- ``bic`` / ``aic``: best over all hierarchical models up to ``max_order`` when there are at most
  ``MAX_ENUMERATED`` of them (4 lists at order 3: 113 models), otherwise greedy forward search by
  the same criterion;
- ``stepwise-aic``: from main effects, add the two-list interaction with the best AIC while its
  Wald p-value is ≤ ``p_threshold`` (Bales, Hesketh & Silverman 2015: how the UK's 11,313 was made);
- ``stepwise-p``: forward stepwise on likelihood-ratio p-values, adding only positive interactions,
  while p ≤ ``p_threshold`` (Chan, Silverman & Vincent 2021, who used 0.02).

A model is refused when its estimate does not exist: when the design restricted to observed
cells is rank deficient (not identifiable), or when the fit diverges (the maximum-likelihood
estimate lies on the boundary: Fienberg & Rinaldo 2012), detected by a linear programme.
Intervals are profile-likelihood intervals for N (Cormack 1992): the multinomial likelihood of N
maximised over the model parameters, cut at the χ²₁ 95% point.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, stats
from scipy.special import gammaln

from roshan.estimate.table import CaptureTable

Term = tuple[int, ...]
MAX_ENUMERATED = 4096


@dataclass(frozen=True)
class Fit:
    terms: tuple[Term, ...]
    missing: float  # estimate of the unobserved cell
    deviance: float
    loglik: float
    aic: float
    bic: float
    coef: NDArray[np.float64]
    pvalues: NDArray[np.float64]
    finite: bool
    reason: str = ""


@dataclass(frozen=True)
class Estimate:
    documented: int
    estimate: float
    lower: float
    upper: float
    method: str
    model: list[str]
    selection: str
    models_considered: int


class NoEstimate(ValueError):
    """The data cannot support an estimate; the message says why in plain words."""


def design(
    table: CaptureTable, terms: tuple[Term, ...], patterns: NDArray[np.int_] | None = None
) -> NDArray[np.float64]:
    pats = table.patterns if patterns is None else patterns
    cols = [np.ones(len(pats))] + [pats[:, j].astype(float) for j in range(table.k)]
    cols += [np.prod(pats[:, list(t)], axis=1).astype(float) for t in terms]
    return np.column_stack(cols)


def _fit_poisson(
    x: NDArray[np.float64], y: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
    """IRLS for a Poisson GLM with log link; returns coefficients, fitted means, converged."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        res = sm.GLM(y, x, family=sm.families.Poisson()).fit(maxiter=200, tol=1e-10)
    return np.asarray(res.params), np.asarray(res.fittedvalues), bool(res.converged), res  # type: ignore[return-value]


def _facial_cells(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Cells the extended MLE can fit as positive (Fienberg & Rinaldo 2012): found by a linear
    programme for a direction c with Xc = 0 on positive cells, Xc >= 0 on empty cells, as large
    as possible; the empty cells where Xc > 0 are fitted as zero."""
    zero = y == 0
    if not zero.any():
        return np.ones(len(y), dtype=bool)
    xz, xp = x[zero], x[~zero]
    res = optimize.linprog(
        c=-xz.sum(axis=0),
        A_ub=np.vstack([-xz, xz]),
        b_ub=np.concatenate([np.zeros(len(xz)), np.ones(len(xz))]),
        A_eq=xp,
        b_eq=np.zeros(len(xp)),
        bounds=[(None, None)] * x.shape[1],
        method="highs",
    )
    facial = np.ones(len(y), dtype=bool)
    if res.status == 0:
        facial[np.flatnonzero(zero)[(xz @ res.x) > 1e-7]] = False
    return facial


def _missing_cell_direction(
    x_f: NDArray[np.float64], x_out: NDArray[np.float64], x0: NDArray[np.float64]
) -> tuple[bool, bool]:
    """Can the missing cell's log-mean rise (first) or fall (second) without lowering the likelihood?"""
    bounds = [(-1.0, 1.0)] * len(x0)
    a_eq = x_f if len(x_f) else None
    b_eq = np.zeros(len(x_f)) if len(x_f) else None
    a_ub = -x_out if len(x_out) else None
    b_ub = np.zeros(len(x_out)) if len(x_out) else None
    up = optimize.linprog(-x0, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    down = optimize.linprog(x0, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    return bool(up.status == 0 and -up.fun > 1e-7), bool(down.status == 0 and down.fun < -1e-7)


def _refused(terms: tuple[Term, ...], reason: str) -> Fit:
    """A model whose estimate does not exist, and why."""
    return Fit(
        terms, math.inf, math.inf, -math.inf, math.inf, math.inf, np.array([]), np.array([]), False, reason
    )


def fit(table: CaptureTable, terms: tuple[Term, ...]) -> Fit:
    x = design(table, terms)
    y = table.counts
    n = table.observed
    if np.linalg.matrix_rank(x) < x.shape[1]:
        return _refused(terms, "not identifiable: more parameters than the observed cells can determine")
    facial = _facial_cells(x, y)
    if not facial.all():
        x0 = design(table, terms, np.zeros((1, table.k), dtype=int))[0]
        up, down = _missing_cell_direction(x[facial], x[~facial], x0)
        if up and down:
            return _refused(
                terms, "not identifiable: with these empty cells the data say nothing about the unobserved"
            )
        if up:
            return _refused(terms, "no finite estimate: empty cells let the estimate grow without bound")
    coef, mu, converged, res = _fit_poisson(x, y)  # type: ignore[misc]
    missing = float(np.exp(coef[0]))
    if not converged or not np.isfinite(missing) or missing > 1e6 * max(n, 1):
        return _refused(terms, "no finite estimate: the fit diverges")
    ll = float(np.sum(stats.poisson.logpmf(y, mu)))
    dev = float(2 * np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / mu), 0) - (y - mu)))
    p = x.shape[1]
    return Fit(
        terms,
        missing,
        dev,
        ll,
        -2 * ll + 2 * p,
        -2 * ll + p * math.log(len(y)),
        coef,
        np.asarray(res.pvalues),
        True,
    )


def candidate_terms(k: int, max_order: int) -> list[Term]:
    return [t for order in range(2, max_order + 1) for t in itertools.combinations(range(k), order)]


def hierarchical_models(k: int, max_order: int) -> list[tuple[Term, ...]]:
    """Every hierarchical model with interactions up to ``max_order`` (never the k-way term)."""
    max_order = min(max_order, k - 1)
    pairs = list(itertools.combinations(range(k), 2))
    models: list[tuple[Term, ...]] = []

    def extend(current: tuple[Term, ...], order: int) -> None:
        if order > max_order:
            models.append(current)
            return
        allowed = [
            t
            for t in itertools.combinations(range(k), order)
            if all(s in current for s in itertools.combinations(t, order - 1))
        ]
        for r in range(len(allowed) + 1):
            for chosen in itertools.combinations(allowed, r):
                extend(current + chosen, order + 1)

    if max_order < 2:
        return [()]
    for r in range(len(pairs) + 1):
        for chosen in itertools.combinations(pairs, r):
            extend(tuple(chosen), 3)
    return models


def count_hierarchical(k: int, max_order: int) -> int:
    if k <= 4 or (max_order == 2 and k <= 5):
        return len(hierarchical_models(k, max_order))
    return MAX_ENUMERATED + 1


def select(
    table: CaptureTable, how: str = "bic", max_order: int = 2, p_threshold: float = 0.05
) -> tuple[Fit, int]:
    """Choose a model; returns it and how many models were fitted."""
    if how in ("bic", "aic"):
        crit = (lambda f: f.bic) if how == "bic" else (lambda f: f.aic)
        if count_hierarchical(table.k, max_order) <= MAX_ENUMERATED:
            fits = [fit(table, m) for m in hierarchical_models(table.k, max_order)]
            ok = [f for f in fits if f.finite]
            if not ok:
                raise NoEstimate(fits[0].reason)
            return min(ok, key=crit), len(fits)
        return _greedy(table, candidate_terms(table.k, min(max_order, table.k - 1)), crit)
    if how == "stepwise-aic":
        return _stepwise(table, p_threshold, rule="aic")
    if how == "stepwise-p":
        return _stepwise(table, p_threshold, rule="p")
    raise ValueError(f"unknown selection {how!r}")


def _greedy(table: CaptureTable, candidates: list[Term], crit) -> tuple[Fit, int]:  # type: ignore[no-untyped-def]
    current = fit(table, ())
    if not current.finite:
        raise NoEstimate(current.reason)
    n = 1
    while True:
        options = []
        for t in candidates:
            if t in current.terms or not all(
                s in current.terms for s in itertools.combinations(t, len(t) - 1) if len(s) > 1
            ):
                continue
            f = fit(table, (*current.terms, t))
            n += 1
            if f.finite:
                options.append(f)
        best = min(options, key=crit, default=None)
        if best is None or crit(best) >= crit(current):
            return current, n
        current = best


def _stepwise(table: CaptureTable, p_threshold: float, rule: str) -> tuple[Fit, int]:
    current = fit(table, ())
    if not current.finite:
        raise NoEstimate(current.reason)
    n = 1
    pairs = candidate_terms(table.k, 2)
    while True:
        options = []
        for t in pairs:
            if t in current.terms:
                continue
            f = fit(table, (*current.terms, t))
            n += 1
            if not f.finite:
                continue
            coef = f.coef[-1]
            if rule == "aic":
                p = f.pvalues[-1]  # Wald p of the added term, as R's summary.glm reports it
                options.append((f.aic, p, f))
            else:
                lr = current.deviance - f.deviance
                p = float(stats.chi2.sf(max(lr, 0.0), 1))
                if coef > 0:  # only positive dependence between lists (Chan, Silverman & Vincent 2021)
                    options.append((p, p, f))
        if not options:
            return current, n
        _, p, best = min(options, key=lambda o: o[0])
        if p > p_threshold:
            return current, n
        current = best


def _profile_loglik(table: CaptureTable, terms: tuple[Term, ...], n0: float) -> float:
    """Multinomial log-likelihood of N = n + n0, maximised over the model (Cormack 1992)."""
    pats = np.vstack([np.zeros((1, table.k), dtype=int), table.patterns])
    y = np.concatenate([[n0], table.counts])
    x = design(table, terms, pats)
    _, mu, _, _ = _fit_poisson(x, y)  # type: ignore[misc]
    total = y.sum()
    prob = mu / mu.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms_ll = np.where(y > 0, y * np.log(prob), 0.0)
    return float(gammaln(total + 1) - gammaln(n0 + 1) - np.sum(gammaln(table.counts + 1)) + terms_ll.sum())


def profile_interval(table: CaptureTable, best: Fit, level: float = 0.95) -> tuple[float, float]:
    cut = stats.chi2.ppf(level, 1) / 2
    n0_hat = best.missing
    l_hat = _profile_loglik(table, best.terms, n0_hat)

    def g(n0: float) -> float:
        return float(l_hat - _profile_loglik(table, best.terms, n0) - cut)

    lower = 0.0
    if g(0.0) > 0:
        lower = optimize.brentq(g, 0.0, n0_hat, xtol=1e-3)
    hi = max(n0_hat * 2, 10.0)
    while g(hi) < 0 and hi < 1e9:
        hi *= 2
    upper = optimize.brentq(g, n0_hat, hi, xtol=1e-3) if g(hi) >= 0 else math.inf
    return table.observed + lower, table.observed + upper


def term_names(table: CaptureTable, terms: tuple[Term, ...]) -> list[str]:
    return ["*".join(table.lists[i] for i in t) for t in terms]


def estimate(
    table: CaptureTable, *, select_by: str = "bic", max_order: int = 2, p_threshold: float = 0.05
) -> Estimate:
    if table.k < 2:
        raise NoEstimate("one list alone cannot say how many it missed: estimation needs at least two lists")
    if table.observed == 0:
        raise NoEstimate("no one is documented")
    if not table.overlaps():
        raise NoEstimate("the lists share no one: without overlap there is nothing to estimate from")
    best, n = select(table, select_by, max_order, p_threshold)
    lo, hi = profile_interval(table, best)
    return Estimate(
        table.observed,
        table.observed + best.missing,
        lo,
        hi,
        "log-linear (Poisson GLM)",
        term_names(table, best.terms),
        select_by,
        n,
    )
