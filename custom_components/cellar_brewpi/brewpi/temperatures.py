"""
Merge raw `T:` updates and normalise them to `Temperatures`.

What "no value" looks like depends on the firmware:

| Case | Modern BrewPi-ESP | Legacy Arduino |
|---|---|---|
| disconnected beer/fridge probe | `0` (or the key left out) | `null` |
| no room sensor | `""` | key absent |
| setpoints in mode off | `0` | `null` |

On today's BrewPi-ESP a `0` beer/fridge temperature is therefore only trusted when the
installed-device list (`d:`) shows an active probe with that function that has a reading; without
a device list it is `None`. Older firmware sends `null` for a missing reading, so its `0` is a
reading (`zero_is_no_reading=False`).
"""

from __future__ import annotations

from typing import Any

from .models import (
    ControlMode,
    ControlState,
    DeviceFunction,
    DeviceList,
    Temperatures,
    TemperatureUpdate,
)
from .parser import number

_NO_READING = frozenset({"", "null", "nan"})


def _annotation(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _state(value: Any) -> ControlState | None:
    code = number(value)
    if code is None or not code.is_integer():
        return None
    try:
        return ControlState(int(code))
    except ValueError:
        return None


def _has_reading(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, str) and value.strip().lower() in _NO_READING)


class TemperatureTracker:
    """Keep the merged raw `T:` state and produce normalised `Temperatures`."""

    def __init__(self) -> None:
        """Start with no state, no device list and no known mode."""
        self._raw: dict[str, Any] = {}
        self._devices: DeviceList | None = None
        self._mode: ControlMode | None = None
        self._current: Temperatures | None = None
        self.zero_is_no_reading = True  # until the firmware is known: today's BrewPi-ESP

    @property
    def current(self) -> Temperatures | None:
        """The latest normalised temperatures, or None before the first `T:`."""
        return self._current

    @property
    def raw(self) -> dict[str, Any]:
        """A copy of the merged raw values (long keys)."""
        return dict(self._raw)

    @property
    def devices(self) -> DeviceList | None:
        """The installed-device list used to tell a real 0.0 from a disconnected probe."""
        return self._devices

    def set_devices(self, devices: DeviceList | None) -> None:
        """Use a new installed-device list (from `d{v:1}`)."""
        self._devices = devices
        self._renormalise()

    def set_mode(self, mode: ControlMode | None) -> None:
        """Use the control mode from the latest `S:`."""
        if mode is not self._mode:
            self._mode = mode
            self._renormalise()

    def reset(self) -> None:
        """Forget the merged raw state (new connection); the last result stays readable."""
        self._raw = {}

    def update(self, update: TemperatureUpdate) -> Temperatures:
        """Merge (partial) or replace (full) the raw state and return the normalised result."""
        if update.partial:
            self._raw.update(update.values)
        else:
            self._raw = dict(update.values)
        self._current = self._normalise()
        return self._current

    def _renormalise(self) -> None:
        if self._current is not None:
            self._current = self._normalise()

    def _normalise(self) -> Temperatures:
        raw = self._raw
        state = _state(raw.get("State"))
        off = state is ControlState.OFF or self._mode is ControlMode.OFF
        beer_set = number(raw.get("BeerSet"))
        fridge_set = number(raw.get("FridgeSet"))
        # Invalid setpoints read 0: both in mode off, the beer setpoint in fridge-constant mode.
        if beer_set == 0 and (off or self._mode is ControlMode.FRIDGE_CONSTANT):
            beer_set = None
        if fridge_set == 0 and off:
            fridge_set = None
        return Temperatures(
            beer_temp=self._probe(raw.get("BeerTemp"), DeviceFunction.BEER_TEMP),
            beer_set=beer_set,
            beer_annotation=_annotation(raw.get("BeerAnn")),
            fridge_temp=self._probe(raw.get("FridgeTemp"), DeviceFunction.CHAMBER_TEMP),
            fridge_set=fridge_set,
            fridge_annotation=_annotation(raw.get("FridgeAnn")),
            room_temp=number(raw.get("RoomTemp")),
            state=state,
        )

    def _probe(self, value: Any, function: DeviceFunction) -> float | None:
        reading = number(value)
        if reading == 0 and self.zero_is_no_reading and not self._probe_has_reading(function):
            return None
        return reading

    def _probe_has_reading(self, function: DeviceFunction) -> bool:
        if self._devices is None:
            return False
        return any(
            device.function == function and not device.deactivated and _has_reading(device.value)
            for device in self._devices.devices
        )
