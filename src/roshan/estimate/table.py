"""Capture-history tables: one column per list (1 = on that list), a last column ``count``.

The all-absent pattern is what is estimated and never appears; a pattern not listed has count 0.
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from roshan.errors import BadInput


@dataclass(frozen=True)
class CaptureTable:
    lists: tuple[str, ...]
    patterns: NDArray[np.int_]  # (2^k - 1, k) of 0/1, every observable pattern
    counts: NDArray[np.float64]  # (2^k - 1,)

    @property
    def k(self) -> int:
        return len(self.lists)

    @property
    def observed(self) -> int:
        return int(self.counts.sum())

    @classmethod
    def from_counts(cls, lists: Iterable[str], counts: dict[tuple[int, ...], float]) -> CaptureTable:
        names = tuple(lists)
        pats = np.array([p for p in itertools.product((0, 1), repeat=len(names)) if any(p)], dtype=int)
        return cls(names, pats, np.array([float(counts.get(tuple(p), 0)) for p in pats]))

    @classmethod
    def from_histories(cls, lists: Iterable[str], histories: Iterable[frozenset[str]]) -> CaptureTable:
        names = tuple(lists)
        counter = Counter(tuple(int(n in h) for n in names) for h in histories)
        counter.pop(tuple(0 for _ in names), None)
        return cls.from_counts(names, {k: float(v) for k, v in counter.items()})

    @classmethod
    def read_csv(cls, path: Path) -> CaptureTable:
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                rows = list(csv.reader(f))
        except OSError as exc:
            raise BadInput(f"cannot read {path}: {exc.strerror}") from None
        if not rows or rows[0][-1].strip().lower() != "count" or len(rows[0]) < 3:
            raise BadInput(f"{path.name}: expected one column per list and a last column 'count'")
        names = tuple(h.strip() for h in rows[0][:-1])
        counts: dict[tuple[int, ...], float] = {}
        for n, row in enumerate(rows[1:], 2):
            if not row:
                continue
            try:
                pattern = tuple(int(x) for x in row[:-1])
                count = float(row[-1])
            except ValueError:
                raise BadInput(f"{path.name} line {n}: cells must be 0/1 and the count a number") from None
            if len(pattern) != len(names) or any(x not in (0, 1) for x in pattern) or count < 0:
                raise BadInput(f"{path.name} line {n}: a 0/1 cell per list and a non-negative count")
            if any(pattern):
                counts[pattern] = counts.get(pattern, 0) + count
        return cls.from_counts(names, counts)

    def overlaps(self) -> bool:
        """Does every list share someone with some other list? Without overlap there is nothing to estimate from."""
        multi = self.patterns.sum(axis=1) > 1
        return bool(self.counts[multi].sum() > 0)
