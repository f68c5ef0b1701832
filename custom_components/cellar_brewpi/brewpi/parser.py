"""
Turn one line from the controller into a typed message. `parse_line` never raises.

Every reply format the firmware has used since 2012 (see `Firmware`) is accepted:
- `N:` is the version (reply to `n`) in four shapes: `0.1.0` (0.1.x), `"0.1.1"` (0.2 development
  builds), `{ver:"0.2.0",shield:"2",sim:0,board:"leonardo"}` (the same, unquoted keys) and
  `{"v":"0.2.4","n":...}` (0.2 and later; `n` and `l` an integer or a string, `b` a letter or its
  character code). An `N:` without a version is the probe names (reply to `p`).
- `L:` is a JSON array of lines, or before 0.1 the lines joined by `<BR>`.
- `D:` is a JSON log message, or before 0.2 plain text.
- `S:` and `C:` use short keys, or before 0.1 long ones (`beerSetting`, `tempSettingMin`);
  numbers may come as strings with blanks (`" 20.00"`, `"600"`); `C:` of the Spark's 0.4 develop
  firmware has no setpoint limits.
- Legacy compact `T:` uses short keys and sends only changed fields (`TemperatureUpdate.partial`);
  `Log1Temp` is the room temperature; before 0.1 there is no `State`.
- A truncated line directly followed by the next message without a newline (BrewPi/firmware#86):
  the last complete `X:{...}` in the line is used.
- Control characters inside JSON strings (thorrak/brewpi-esp#63) are accepted, and single-quoted
  or unquoted-key JSON from old firmware is repaired.
"""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING, Any

from .log_messages import expand_log_message
from .models import (
    DEFAULT_LIMITS,
    ControlConstants,
    ControlMode,
    ControlSettings,
    ControlVariables,
    DeviceFunction,
    DeviceList,
    InstalledDevice,
    LcdText,
    LogMessage,
    MalformedLine,
    Message,
    ProbeNames,
    TemperatureUpdate,
    TextLine,
    UnknownMessage,
    VersionInfo,
    WifiInfo,
)

if TYPE_CHECKING:
    from collections.abc import Callable

SHORT_TEMPERATURE_KEYS: dict[str, str] = {
    "bt": "BeerTemp",
    "bs": "BeerSet",
    "ba": "BeerAnn",
    "ft": "FridgeTemp",
    "fs": "FridgeSet",
    "fa": "FridgeAnn",
    "rt": "RoomTemp",
    "s": "State",
    "t": "Time",
}
"""Legacy compact `T:` keys and their long names (brewpi-script `rename_temp_key`)."""

RENAMED_TEMPERATURE_KEYS: dict[str, str] = {"Log1Temp": "RoomTemp"}

UNMODELLED_PREFIXES = frozenset("hURX")
"""Known prefixes kept raw as `UnknownMessage`."""

_SALVAGE = re.compile(r"[A-Za-z]:[\[{]")
_SALVAGE_TRIES = 4
_NAME = re.compile(r"[A-Za-z0-9_]+")
_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_]\w*)(\s*:)")


class PayloadError(ValueError):
    """The payload decoded as JSON but does not have the expected shape."""


def parse_line(line: str) -> Message:
    """Parse one line (without its line end) into a message; never raises."""
    message = _parse_prefixed(line)
    if isinstance(message, (MalformedLine, TextLine)):
        salvaged = _salvage(line)
        if salvaged is not None:
            return salvaged
    return message


def _parse_prefixed(line: str) -> Message:
    """Parse a line that should start with `X:`; no salvage."""
    if len(line) < 2 or line[1] != ":" or line[0] not in _KNOWN_PREFIXES:  # noqa: PLR2004
        return TextLine(line)
    prefix, body = line[0], line[2:]
    try:
        payload = decode_json(body)
    except (ValueError, RecursionError) as err:
        plain = _PLAIN_PARSERS.get(prefix)
        if plain is not None and (message := plain(body)) is not None:
            return message
        return MalformedLine(prefix, line, f"invalid JSON: {err}")
    if prefix in UNMODELLED_PREFIXES:
        return UnknownMessage(prefix, payload)
    try:
        return _PARSERS[prefix](payload)
    except (PayloadError, ValueError, TypeError) as err:
        return MalformedLine(prefix, line, f"unexpected payload: {err}")


def _salvage(line: str) -> Message | None:
    """Use the last complete known message in a line that failed as a whole (firmware#86)."""
    starts = [m.start() for m in _SALVAGE.finditer(line) if m.start() > 0]
    for start in reversed(starts[-_SALVAGE_TRIES:]):
        message = _parse_prefixed(line[start:])
        if not isinstance(message, (MalformedLine, TextLine)):
            return message
    return None


def decode_json(text: str) -> Any:
    """
    Decode JSON, accepting control characters in strings and legacy quirks.

    Raises `ValueError` (or `RecursionError` for absurd nesting) when it cannot be decoded.
    """
    try:
        return json.loads(text, strict=False)
    except ValueError:
        repaired = text
        if "'" in repaired and '"' not in repaired:
            repaired = repaired.replace("'", '"')
        repaired = _BARE_KEY.sub(r'\1"\2"\3', repaired)
        if repaired == text:
            raise
        return json.loads(repaired, strict=False)


# --- value helpers ---------------------------------------------------------------------------


def number(value: Any) -> float | None:
    """Return a finite number from a JSON number or numeric string, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def _int(value: Any, default: int) -> int:
    num = number(value)
    return int(num) if num is not None and num.is_integer() else default


def _flag(value: Any) -> bool:
    """Return a JSON boolean or 0/1 as a bool."""
    return value is True or bool(number(value))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _object(payload: Any) -> dict[str, Any]:
    """A JSON object whose keys are names: line noise inside a key makes the line malformed."""
    if not isinstance(payload, dict):
        raise PayloadError(f"expected an object, got {type(payload).__name__}")
    if bad := next((key for key in payload if not _NAME.fullmatch(key)), None):
        raise PayloadError(f"garbled key {bad!r}")
    return payload


def _array(payload: Any) -> list[Any]:
    if not isinstance(payload, list):
        raise PayloadError(f"expected an array, got {type(payload).__name__}")
    return payload


# --- one parser per prefix -------------------------------------------------------------------


def _temperatures(payload: Any) -> TemperatureUpdate:
    values: dict[str, Any] = {}
    partial = False
    for key, value in _object(payload).items():
        if key in SHORT_TEMPERATURE_KEYS:
            partial = True
            values[SHORT_TEMPERATURE_KEYS[key]] = value
        else:
            values[RENAMED_TEMPERATURE_KEYS.get(key, key)] = value
    # A compact `T:{}` says nothing changed: merged, it keeps the state (a full one would wipe it).
    return TemperatureUpdate(values=values, partial=partial or not values)


def _either(data: dict[str, Any], key: str, old_key: str) -> Any:
    """A value sent under its key or, by firmware before 0.1, under its long name."""
    return data[key] if key in data else data.get(old_key)


def _settings(payload: Any) -> ControlSettings:
    data = _object(payload)
    mode = ControlMode(data["mode"]) if "mode" in data else None
    if mode is None:
        raise PayloadError("no mode")
    if not (
        {"beerSet", "beerSetting"} & data.keys() and {"fridgeSet", "fridgeSetting"} & data.keys()
    ):
        raise PayloadError("no setpoints")
    beer_set = number(_either(data, "beerSet", "beerSetting"))
    fridge_set = number(_either(data, "fridgeSet", "fridgeSetting"))
    # Invalid setpoints read 0 (or null): both in mode off, the beer's in fridge constant.
    if beer_set == 0 and mode in {ControlMode.OFF, ControlMode.FRIDGE_CONSTANT}:
        beer_set = None
    if fridge_set == 0 and mode is ControlMode.OFF:
        fridge_set = None
    return ControlSettings(
        mode=mode,
        beer_set=beer_set,
        fridge_set=fridge_set,
        heat_estimator=number(_either(data, "heatEst", "heatEstimator")),
        cool_estimator=number(_either(data, "coolEst", "coolEstimator")),
    )


def _constants(payload: Any) -> ControlConstants:
    data = _object(payload)
    temp_format = data.get("tempFormat")
    if temp_format not in DEFAULT_LIMITS:
        raise PayloadError("no tempFormat")
    set_min = number(_either(data, "tempSetMin", "tempSettingMin"))
    set_max = number(_either(data, "tempSetMax", "tempSettingMax"))
    if (set_min is None or set_max is None) and not any(k.startswith("heater1_") for k in data):
        raise PayloadError("no setpoint limits")  # only the Spark's 0.4 develop has none
    if set_min is None or set_max is None or set_min >= set_max:
        set_min, set_max = DEFAULT_LIMITS[temp_format]
    return ControlConstants(
        temp_format=temp_format, temp_set_min=set_min, temp_set_max=set_max, raw=data
    )


def _variables(payload: Any) -> ControlVariables:
    return ControlVariables(raw=_object(payload))


BOARD_WORDS = {"leonardo": "l", "standard": "s", "uno": "s", "mega": "m"}
"""Boards as 0.2 development builds named them (`board:"leonardo"`)."""

_VERSION = re.compile(r"\d+\.\d+\.\d+\S*")


def _board(value: Any) -> str:
    """Return the board letter; some builds send its character code or its name."""
    if isinstance(value, int) and not isinstance(value, bool) and 32 <= value < 127:  # noqa: PLR2004
        return chr(value)
    text = _text(value).strip()
    if len(text) > 1:
        return BOARD_WORDS.get(text.lower(), "?")
    return text or "?"


def _names_or_version(payload: Any) -> VersionInfo | ProbeNames:
    if isinstance(payload, str):  # `N:"0.1.1"` of 0.2 development builds
        if (version := _plain_version(payload)) is None:
            raise PayloadError("not a version")
        return version
    data = _object(payload)
    if "v" not in data and "ver" in data:  # 0.2 development builds
        return VersionInfo(
            version=_text(data["ver"]),
            shield=_text(data.get("shield")),
            simulator=_flag(data.get("sim")),
            board=_board(data.get("board")),
        )
    if "v" not in data:
        return ProbeNames(names={str(k): _text(v) for k, v in data.items()})
    return VersionInfo(
        version=_text(data["v"]),
        build=_text(data.get("n")),
        tag=_text(data.get("c")),
        shield=_text(data.get("s")),
        simulator=_flag(data.get("y")),
        board=_board(data.get("b")),
        log_version=_text(data.get("l")),
        firmware_revision=_text(data.get("e")),
    )


def _lcd(payload: Any) -> LcdText:
    return LcdText(lines=tuple(_text(line).rstrip() for line in _array(payload)))


# --- replies that are not JSON -----------------------------------------------------------


def _plain_version(body: str) -> VersionInfo | None:
    """`N:0.1.0` (0.1.x)."""
    text = body.strip().strip('"')
    return VersionInfo(version=text) if _VERSION.fullmatch(text) else None


def _plain_lcd(body: str) -> LcdText | None:
    """`L:line<BR>line<BR>...` (before 0.1)."""
    if "<BR>" not in body:
        return None
    lines = body.split("<BR>")
    if lines and not lines[-1].strip():
        lines.pop()
    return LcdText(lines=tuple(line.rstrip() for line in lines))


def _plain_log(body: str) -> LogMessage | None:
    """`D:Received new setting: mode = b` (before 0.2); never a broken JSON or glued line."""
    text = body.strip()
    if not text or text.startswith("{") or _SALVAGE.search(text):
        return None
    return LogMessage(log_type="I", log_id=-1, values=(), text=text)


def _wifi(payload: Any) -> WifiInfo:
    data = _object(payload)
    strength = number(data.get("signalStrength"))
    return WifiInfo(
        ssid=_text(data.get("ssid")), signal_strength=None if strength is None else int(strength)
    )


def _function(value: Any) -> DeviceFunction | int:
    code = _int(value, 0)
    try:
        return DeviceFunction(code)
    except ValueError:
        return code


def _device(data: dict[str, Any]) -> InstalledDevice:
    pin = number(data.get("p"))
    address = data.get("a")
    return InstalledDevice(
        index=_int(data.get("i"), -1),
        chamber=_int(data.get("c"), 0),
        beer=_int(data.get("b"), 0),
        function=_function(data.get("f")),
        hardware=_int(data.get("h"), 0),
        device_type=_int(data.get("t"), 0),
        pin=None if pin is None else int(pin),
        address=None if address in {None, ""} else str(address),
        deactivated=_flag(data.get("d")),
        value=data.get("v"),
    )


def _devices(payload: Any) -> DeviceList:
    return DeviceList(
        devices=tuple(_device(item) for item in _array(payload) if isinstance(item, dict))
    )


def _log(payload: Any) -> LogMessage:
    data = _object(payload)
    log_type = _text(data.get("logType"))
    log_id = number(data.get("logID"))
    if log_id is None or not log_id.is_integer():
        raise PayloadError("no logID")
    raw_values = data.get("V", [])
    values = tuple(raw_values) if isinstance(raw_values, list) else (raw_values,)
    return LogMessage(
        log_type=log_type,
        log_id=int(log_id),
        values=values,
        text=expand_log_message(log_type, int(log_id), values),
    )


_PARSERS: dict[str, Callable[[Any], Message]] = {
    "T": _temperatures,
    "S": _settings,
    "C": _constants,
    "V": _variables,
    "N": _names_or_version,
    "L": _lcd,
    "W": _wifi,
    "d": _devices,
    "D": _log,
}
_PLAIN_PARSERS: dict[str, Callable[[str], Message | None]] = {
    "N": _plain_version,
    "L": _plain_lcd,
    "D": _plain_log,
}
_KNOWN_PREFIXES = frozenset(_PARSERS) | UNMODELLED_PREFIXES
