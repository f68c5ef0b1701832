"""
Typed messages of the BrewPi line protocol (BrewPi-ESP and legacy Arduino firmware).

Nothing here imports Home Assistant: the package can be tested alone and published later.
"""

from __future__ import annotations

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


BOARD_NAMES: dict[str, str] = {
    "l": "Arduino Leonardo",
    "s": "Arduino Uno",
    "m": "Arduino Mega",
    "x": "Spark Core",
    "y": "Particle Photon",
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

    @property
    def board_name(self) -> str:
        """The board's name, e.g. "ESP32"."""
        return BOARD_NAMES.get(self.board, BOARD_NAMES["?"])

    @property
    def legacy(self) -> bool:
        """Below 0.4.0 is "legacy" protocol (every ESP build reports 0.2.4)."""
        parts: list[int] = []
        for piece in self.version.split(".")[:3]:
            digits = "".join(ch for ch in piece if ch.isdigit())
            parts.append(int(digits) if digits else 0)
        return tuple(parts) < (0, 4, 0)


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
