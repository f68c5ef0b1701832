"""The Fermentrack library on installations written by Fermentrack's rules, and on odd input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from custom_components.cellar_brewpi.brewpi import ControlState, Temperatures
from custom_components.cellar_brewpi.cellar.points import controller_readings
from custom_components.cellar_brewpi.fermentrack_backup import (
    BackupDamagedError,
    BackupVersionError,
    LogRow,
    Skipped,
    open_installation,
    read_log,
)
from custom_components.cellar_brewpi.fermentrack_backup.logs import full_columns, graph_columns
from custom_components.cellar_brewpi.fermentrack_backup.records import from_json, ttl
from custom_components.cellar_brewpi.fermentrack_import.history import line_prefix, row_line
from custom_components.cellar_brewpi.profiles import Unit
from custom_components.cellar_brewpi.recording import to_line
from scripts.fermentrack_backups import sample, write_backup, write_database

START = datetime(2024, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3 days, 4 hours", timedelta(days=3, hours=4)),
        ("1 days", timedelta(days=1)),
        ("7 days, 12 hours, 30 minutes", timedelta(days=7, hours=12, minutes=30)),
        ("0 seconds", timedelta(0)),
        ("3 04:00:00", timedelta(days=3, hours=4)),  # Django's dumpdata
        ("12:00:00", timedelta(hours=12)),
        ("1 00:00:00.500000", timedelta(days=1, microseconds=500000)),
        (259_200_000_000, timedelta(days=3)),  # SQLite: microseconds
    ],
)
def test_a_point_s_time_in_every_form(value: object, expected: timedelta) -> None:
    assert ttl(value) == expected


@pytest.mark.parametrize("value", ["soon", "3 fortnights", "", "3 days, later"])
def test_a_time_that_is_none(value: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        ttl(value)


def test_both_backup_versions_and_the_database_hold_the_same(tmp_path: Path) -> None:
    inst = sample(START, 2500)
    found = []
    for version in ("2.0.0", "1.0.0"):
        path = write_backup(inst, tmp_path / f"{version}.tar.xz", version)
        with open_installation(path) as installation:
            found.append(installation.inventory)
    db, data = write_database(inst, tmp_path)
    with open_installation(db, data) as installation:
        found.append(installation.inventory)
    for inventory in found:
        assert [(c.name, c.connection, c.how) for c in inventory.controllers] == [
            ("fermenter1", "wifi", "WiFi fermenter1.local:23"),
            ("garage", "serial", "serial A9XYZ"),
        ]
        (profile,) = inventory.profiles
        assert [(t, p.value, p.unit) for t, p in profile.points] == [
            (timedelta(0), 18.0, Unit.CELSIUS),
            (timedelta(days=3), 64.4, Unit.FAHRENHEIT),  # each point keeps its unit
            (timedelta(days=5, hours=12), 21.0, Unit.CELSIUS),
        ]
        assert [b.name for b in inventory.beers] == ["Hazy IPA", "Old Stout", "Lager unit change"]
        hazy, stout, _ = inventory.beers
        assert inventory.controller(hazy.controller).name == "fermenter1"
        assert inventory.controller(stout.controller) is None  # deleted in Fermentrack
        assert hazy.full_log is not None
        assert inventory.controllers[0].active_beer == hazy.key
        assert ("profile Smart one", "a Smart Profile, which Fermentrack never ran") in (
            inventory.skipped
        )


def test_a_log_row_by_row(tmp_path: Path) -> None:
    path = write_backup(sample(START, 2500), tmp_path / "b.tar.xz")
    with open_installation(path) as installation:
        hazy, _, lager = installation.inventory.beers
        skipped = Skipped()
        with installation.log_lines(hazy) as (lines, columns):
            rows = list(read_log(lines, columns, skipped))
        with installation.log_lines(lager) as (lines, columns):
            units = [row.temp_format for row in read_log(lines, columns)]
    assert len(rows) == 2500
    assert skipped.count == 2
    assert [line for line, _ in skipped.examples] == [1002, 2003]
    assert rows[0].at == START
    assert rows[1].at - rows[0].at == timedelta(seconds=30)
    assert rows[0].room_temp is None  # a 0: no reading
    assert rows[1].room_temp == 21.0
    assert rows[0].gravity == 1.05
    assert units[0] == "C"
    assert units[-1] == "F"


def test_zero_is_no_reading_unless_the_probe_was_near_it() -> None:
    header = "log_time,beer_temp,beer_set,fridge_temp,fridge_set,room_temp\r\n"
    lines = [
        header,
        "2024/01/01 00:00:00Z,0,0,3.5,0,0\r\n",  # nothing read yet: all missing
        "2024/01/01 00:00:30Z,0.8,1,1.2,1,20\r\n",
        "2024/01/01 00:01:00Z,0,1,0,0.5,0\r\n",  # a cold crash: the beer near 0 is 0
        "2024/01/01 00:01:30Z,0.4,nan,None,,20\r\n",
    ]
    rows = list(read_log(lines, graph_columns(gravity=False, model_version=1)))
    assert [(r.beer_temp, r.fridge_temp, r.room_temp) for r in rows] == [
        (None, 3.5, None),
        (0.8, 1.2, 20.0),
        (0.0, 0.0, None),  # the room read 20 before: its 0 is no reading
        (0.4, None, 20.0),
    ]
    assert rows[3].beer_set is None


@pytest.mark.parametrize(
    "line",
    [
        "2024/13/01 00:00:00Z,1,2,3,4,5,0,C,1",  # no 13th month
        "2024-01-01T00:00:00Z,1,2,,3,4,,5,0,C,1",  # not Fermentrack's time
        "2024/01/01 00:00:00Z,1,2,,3,4,,5,0,K,1",  # no such unit
        "2024/01/01 00:00:00Z,warm,2,,3,4,,5,0,C,1",
        "2024/01/01 00:00:00Z,inf,2,,3,4,,5,0,C,1",
        "2024/01/01 00:00:00Z,1,2",  # cut short
    ],
)
def test_a_broken_row_is_skipped_and_counted(line: str) -> None:
    skipped = Skipped()
    good = "2024/01/01 00:00:30Z,1,2,,3,4,,5,0,C,1"
    rows = list(read_log([line, good], full_columns(gravity=False), skipped))
    assert len(rows) == 1
    assert skipped.count == 1
    assert skipped.examples == [(1, line)]


@pytest.mark.parametrize(
    "row",
    [
        LogRow(START, 18.25, 19.0, 16.5, 17.0, 21.125, 4, "C", 1.0425),
        LogRow(START, None, None, None, None, None, 0, "F"),
        LogRow(START, 1e16, 0.1, -3.0, None, 2.5e-7, None, "C"),
        LogRow(START, 64.4, None, None, None, None, 42, "F"),  # a state no firmware has
    ],
)
def test_a_row_s_line_is_the_live_readings_line(row: LogRow) -> None:
    """The import's fast line is exactly the one the live readings' path writes."""
    unit = row.temp_format or "C"
    state = ControlState(row.state) if row.state in {s.value for s in ControlState} else None
    temperatures = Temperatures(
        beer_temp=row.beer_temp,
        beer_set=row.beer_set,
        fridge_temp=row.fridge_temp,
        fridge_set=row.fridge_set,
        room_temp=row.room_temp,
        state=state,
    )
    for device in ("fermenter1", "usb-FTDI FT232R,A9=XYZ\\"):
        live = [
            to_line(p)
            for p in controller_readings(
                device, temperatures, None, row.at, unit, gravity=row.gravity
            )
        ]
        assert [row_line(line_prefix(device, unit), row)] == (live or [None])


def test_records_that_cannot_be_read_are_listed() -> None:
    inventory = from_json(
        {
            "file_version": "2.0.0",
            "brewpi_devices": [{"uuid": "a", "device_name": "x", "connection_type": "bluetooth"}],
            "profiles": [
                {"uuid": "p", "name": "No points", "points": []},
                {
                    "uuid": "q",
                    "name": "Bad",
                    "points": [{"ttl": "soon", "temperature_setting": "1"}],
                },
                {
                    "uuid": "r",
                    "name": "Null",
                    "points": [{"ttl": "1 days", "temperature_setting": "None"}],
                },
            ],
            "beers": [{"uuid": "b", "name": " ", "device_uuid": "None"}],
        }
    )
    assert (inventory.controllers, inventory.profiles, inventory.beers) == ([], [], [])
    reasons = dict(inventory.skipped)
    assert reasons["controller x"] == "connection type 'bluetooth'"
    assert reasons["profile No points"] == "it has no points"
    assert "not a duration" in reasons["profile Bad"]
    assert reasons["profile Null"] == "a point has no temperature"
    assert reasons["beer  "] == "no name"
    with pytest.raises(BackupVersionError, match=r"format 3\.0"):
        from_json({"file_version": "3.0"})
    with pytest.raises(BackupDamagedError):
        from_json("text")
