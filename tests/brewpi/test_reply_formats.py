"""
Every firmware generation's replies: the parser on the firmware's own formats, the client on the
emulator speaking each generation.

The literal lines are the formats the firmware sources print (BrewPi/firmware's AVR `PiLink.cpp`
across its releases, thorrak/brewpi-esp8266 and brewpi-esp, BrewPi Remix), with made-up values.
"""

from __future__ import annotations

import pytest

from custom_components.cellar_brewpi.brewpi import (
    BrewPiClient,
    BrewPiNotSupportedError,
    ControlMode,
    Firmware,
    LcdText,
    LogMessage,
    ProbeNames,
    TcpTarget,
    VersionInfo,
    parse_line,
)
from custom_components.cellar_brewpi.brewpi.models import ControlConstants, ControlSettings
from scripts.emulators.brewpi import BrewPiEmulator

# --- the version reply, every shape ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "version", "firmware", "board"),
    [
        # 0.1.x: plain text (PiLink.cpp: print_P(PSTR("N:%S\n"), VERSION_STRING))
        ("N:0.1.0", "0.1.0", Firmware.BREWPI_0_1, "?"),
        # 0.2 development, multichamber fork: a quoted string
        ('N:"0.1.1"', "0.1.1", Firmware.BREWPI_0_1, "?"),
        # 0.2 development: unquoted keys, the board by name
        ('N:{ver:"0.2.0",shield:"2",sim:0,board:"leonardo"}', "0.2.0", Firmware.BREWPI_0_2, "l"),
        # 0.2.0-0.2.7 AVR: n an integer build number, l a string
        ('N:{"v":"0.2.4","n":47,"s":2,"y":0,"b":"l","l":"1"}', "0.2.4", Firmware.BREWPI_0_2, "l"),
        # 0.2.10 Spark/Photon: n a git describe, with IP and SSID
        (
            (
                'N:{"v":"0.2.10","n":"0.2.10-3-gabc1234","s":2,"y":0,"b":"y","l":"1",'
                '"i":"192.168.1.5","w":"myssid"}'
            ),
            "0.2.10",
            Firmware.BREWPI_0_2,
            "y",
        ),
        # BrewPi Remix 0.2.13 on an Uno
        ('N:{"v":"0.2.13","n":"da7e14a9","s":2,"y":0,"b":"s","l":"1"}', "0.2.13", None, "s"),
        # Spark 0.4 develop
        ('N:{"v":"0.4.3","n":"abc","s":4,"y":0,"b":"x","l":"1"}', "0.4.3", None, "x"),
        # BrewPi-ESP legacy (tag v11): a build name `c`, n an integer
        (
            'N:{"v":"0.2.4","n":0,"c":"v0.11","s":0,"y":0,"b":"e","l":"3"}',
            "0.2.4",
            Firmware.BREWPI_ESP_LEGACY,
            "e",
        ),
        # BrewPi-ESP today: l an integer, a firmware revision
        (
            'N:{"v":"0.2.4","n":"b6e45cd","c":"v0.15","s":0,"y":0,"b":"3","l":3,"e":"0.15"}',
            "0.2.4",
            Firmware.BREWPI_ESP,
            "3",
        ),
        # one BrewPi-ESP commit sends the board as its character code
        (
            'N:{"v":"0.2.4","n":"x","c":"x","s":0,"y":0,"b":101,"l":3,"e":"0.16"}',
            "0.2.4",
            Firmware.BREWPI_ESP,
            "e",
        ),
    ],
)
def test_every_version_reply(
    line: str, version: str, firmware: Firmware | None, board: str
) -> None:
    message = parse_line(line)
    assert isinstance(message, VersionInfo)
    assert (message.version, message.board) == (version, board)
    if firmware is not None:
        assert message.firmware is firmware


def test_firmware_generations_and_what_they_can_do() -> None:
    remix = parse_line('N:{"v":"0.2.13","n":"da7e14a9","s":2,"y":0,"b":"s","l":"1"}')
    spark = parse_line('N:{"v":"0.4.3","n":"abc","s":4,"y":0,"b":"x","l":"1"}')
    plain = parse_line("N:0.1.0")
    esp = parse_line('N:{"v":"0.2.4","n":"b6","c":"v0.15","s":0,"y":0,"b":"e","l":3,"e":"0.15"}')
    assert isinstance(remix, VersionInfo)
    assert isinstance(spark, VersionInfo)
    assert isinstance(plain, VersionInfo)
    assert isinstance(esp, VersionInfo)
    assert remix.firmware is Firmware.BREWPI_0_2
    assert spark.firmware is Firmware.BREWPI_SPARK_0_4
    assert (plain.has_device_manager, remix.has_device_manager) == (False, True)
    assert (esp.zero_is_no_reading, remix.zero_is_no_reading) == (True, False)
    assert (esp.model, remix.model, spark.model) == ("BrewPi-ESP", "BrewPi", "BrewPi Spark")
    assert (esp.board_name, remix.board_name) == ("ESP8266", "Arduino Uno")
    assert esp.firmware_version == "0.2.4 (0.15)"
    assert remix.firmware_version == "0.2.13 (da7e14a9)"
    assert plain.firmware_version == "0.1.0"


def test_probe_names_are_not_a_version() -> None:
    assert isinstance(parse_line('N:{"28FF1A2B3C4D5E6F":"Fermenter"}'), ProbeNames)


# --- the display -------------------------------------------------------------------------------


def test_lcd_lines_joined_by_br_before_0_1() -> None:
    """PiLink.cpp 2012: print_P(PSTR("%s<BR>"), line) four times, then a newline."""
    line = (
        "L:Mode   Beer Const. <BR>Beer   19.8  20.0 \u00b0C<BR>Fridge 18.2  17.9 \u00b0C<BR>"
        "Idling for     5m12<BR>"
    )
    assert parse_line(line) == LcdText(
        lines=(
            "Mode   Beer Const.",
            "Beer   19.8  20.0 °C",
            "Fridge 18.2  17.9 °C",
            "Idling for     5m12",
        )
    )


def test_lcd_json_array_since_0_1() -> None:
    line = (
        'L:["Mode   Beer Const. ","Beer   19.8  20.0 \u00b0C","Fridge 18.2  17.9 \u00b0C","Idling"]'
    )
    message = parse_line(line)
    assert isinstance(message, LcdText)
    assert message.lines[1] == "Beer   19.8  20.0 °C"


# --- settings, constants and logs ---------------------------------------------------------------


def test_long_setting_keys_before_0_1() -> None:
    line = (
        'S:{"mode":"b","beerSetting": 20.00,"fridgeSetting": 19.50,"heatEstimator": 0.199,'
        '"coolEstimator": 5.000}'
    )
    assert parse_line(line) == ControlSettings(
        mode=ControlMode.BEER_CONSTANT,
        beer_set=20.0,
        fridge_set=19.5,
        heat_estimator=0.199,
        cool_estimator=5.0,
    )


def test_values_as_strings_with_blanks() -> None:
    """0.2 development builds quote every value, with a leading blank."""
    line = (
        'S:{"mode":"b","beerSet":" 20.00","fridgeSet":" 20.00","heatEst":" 0.199",'
        '"coolEst":" 5.000"}'
    )
    settings = parse_line(line)
    assert isinstance(settings, ControlSettings)
    assert (settings.beer_set, settings.cool_estimator) == (20.0, 5.0)


@pytest.mark.parametrize(
    ("line", "limits"),
    [
        # before 0.1: long names
        (
            'C:{"tempFormat":"C","tempSettingMin": 4.0,"tempSettingMax": 30.0,"KpHeat": 10.000}',
            (4.0, 30.0),
        ),
        # 0.1: integers as strings, no pidMax
        (
            'C:{"tempFormat":"F","tempSetMin": 34.0,"tempSetMax": 86.0,"maxHeatTimeForEst":"600"}',
            (34.0, 86.0),
        ),
        # Spark 0.4 develop: no limits at all
        ('C:{"tempFormat":"C","heater1_kp":10.0,"heater1_ti":600}', (1.0, 30.0)),
        # limits upside down: the unit's defaults
        ('C:{"tempFormat":"F","tempSetMin":90,"tempSetMax":20}', (34.0, 86.0)),
    ],
)
def test_constants_of_every_generation(line: str, limits: tuple[float, float]) -> None:
    constants = parse_line(line)
    assert isinstance(constants, ControlConstants)
    assert (constants.temp_set_min, constants.temp_set_max) == limits


@pytest.mark.parametrize(
    "line",
    [
        "D:Received new setting: mode = b",
        "D:Default constants loaded.",
        "D:Invalid command received by Arduino: x",
    ],
)
def test_plain_text_logs_before_0_2(line: str) -> None:
    message = parse_line(line)
    assert isinstance(message, LogMessage)
    assert message.text == line[2:]


def test_beer_setting_is_unset_in_fridge_constant() -> None:
    """Today's firmware reports the beer setting it does not use in fridge constant as 0."""
    settings = parse_line('S:{"mode":"f","beerSet":0,"fridgeSet":4,"heatEst":0.2,"coolEst":5}')
    assert isinstance(settings, ControlSettings)
    assert (settings.beer_set, settings.fridge_set) == (None, 4.0)


# --- the client against the emulator speaking each generation ------------------------------------


@pytest.mark.parametrize(
    ("brewpi_emulator", "firmware"),
    [
        ("esp", Firmware.BREWPI_ESP),
        ("esp-v11", Firmware.BREWPI_ESP_LEGACY),
        ("avr-0.2", Firmware.BREWPI_0_2),
        ("avr-0.1", Firmware.BREWPI_0_1),
        ("2012", Firmware.BREWPI_2012),
    ],
    indirect=["brewpi_emulator"],
)
async def test_the_client_drives_every_generation(
    brewpi_emulator: BrewPiEmulator, firmware: Firmware
) -> None:
    emulator = brewpi_emulator
    client = BrewPiClient(TcpTarget("127.0.0.1", emulator.port), request_timeout=1.0)
    version = await client.async_connect()
    try:
        assert version.firmware is firmware
        temperatures = await client.async_get_temperatures()
        assert temperatures.beer_temp == pytest.approx(emulator.chamber.beer_temp, abs=0.06)
        assert (await client.async_get_settings()).mode is ControlMode.BEER_CONSTANT
        constants = await client.async_get_constants()
        assert constants.temp_format == "C"
        assert constants.temp_set_min < constants.temp_set_max
        lcd = await client.async_get_lcd()
        assert len(lcd.lines) == 4
        assert lcd.lines[0].startswith("Mode")
        sent = len(emulator.commands_received)
        if version.has_device_manager:
            assert (await client.async_get_devices()).devices
        else:
            with pytest.raises(BrewPiNotSupportedError):
                await client.async_get_devices()
            assert len(emulator.commands_received) == sent  # nothing sent
        settings = await client.async_set_beer_constant(18.5)
        assert (settings.mode, settings.beer_set) == (ControlMode.BEER_CONSTANT, 18.5)
        assert emulator.beer_set == 18.5
        settings = await client.async_set_fridge_constant(4.0)
        assert (settings.mode, settings.fridge_set) == (ControlMode.FRIDGE_CONSTANT, 4.0)
        assert (await client.async_set_off()).mode is ControlMode.OFF
        assert client.stats.malformed == 0
    finally:
        await client.async_close()
