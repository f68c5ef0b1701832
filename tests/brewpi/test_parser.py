"""Tests of `parse_line`: every prefix, the N: collision, legacy keys and malformed input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.cellar_brewpi.brewpi.framing import LineFramer
from custom_components.cellar_brewpi.brewpi.log_messages import expand_log_message
from custom_components.cellar_brewpi.brewpi.models import (
    ControlConstants,
    ControlMode,
    ControlSettings,
    ControlVariables,
    DeviceFunction,
    DeviceList,
    LcdText,
    LogMessage,
    MalformedLine,
    ProbeNames,
    TemperatureUpdate,
    TextLine,
    UnknownMessage,
    VersionInfo,
    WifiInfo,
)
from custom_components.cellar_brewpi.brewpi.parser import decode_json, number, parse_line

MODERN_T = (
    'T:{"BeerTemp":19.5,"BeerSet":20,"BeerAnn":null,"FridgeTemp":18.1,'
    '"FridgeSet":18,"FridgeAnn":null,"RoomTemp":"","State":0}'
)


def test_modern_temperatures() -> None:
    message = parse_line(MODERN_T)
    assert isinstance(message, TemperatureUpdate)
    assert not message.partial
    assert message.values["BeerTemp"] == 19.5
    assert message.values["RoomTemp"] == ""


def test_legacy_short_keys_are_renamed_and_partial() -> None:
    message = parse_line('T:{"bt":19.52,"fs":null,"s":4,"t":120}')
    assert message == TemperatureUpdate(
        values={"BeerTemp": 19.52, "FridgeSet": None, "State": 4, "Time": 120}, partial=True
    )


def test_an_empty_compact_update_changes_nothing() -> None:
    """Compact firmware answers `t` with `T:{}` when nothing changed: merged, not a wipe."""
    assert parse_line("T:{}") == TemperatureUpdate(values={}, partial=True)


def test_line_noise_in_a_key_makes_the_line_malformed() -> None:
    """A garbled key would otherwise read as a missing value (the beer setting gone)."""
    line = 'S:{"mode":"b","beer\x1bet":20,"fridgeSet":18,"heatEst":0.2,"coolEst":5}'
    message = parse_line(line)
    assert isinstance(message, MalformedLine)
    assert "garbled key" in message.reason
    assert isinstance(
        parse_line('C:{"tempFormat":"C","tempSe\x7fMin":1,"tempSetMax":30}'), MalformedLine
    )


def test_legacy_log1temp_is_room_temp() -> None:
    message = parse_line('T:{"BeerTemp":19.52,"Log1Temp":21.25}')
    assert isinstance(message, TemperatureUpdate)
    assert message.values == {"BeerTemp": 19.52, "RoomTemp": 21.25}


def test_settings() -> None:
    message = parse_line('S:{"mode":"f","beerSet":20.0,"fridgeSet":4.5,"heatEst":0.2,"coolEst":5}')
    assert message == ControlSettings(
        mode=ControlMode.FRIDGE_CONSTANT,
        beer_set=20.0,
        fridge_set=4.5,
        heat_estimator=0.2,
        cool_estimator=5.0,
    )


def test_settings_in_mode_off_have_no_setpoints() -> None:
    message = parse_line('S:{"mode":"o","beerSet":0,"fridgeSet":0,"heatEst":0.2,"coolEst":5}')
    assert isinstance(message, ControlSettings)
    assert (message.beer_set, message.fridge_set) == (None, None)


@pytest.mark.parametrize(
    "line",
    ['S:{"beerSet":20}', 'S:{"mode":"z"}', 'S:{"mode":["b"]}', "S:[1]", 'C:{"tempFormat":"K"}'],
)
def test_bad_payloads_are_malformed(line: str) -> None:
    message = parse_line(line)
    assert isinstance(message, MalformedLine)
    assert message.prefix == line[0]
    assert message.text == line


def test_constants() -> None:
    message = parse_line('C:{"tempFormat":"F","tempSetMin":33.8,"tempSetMax":86,"Kp":5}')
    assert isinstance(message, ControlConstants)
    assert (message.temp_format, message.temp_set_min, message.temp_set_max) == ("F", 33.8, 86)
    assert message.raw["Kp"] == 5


def test_variables_are_kept_raw() -> None:
    assert parse_line('V:{"beerDiff":0.1,"p":1.5}') == ControlVariables(
        raw={"beerDiff": 0.1, "p": 1.5}
    )


def test_version_modern() -> None:
    message = parse_line(
        'N:{"v":"0.2.4","n":"6c2a1b3","c":"v0.15","s":0,"y":0,"b":"3","l":"3","e":"0.15"}'
    )
    assert isinstance(message, VersionInfo)
    assert message.version == "0.2.4"
    assert message.board_name == "ESP32"
    assert message.firmware_revision == "0.15"
    assert message.shield == "0"
    assert not message.simulator
    assert message.legacy


def test_version_board_sent_as_character_code_and_simulator_flag() -> None:
    message = parse_line('N:{"v":"0.2.4","n":1234,"b":101,"y":1,"l":3}')
    assert isinstance(message, VersionInfo)
    assert (message.board, message.build, message.log_version) == ("e", "1234", "3")
    assert message.simulator


def test_probe_names_share_the_n_prefix() -> None:
    message = parse_line('N:{"28FF4A1234567890":"Beer probe","28FF000000000001":"Fridge"}')
    assert message == ProbeNames(
        names={"28FF4A1234567890": "Beer probe", "28FF000000000001": "Fridge"}
    )
    assert parse_line("N:{}") == ProbeNames(names={})


def test_lcd_keeps_degree_sign_and_strips_trailing_blanks() -> None:
    line = LineFramer().feed(b'L:["Beer   19.5 \xb0C   ","Idle",""]\r\n')[0]
    assert parse_line(line) == LcdText(lines=("Beer   19.5 °C", "Idle", ""))


def test_wifi() -> None:
    assert parse_line('W:{"ssid":"cellar","signalStrength":-61}') == WifiInfo("cellar", -61)
    assert parse_line('W:{"ssid":"cellar"}') == WifiInfo("cellar", None)


def test_device_list() -> None:
    message = parse_line(
        'd:[{"c":1,"b":1,"f":9,"h":2,"t":1,"p":12,"x":0,"d":0,"a":"28FF4A1234567890",'
        '"j":0.0,"v":"19.875","i":0},{"c":1,"f":2,"h":1,"t":3,"p":25,"x":1,"d":1,"i":1},'
        '{"f":99,"i":2},"junk"]'
    )
    assert isinstance(message, DeviceList)
    beer, heat, odd = message.devices
    assert beer.function is DeviceFunction.BEER_TEMP
    assert (beer.address, beer.value, beer.pin) == ("28FF4A1234567890", "19.875", 12)
    assert heat.deactivated
    assert heat.address is None
    assert odd.function == 99
    assert message.has_function(DeviceFunction.BEER_TEMP)
    assert not message.has_function(DeviceFunction.CHAMBER_HEAT)


def test_log_message_is_expanded() -> None:
    message = parse_line('D:{"logType":"W","logID":2,"V":[12,"28FF4A1234567890"]}')
    assert message == LogMessage(
        log_type="W",
        log_id=2,
        values=(12, "28FF4A1234567890"),
        text="Temperature sensor disconnected pin 12, address 28FF4A1234567890",
    )


def test_log_message_unknown_id_and_odd_values() -> None:
    message = parse_line('D:{"logType":"E","logID":77,"V":[1,2]}')
    assert isinstance(message, LogMessage)
    assert message.text == "log id 77: 1, 2"
    assert parse_line('D:{"logType":"I","logID":13,"V":5}') == LogMessage(
        "I", 13, (5,), "Default constants loaded. (5)"
    )
    assert isinstance(parse_line('D:{"logType":"I"}'), MalformedLine)


def test_expand_log_message_fills_missing_values() -> None:
    assert expand_log_message("W", 1, ()) == "Invalid command received by Arduino: ?"
    assert expand_log_message("I", 22, ()) == "log id 22"
    assert expand_log_message("X", 0, ("a",)) == "log id 0: a"


@pytest.mark.parametrize("prefix", ["h", "U", "R", "X"])
def test_unmodelled_prefixes_are_kept(prefix: str) -> None:
    assert parse_line(f'{prefix}:[{{"a":1}}]') == UnknownMessage(prefix, [{"a": 1}])


@pytest.mark.parametrize(
    "line",
    [
        'Invalid command received "q" (0x71)',
        "Error deserializing JSON data InvalidInput",
        "A:{}",
        "T",
        "",
    ],
)
def test_unprefixed_text(line: str) -> None:
    assert parse_line(line) == TextLine(line)


def test_truncated_line_followed_by_next_message_is_salvaged() -> None:
    """BrewPi/firmware#86: a T: cut short and the next T: on the same line."""
    message = parse_line('T:{"BeerTemp":19.5,"BeerSet":20,"Fri' + MODERN_T)
    assert message == parse_line(MODERN_T)


def test_garbage_before_a_message_is_salvaged() -> None:
    message = parse_line('\x00\xff rst cause:2 N:{"v":"0.2.4","b":"e"}')
    assert isinstance(message, VersionInfo)


def test_truncated_line_without_a_complete_message_is_malformed() -> None:
    message = parse_line('T:{"BeerTemp":19.5,"BeerSet":20,"Fri')
    assert isinstance(message, MalformedLine)
    assert "invalid JSON" in message.reason


def test_control_characters_inside_strings_are_accepted() -> None:
    message = parse_line('h:[{"n":"probe\x01\x07name\t"}]')
    assert message == UnknownMessage("h", [{"n": "probe\x01\x07name\t"}])


def test_legacy_single_quotes_and_bare_keys() -> None:
    assert decode_json("{'mode':'b','beerSet':20}") == {"mode": "b", "beerSet": 20}
    assert decode_json('{mode:"b", beerSet:20}') == {"mode": "b", "beerSet": 20}
    with pytest.raises(ValueError, match="Expecting"):
        decode_json("{")


def test_deep_nesting_is_malformed_not_a_crash() -> None:
    assert isinstance(parse_line("T:" + "[" * 5000), MalformedLine)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1.0),
        ("19.5", 19.5),
        (" 2 ", 2.0),
        ("", None),
        ("null", None),
        (None, None),
        (True, None),
        (float("nan"), None),
        ([1], None),
        ("nan", None),
    ],
)
def test_number(value: object, expected: float | None) -> None:
    assert number(value) == expected


@settings(max_examples=500, deadline=None)
@given(line=st.text(max_size=200))
def test_parse_line_never_raises_on_text(line: str) -> None:
    parse_line(line)


@settings(max_examples=300, deadline=None)
@given(
    prefix=st.sampled_from("TSCVNLWdDhURX"),
    payload=st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(["mode", "v", "b", "logID", "V", "f", "i", "tempFormat", "x"]),
                children,
                max_size=5,
            )
        ),
        max_leaves=12,
    ),
)
def test_parse_line_never_raises_on_any_json(prefix: str, payload: object) -> None:
    import json  # noqa: PLC0415

    parse_line(f"{prefix}:{json.dumps(payload)}")
