"""
Typed messages of the BrewPi line protocol (BrewPi-ESP and legacy Arduino firmware).

Nothing here imports Home Assistant: the package can be tested alone and published later.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class ControlState(IntEnum):
    """The controller's control state, as in `T:` `State` (FW src/TempControl.h)."""

    IDLE = 0
    OFF = 1
    DOOR_OPEN = 2
    HEATING = 3
    COOLING = 4
    WAITING_TO_COOL = 5
    WAITING_TO_HEAT = 6
    WAITING_FOR_PEAK_DETECT = 7
    COOLING_MIN_TIME = 8
    HEATING_MIN_TIME = 9


class ControlMode(StrEnum):
    """The control mode letter (`S:` `mode`)."""

    BEER_CONSTANT = "b"
    FRIDGE_CONSTANT = "f"
    BEER_PROFILE = "p"
    OFF = "o"
    TEST = "t"


class DeviceFunction(IntEnum):
    """What an installed device does (`d:` key `f`)."""

    NONE = 0
    DOOR = 1
    CHAMBER_HEAT = 2
    CHAMBER_COOL = 3
    CHAMBER_LIGHT = 4
    CHAMBER_TEMP = 5
    ROOM_TEMP = 6
    CHAMBER_FAN = 7
    MANUAL_ACTUATOR = 8
    BEER_TEMP = 9
    BEER_TEMP_2 = 10
    BEER_HEAT = 11
    BEER_COOL = 12
    BEER_SG = 13
    RESERVED_14 = 14
    RESERVED_15 = 15


class Firmware(StrEnum):
    """
    The firmware generation, told from the version reply (the README's controller table).

    Their replies differ: see the parser's docstring for each one's formats.
    """

    BREWPI_2012 = "brewpi_2012"
    """BrewPi before 0.1 (2012, Leonardo): no version command, LCD lines joined by `<BR>`,
    long setting keys (`beerSetting`, `tempSettingMin`), plain-text `D:` logs."""
    BREWPI_0_1 = "brewpi_0_1"
    """BrewPi 0.1.x (AVR): a plain-text version (`N:0.1.0`), no device manager, plain-text logs,
    integers sent as strings."""
    BREWPI_0_2 = "brewpi_0_2"
    """BrewPi 0.2.x and 0.3.x (AVR, Spark Core, Photon) and BrewPi Remix 0.2.10a-0.2.13: a JSON
    version, the device manager, JSON logs; a disconnected probe reads `null`."""
    BREWPI_SPARK_0_4 = "brewpi_spark_0_4"
    """The Spark's 0.4 develop firmware: no setpoint limits in `C:`, other PID constants."""
    BREWPI_ESP_LEGACY = "brewpi_esp_legacy"
    """BrewPi-ESP up to tag v11 (ESP8266): as 0.2, with a build name (`c`)."""
    BREWPI_ESP = "brewpi_esp"
    """BrewPi-ESP today (ESP8266, ESP32, -S2, -C3): a firmware revision (`e`); a disconnected
    probe reads 0 or is left out of `T:`; setpoints read 0 when invalid."""


FIRMWARE_MODELS: dict[Firmware, str] = {
    Firmware.BREWPI_2012: "BrewPi (2012 firmware)",
    Firmware.BREWPI_0_1: "BrewPi",
    Firmware.BREWPI_0_2: "BrewPi",
    Firmware.BREWPI_SPARK_0_4: "BrewPi Spark",
    Firmware.BREWPI_ESP_LEGACY: "BrewPi-ESP",
    Firmware.BREWPI_ESP: "BrewPi-ESP",
}
"""The product a firmware generation makes of the controller (the device's model)."""

ESP_BOARDS = frozenset("e32c")

BOARD_NAMES: dict[str, str] = {
    "l": "Arduino Leonardo",
    "s": "Arduino Uno",
    "m": "Arduino Mega",
    "x": "Spark Core",
    "y": "Particle Photon",
    "p": "Particle P1",
    "e": "ESP8266",
    "3": "ESP32",
    "c": "ESP32-C3",
    "2": "ESP32-S2",
    "?": "unknown board",
}


@dataclass(frozen=True, slots=True)
class Temperatures:
    """
    A `T:` message after normalisation.

    Temperatures are in the controller's unit (`ControlConstants.temp_format`). A probe that is not
    installed or is disconnected, a missing room sensor, and setpoints in mode off are `None`.
    """

    beer_temp: float | None = None
    beer_set: float | None = None
    beer_annotation: str | None = None
    fridge_temp: float | None = None
    fridge_set: float | None = None
    fridge_annotation: str | None = None
    room_temp: float | None = None
    state: ControlState | None = None


@dataclass(frozen=True, slots=True)
class TemperatureUpdate:
    """
    A raw `T:` message before merging and normalisation.

    `values` uses the long keys (`BeerTemp`, ..., `RoomTemp`, `State`) whatever the firmware sent:
    legacy short keys and `Log1Temp` are already renamed. `partial` is true for the compact legacy
    format (short keys, only the changed fields), which must be merged into the previous state.
    """

    values: dict[str, Any]
    partial: bool = False


@dataclass(frozen=True, slots=True)
class ControlSettings:
    """An `S:` message."""

    mode: ControlMode
    beer_set: float | None
    fridge_set: float | None
    heat_estimator: float | None = None
    cool_estimator: float | None = None


DEFAULT_LIMITS: dict[str, tuple[float, float]] = {"C": (1.0, 30.0), "F": (34.0, 86.0)}
"""The firmware's default setpoint limits, for a `C:` without them (the Spark's 0.4 develop)."""


@dataclass(frozen=True, slots=True)
class ControlConstants:
    """A `C:` message: the unit, the setpoint limits and every other constant as sent."""

    temp_format: str
    temp_set_min: float
    temp_set_max: float
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ControlVariables:
    """A `V:` message (PID internals), kept as sent."""

    raw: dict[str, Any]


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """An `N:` reply to `n` (it has a `v` key; the `N:` reply of `p` has not)."""

    version: str
    build: str = ""
    tag: str = ""
    shield: str = ""
    simulator: bool = False
    board: str = "?"
    log_version: str = ""
    firmware_revision: str = ""
    no_version_command: bool = False  # BrewPi before 0.1 answers `n` with "Invalid command"

    @property
    def board_name(self) -> str:
        """The board's name, e.g. "ESP32"."""
        return BOARD_NAMES.get(self.board, BOARD_NAMES["?"])

    @property
    def release(self) -> tuple[int, int, int]:
        """The release as numbers, e.g. (0, 2, 4); (0, 0, 0) when unknown."""
        parts = [0, 0, 0]
        for index, piece in enumerate(self.version.split(".")[:3]):
            digits = "".join(itertools.takewhile(str.isdigit, piece.lstrip("v")))
            parts[index] = int(digits) if digits else 0
        return parts[0], parts[1], parts[2]

    @property
    def legacy(self) -> bool:
        """Below 0.4.0 is "legacy" protocol (every ESP build reports 0.2.4)."""
        return self.release < (0, 4, 0)

    @property
    def firmware(self) -> Firmware:
        """The firmware generation."""
        if self.no_version_command:
            return Firmware.BREWPI_2012
        if self.release < (0, 2, 0):
            return Firmware.BREWPI_0_1
        if self.release >= (0, 4, 0):
            return Firmware.BREWPI_SPARK_0_4
        if self.firmware_revision:
            return Firmware.BREWPI_ESP
        if self.board in ESP_BOARDS:
            return Firmware.BREWPI_ESP_LEGACY
        return Firmware.BREWPI_0_2

    @property
    def has_device_manager(self) -> bool:
        """Whether the controller lists its devices (`d`); BrewPi before 0.2 has no such list."""
        return self.firmware not in {Firmware.BREWPI_2012, Firmware.BREWPI_0_1}

    @property
    def zero_is_no_reading(self) -> bool:
        """
        Whether a probe reading 0 may mean "disconnected" (today's BrewPi-ESP).

        Older firmware sends `null` for that, so its 0 is a reading.
        """
        return self.firmware is Firmware.BREWPI_ESP

    @property
    def model(self) -> str:
        """What the controller is, e.g. "BrewPi-ESP"."""
        return FIRMWARE_MODELS[self.firmware]

    @property
    def firmware_version(self) -> str:
        """The firmware's version as shown to people, e.g. "0.2.4 (0.15)"."""
        if self.no_version_command:
            return "before 0.1"
        detail = self.firmware_revision or self.tag or self.build
        return f"{self.version} ({detail})" if detail and detail != self.version else self.version


PRE_0_1_VERSION = VersionInfo(version="0.0.0", board="l", no_version_command=True)
"""What BrewPi before 0.1 (2012, Leonardo only) is known by: it has no version command."""


@dataclass(frozen=True, slots=True)
class LcdText:
    """An `L:` message: the controller's 4 LCD lines, trailing blanks removed, 0xB0 shown as '°'."""

    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WifiInfo:
    """A `W:` message."""

    ssid: str
    signal_strength: int | None


@dataclass(frozen=True, slots=True)
class ProbeNames:
    """The `N:` reply of `p`: OneWire address to human name."""

    names: dict[str, str]


@dataclass(frozen=True, slots=True)
class InstalledDevice:
    """One entry of a `d:` device list."""

    index: int
    chamber: int
    beer: int
    function: DeviceFunction | int
    hardware: int
    device_type: int
    pin: int | None = None
    address: str | None = None
    deactivated: bool = False
    value: Any = None


@dataclass(frozen=True, slots=True)
class DeviceList:
    """A `d:` message."""

    devices: tuple[InstalledDevice, ...]

    def has_function(self, function: DeviceFunction) -> bool:
        """Whether an active device with this function is installed."""
        return any(d.function == function and not d.deactivated for d in self.devices)


@dataclass(frozen=True, slots=True)
class LogMessage:
    """A `D:` structured log message, expanded to words where the id is known."""

    log_type: str  # "E", "W" or "I"
    log_id: int
    values: tuple[Any, ...]
    text: str


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line without a known prefix (the firmware's plain-text errors)."""

    text: str


@dataclass(frozen=True, slots=True)
class MalformedLine:
    """A line with a known prefix whose payload could not be decoded (bad or truncated JSON)."""

    prefix: str
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class UnknownMessage:
    """A line with a prefix we do not model (`h:`, `U:`, `R:`, `X:` ...), kept raw."""

    prefix: str
    payload: Any


type Message = (
    TemperatureUpdate
    | Temperatures
    | ControlSettings
    | ControlConstants
    | ControlVariables
    | VersionInfo
    | LcdText
    | WifiInfo
    | ProbeNames
    | DeviceList
    | LogMessage
    | TextLine
    | MalformedLine
    | UnknownMessage
)
