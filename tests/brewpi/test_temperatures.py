"""Tests of the temperature tracker: legacy merging and what counts as "no reading"."""

from __future__ import annotations

from custom_components.cellar_brewpi.brewpi.models import (
    ControlMode,
    ControlState,
    DeviceList,
    Temperatures,
    TemperatureUpdate,
)
from custom_components.cellar_brewpi.brewpi.parser import parse_line
from custom_components.cellar_brewpi.brewpi.temperatures import TemperatureTracker


def update(tracker: TemperatureTracker, line: str) -> Temperatures:
    message = parse_line(line)
    assert isinstance(message, TemperatureUpdate)
    return tracker.update(message)


def devices(line: str) -> DeviceList:
    message = parse_line(line)
    assert isinstance(message, DeviceList)
    return message


BEER_PROBE_OK = 'd:[{"i":0,"c":1,"b":1,"f":9,"h":2,"t":1,"d":0,"v":"0.000"}]'
BEER_PROBE_GONE = 'd:[{"i":0,"c":1,"b":1,"f":9,"h":2,"t":1,"d":0,"v":"null"}]'
BEER_PROBE_OFF = 'd:[{"i":0,"c":1,"b":1,"f":9,"h":2,"t":1,"d":1,"v":"0.000"}]'
FRIDGE_PROBE_OK = 'd:[{"i":1,"c":1,"b":0,"f":5,"h":2,"t":1,"d":0,"v":"0.000"}]'


def test_modern_full_message() -> None:
    tracker = TemperatureTracker()
    result = update(
        tracker,
        'T:{"BeerTemp":19.5,"BeerSet":20,"BeerAnn":"Beer temp set to 20.0 in web interface",'
        '"FridgeTemp":18.1,"FridgeSet":17.2,"FridgeAnn":null,"RoomTemp":21.3,"State":4}',
    )
    assert result == Temperatures(
        beer_temp=19.5,
        beer_set=20.0,
        beer_annotation="Beer temp set to 20.0 in web interface",
        fridge_temp=18.1,
        fridge_set=17.2,
        fridge_annotation=None,
        room_temp=21.3,
        state=ControlState.COOLING,
    )
    assert tracker.current == result


def test_modern_no_room_sensor_and_empty_annotations() -> None:
    result = update(
        TemperatureTracker(), 'T:{"BeerTemp":19.5,"RoomTemp":"","BeerAnn":"","State":0}'
    )
    assert result.room_temp is None
    assert result.beer_annotation is None
    assert result.state is ControlState.IDLE


def test_legacy_partial_updates_are_merged() -> None:
    tracker = TemperatureTracker()
    update(tracker, 'T:{"bt":19.52,"bs":20.00,"ft":18.13,"fs":17.25,"s":3}')
    result = update(tracker, 'T:{"bt":19.61,"s":9}')
    assert result.beer_temp == 19.61
    assert result.beer_set == 20.0
    assert result.fridge_temp == 18.13
    assert result.fridge_set == 17.25
    assert result.state is ControlState.HEATING_MIN_TIME
    assert tracker.raw["FridgeTemp"] == 18.13


def test_full_message_replaces_the_state() -> None:
    """A long-key message is complete: a key left out (legacy room sensor) means no value."""
    tracker = TemperatureTracker()
    update(tracker, 'T:{"BeerTemp":19.52,"Log1Temp":21.0,"State":0}')
    result = update(tracker, 'T:{"BeerTemp":19.55,"State":0}')
    assert result.room_temp is None
    assert result.beer_temp == 19.55


def test_legacy_disconnected_probe_is_null() -> None:
    result = update(TemperatureTracker(), 'T:{"BeerTemp":null,"FridgeTemp":4.25,"State":0}')
    assert result.beer_temp is None
    assert result.fridge_temp == 4.25


def test_zero_without_device_list_means_disconnected() -> None:
    result = update(TemperatureTracker(), 'T:{"BeerTemp":0,"FridgeTemp":0,"State":0}')
    assert (result.beer_temp, result.fridge_temp) == (None, None)


def test_zero_is_a_reading_when_the_device_list_shows_a_working_probe() -> None:
    tracker = TemperatureTracker()
    update(tracker, 'T:{"BeerTemp":0,"FridgeTemp":0,"State":0}')
    tracker.set_devices(devices(BEER_PROBE_OK))
    assert tracker.devices is not None
    assert tracker.current is not None
    assert tracker.current.beer_temp == 0.0
    assert tracker.current.fridge_temp is None  # no chamber probe in this list
    tracker.set_devices(devices(FRIDGE_PROBE_OK))
    assert tracker.current.fridge_temp == 0.0
    assert tracker.current.beer_temp is None


def test_zero_with_a_disconnected_or_deactivated_probe_is_none() -> None:
    tracker = TemperatureTracker()
    tracker.set_devices(devices(BEER_PROBE_GONE))
    assert update(tracker, 'T:{"BeerTemp":0,"State":0}').beer_temp is None
    tracker.set_devices(devices(BEER_PROBE_OFF))
    assert update(tracker, 'T:{"BeerTemp":0,"State":0}').beer_temp is None


def test_non_zero_reading_does_not_need_devices() -> None:
    assert update(TemperatureTracker(), 'T:{"BeerTemp":-1.5,"State":0}').beer_temp == -1.5


def test_setpoints_zero_when_off_are_none() -> None:
    tracker = TemperatureTracker()
    result = update(tracker, 'T:{"BeerSet":0,"FridgeSet":0,"State":1}')
    assert (result.beer_set, result.fridge_set) == (None, None)
    # Idle state but mode off known from S:
    update(tracker, 'T:{"BeerSet":0,"FridgeSet":0,"State":0}')
    tracker.set_mode(ControlMode.OFF)
    assert tracker.current is not None
    assert (tracker.current.beer_set, tracker.current.fridge_set) == (None, None)


def test_setpoint_zero_is_real_in_beer_mode_and_beer_set_invalid_in_fridge_mode() -> None:
    tracker = TemperatureTracker()
    tracker.set_mode(ControlMode.BEER_CONSTANT)
    result = update(tracker, 'T:{"BeerSet":0,"FridgeSet":0,"State":0}')
    assert (result.beer_set, result.fridge_set) == (0.0, 0.0)
    tracker.set_mode(ControlMode.FRIDGE_CONSTANT)
    assert tracker.current is not None
    assert (tracker.current.beer_set, tracker.current.fridge_set) == (None, 0.0)


def test_unknown_state_is_none_and_reset_forgets_merge_state() -> None:
    tracker = TemperatureTracker()
    assert update(tracker, 'T:{"bt":19.0,"s":42}').state is None
    assert update(tracker, 'T:{"s":"x"}').state is None
    tracker.reset()
    assert tracker.raw == {}
    assert tracker.current is not None  # the last result stays readable
    assert update(tracker, 'T:{"ft":4.0}').beer_temp is None
