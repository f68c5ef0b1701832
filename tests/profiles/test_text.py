"""The step language: read, written back, and bad lines refused with their line."""

from __future__ import annotations

from datetime import timedelta

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
    text,
)

D = timedelta(days=1)
H = timedelta(hours=1)
C, F = Unit.CELSIUS, Unit.FAHRENHEIT

DOC = """
hold 18 C for 3d
hold 19 C for 10d or gravity 1.012
hold 19 C for 2d and stable 1@48
hold 20 C for 14d or attenuation 75% and stable 1@24
ramp to 21 C over 2d
off for 1d
hold 2 C
"""


def test_the_documented_example() -> None:
    profile = text.read("Ale", DOC)
    assert profile == Profile(
        "Ale",
        (
            Hold(Temperature(18, C), 3 * D),
            Hold(Temperature(19, C), 10 * D, Gravity(at_most=1.012), Combine.EITHER),
            Hold(
                Temperature(19, C), 2 * D, Gravity(stable_points=1, stable_hours=48), Combine.BOTH
            ),
            Hold(
                Temperature(20, C),
                14 * D,
                Gravity(attenuation=75, stable_points=1, stable_hours=24),
                Combine.EITHER,
            ),
            Ramp(Temperature(21, C), 2 * D),
            Hold(None, D),
            Hold(Temperature(2, C), None),
        ),
    )


def test_spellings() -> None:
    source = (
        "  HOLD -1.5°f for 1d12h   # a comment\n"
        "# a whole comment line\n"
        "Ramp 20 c over 45m\n"
        "hold 20 C for 1d OR gravity <= 1.010 AND attenuation >= 70.5 % and stable 0.5 @ 24h\n"
        "OFF\n"
    )
    profile = text.read(" Lager ", source)
    assert profile.name == "Lager"
    assert profile.steps == (
        Hold(Temperature(-1.5, F), D + 12 * H),
        Ramp(Temperature(20, C), timedelta(minutes=45)),
        Hold(Temperature(20, C), D, Gravity(1.010, 70.5, 0.5, 24), Combine.EITHER),
        Hold(None, None),
    )


@pytest.mark.parametrize(
    "source",
    [
        DOC,
        "hold 18.5 F for 0s\nramp to -3.25 C over 1d1h1m1s\noff for 2d\nhold 4 C for 1d",
        "hold 18 C for 2d and gravity 1.004 and attenuation 80% and stable 2@72\nhold 1 C",
        "off for 1d\nhold 18 C",
    ],
)
def test_write_read_round_trip(source: str) -> None:
    profile = text.read("Mine", source)
    written = text.write(profile)
    assert text.read("Mine", written) == profile
    assert text.write(text.read("Mine", written)) == written


def test_write() -> None:
    profile = text.read("Ale", "hold 18 C for 3d or gravity 1.01\nramp to 21.5 C over 2d\noff")
    assert text.write(profile) == (
        "hold 18 C for 3d or gravity 1.01\nramp to 21.5 C over 2d\noff\n"
    )


@pytest.mark.parametrize(
    ("source", "line", "reason"),
    [
        ("hold 18 C for 3d\nwait 2 days\n", 2, "'wait 2 days' is not a step like"),
        ("hold 18 C for 3d\nhold 18 K for 1d\n", 2, "is not a step like"),
        ("hold 18 C for 3x\n", 1, "'3x' is not a duration"),
        ("hold 18 C for 99999999999y\n", 1, "too long a duration"),
        ("hold 18 C for 1d\nramp to 20 C over soon\n", 2, "'soon' is not a duration"),
        ("hold 18 C for 1d\noff for ever\n", 2, "'ever' is not a duration"),
        ("hold 18 C for 1d or gravity high\n", 1, "'gravity high' is not a condition like"),
        ("hold 18 C for 1d and warm\n", 1, "'warm' is not a condition"),
        ("# ramp first\n\nramp to 20 C over 1d\n", 3, "step 1: a profile starts with a hold"),
        ("hold 18 C\n# then\nhold 20 C for 1d\n", 1, "step 1: only the last step"),
        ("hold 18 C for 1d\n\nhold 19 C\nhold 20 C\n", 3, "step 2: only the last step"),
        ("hold 18 C for 1d\noff for 1d\nramp to 20 C over 1d\n", 3, "step 3: a ramp cannot"),
        ("hold 18 C for 11y\n", 1, "step 1: the duration must be 0 to 10 years"),
        ("hold 18 C for 1d\nhold 19 C for 1d and stable 1@0\n", 2, "step 2: a stable gravity"),
        ("# nothing\n", None, "a profile needs at least one step"),
    ],
)
def test_malformed_steps_are_refused_with_their_line(
    source: str, line: int | None, reason: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        text.read("Bad", source)
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_a_profile_needs_a_name() -> None:
    with pytest.raises(ProfileError) as caught:
        text.read("  ", "hold 18 C")
    assert caught.value.reason == "a profile needs a name"
    assert caught.value.line is None


def test_line_of_a_step_that_is_not_there() -> None:
    assert text._line_of("hold 18 C\n", "step 2: anything") is None
    assert text._line_of("hold 18 C\n", "no step named") is None
