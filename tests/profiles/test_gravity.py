"""Gravity readings: the window kept, attenuation, and whether conditions are met."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.cellar_brewpi.profiles import Gravity, GravityHistory, Reading

H = timedelta(hours=1)
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_empty_history() -> None:
    history = GravityHistory(1.050)
    assert history.latest is None
    assert history.attenuation() is None
    assert not history.met(Gravity(at_most=1.100), T0)


def test_no_condition_is_never_met() -> None:
    history = GravityHistory()
    history.add(Reading(T0, 1.000))
    assert not history.met(Gravity(), T0)
    assert not history.met(Gravity(stable_hours=24), T0)  # hours alone are no condition


def test_an_older_reading_than_the_newest_is_ignored() -> None:
    history = GravityHistory()
    history.add(Reading(T0, 1.020))
    history.add(Reading(T0 - H, 1.000))
    assert history.latest == Reading(T0, 1.020)


def test_at_most_includes_the_value() -> None:
    history = GravityHistory()
    history.add(Reading(T0, 1.012))
    assert history.met(Gravity(at_most=1.012), T0)
    assert not history.met(Gravity(at_most=1.011), T0)


def test_attenuation() -> None:
    history = GravityHistory(1.060)
    history.add(Reading(T0, 1.015))
    assert history.attenuation() == (1.060 - 1.015) / (1.060 - 1) * 100
    assert history.met(Gravity(attenuation=75), T0)
    assert not history.met(Gravity(attenuation=76), T0)
    assert GravityHistory(1.0).attenuation() is None  # no original gravity to attenuate


def test_readings_older_than_kept_are_forgotten() -> None:
    """A 90 h window needs a reading 90 h back; one of 97 h ago is no longer kept."""
    history = GravityHistory()
    history.add(Reading(T0, 1.010))
    history.add(Reading(T0 + 50 * H, 1.010))
    stable = Gravity(stable_points=1, stable_hours=90)
    assert history.met(stable, T0 + 90 * H)
    history.add(Reading(T0 + 97 * H, 1.010))
    assert not history.met(stable, T0 + 97 * H)


def test_stable_within_the_points() -> None:
    history = GravityHistory()
    for hour in range(49):
        history.add(Reading(T0 + hour * H, 1.010 + (hour % 2) * 0.001))
    assert history.met(Gravity(stable_points=1, stable_hours=48), T0 + 48 * H)
    assert not history.met(Gravity(stable_points=0.5, stable_hours=48), T0 + 48 * H)
