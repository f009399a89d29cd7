"""Estimating within strata and summing honestly (HRDAG: stratify by place and time, estimate
within each stratum, sum; the documented count is always a minimum).

A stratum whose lists share no one, or with too few people to model, is not estimated: its
documented people are added to the total as they are, and the summary says so. Intervals of the
sum: LCMCR adds posterior draws; for log-linear fits each stratum's profile interval is turned
into a log-normal and the sum simulated (intervals of a sum cannot be added end to end).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from roshan.estimate import lcmcr, loglinear
from roshan.estimate.table import CaptureTable

MIN_STRATUM = 10


@dataclass
class StratumResult:
    name: str
    documented: int
    estimate: float
    lower: float
    upper: float
    model: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Total:
    documented: int
    estimate: float
    lower: float
    upper: float
    method: str
    model: list[str]
    strata: list[StratumResult]
    notes: list[str]
    extra_documented: int = 0
    diagnostics: dict[str, float] = field(default_factory=dict)


def estimate_strata(
    tables: dict[str, CaptureTable],
    *,
    method: str = "loglinear",
    select_by: str = "bic",
    max_order: int = 2,
    p_threshold: float = 0.05,
    iterations: int = 10_000,
    seed: int = 1405,
    extra_documented: int = 0,
) -> Total:
    rng = np.random.default_rng(seed)
    results: list[StratumResult] = []
    samples: list[np.ndarray] = []
    notes: list[str] = []
    diagnostics: dict[str, float] = {}
    model: list[str] = []
    for name, table in tables.items():
        n = table.observed
        if n < MIN_STRATUM:
            results.append(
                StratumResult(
                    name, n, n, n, n, note=f"only {n} documented: counted as documented, not modelled"
                )
            )
            samples.append(np.full(4000, float(n)))
            continue
        try:
            if method == "lcmcr":
                r = lcmcr.estimate(table, iterations=iterations, seed=seed)
                results.append(StratumResult(name, n, r.estimate, r.lower, r.upper))
                samples.append(rng.choice(r.draws, 4000))
                diagnostics[f"rhat[{name}]"] = round(r.rhat, 3)
                if r.rhat > 1.1:
                    notes.append(
                        f"WARNING {name}: chains disagree (R-hat {r.rhat:.2f}); treat this estimate with caution"
                    )
            else:
                e = loglinear.estimate(
                    table, select_by=select_by, max_order=max_order, p_threshold=p_threshold
                )
                results.append(StratumResult(name, n, e.estimate, e.lower, e.upper, e.model))
                model = e.model if len(tables) == 1 else model
                lo, hi = max(e.lower, n), e.upper
                if np.isfinite(hi) and hi > lo:
                    sd = (np.log(hi) - np.log(lo)) / (2 * 1.96)
                    samples.append(np.exp(rng.normal(np.log(e.estimate), sd, 4000)))
                else:
                    samples.append(np.full(4000, e.estimate))
        except loglinear.NoEstimate as exc:
            results.append(StratumResult(name, n, n, n, n, note=f"not estimated: {exc}"))
            notes.append(f"{name}: not estimated ({exc}); its {n} documented people are counted as they are")
            samples.append(np.full(4000, float(n)))
    documented = sum(r.documented for r in results) + extra_documented
    total = np.sum(samples, axis=0) + extra_documented if samples else np.array([float(extra_documented)])
    point = sum(r.estimate for r in results) + extra_documented
    if len(results) == 1 and not extra_documented:  # one stratum: its own interval, not a simulation of it
        only = results[0]
        return Total(
            documented,
            only.estimate,
            only.lower,
            only.upper,
            _method_name(method, select_by),
            only.model,
            results,
            notes,
            0,
            diagnostics,
        )
    return Total(
        documented,
        point,
        float(min(np.quantile(total, 0.025), point)),
        float(max(np.quantile(total, 0.975), point)),
        _method_name(method, select_by),
        model,
        results,
        notes,
        extra_documented,
        diagnostics,
    )


def _method_name(method: str, select_by: str) -> str:
    if method == "lcmcr":
        return "LCMCR (Bayesian latent classes, Manrique-Vallier 2016)"
    return f"log-linear (Poisson GLM), models chosen by {select_by}"
