"""Position on a run's clock: every step type and gravity condition, and remembered step ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.cellar_brewpi.profiles import (
    Combine,
    Gravity,
    GravityHistory,
    Hold,
    Profile,
    Ramp,
    Reading,
    Run,
    Temperature,
    Unit,
    position,
)
from custom_components.cellar_brewpi.profiles.models import Step

C, F = Unit.CELSIUS, Unit.FAHRENHEIT
D = timedelta(days=1)
H = timedelta(hours=1)
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def c(value: float) -> Temperature:
    return Temperature(value, C)


def profile(*steps: Step) -> Profile:
    return Profile("test", steps).validate()


ALE = profile(Hold(c(18), 3 * D), Ramp(c(21), 2 * D), Hold(c(21), 2 * D), Ramp(c(2), 12 * H))


def test_hold_gives_its_temperature_in_the_unit_asked() -> None:
    where = position(ALE, 1 * D, F)
    assert where.step == 0
    assert where.target == 18 * 9 / 5 + 32
    assert where.step_started == timedelta(0)
    assert where.step_ends == 3 * D
    assert where.ended == ()
    assert where.progress == 1 / 7.5
    assert not where.finished


def test_ramp_moves_linearly_from_where_the_hold_ended() -> None:
    where = position(ALE, 4 * D, C)
    assert where.step == 1
    assert where.target == 19.5  # half way from 18 to 21
    assert where.step_started == 3 * D
    assert where.step_ends == 5 * D
    assert where.ended == (3 * D,)
    assert where.progress == 4 / 7.5


def test_ramp_down_and_rounding_to_a_tenth() -> None:
    where = position(ALE, 7 * D + 4 * H, C)
    assert where.step == 3
    assert where.target == round(21 + (2 - 21) * 4 / 12, 1)  # 14.666... -> 14.7


def test_finished_after_the_last_step_holds_its_temperature() -> None:
    where = position(ALE, 30 * D, C)
    assert where.step is None
    assert where.finished
    assert where.target == 2
    assert where.step_started == 7 * D + 12 * H
    assert where.step_ends is None
    assert where.ended == (3 * D, 5 * D, 7 * D, 7 * D + 12 * H)
    assert where.progress == 1.0


def test_off_is_no_target() -> None:
    p = profile(Hold(c(18), 1 * D), Hold(None, 1 * D), Hold(c(20), 1 * D))
    assert position(p, 1 * D + H, C).target is None
    assert position(p, 1 * D + H, C).step == 1
    assert position(p, 2 * D, C).target == 20


def test_off_as_the_last_step_stays_off_when_finished() -> None:
    p = profile(Hold(c(18), 1 * D), Hold(None, 1 * D))
    where = position(p, 5 * D, C)
    assert where.finished
    assert where.target is None


def test_last_step_without_duration_never_finishes() -> None:
    p = profile(Hold(c(18), 2 * D), Hold(c(4), None))
    where = position(p, 10_000 * D, C)
    assert where.step == 1
    assert not where.finished
    assert where.step_ends is None
    assert where.target == 4
    assert where.progress == 1.0  # every planned duration has run


def test_a_profile_with_no_planned_time_has_no_progress() -> None:
    where = position(profile(Hold(c(18), None)), 5 * D, C)
    assert where.progress == 0.0
    assert where.target == 18


def test_zero_ramp_is_a_jump() -> None:
    p = profile(Hold(c(18), 1 * D), Ramp(c(10), timedelta(0)), Hold(c(10), 1 * D))
    assert position(p, 1 * D - timedelta(seconds=1), C).target == 18
    where = position(p, 1 * D, C)
    assert where.step == 2
    assert where.target == 10
    assert where.ended == (1 * D, 1 * D)


def test_a_zero_ramp_not_yet_ended_is_at_its_temperature() -> None:
    """With its start remembered ahead of the clock, a zero ramp still gives its temperature."""
    p = profile(Hold(c(18), 1 * D), Ramp(c(10), timedelta(0)), Hold(c(10), 1 * D))
    where = position(p, 1 * D, C, ended=(2 * D,))
    assert where.step == 1
    assert where.target == 10


def test_a_ramp_to_the_same_temperature_in_another_unit_is_a_hold() -> None:
    p = profile(Hold(c(10), 1 * D), Ramp(Temperature(50, F), 1 * D))
    assert position(p, 1 * D + 5 * H, C).target == 10
    assert position(p, 1 * D + 5 * H, F).target == 50


# gravity conditions


def met_when(*conditions: Gravity) -> object:
    return lambda gravity: gravity in conditions


AT_MOST = Gravity(at_most=1.012)


def gravity_profile(combine: Combine) -> Profile:
    return profile(Hold(c(18), 7 * D, AT_MOST, combine), Ramp(c(21), 2 * D), Hold(c(21), 1 * D))


def test_or_gravity_ends_the_hold_early() -> None:
    p = gravity_profile(Combine.EITHER)
    where = position(p, 3 * D, C, gravity_met=met_when(AT_MOST))
    assert where.step == 1
    assert where.ended == (3 * D,)
    assert where.step_started == 3 * D
    assert where.step_ends == 5 * D
    assert where.target == 18


def test_or_without_gravity_ends_by_its_duration() -> None:
    p = gravity_profile(Combine.EITHER)
    assert position(p, 3 * D, C).step == 0
    assert position(p, 3 * D, C).step_ends == 7 * D
    assert position(p, 7 * D, C).step == 1
    assert position(p, 7 * D, C).ended == (7 * D,)


def test_remembered_end_shifts_the_schedule() -> None:
    """Once gravity ended the hold at 3 d, the ramp runs from 3 d whatever gravity says later."""
    p = gravity_profile(Combine.EITHER)
    where = position(p, 4 * D, C, ended=(3 * D,))
    assert where.step == 1
    assert where.step_started == 3 * D
    assert where.target == 19.5
    assert position(p, 4 * D, C).step == 0  # not remembered: still holding
    later = position(p, 5 * D + 12 * H, C, ended=(3 * D,))
    assert later.step == 2
    assert later.step_started == 5 * D
    assert later.step_ends == 6 * D
    assert later.ended == (3 * D, 5 * D)
    assert position(p, 30 * D, C, ended=(3 * D,)).finished


def test_and_needs_the_duration_and_the_gravity() -> None:
    p = gravity_profile(Combine.BOTH)
    early = position(p, 3 * D, C, gravity_met=met_when(AT_MOST))
    assert early.step == 0
    assert early.step_ends == 7 * D
    late = position(p, 8 * D, C)
    assert late.step == 0
    assert late.step_ends is None  # not known until the gravity is there
    assert late.progress == 7 / 10  # capped at the planned duration
    done = position(p, 8 * D, C, gravity_met=met_when(AT_MOST))
    assert done.step == 1
    assert done.ended == (8 * D,)
    assert done.target == 18
    assert position(p, 9 * D, C, ended=(8 * D,)).target == 19.5


def test_conditions_of_later_steps_are_checked_once_they_run() -> None:
    second = Gravity(at_most=1.010)
    p = profile(Hold(c(18), 2 * D, AT_MOST), Hold(c(19), 5 * D, second), Hold(c(4), None))
    where = position(p, 1 * D, C, gravity_met=met_when(second))
    assert where.step == 0  # the second step's gravity says nothing about the first
    both = position(p, 1 * D, C, gravity_met=met_when(AT_MOST, second))
    assert both.step == 2
    assert both.ended == (1 * D, 1 * D)


# with real readings, through a run


def readings(history: GravityHistory, start: datetime, hours: int, sg: object) -> None:
    for hour in range(hours + 1):
        history.add(Reading(start + hour * H, sg(hour)))  # type: ignore[operator]


def test_at_most_with_readings() -> None:
    p = profile(Hold(c(18), 7 * D, AT_MOST), Hold(c(4), None))
    run = Run.start(p, T0)
    assert run.position(T0 + 2 * D, C).step == 0  # no reading yet
    run.history.add(Reading(T0 + 2 * D, 1.013))
    assert run.position(T0 + 2 * D, C).step == 0
    run.history.add(Reading(T0 + 3 * D, 1.012))
    where = run.position(T0 + 3 * D, C)
    assert where.step == 1
    assert where.ended == (3 * D,)


def test_attenuation_needs_the_original_gravity() -> None:
    condition = Gravity(attenuation=75)
    p = profile(Hold(c(18), 7 * D, condition), Hold(c(4), None))
    without = Run.start(p, T0)
    without.history.add(Reading(T0 + 3 * D, 1.010))
    assert without.position(T0 + 3 * D, C).step == 0
    run = Run.start(p, T0, original_gravity=1.048)
    run.history.add(Reading(T0 + 3 * D, 1.013))  # (48 - 13) / 48 = 72.9 %
    assert run.position(T0 + 3 * D, C).step == 0
    run.history.add(Reading(T0 + 4 * D, 1.012))  # 75 %
    assert run.position(T0 + 4 * D, C).step == 1
    assert run.history.attenuation() == pytest.approx(75)


def test_stable_needs_readings_over_the_whole_window() -> None:
    condition = Gravity(stable_points=1, stable_hours=48)
    p = profile(Hold(c(18), 14 * D, condition), Hold(c(4), None))
    run = Run.start(p, T0)
    start = T0 + 2 * D
    readings(run.history, start, 47, lambda _: 1.010)
    assert run.position(start + 47 * H, C).step == 0  # 47 h of readings: not yet covered
    readings(run.history, start + 48 * H, 0, lambda _: 1.0105)
    where = run.position(start + 48 * H, C)
    assert where.step == 1
    assert where.ended == (4 * D,)


def test_stable_is_not_met_while_the_gravity_moves() -> None:
    condition = Gravity(stable_points=1, stable_hours=24)
    run = Run.start(profile(Hold(c(18), 14 * D, condition), Hold(c(4), None)), T0)
    readings(run.history, T0, 72, lambda hour: 1.040 - hour * 0.0002)  # 4.8 points a day
    assert run.position(T0 + 72 * H, C).step == 0


def test_all_conditions_must_hold() -> None:
    condition = Gravity(at_most=1.015, stable_points=1, stable_hours=24)
    run = Run.start(profile(Hold(c(18), 14 * D, condition), Hold(c(4), None)), T0)
    readings(run.history, T0, 30, lambda _: 1.020)  # stable, but not low enough
    assert run.position(T0 + 30 * H, C).step == 0
    readings(run.history, T0 + 31 * H, 30, lambda _: 1.014)  # low, stable after 24 h
    assert run.position(T0 + 31 * H, C).step == 0
    assert run.position(T0 + 61 * H, C).step == 1
