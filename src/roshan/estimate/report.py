"""Saying what the numbers mean, in English and Persian, and drawing them.

Matplotlib cannot shape Persian, so the SVG keeps its text as text (``svg.fonttype = none``)
and the browser shapes it; the PNG is labelled in English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from roshan.estimate.strata import Total
from roshan.linkage.digits import to_persian_digits

ASSUMES_LL = (
    "the lists are a closed population of the same deaths; the dependence between lists is "
    "captured by the chosen interactions; every person had some chance to be listed"
)
ASSUMES_FA_LL = (
    "فهرست‌ها همه از یک جمعیت بسته‌اند؛ وابستگی میان فهرست‌ها با برهم‌کنش‌های برگزیده بیان شده است؛ "
    "هر کس شانسی برای ثبت شدن داشته است"
)
ASSUMES_LC = (
    "the lists are a closed population; people differ in how likely they are to be listed, "
    "and those differences are described by a few latent groups"
)
ASSUMES_FA_LC = "فهرست‌ها از یک جمعیت بسته‌اند؛ تفاوت افراد در احتمال ثبت شدن با چند گروه پنهان توصیف می‌شود"


def _n(x: float) -> str:
    return f"{round(x):,}"


def _fa(x: float) -> str:
    return to_persian_digits(f"{round(x):,}".replace(",", "٬"))


def summary_en(t: Total) -> str:
    lc = t.method.startswith("LCMCR")
    text = (
        f"Documented {_n(t.documented)} people; estimated total {_n(t.estimate)}, "
        f"95% interval {_n(t.lower)}–{_n(t.upper)}; method: {t.method}"
        + (f", model {' + '.join(t.model) or 'main effects only'}" if t.model else "")
        + f"; assumes {ASSUMES_LC if lc else ASSUMES_LL}. The documented count is a minimum."
    )
    return " ".join([text, *t.notes])


def summary_fa(t: Total) -> str:
    lc = t.method.startswith("LCMCR")
    method = "مدل طبقه‌های پنهان بیزی (LCMCR)" if lc else "مدل لگ‌خطی پواسون"
    return (
        f"{_fa(t.documented)} نفر مستند شده‌اند؛ برآورد کل {_fa(t.estimate)} نفر، "
        f"بازه ۹۵٪ از {_fa(t.lower)} تا {_fa(t.upper)}؛ روش: {method}؛ "
        f"فرض: {ASSUMES_FA_LC if lc else ASSUMES_FA_LL}. شمار مستند، کمینه است."
    )


def as_json(t: Total) -> dict[str, Any]:
    return {
        "documented": t.documented,
        "estimate": round(t.estimate, 1),
        "lower": round(t.lower, 1),
        "upper": round(t.upper, 1),
        "method": t.method,
        "model": t.model,
        "notes": t.notes,
        "diagnostics": t.diagnostics,
        "summary_en": summary_en(t),
        "summary_fa": summary_fa(t),
        "strata": [s.__dict__ for s in t.strata],
    }


def chart(t: Total, out_stem: Path) -> list[Path]:
    """Documented against estimated per stratum, with 95% intervals: PNG and SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    names = [s.name for s in t.strata]
    fig, ax = plt.subplots(figsize=(max(4, 0.9 * len(names) + 2), 3.6))
    xs = range(len(names))
    est = [s.estimate for s in t.strata]
    err = [
        [e - s.lower for e, s in zip(est, t.strata, strict=True)],
        [s.upper - e for e, s in zip(est, t.strata, strict=True)],
    ]
    ax.bar(xs, est, color="#c9d6e3", label="estimated (95% interval)", yerr=err, capsize=3)
    ax.bar(xs, [s.documented for s in t.strata], color="#2b4c6f", width=0.5, label="documented")
    ax.set_xticks(list(xs), names, rotation=30, ha="right")
    ax.set_ylabel("people")
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    paths = []
    for ext in ("png", "svg"):
        p = out_stem.with_suffix(f".{ext}")
        fig.savefig(p, dpi=120, metadata={"Date": None} if ext == "svg" else None)
        paths.append(p)
    plt.close(fig)
    return paths
