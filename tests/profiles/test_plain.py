"""Profiles as plain data, YAML and JSON: round trips and bad data refused."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

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
    plain,
)

D = timedelta(days=1)
C, F = Unit.CELSIUS, Unit.FAHRENHEIT

FULL = Profile(
    "Ale with diacetyl rest",
    (
        Hold(Temperature(18, C), 3 * D),
        Ramp(Temperature(21.5, C), 2 * D + timedelta(hours=3)),
        Hold(Temperature(70, F), 7 * D, Gravity(at_most=1.012, stable_points=1, stable_hours=48)),
        Hold(Temperature(70, F), 2 * D, Gravity(attenuation=75), Combine.BOTH),
        Hold(None, 1 * D),
        Hold(Temperature(-1, C), None),
    ),
).validate()


@pytest.mark.parametrize("write", [plain.write_yaml, plain.write_json])
def test_round_trip(write: Any) -> None:
    assert plain.read(write(FULL)) == FULL


def test_json_is_plain_data() -> None:
    data = json.loads(plain.write_json(FULL))
    assert data == plain.to_dict(FULL)
    assert data["steps"][2] == {
        "type": "hold",
        "temperature": 70,
        "unit": "F",
        "duration": "7d",
        "gravity": {"at_most": 1.012, "stable_points": 1, "stable_hours": 48},
        "combine": "or",
    }
    assert data["steps"][4] == {"type": "hold", "temperature": None, "duration": "1d"}
    assert data["steps"][5]["duration"] is None


def test_the_documented_example_reads() -> None:
    source = """
name: Ale with diacetyl rest
steps:
  - {type: hold, temperature: 18, unit: C, duration: 3d}
  - {type: ramp, temperature: 21, unit: c, duration: 2d}
  - {type: hold, temperature: 21, duration: 7d, combine: or,
     gravity: {at_most: 1.012, stable_points: 1, stable_hours: 48}}
  - {type: hold, temperature: null, duration: 1d}    # control off
"""
    profile = plain.read(source)
    assert profile.steps[1] == Ramp(Temperature(21, C), 2 * D)
    assert profile.steps[2] == Hold(
        Temperature(21, C), 7 * D, Gravity(1.012, None, 1, 48), Combine.EITHER
    )
    assert profile.steps[3] == Hold(None, D)


def step(**fields: Any) -> dict[str, Any]:
    return {"name": "Bad", "steps": [{"type": "hold", "temperature": 18, "duration": "1d"}, fields]}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "a profile is a mapping"),
        ({"name": "x", "steps": "hold"}, "a profile is a mapping"),
        ({"name": "x", "steps": ["hold 18 C"]}, "step 1: a step is a mapping"),
        (step(type="ramp", duration="1d"), "step 2: a ramp needs a temperature and a duration"),
        (step(type="ramp", temperature=20), "step 2: a ramp needs a temperature and a duration"),
        (step(type="wait", duration="1d"), "step 2: the type 'wait' is neither hold nor ramp"),
        (step(type="hold", temperature="warm", duration="1d"), "step 2: the temperature 'warm'"),
        (step(type="hold", temperature=True, duration="1d"), "step 2: the temperature True"),
        (step(type="hold", temperature=18, duration="1 day"), "step 2: '1 day' is not a duration"),
        (step(type="hold", temperature=18, unit="K", duration="1d"), "step 2: 'K' is not"),
        (step(type="hold", temperature=18, duration="1d", combine="xor"), "step 2: 'xor' is not"),
        (
            step(type="hold", temperature=18, duration="1d", gravity={"below": 1.01}),
            "step 2: gravity takes only at_most, attenuation, stable_points, stable_hours",
        ),
        (step(type="hold", temperature=18, duration="1d", gravity=[1.01]), "step 2: gravity takes"),
        (step(type="hold", temperature=18, duration="1d", gravity={"at_most": "low"}), "step 2"),
        (step(type="hold", temperature=10**400, duration="1d"), "step 2"),
        ({"steps": [{"type": "hold", "temperature": 18}]}, "a profile needs a name"),
        (step(type="ramp", temperature=18), "step 2: a ramp needs"),
    ],
)
def test_bad_data_is_refused(data: Any, reason: str) -> None:
    with pytest.raises(ProfileError) as caught:
        plain.from_dict(data)
    assert caught.value.reason.startswith(reason)
    assert caught.value.line is None


def test_the_first_step_must_be_a_hold() -> None:
    data = {"name": "x", "steps": [{"type": "ramp", "temperature": 18, "duration": "1d"}]}
    with pytest.raises(ProfileError, match="step 1: a profile starts with a hold"):
        plain.from_dict(data)


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("name: x\nsteps:\n  - {type: hold, temperature: 18\n", 4),
        ("name: x\nsteps: [\n", 3),
        ('{"name": "x",\n "steps": [}', 2),
        ("name: x\n\tsteps: []\n", 2),
    ],
)
def test_bad_yaml_is_refused_with_its_line(source: str, line: int) -> None:
    with pytest.raises(ProfileError) as caught:
        plain.read(source)
    assert caught.value.line == line
    assert caught.value.reason.startswith("not valid YAML or JSON: ")


def test_a_yaml_error_without_a_place_has_no_line() -> None:
    with pytest.raises(ProfileError) as caught:
        plain.read("name: x\nsteps: []\n\x00")
    assert caught.value.line is None
    assert caught.value.reason.startswith("not valid YAML or JSON")
