"""Each rule's state and reason, fed samples a minute apart; their state through a restart."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.cellar_brewpi.alarms import (
    RULES,
    Action,
    AlarmSettings,
    CoolingFailure,
    OffTarget,
    ProbeLost,
    Rule,
    Sample,
    WrongDirection,
)

START = datetime(2025, 3, 1, tzinfo=UTC)
SETTINGS = AlarmSettings(settle_hours=0)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def feed(rule: Rule, samples: Iterable[Sample]) -> list[bool]:
    """The rule's state after each sample."""
    states = []
    for sample in samples:
        rule.update(sample)
        states.append(rule.on)
    return states


def series(
    minutes: range,
    temperature: Callable[[int], float | None],
    target: float | None = 18.0,
    action: Action | None = Action.COOLING,
    **extra: object,
) -> list[Sample]:
    return [
        Sample(
            at=at(m),
            temperature=temperature(m),
            target=target,
            action=action,
            **extra,  # type: ignore[arg-type]
        )
        for m in minutes
    ]


# --- wrong direction -----------------------------------------------------------------------------


def test_wrong_direction_rising_while_cooling_above_target() -> None:
    rule = WrongDirection(SETTINGS)
    states = feed(rule, series(range(90), lambda m: 20.0 + 0.01 * m))  # 0.6 °/h
    assert not any(states[:44])  # not before 3/4 of the window has readings
    assert states[-1]
    assert rule.attributes["slope"] == pytest.approx(0.6, abs=0.01)
    assert rule.attributes["action"] == "cooling"
    assert rule.attributes["window_minutes"] == 60
    assert rule.attributes["temperature"] == pytest.approx(20.9)
    assert rule.attributes["target"] == 18.0
    assert rule.attributes["since"] == at(states.index(True))


def test_wrong_direction_falling_while_heating_below_target() -> None:
    rule = WrongDirection(SETTINGS)
    feed(rule, series(range(90), lambda m: 16.0 - 0.01 * m, action=Action.HEATING))
    assert rule.on
    assert rule.attributes["slope"] < 0
    assert rule.attributes["action"] == "heating"


@pytest.mark.parametrize(
    ("temperature", "action", "why"),
    [
        (lambda m: 20.0 - 0.01 * m, Action.COOLING, "falling while cooling: right way"),
        (lambda m: 18.2 + 0.005 * m, Action.COOLING, "rising but within the margin"),
        (lambda m: 14.0 + 0.01 * m, Action.COOLING, "rising toward the target from below"),
        (lambda m: 20.0 + 0.01 * m, Action.IDLE, "rising while idle"),
        (lambda m: 20.0 + 0.001 * m, Action.COOLING, "rising slower than the slope"),
    ],
)
def test_wrong_direction_quiet(
    temperature: Callable[[int], float], action: Action, why: str
) -> None:
    rule = WrongDirection(SETTINGS)
    assert not any(feed(rule, series(range(120), temperature, action=action))), why


def test_wrong_direction_needs_the_action_for_most_of_the_window() -> None:
    rule = WrongDirection(SETTINGS)
    samples = [
        Sample(at=at(m), temperature=20 + 0.01 * m, target=18.0, action=a)
        for m in range(120)
        for a in [Action.COOLING if m % 2 else Action.IDLE]
    ]
    assert not any(feed(rule, samples))


def test_wrong_direction_ignores_glitches() -> None:
    """Two-sample slopes would swing with each glitch; the median does not."""
    rule = WrongDirection(SETTINGS)

    def temperature(m: int) -> float:
        return 21.0 + (5.0 if m % 10 == 0 else 0.0) - 0.002 * m

    assert not any(feed(rule, series(range(120), temperature)))


def test_wrong_direction_clears_when_cooling_bites_and_off_target() -> None:
    rule = WrongDirection(SETTINGS)
    feed(rule, series(range(90), lambda m: 20.0 + 0.01 * m))
    assert rule.on
    feed(rule, series(range(90, 200), lambda m: 20.9 - 0.02 * (m - 90)))
    assert not rule.on
    assert rule.attributes == {}
    feed(rule, series(range(200, 300), lambda m: 20.0 + 0.01 * m, target=None))
    assert not rule.on


def test_wrong_direction_bounds_its_history() -> None:
    rule = WrongDirection(SETTINGS)
    samples = [
        Sample(at=START + timedelta(seconds=5 * i), temperature=18.0, target=18.0)
        for i in range(5000)
    ]
    feed(rule, samples)
    assert len(rule.history) <= 121


# --- off target ----------------------------------------------------------------------------------


def test_off_target_after_its_minutes() -> None:
    rule = OffTarget(AlarmSettings(settle_hours=0, off_target_minutes=30))
    states = feed(rule, series(range(60), lambda m: 18.0 if m < 10 else 21.0))
    assert states.index(True) == 40
    assert rule.attributes["difference"] == 3.0
    assert rule.attributes["off_since"] == at(10)
    assert rule.attributes["since"] == at(40)
    feed(rule, series(range(60, 61), lambda _: 18.5))
    assert not rule.on


def test_off_target_a_reading_back_within_starts_the_count_over() -> None:
    rule = OffTarget(AlarmSettings(settle_hours=0, off_target_minutes=30))
    samples = series(range(100), lambda m: 18.0 if m % 25 == 0 else 21.0)
    assert not any(feed(rule, samples))


def test_off_target_quiet_while_settling_after_a_new_target() -> None:
    rule = OffTarget(AlarmSettings(settle_hours=2, off_target_minutes=10))
    feed(rule, series(range(60), lambda _: 18.0, target=18.0))
    # The target drops to 10: the beer has 2 hours to get there.
    states = feed(rule, series(range(60, 240), lambda _: 15.0, target=10.0))
    assert states.index(True) == 60 + 120 + 10 - 60
    feed(rule, series(range(240, 241), lambda _: 15.0, target=12.0))
    assert not rule.on
    assert rule.attributes["quiet"] == "settling"
    assert rule.attributes["settled_at"] == at(240 + 120)


def test_off_target_quiet_while_a_profile_ramps() -> None:
    rule = OffTarget(AlarmSettings(settle_hours=0, off_target_minutes=10))
    samples = series(range(60), lambda _: 15.0, target=20.0, ramping=True)
    assert not any(feed(rule, samples))
    assert rule.attributes == {"quiet": "ramping"}


def test_off_target_off_without_a_target() -> None:
    rule = OffTarget(AlarmSettings(settle_hours=0, off_target_minutes=10))
    feed(rule, series(range(30), lambda _: 25.0))
    assert rule.on
    feed(rule, series(range(30, 31), lambda _: 25.0, target=None))
    assert not rule.on


# --- cooling failure -----------------------------------------------------------------------------


def test_cooling_failure_when_cooling_does_not_bring_it_down() -> None:
    rule = CoolingFailure(AlarmSettings(cooling_minutes=60))
    states = feed(rule, series(range(120), lambda m: 20.0 + 0.001 * m))
    assert states.index(True) == 60
    assert rule.attributes["cooling_since"] == at(0)
    assert rule.attributes["minutes"] == 60
    assert rule.attributes["temperature_before"] == 20.1  # an hour before the last reading
    assert rule.attributes["temperature"] == 20.1


def test_cooling_failure_quiet_while_it_comes_down() -> None:
    rule = CoolingFailure(AlarmSettings(cooling_minutes=60, cooling_drop=0.3))
    assert not any(feed(rule, series(range(240), lambda m: 20.0 - 0.006 * m)))


def test_cooling_failure_uses_what_the_cooler_cools() -> None:
    """A chamber's air drops at once; its beer lags for hours."""
    rule = CoolingFailure(AlarmSettings(cooling_minutes=60))
    samples = series(range(120), lambda _: 20.0, cooled=None)
    assert any(feed(rule, samples))
    rule = CoolingFailure(AlarmSettings(cooling_minutes=60))
    samples = [
        Sample(at=at(m), temperature=20.0, target=18.0, action=Action.COOLING, cooled=15 - m / 10)
        for m in range(120)
    ]
    assert not any(feed(rule, samples))


def test_cooling_failure_a_break_starts_over_and_clears() -> None:
    rule = CoolingFailure(AlarmSettings(cooling_minutes=60))
    feed(rule, series(range(70), lambda _: 20.0))
    assert rule.on
    feed(rule, series(range(70, 71), lambda _: 20.0, action=Action.IDLE))
    assert not rule.on
    assert rule.cooling_since is None
    states = feed(rule, series(range(71, 140), lambda _: 20.0))
    assert states.index(True) == 60


def test_cooling_failure_keeps_its_state_without_a_valve_reading() -> None:
    rule = CoolingFailure(AlarmSettings(cooling_minutes=60))
    feed(rule, series(range(70), lambda _: 20.0))
    feed(rule, series(range(70, 80), lambda _: 20.0, action=None))
    assert rule.on


# --- probe lost ----------------------------------------------------------------------------------


def test_probe_lost_once_a_probe_that_read_reads_nothing() -> None:
    rule = ProbeLost(SETTINGS)

    def sample(m: int, beer: float | None, fridge: float | None, room: float | None) -> Sample:
        return Sample(at=at(m), temperature=beer, probes={"beer": beer, "fridge": fridge})

    feed(rule, [sample(0, 18.0, None, None)])  # no fridge probe ever: not lost
    assert not rule.on
    feed(rule, [sample(1, None, None, None)])
    assert rule.on
    assert rule.attributes["probes"] == ["beer"]
    assert rule.attributes["lost_since"] == at(1)
    feed(rule, [sample(2, 18.0, None, None)])
    assert not rule.on


# --- every rule ----------------------------------------------------------------------------------


def _failing_cooler(minutes: Iterable[int] = range(90)) -> list[Sample]:
    """Cooling all along, yet rising from above the target; the beer probe goes at minute 80."""
    return [
        Sample(
            at=at(m),
            temperature=20.0 + 0.02 * m,
            target=18.0,
            action=Action.COOLING,
            probes={"beer": None if m > 80 else 20.0},
        )
        for m in minutes
    ]


@pytest.mark.parametrize("rule_type", RULES)
def test_a_restart_neither_fires_nor_clears(rule_type: type[Rule]) -> None:
    """Stored as JSON and read back after a 5-minute stop, a rule goes on as if never stopped."""
    settings = AlarmSettings(settle_hours=0, off_target_minutes=30)
    kept = rule_type(settings)
    feed(kept, _failing_cooler())
    assert kept.on, rule_type.key
    restored = rule_type(settings)
    restored.restore(json.loads(json.dumps(kept.to_dict())))
    assert restored.on
    assert restored.attributes == kept.attributes
    after = _failing_cooler(range(95, 120))
    assert feed(restored, after) == feed(kept, after)
    assert restored.on, rule_type.key
    assert restored.attributes == kept.attributes


@pytest.mark.parametrize("rule_type", RULES)
def test_a_long_hole_keeps_the_state_until_judged_again(rule_type: type[Rule]) -> None:
    """Back after a day: the rule cannot tell at once, so it keeps what it said."""
    settings = AlarmSettings(settle_hours=0, off_target_minutes=30)
    rule = rule_type(settings)
    feed(rule, _failing_cooler())
    assert rule.on
    back = Sample(at=at(24 * 60), temperature=30.0, target=18.0, action=Action.COOLING)
    feed(rule, [back])
    assert rule.on, rule_type.key


@pytest.mark.parametrize("rule_type", RULES)
def test_unusable_stored_state_is_refused(rule_type: type[Rule]) -> None:
    rule = rule_type(SETTINGS)
    with pytest.raises((KeyError, TypeError, ValueError)):
        rule.restore({"on": True, "history": [["x", 1, None]], "seen": 5, "lost": 3})
    with pytest.raises((KeyError, TypeError, ValueError)):
        rule.restore({})


def test_settings_for_a_unit_and_options() -> None:
    assert AlarmSettings.for_unit("C").off_target_degrees == 2.0
    fahrenheit = AlarmSettings.for_unit("F", {"cooling_minutes": 30, "unknown": 1})
    assert fahrenheit.off_target_degrees == 3.5
    assert fahrenheit.cooling_minutes == 30.0
    assert "max_gap_minutes" not in fahrenheit.as_options()
    assert AlarmSettings.for_unit("F", fahrenheit.as_options()) == fahrenheit


def test_a_stored_number_that_is_not_finite_is_refused() -> None:
    rule = CoolingFailure(SETTINGS)
    stored = rule.to_dict() | {"cooling_since": 0.0, "history": [[0.0, float("nan")]]}
    with pytest.raises(ValueError, match="nan"):
        rule.restore(stored)


def test_cooling_failure_keeps_its_state_without_a_temperature() -> None:
    rule = CoolingFailure(AlarmSettings(cooling_minutes=60))
    feed(rule, series(range(70), lambda _: 20.0))
    feed(rule, series(range(70, 80), lambda _: None))
    assert rule.on
