"""
Turn one line from the controller into a typed message. `parse_line` never raises.

Quirks handled here:
- `N:` is both the version (reply to `n`, has a `v` key) and the probe names (reply to `p`).
- Legacy compact `T:` uses short keys and sends only changed fields (`TemperatureUpdate.partial`);
  `Log1Temp` is the room temperature.
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
    if not isinstance(payload, dict):
        raise PayloadError(f"expected an object, got {type(payload).__name__}")
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
    return TemperatureUpdate(values=values, partial=partial)


def _settings(payload: Any) -> ControlSettings:
    data = _object(payload)
    mode = ControlMode(data["mode"]) if "mode" in data else None
    if mode is None:
        raise PayloadError("no mode")
    beer_set = number(data.get("beerSet"))
    fridge_set = number(data.get("fridgeSet"))
    if mode is ControlMode.OFF:
        # Both setpoints are "invalid" in mode off and read 0.
        beer_set = None if beer_set == 0 else beer_set
        fridge_set = None if fridge_set == 0 else fridge_set
    return ControlSettings(
        mode=mode,
        beer_set=beer_set,
        fridge_set=fridge_set,
        heat_estimator=number(data.get("heatEst")),
        cool_estimator=number(data.get("coolEst")),
    )


def _constants(payload: Any) -> ControlConstants:
    data = _object(payload)
    temp_format = data.get("tempFormat")
    set_min = number(data.get("tempSetMin"))
    set_max = number(data.get("tempSetMax"))
    if temp_format not in {"C", "F"} or set_min is None or set_max is None:
        raise PayloadError("tempFormat, tempSetMin or tempSetMax missing")
    return ControlConstants(
        temp_format=temp_format, temp_set_min=set_min, temp_set_max=set_max, raw=data
    )


def _variables(payload: Any) -> ControlVariables:
    return ControlVariables(raw=_object(payload))


def _board(value: Any) -> str:
    """Return the board letter; some builds send its character code as a number."""
    if isinstance(value, int) and not isinstance(value, bool) and 32 <= value < 127:  # noqa: PLR2004
        return chr(value)
    text = _text(value)
    return text or "?"


def _names_or_version(payload: Any) -> VersionInfo | ProbeNames:
    data = _object(payload)
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
_KNOWN_PREFIXES = frozenset(_PARSERS) | UNMODELLED_PREFIXES
