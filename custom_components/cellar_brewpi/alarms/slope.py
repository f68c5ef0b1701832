"""The robust slope of a series of readings: Theil-Sen, the median of the pairwise slopes."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

MAX_POINTS = 60
"""At most this many points enter the pairwise slopes (1770 pairs); more are thinned evenly."""


def thin[T](points: Sequence[T], limit: int = MAX_POINTS) -> list[T]:
    """At most `limit` of `points`, evenly spread, the first and the last always kept."""
    if len(points) <= limit:
        return list(points)
    last = len(points) - 1
    return [points[round(i * last / (limit - 1))] for i in range(limit)]


def theil_sen(points: Sequence[tuple[float, float]]) -> float | None:
    """
    The median of the slopes between every two points of different x (y per unit of x).

    A third of the points may be outliers (a probe's glitch, a door opened) without moving it
    much, unlike the slope between two samples or a least-squares fit. None for fewer than two
    distinct x.
    """
    chosen = thin(points)
    slopes = [
        (y2 - y1) / (x2 - x1)
        for i, (x1, y1) in enumerate(chosen)
        for x2, y2 in chosen[i + 1 :]
        if x2 != x1
    ]
    return median(slopes) if slopes else None
