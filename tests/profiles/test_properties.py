"""Properties of the schedule and the formats over random valid profiles (hypothesis)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from custom_components.cellar_brewpi.profiles import (
    Combine,
    Gravity,
    Hold,
    Profile,
    Ramp,
    Temperature,
    Unit,
    fermentrack,
    plain,
    position,
    text,
)
from custom_components.cellar_brewpi.profiles.models import Step

ROUNDING = 0.05  # a ramp's target is rounded to 0.1 degree
EPSILON = 1e-9

temperatures = st.builds(
    Temperature, st.integers(-200, 1000).map(lambda tenths: tenths / 10), st.sampled_from(Unit)
)
durations = st.integers(0, 10 * 86400).map(lambda seconds: timedelta(seconds=seconds))
units = st.sampled_from(Unit)


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    """Holds and ramps (no control off), in C and F; the last hold sometimes held for good."""
    steps: list[Step] = [Hold(draw(temperatures), draw(durations))]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from([Hold, Ramp]))
        steps.append(kind(draw(temperatures), draw(durations)))
    last = steps[-1]
    if isinstance(last, Hold) and draw(st.booleans()):
        steps[-1] = Hold(last.temperature, None)
    return Profile("random", tuple(steps)).validate()


def span(profile: Profile) -> int:
    return int(profile.planned_duration().total_seconds()) + 86400


def times(profile: Profile, data: st.DataObject, count: int) -> list[timedelta]:
    """Random times, and the step boundaries and a second either side of them."""
    ends, total = [], 0
    for step in profile.steps:
        total += int((step.duration or timedelta(0)).total_seconds())
        ends += [total - 1, total, total + 1]
    anywhere = st.integers(0, span(profile))
    seconds = data.draw(
        st.lists(
            st.one_of(anywhere, st.sampled_from(ends).filter(lambda s: s >= 0)), min_size=count
        )
    )
    return sorted(timedelta(seconds=s) for s in seconds)


def slope(profile: Profile, index: int, unit: Unit) -> float:
    """Degrees a second of the step at `index` (zero for a hold)."""
    step = profile.steps[index]
    if isinstance(step, Hold) or not step.duration:
        return 0.0
    start = profile.start_temperature(index)
    assert start is not None
    return (step.temperature.to(unit) - start.to(unit)) / step.duration.total_seconds()


def index_of(profile: Profile, elapsed: timedelta, unit: Unit) -> int:
    where = position(profile, elapsed, unit)
    return len(profile.steps) if where.step is None else where.step


@given(profile=profiles(), data=st.data(), unit=units)
def test_the_target_stays_within_the_profiles_temperatures(
    profile: Profile, data: st.DataObject, unit: Unit
) -> None:
    low, high = min(profile.temperatures(unit)), max(profile.temperatures(unit))
    for elapsed in times(profile, data, 5):
        target = position(profile, elapsed, unit).target
        assert target is not None
        assert low - ROUNDING - EPSILON <= target <= high + ROUNDING + EPSILON


@given(profile=profiles(), data=st.data(), unit=units)
def test_within_a_step_the_target_moves_no_faster_than_its_slope(
    profile: Profile, data: st.DataObject, unit: Unit
) -> None:
    """So it only jumps (by more than slope * dt + 0.1) where a step ends."""
    for t1, t2 in zip(*[iter(times(profile, data, 6))] * 2, strict=False):
        p1, p2 = position(profile, t1, unit), position(profile, t2, unit)
        assert p1.target is not None
        assert p2.target is not None
        change = abs(p2.target - p1.target)
        if p1.step is None and p2.step is None:
            assert change == 0
        elif p1.step == p2.step:
            bound = abs(slope(profile, p1.step, unit)) * (t2 - t1).total_seconds()
            assert change <= bound + 2 * ROUNDING + EPSILON
        else:
            assert p1.step is not None
            assert p2.step is None or p2.step > p1.step
            ends = [end for end in p2.ended if t1 < end <= t2]
            assert ends  # a step ended between the two


@given(profile=profiles(), unit=units)
def test_a_ramp_starts_where_the_step_before_it_ended(profile: Profile, unit: Unit) -> None:
    started = timedelta(0)
    for index, step in enumerate(profile.steps):
        duration = step.duration or timedelta(0)
        if index and isinstance(step, Ramp) and duration > timedelta(seconds=1):
            start = position(profile, started, unit)
            assert start.step == index
            before = profile.steps[index - 1].temperature
            assert before is not None
            assert start.target is not None
            assert abs(start.target - before.to(unit)) <= ROUNDING + EPSILON
        started += duration


@given(profile=profiles(), data=st.data(), unit=units)
def test_the_step_only_moves_on(profile: Profile, data: st.DataObject, unit: Unit) -> None:
    seen = [
        (index_of(profile, elapsed, unit), position(profile, elapsed, unit).step_started)
        for elapsed in times(profile, data, 8)
    ]
    assert seen == sorted(seen)


@given(profile=profiles(), data=st.data(), unit=units)
def test_a_position_is_consistent(profile: Profile, data: st.DataObject, unit: Unit) -> None:
    for elapsed in times(profile, data, 4):
        where = position(profile, elapsed, unit)
        assert where.step_started <= elapsed
        assert where.step_ends is None or elapsed < where.step_ends
        assert 0 <= where.progress <= 1
        assert where.finished == (where.step is None)
        assert len(where.ended) == index_of(profile, elapsed, unit)


# the formats, over random profiles

gravities = st.builds(
    Gravity,
    st.one_of(st.none(), st.integers(990, 1100).map(lambda p: p / 1000)),
    st.one_of(st.none(), st.integers(1, 100).map(float)),
    st.one_of(st.none(), st.integers(1, 4).map(float)),
)


@st.composite
def rich_profiles(draw: st.DrawFn) -> Profile:
    """Profiles with gravity conditions and control off too."""
    steps: list[Step] = [Hold(draw(temperatures), draw(durations))]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["hold", "ramp", "off", "gravity"]))
        previous_off = steps[-1].temperature is None
        if kind == "ramp" and not previous_off:
            steps.append(Ramp(draw(temperatures), draw(durations)))
        elif kind == "off":
            steps.append(Hold(None, draw(durations)))
        elif kind == "gravity":
            gravity = draw(gravities)
            if gravity.stable_points is not None:
                gravity = Gravity(gravity.at_most, gravity.attenuation, gravity.stable_points, 24)
            combine = draw(st.sampled_from(Combine)) if gravity else Combine.EITHER
            steps.append(Hold(draw(temperatures), draw(durations), gravity, combine))
        else:
            steps.append(Hold(draw(temperatures), draw(durations)))
    return Profile(draw(st.sampled_from(["Ale", "Lager 2", "Crash -> cold"])), tuple(steps))


@given(profile=rich_profiles())
def test_plain_and_text_round_trips(profile: Profile) -> None:
    profile.validate()
    assert plain.read(plain.write_yaml(profile)) == profile
    assert plain.read(plain.write_json(profile)) == profile
    assert text.read(profile.name, text.write(profile)) == profile


@given(profile=profiles())
def test_fermentrack_write_read_write(profile: Profile) -> None:
    written = fermentrack.write(profile)
    assert fermentrack.write(fermentrack.read(written)) == written
