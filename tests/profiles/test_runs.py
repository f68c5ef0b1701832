"""Runs: started part-way, a clock that stands still while paused, next step, stored and back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.cellar_brewpi.profiles import ProfileError, Reading, Run, Unit, text

D = timedelta(days=1)
H = timedelta(hours=1)
C = Unit.CELSIUS
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ALE = text.read(
    "Ale", "hold 18 C for 3d\nramp to 21 C over 2d\nhold 21 C for 2d or gravity 1.012\nhold 2 C"
)


def test_a_run_starts_at_the_start() -> None:
    run = Run.start(ALE, T0)
    assert run.started_at == T0
    assert run.ended == ()
    assert run.clock(T0 + 5 * H) == 5 * H
    where = run.position(T0 + 5 * H, C)
    assert where.step == 0
    assert where.target == 18


def test_start_part_way() -> None:
    run = Run.start(ALE, T0, step=1, elapsed=16 * H)
    assert run.started_at == T0 - 3 * D - 16 * H
    assert run.ended == (3 * D,)
    where = run.position(T0, C)
    assert where.step == 1
    assert where.step_started == 3 * D
    assert where.target == 19  # 16 h of a 48 h ramp from 18 to 21
    later = Run.start(ALE, T0, step=3)
    assert later.ended == (3 * D, 5 * D, 7 * D)
    assert later.position(T0 + 100 * D, C).step == 3


@pytest.mark.parametrize("step", [-1, 4])
def test_start_at_a_step_that_is_not_there(step: int) -> None:
    with pytest.raises(ProfileError, match="has no step"):
        Run.start(ALE, T0, step=step)


def test_the_clock_stands_still_while_paused() -> None:
    run = Run.start(ALE, T0)
    paused = run.pause(T0 + 1 * D, "fridge door open")
    assert paused.paused
    assert not run.paused
    assert paused.pause_reason == "fridge door open"
    assert paused.clock(T0 + 1 * D) == 1 * D
    assert paused.clock(T0 + 4 * D) == 1 * D
    assert paused.position(T0 + 4 * D, C).step == 0  # not yet at the ramp
    resumed = paused.resume(T0 + 4 * D)
    assert not resumed.paused
    assert resumed.pause_reason is None
    assert resumed.paused_for == 3 * D
    assert resumed.clock(T0 + 5 * D) == 2 * D
    again = resumed.pause(T0 + 6 * D).resume(T0 + 6 * D + 2 * H)
    assert again.paused_for == 3 * D + 2 * H
    assert again.clock(T0 + 7 * D) == 7 * D - 3 * D - 2 * H


def test_pausing_twice_keeps_the_first_pause() -> None:
    paused = Run.start(ALE, T0).pause(T0 + H, "first")
    twice = paused.pause(T0 + 2 * H, "second")
    assert twice.paused_at == T0 + H
    assert twice.pause_reason == "second"
    assert paused.pause(T0 + 3 * H).pause_reason == "first"


def test_resume_when_running_is_the_run_itself() -> None:
    run = Run.start(ALE, T0)
    assert run.resume(T0 + H) is run


def test_the_clock_does_not_run_before_the_start() -> None:
    assert Run.start(ALE, T0).clock(T0 - H) == timedelta(0)


def test_wall_time() -> None:
    run = Run.start(ALE, T0, step=1)
    assert run.wall_time(5 * D, T0) == T0 + 2 * D  # the ramp ends two days on
    paused = run.pause(T0 + H)
    assert paused.wall_time(5 * D, T0 + 10 * H) == T0 + 10 * H + 2 * D - H


def test_next_step() -> None:
    run = Run.start(ALE, T0)
    moved = run.next_step(T0 + 5 * H, C)
    assert moved.ended == (5 * H,)
    where = moved.position(T0 + 5 * H, C)
    assert where.step == 1
    assert where.target == 18
    assert moved.position(T0 + 29 * H, C).target == 19.5
    last = Run.start(ALE, T0, step=3).next_step(T0 + H, C)
    assert last.position(T0 + H, C).finished
    assert last.next_step(T0 + 2 * H, C) == last  # nothing after the end


def test_remember() -> None:
    run = Run.start(ALE, T0)
    here = run.position(T0 + H, C)
    assert run.remember(here) is run
    later = run.position(T0 + 4 * D, C)
    assert run.remember(later).ended == (3 * D,)


def test_a_gravity_end_is_remembered_and_honoured() -> None:
    run = Run.start(ALE, T0, step=2)
    run.history.add(Reading(T0 + H, 1.011))
    where = run.position(T0 + H, C)
    assert where.step == 3
    remembered = run.remember(where)
    assert remembered.ended == (3 * D, 5 * D, 5 * D + H)
    stored = Run.from_dict(remembered.to_dict())  # no readings after a restart
    assert stored.position(T0 + 2 * H, C).step == 3


def test_to_dict_from_dict() -> None:
    run = (
        Run.start(ALE, T0, step=1, elapsed=H, original_gravity=1.052, gravity_source="sensor.tilt")
        .pause(T0 + 2 * H, "cleaning")
        .resume(T0 + 3 * H)
        .pause(T0 + 4 * H, "again")
    )
    data = run.to_dict()
    assert json.loads(json.dumps(data)) == data
    back = Run.from_dict(data)
    assert back == run
    assert back.history.original_gravity == 1.052
    assert back.position(T0 + 10 * H, C) == run.position(T0 + 10 * H, C)
    plain = Run.start(ALE, T0)
    assert Run.from_dict(plain.to_dict()) == plain
    minimal = {"profile": data["profile"], "started_at": T0.isoformat()}
    assert Run.from_dict(minimal) == Run(ALE, T0)
