"""The robust slope: Theil-Sen's median of pairwise slopes, and the thinning of long series."""

from __future__ import annotations

import itertools
import random

import pytest

from custom_components.cellar_brewpi.alarms import theil_sen, thin


def test_a_line_gives_its_slope() -> None:
    assert theil_sen([(x, 2.0 * x + 1) for x in range(10)]) == pytest.approx(2.0)


def test_outliers_barely_move_it_where_two_samples_would() -> None:
    points = [(float(x), 0.5 * x) for x in range(30)]
    points[-1] = (29.0, 100.0)  # a glitch at the end: two samples would say 3.4
    points[3] = (3.0, -40.0)
    points[17] = (17.0, 80.0)
    assert theil_sen(points) == pytest.approx(0.5, abs=0.05)
    first, last = points[0], points[-1]
    assert (last[1] - first[1]) / (last[0] - first[0]) > 3


def test_noise_around_a_trend() -> None:
    rng = random.Random(3)
    points = [(x / 60, 0.3 * x / 60 + rng.gauss(0, 0.1)) for x in range(120)]
    assert theil_sen(points) == pytest.approx(0.3, abs=0.1)


def test_too_few_distinct_times_give_no_slope() -> None:
    assert theil_sen([]) is None
    assert theil_sen([(1.0, 2.0)]) is None
    assert theil_sen([(1.0, 2.0), (1.0, 3.0)]) is None


def test_thin_keeps_the_ends_and_spreads_evenly() -> None:
    points = list(range(1000))
    chosen = thin(points, 60)
    assert len(chosen) == 60
    assert chosen[0] == 0
    assert chosen[-1] == 999
    gaps = {b - a for a, b in itertools.pairwise(chosen)}
    assert gaps <= {16, 17}
    assert thin(points[:10], 60) == points[:10]
