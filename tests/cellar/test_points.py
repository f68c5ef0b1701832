"""The cellar's InfluxDB schema: exact line protocol of panel and controller points."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from custom_components.cellar_brewpi.alpha_panel import PanelReading, SlotReading, make_slot
from custom_components.cellar_brewpi.brewpi.models import (
    ControlMode,
    ControlSettings,
    ControlState,
    Temperatures,
)
from custom_components.cellar_brewpi.cellar.points import (
    Held,
    controller_readings,
    panel_readings,
)
from custom_components.cellar_brewpi.recording import Reading, time_ns, to_line

READ_AT = datetime(2026, 11, 21, 10, 30, 15, 123456, tzinfo=UTC)
STAMP = 1795257015123456000


def panel_reading() -> PanelReading:
    return PanelReading(
        read_at=READ_AT,
        slots={
            2: SlotReading(make_slot(2), temperature=None, set_point=None, valve_open=None),
            1: SlotReading(make_slot(1), temperature=68.54, set_point=68.0, valve_open=True),
            3: SlotReading(make_slot(3, "Tank, A=1"), 33.5, math.nan, valve_open=False),
        },
        values=(),
    )


def test_time_ns_is_exact() -> None:
    assert time_ns(READ_AT) == STAMP
    with pytest.raises(ValueError, match="timezone-aware"):
        time_ns(datetime(2026, 1, 1))  # noqa: DTZ001


def test_panel_lines_exact() -> None:
    readings = panel_readings(
        panel_reading(), {1: Held("1234", 5, gravity=1.0123), 9: Held("9", 9, gravity=1.05)}
    )
    assert [to_line(reading) for reading in readings] == [
        (
            "cellar_panel_read,batch_number=1234,slot=1,vessel=FV\\ 10/1 "
            f"days_in_vessel=5i,gravity=1.0123,set_point=68,temp=68.54,valve_open=1i {STAMP}"
        ),
        # nothing known but the (absent) batch: only days_in_vessel, batch "0"
        f"cellar_panel_read,batch_number=0,slot=2,vessel=FV\\ 10/2 days_in_vessel=0i {STAMP}",
        # NaN set point left out, escaped label, valve closed is 0
        (
            "cellar_panel_read,batch_number=0,slot=3,vessel=Tank\\,\\ A\\=1 "
            f"days_in_vessel=0i,temp=33.5,valve_open=0i {STAMP}"
        ),
    ]
    # the fields keep their types: floats stay floats (InfluxDB rejects a type change)
    assert readings[0].fields == {
        "temp": 68.54,
        "set_point": 68.0,
        "valve_open": 1,
        "days_in_vessel": 5,
        "gravity": 1.0123,
    }
    assert isinstance(readings[0].fields["set_point"], float)
    assert {reading.time_ns for reading in readings} == {STAMP}


def test_panel_without_batches_and_empty_batch_number() -> None:
    readings = panel_readings(panel_reading(), {2: Held("", 0, gravity=math.nan)})
    assert [reading.tags["batch_number"] for reading in readings] == ["0", "0", "0"]
    assert [reading.tags["slot"] for reading in readings] == ["1", "2", "3"]
    assert not any("gravity" in reading.fields for reading in readings)


def test_controller_line_exact() -> None:
    temperatures = Temperatures(
        beer_temp=67.93,
        beer_set=68.0,
        beer_annotation="ignored",
        fridge_temp=None,
        fridge_set=66.5,
        room_temp=math.inf,
        state=ControlState.COOLING,
    )
    settings = ControlSettings(mode=ControlMode.BEER_CONSTANT, beer_set=68.0, fridge_set=None)
    readings = controller_readings("Fermenter 1", temperatures, settings, READ_AT, "F")
    assert [to_line(reading) for reading in readings] == [
        (
            "brewpi,device=Fermenter\\ 1,temp_format=F "
            f'beer_set=68,beer_temp=67.93,fridge_set=66.5,mode="b",state=4i {STAMP}'
        )
    ]
    assert readings[0].fields["state"] == 4
    assert type(readings[0].fields["state"]) is int


def test_a_chamber_s_gravity_is_fermentrack_s_gravity_column() -> None:
    temperatures = Temperatures(beer_temp=19.5, state=ControlState.IDLE)
    readings = controller_readings("c", temperatures, None, READ_AT, "C", gravity=1.0425)
    assert [to_line(reading) for reading in readings] == [
        f"brewpi,device=c,temp_format=C beer_temp=19.5,gravity=1.0425,state=0i {STAMP}"
    ]


def test_controller_partial_and_empty() -> None:
    only_state = controller_readings("c", Temperatures(state=ControlState.IDLE), None, READ_AT, "C")
    assert [to_line(reading) for reading in only_state] == [
        f"brewpi,device=c,temp_format=C state=0i {STAMP}"
    ]
    assert controller_readings("c", Temperatures(), None, READ_AT, "C") == []


def test_to_line_rejects_a_point_without_fields() -> None:
    with pytest.raises(ValueError, match="no field"):
        to_line(Reading("m", {"a": "b"}, {"x": math.nan}, 1))
