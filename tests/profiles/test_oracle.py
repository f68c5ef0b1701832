"""
The library's target against Fermentrack's own `profile_temp`, transcribed below from its
description (thorrak/fermentrack `app/models.py`), independent of the library's code.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.cellar_brewpi.profiles import Profile, Temperature, Unit, fermentrack
from custom_components.cellar_brewpi.profiles.points import Point, steps_from_points
from custom_components.cellar_brewpi.profiles.schedule import position

from .reference import RefPoint, to_export

D = timedelta(days=1)
H = timedelta(hours=1)
S = timedelta(seconds=1)


def convert_temp(value: float, point_unit: str, unit: str) -> float:
    """Fermentrack's `convert_temp`: F->C (t-32)*5/9, C->F t*9/5+32."""
    if point_unit == unit:
        return value
    if point_unit == "F":
        return (value - 32) * 5 / 9
    return value * 9 / 5 + 32


def profile_temp(points: list[RefPoint], now: timedelta, unit: str) -> float:
    """Fermentrack's `profile_temp`, `now` counted from the profile's start."""
    past_first_point = False
    previous_setpoint = 0.0
    previous_ttl = 0.0
    for ttl, value, point_unit in sorted(points, key=lambda point: point[0]):
        temp = convert_temp(value, point_unit, unit)
        if not past_first_point:
            if now < ttl:
                return temp  # the initial hold, unrounded
            past_first_point = True
        elif now < ttl:
            if temp == previous_setpoint:
                return previous_setpoint
            duration = ttl.total_seconds() - previous_ttl
            slope = (temp - previous_setpoint) / duration
            into = now.total_seconds() - previous_ttl
            return round(into * slope + previous_setpoint, 1)
        previous_setpoint = temp
        previous_ttl = ttl.total_seconds()
    return previous_setpoint


def library_points(points: list[RefPoint]) -> list[Point]:
    return [(ttl, Temperature(value, Unit(unit))) for ttl, value, unit in points]


def via_points(points: list[RefPoint]) -> Profile:
    return Profile("oracle", steps_from_points(library_points(points))).validate()


def via_table(points: list[RefPoint]) -> Profile:
    return fermentrack.read(to_export("oracle", points))


ALE = [(3 * D, 18.0, "C"), (5 * D, 21.0, "C"), (7 * D, 21.0, "C"), (7 * D + 12 * H, 2.0, "C")]
FROM_ZERO = [(0 * D, 18.0, "C"), (2 * D, 21.0, "C")]
DOWN = [(1 * D, 20.0, "C"), (3 * D, 4.0, "C"), (4 * D, 4.5, "C")]
JUMP = [(1 * D, 18.0, "C"), (3 * D, 22.0, "C"), (3 * D, 12.0, "C"), (5 * D, 12.0, "C")]
JUMP_FIRST = [(2 * D, 18.0, "C"), (2 * D, 10.0, "C"), (4 * D, 10.0, "C")]
MIXED = [(1 * D, 64.4, "F"), (3 * D, 20.0, "C"), (5 * D, 68.0, "F"), (6 * D, 35.0, "F")]
ROUNDING = [(0 * D, 7.0, "C"), (2 * D, 23.0, "C"), (2 * D + 12 * H, 5.0, "C")]
ROUNDING_F = [(0 * D, 11.5, "C"), (12 * H, 5.0, "C"), (14 * H, 41.0, "F")]
SINGLE = [(2 * D, 18.5, "C")]

CASES: list[tuple[str, list[RefPoint], timedelta]] = [
    ("initial hold at the start", ALE, 0 * D),
    ("initial hold", ALE, 1 * D),
    ("initial hold one second before its ttl", ALE, 3 * D - S),
    ("first point's ttl exactly", ALE, 3 * D),
    ("ramp up", ALE, 3 * D + H),
    ("ramp up, odd time", ALE, 4 * D + 7 * H + 13 * 60 * S),
    ("ramp's end exactly", ALE, 5 * D),
    ("equal temperatures: a hold", ALE, 6 * D),
    ("crash", ALE, 7 * D + 5 * H),
    ("last point exactly", ALE, 7 * D + 12 * H),
    ("after the end", ALE, 30 * D),
    ("ttl 0 first point, at 0", FROM_ZERO, 0 * D),
    ("ttl 0 first point, ramp", FROM_ZERO, 12 * H),
    ("ttl 0 first point, end", FROM_ZERO, 2 * D),
    ("ramp down", DOWN, 1 * D + 5 * H),
    ("ramp down, last second", DOWN, 3 * D - S),
    ("ramp up after a ramp down", DOWN, 3 * D + 7 * H),
    ("before a jump", JUMP, 3 * D - S),
    ("at a jump", JUMP, 3 * D),
    ("after a jump", JUMP, 4 * D),
    ("jump at the first point, before", JUMP_FIRST, 2 * D - S),
    ("jump at the first point", JUMP_FIRST, 2 * D),
    ("jump at the first point, after", JUMP_FIRST, 3 * D),
    ("mixed units, initial hold", MIXED, 0 * D),
    ("mixed units, ramp", MIXED, 2 * D + 3 * H),
    ("mixed units, converted equal: a hold", MIXED, 4 * D),
    ("mixed units, ramp down in F", MIXED, 5 * D + 7 * H),
    ("mixed units, after the end", MIXED, 9 * D),
    ("rounding at a half way point", ROUNDING, 108540 * S),
    ("rounding, ramp down", ROUNDING, 2 * D + 5 * H + 17 * S),
    ("rounding at a half way point, down", ROUNDING_F, 38880 * S),
    ("rounding, across units", ROUNDING_F, 13 * H + 1234 * S),
    ("a single point, before", SINGLE, 0 * D),
    ("a single point, at", SINGLE, 2 * D),
    ("a single point, after", SINGLE, 5 * D),
]


@pytest.mark.parametrize("build", [via_points, via_table], ids=["points", "table"])
@pytest.mark.parametrize("unit", ["C", "F"])
@pytest.mark.parametrize(("points", "elapsed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_target_is_fermentracks(
    build: object, unit: str, points: list[RefPoint], elapsed: timedelta
) -> None:
    profile = build(points)  # type: ignore[operator]
    assert position(profile, elapsed, Unit(unit)).target == profile_temp(points, elapsed, unit)


def test_half_way_rounding_is_fermentracks() -> None:
    """7 -> 23 °C over 2 days at 108540 s: slope first (Fermentrack) gives 17.0, not 17.1."""
    assert profile_temp(ROUNDING, 108540 * S, "C") == 17.0
    assert position(via_points(ROUNDING), 108540 * S, Unit.CELSIUS).target == 17.0


@st.composite
def ref_points(draw: st.DrawFn) -> list[RefPoint]:
    times = sorted(draw(st.lists(st.integers(0, 10 * 86400), min_size=1, max_size=7)))
    return [
        (
            timedelta(seconds=seconds),
            draw(st.integers(-2000, 8000)) / 100,
            draw(st.sampled_from(["C", "F"])),
        )
        for seconds in times
    ]


@given(points=ref_points(), data=st.data(), unit=st.sampled_from(["C", "F"]))
def test_random_points_match_fermentrack(
    points: list[RefPoint], data: st.DataObject, unit: str
) -> None:
    """On random points (jumps included), at random times and at every ttl and a second around."""
    last = points[-1][0].total_seconds()
    near = [ttl.total_seconds() + d for ttl, _, _ in points for d in (-1, 0, 1)]
    seconds = data.draw(
        st.one_of(
            st.integers(0, int(last) + 2 * 86400), st.sampled_from(near).filter(lambda s: s >= 0)
        )
    )
    elapsed = timedelta(seconds=seconds)
    profile = via_points(points)
    assert position(profile, elapsed, Unit(unit)).target == profile_temp(points, elapsed, unit)
