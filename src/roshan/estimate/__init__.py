"""Multiple systems estimation: how many were killed that no list has (DESIGN.md, "estimate").

Pure: never imports Django. ``loglinear`` fits Poisson log-linear models with model selection
and profile-likelihood intervals; ``lcmcr`` is the Bayesian latent-class model of
Manrique-Vallier (2016); ``strata`` sums estimates over strata; ``table`` reads capture-history
tables; ``report`` writes summaries in English and Persian and a chart.
"""

from roshan.estimate.table import CaptureTable

__all__ = ["CaptureTable"]
