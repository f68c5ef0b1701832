"""Durations, units, validation, steps in words, and telling the formats apart."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from custom_components.cellar_brewpi.profiles import (
    Combine,
    Gravity,
    Hold,
    Profile,
    ProfileError,
    Ramp,
    Temperature,
    Unit,
    convert,
    describe,
    describe_duration,
    fermentrack,
    format_duration,
    parse_duration,
    plain,
    read_any,
    remix,
    text,
)

D = timedelta(days=1)
H = timedelta(hours=1)
M = timedelta(minutes=1)
S = timedelta(seconds=1)
C, F = Unit.CELSIUS, Unit.FAHRENHEIT


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("3d4h", 3 * D + 4 * H),
        ("2w", 14 * D),
        ("1y", 365 * D),
        ("1.5d", 36 * H),
        ("45m", 45 * M),
        ("0s", timedelta(0)),
        (" 3d 4h ", 3 * D + 4 * H),
        ("1h30m15s", H + 30 * M + 15 * S),
        ("0.5s", timedelta(0)),  # whole seconds (rounded half to even)
        ("1.6s", 2 * S),
        ("1d1d", 2 * D),
    ],
)
def test_parse_duration(source: str, expected: timedelta) -> None:
    assert parse_duration(source) == expected


@pytest.mark.parametrize("source", ["", "3", "3x", "d3", "3 days", "-1d", "1d-2h", "1e3s"])
def test_parse_duration_refuses(source: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_duration(source, 7)
    assert caught.value.line == 7
    assert "is not a duration" in caught.value.reason


@pytest.mark.parametrize("source", ["99999999999y", "1" * 400 + "s"])
def test_parse_duration_refuses_what_no_duration_holds(source: str) -> None:
    with pytest.raises(ProfileError, match="too long a duration"):
        parse_duration(source)


@pytest.mark.parametrize(
    ("duration", "short", "words"),
    [
        (timedelta(0), "0s", "0 seconds"),
        (S, "1s", "1 second"),
        (3 * D, "3d", "3 days"),
        (D + 12 * H, "1d12h", "1 day 12 hours"),
        (45 * M, "45m", "45 minutes"),
        (D + H + M + S, "1d1h1m1s", "1 day 1 hour 1 minute 1 second"),
        (400 * D + 30 * S, "400d30s", "400 days 30 seconds"),
        (2 * H + 500 * timedelta(milliseconds=1), "2h", "2 hours"),
    ],
)
def test_format_and_describe_duration(duration: timedelta, short: str, words: str) -> None:
    assert format_duration(duration) == short
    assert describe_duration(duration) == words
    assert parse_duration(short) == timedelta(seconds=int(duration.total_seconds()))


def test_convert() -> None:
    assert convert(212, F, C) == 100
    assert convert(-40, C, F) == -40
    assert convert(18.3, C, C) == 18.3
    assert convert(convert(18.3, C, F), F, C) == pytest.approx(18.3)
    assert Temperature(68, F).to(C) == 20
    assert str(Temperature(18.0, C)) == "18 °C"
    assert str(Temperature(64.4, F)) == "64.4 °F"


def test_gravity_truth() -> None:
    assert not Gravity()
    assert not Gravity(stable_hours=48)
    assert Gravity(at_most=1.010)
    assert Gravity(attenuation=70)
    assert Gravity(stable_points=1, stable_hours=48)


def test_profile_helpers() -> None:
    profile = Profile(
        "p",
        (Hold(Temperature(18, C), 3 * D), Ramp(Temperature(68, F), 2 * D), Hold(None, None)),
    ).validate()
    assert profile.start_temperature(0) == Temperature(18, C)
    assert profile.start_temperature(1) == Temperature(18, C)
    assert profile.start_temperature(2) is None
    assert profile.temperatures(C) == [18, 20]
    assert profile.planned_duration() == 5 * D


@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        ((), "a profile needs at least one step"),
        ((Hold(Temperature(18, C), -S),), "step 1: the duration must be 0 to 10 years"),
        ((Hold(Temperature(18, C), 3651 * D),), "step 1: the duration must be 0 to 10 years"),
        ((Hold(Temperature(float("nan"), C), D),), "step 1: the temperature is not a number"),
        (
            (Hold(Temperature(18, C), D), Ramp(Temperature(float("inf"), C), D)),
            "step 2: the temperature is not a number",
        ),
        (
            (Hold(Temperature(18, C), None, Gravity(at_most=1.01)),),
            "step 1: a hold with gravity conditions needs a duration",
        ),
        (
            (Hold(Temperature(18, C), D, Gravity(stable_points=1)),),
            "step 1: a stable gravity needs its hours",
        ),
    ],
)
def test_validate(steps: tuple[Hold | Ramp, ...], reason: str) -> None:
    with pytest.raises(ProfileError) as caught:
        Profile("p", steps).validate()
    assert caught.value.reason == reason
    assert str(caught.value) == reason


def test_validate_accepts_the_limits() -> None:
    profile = Profile("p", (Hold(Temperature(18, C), 3650 * D), Hold(None, timedelta(0))))
    assert profile.validate() is profile


# steps in words


def describe_all(source: str) -> list[str]:
    profile = text.read("p", source)
    return [describe(profile, index) for index in range(len(profile.steps))]


def test_describe() -> None:
    assert describe_all(
        "hold 18 C for 3d\n"
        "ramp to 21 C over 2d\n"
        "hold 21 C for 1d12h or gravity 1.012\n"
        "hold 21 C for 2d and attenuation 75% and stable 1@48\n"
        "ramp to 2 C over 12h\n"
        "ramp to 35.6 F over 0s\n"
        "off for 1d\n"
        "hold 2 C"
    ) == [
        "Hold 18 °C for 3 days",
        "Heat to 21 °C over the next 2 days",
        "Hold 21 °C for 1 day 12 hours, or until the gravity is at most 1.012",
        (
            "Hold 21 °C for 2 days, and then until the attenuation reaches 75 % and"
            " the gravity has moved at most 1 point(s) in 48 hours"
        ),
        "Cool to 2 °C over the next 12 hours",
        "Heat to 35.6 °F at once",
        "Turn temperature control off for 1 day",
        "Hold 2 °C for good",
    ]


def test_describe_the_last_step() -> None:
    assert describe_all("hold 18 C for 1d\nhold 4 C for 3d")[-1] == (
        "Hold 4 °C for 3 days; then hold 4 °C for good"
    )
    assert describe_all("hold 18 C for 1d\noff for 3d")[-1] == (
        "Turn temperature control off for 3 days"
    )
    assert describe_all("hold 18 C for 1d\noff")[-1] == "Turn temperature control off for good"
    assert describe_all("hold 18 C for 1d\nramp to 60 F over 1d")[-1] == (
        "Cool to 60 °F over the next 1 day"  # 15.6 °C: compared in one unit
    )
    assert describe_all("hold 60 F for 1d\nramp to 16 C over 1d")[-1] == (
        "Heat to 16 °C over the next 1 day"
    )


def test_describe_what_does_not_validate() -> None:
    """Steps of a profile not (yet) valid are still put in words."""
    profile = Profile("p", (Ramp(Temperature(20, C), D), Hold(Temperature(18, C), None, Gravity())))
    assert describe(profile, 0) == "Heat to 20 °C over the next 1 day"
    profile = Profile("p", (Hold(Temperature(18, C), None), Hold(Temperature(4, C), D)))
    assert describe(profile, 0) == "Hold 18 °C"
    combined = Profile("p", (Hold(Temperature(18, C), D, Gravity(at_most=1.01), Combine.BOTH),))
    assert describe(combined, 0) == (
        "Hold 18 °C for 1 day, and then until the gravity is at most 1.010"
        "; then hold 18 °C for good"
    )


# telling the formats apart

ALE = text.read("Ale", "hold 18 C for 3d\nramp to 21 C over 2d\nhold 21 C for 2d")


def test_read_any() -> None:
    assert read_any(fermentrack.write(ALE), C) == ALE
    csv = remix.write(ALE, datetime(2026, 1, 1, 14), F)  # noqa: DTZ001
    assert read_any(csv, F) == remix.read(csv, F)
    assert read_any(csv, F).name == "Ale"
    assert read_any(plain.write_yaml(ALE), C) == ALE
    assert read_any(plain.write_json(ALE), C) == ALE
    assert read_any("---\n" + plain.write_yaml(ALE), C) == ALE
    steps_first = "steps:\n  - {type: hold, temperature: 18, duration: 1d}\nname: x\n"
    assert read_any(steps_first, C).name == "x"
    assert read_any(text.write(ALE), C, "Ale") == ALE


def test_read_any_needs_a_name_for_steps() -> None:
    with pytest.raises(ProfileError, match="need a name"):
        read_any(text.write(ALE), C)
