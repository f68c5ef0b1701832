"""BrewPi Remix's CSV: written, read back, control off, and bad rows refused with their line."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from custom_components.cellar_brewpi.profiles import Profile, ProfileError, Unit, remix, text
from custom_components.cellar_brewpi.profiles.schedule import position

START = datetime(2026, 1, 1, 14, 0)  # noqa: DTZ001 - Remix's dates are naive, local
ALE = "hold 18 C for 3d\nramp to 21 C over 2d\noff for 1d\nhold 20 C for 2d"


def test_write() -> None:
    written = remix.write(text.read("Ale", ALE), START, Unit.CELSIUS)
    assert written == (
        "date,temperature,days,Ale\n"
        "2026-01-01T14:00:00,18,0\n"
        "2026-01-04T14:00:00,18,3\n"
        "2026-01-06T14:00:00,21,5\n"
        "2026-01-07T14:00:00,,6\n"
        "2026-01-07T14:00:00,20,6\n"
        "2026-01-09T14:00:00,20,8\n"
    )


def test_write_converts_to_the_unit_asked() -> None:
    written = remix.write(
        text.read("Ale", "hold 18 C for 12h\nramp to 65 F over 1d"), START, Unit.FAHRENHEIT
    )
    assert written.splitlines()[1:] == [
        "2026-01-01T14:00:00,64.4,0",
        "2026-01-02T02:00:00,64.4,0.5",
        "2026-01-03T02:00:00,65,1.5",
    ]


@pytest.mark.parametrize(
    "source",
    [
        ALE,
        "hold 18 C for 0s\nramp to 21 C over 1d",
        "off for 1d\nhold 18 C for 2d\nramp to 16.5 F over 12h",
        "hold 65 F for 3d\nramp to 18.3333 C over 1d7h\nhold 18 C for 1d\noff for 2d",
        "hold 18 C",
    ],
)
@pytest.mark.parametrize("unit", list(Unit))
def test_write_read_write_is_identical(source: str, unit: Unit) -> None:
    written = remix.write(text.read("Mine", source), START, unit)
    again = remix.write(remix.read(written, unit), START, unit)
    assert again == written


def remix_temp(rows: list[tuple[datetime, float | None]], at: datetime) -> float | None:
    """BrewPi Remix between two rows: off if either is off, else linear; then the last row."""
    for (d1, t1), (d2, t2) in pairwise(rows):
        if d1 <= at < d2:
            if t1 is None or t2 is None:
                return None
            return t1 + (t2 - t1) * (at - d1) / (d2 - d1)
    return rows[-1][1]


REMIX_START = datetime(2019, 1, 1, 14)  # noqa: DTZ001
REMIX_ROWS: list[tuple[datetime, float | None]] = [
    (REMIX_START + timedelta(0), 68.0),
    (REMIX_START + timedelta(days=3), 68.0),
    (REMIX_START + timedelta(days=4, hours=12), 71.0),
    (REMIX_START + timedelta(days=5, hours=12), None),
    (REMIX_START + timedelta(days=6, hours=12), None),
    (REMIX_START + timedelta(days=6, hours=12), 60.0),
    (REMIX_START + timedelta(days=7, hours=12), 50.0),
    (REMIX_START + timedelta(days=8, hours=12), None),
]


def test_read_follows_remix() -> None:
    csv = "date,temperature,days,Lager\n" + "".join(
        f"{d.isoformat()},{'' if t is None else f'{t:g}'},0\n" for d, t in REMIX_ROWS
    )
    profile = remix.read(csv, Unit.FAHRENHEIT)
    assert profile.name == "Lager"
    start = REMIX_ROWS[0][0]
    for hours in range(0, 9 * 24 + 12, 5):
        at = start + timedelta(hours=hours)
        target = position(profile, at - start, Unit.FAHRENHEIT).target
        expected = remix_temp(REMIX_ROWS, at)
        if expected is None:
            assert target is None, at
        else:
            assert target == pytest.approx(expected, abs=0.05 + 1e-9), at


def test_the_name() -> None:
    body = "2019-01-01T14:00:00,68,0\n2019-01-02T14:00:00,68,1\n"
    assert remix.read("date,temperature,days,Ale\n" + body, Unit.FAHRENHEIT, "Other").name == "Ale"
    assert remix.read("date,temperature,days\n" + body, Unit.FAHRENHEIT, "Other").name == "Other"
    assert (
        remix.read("date,temperature,days\n" + body, Unit.FAHRENHEIT).name == "BrewPi Remix profile"
    )
    short = remix.read("Date,Temperature\n2019-01-01T14:00:00,18\n", Unit.CELSIUS)
    assert short.steps[0].temperature is not None
    assert short.steps[0].temperature.unit is Unit.CELSIUS


def test_blank_rows_are_skipped() -> None:
    csv = "date,temperature,days\n2019-01-01T14:00:00,68,0\n\n,,\n2019-01-02T14:00:00,70,1\n"
    profile = remix.read(csv, Unit.FAHRENHEIT)
    assert position(profile, timedelta(hours=12), Unit.FAHRENHEIT).target == 69


def test_looks_like() -> None:
    assert remix.looks_like("\n Date,Temperature,days\n")
    assert not remix.looks_like("date;temperature\n")


@pytest.mark.parametrize(
    ("source", "line", "reason"),
    [
        ("date,temp,days\n2019-01-01T14:00:00,68,0\n", 1, "the first row"),
        ("", 1, "the first row"),
        ("date,temperature,days\n2019-01-01T14:00:00,68,0\n2019-13-01T14:00:00,68,3\n", 3, "date"),
        ("date,temperature,days\n2019-01-01T14:00:00,warm,0\n", 2, "'warm' is not a temperature"),
        ("date,temperature,days\n2019-01-01T14:00:00\n", 2, "needs a date and a temperature"),
        ("date,temperature\n2019-01-02T14:00:00,68\n2019-01-01T14:00:00,68\n", 3, "go back"),
        ("date,temperature,days\n", None, "no rows"),
        ("\n\ndate,temperature,days\n2019-01-01T14:00:00,x,0\n", 4, "not a temperature"),
        ("\n\r\ndate,temp,days\n", 3, "the first row"),
    ],
)
def test_malformed_csv_is_refused_with_its_line(source: str, line: int | None, reason: str) -> None:
    with pytest.raises(ProfileError) as caught:
        remix.read(source, Unit.CELSIUS)
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_a_bad_date_names_itself() -> None:
    with pytest.raises(ProfileError) as caught:
        remix.read("date,temperature\nyesterday,18\n", Unit.CELSIUS)
    assert caught.value.reason == "'yesterday' is not a date like 2026-01-01T14:00:00"


def test_read_profile_is_valid() -> None:
    profile = remix.read("date,temperature\n2019-01-01T14:00:00,18\n", Unit.CELSIUS)
    assert isinstance(profile, Profile)
    assert profile.validate() is profile
