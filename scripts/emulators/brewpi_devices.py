"""The device manager of the BrewPi emulator: `d` (installed devices), `h` (hardware), `U`.

The controller has a heater and a cooler on pins, and beer, fridge and (optionally) room probes
on a OneWire bus. BrewPi-ESP and the Arduino 0.2 firmware answer; older Arduino firmware has no
device manager (the emulator then never calls these handlers).
"""

import re
from typing import Any

from scripts.emulators.brewpi_dialects import Dialect
from scripts.emulators.brewpi_link import Command, Link
from scripts.emulators.brewpi_model import Controller

BEER_ADDR, FRIDGE_ADDR, ROOM_ADDR = "28FF3A4B1C160451", "28FF7C2D1D1603B2", "28FF9E5F1A16042C"
HEAT_PIN, COOL_PIN, DOOR_PIN, ONEWIRE_PIN = 16, 14, 13, 12
PIN_ALIASES = {HEAT_PIN: "Heat", COOL_PIN: "Cool", DOOR_PIN: "Door"}
LOG_EXPECTED_BRACKET = 10  # an error log id
AVR_KEYS = {"d": "irwe", "h": "hpvuf", "U": "icbfhpxa"}  # the letters each Arduino command reads
AVR_DISPLAY = {"r": "v"}  # 0.2's `d` reads values on "r" (the ESP firmware on "v")
_ATOL = re.compile(r"\s*[-+]?\d+")


def as_int(value: Any, default: int) -> int:
    """A JSON number as an int (`default` for anything else)."""
    if isinstance(value, bool | int | float):
        return int(value)
    return default


def atol(text: str) -> int:
    """C's atol: the leading integer of `text`, 0 without one."""
    match = _ATOL.match(text)
    return int(match.group()) if match else 0


class DeviceHandlers(Controller):
    """`d`, `h` and `U` over the emulated devices (a mixin of the emulator)."""

    dialect: Dialect

    def _setup_devices(self) -> None:
        probes = [(BEER_ADDR, 9, "Beer probe"), (FRIDGE_ADDR, 5, "Fridge probe")]
        probes += [(ROOM_ADDR, 6, "Room probe")] if self.room_sensor else []
        self.probe_names = {addr: name for addr, _f, name in probes}
        self._devices: list[dict[str, Any]] = [
            self._pin_device(HEAT_PIN, 2),
            self._pin_device(COOL_PIN, 3),
            *(self._probe_device(addr, function) for addr, function, _n in probes),
        ]

    def _emit(self, link: Link, text: str) -> None:
        raise NotImplementedError

    # ---- BrewPi-ESP --------------------------------------------------------------------
    def _cmd_devices(self, link: Link, doc: dict[str, Any], log: str = "") -> None:
        index, write = as_int(doc.get("i"), -1), as_int(doc.get("w"), -1)
        values, empty = as_int(doc.get("v"), 0), as_int(doc.get("e"), 0)
        out: list[dict[str, Any]] = []
        for slot, device in enumerate(self._devices):
            if (index == -1 and not (empty or device["f"])) or index not in {-1, slot}:
                continue
            entry = dict(device)
            if write >= 0 and device["f"] in {2, 3}:
                setattr(self.chamber, "heater_on" if device["f"] == 2 else "cooler_on", write > 0)
            elif values == 1:
                entry["v"] = self._device_value(device)
            out.append(entry | {"i": slot})
        self._emit(link, _splice(self.dialect.devices("d:", out), log))

    def _cmd_hardware(self, link: Link, doc: dict[str, Any], log: str = "") -> None:
        hardware, values = as_int(doc.get("h"), -1), as_int(doc.get("v"), 0)
        unused = as_int(doc.get("u"), 0)  # any non-zero value, -1 included, means "unused only"
        found: list[dict[str, Any]] = []
        if hardware in {-1, 2}:
            readings = self._probe_readings()
            found += [self._probe_device(addr, 0) for addr, t in readings.items() if t is not None]
        if hardware in {-1, 1}:
            found += [self._pin_device(pin, 0) for pin in PIN_ALIASES]
        out: list[dict[str, Any]] = []
        for candidate in found:
            slot = next((i for i, d in enumerate(self._devices) if self._same(d, candidate)), -1)
            if slot >= 0 and unused:
                continue
            entry = dict(self._devices[slot]) if slot >= 0 else candidate
            if values and entry["h"] == 2:
                entry["v"] = self._value_text(self._probe_readings().get(entry["a"]))
            out.append(entry | {"i": slot})
        self._emit(link, _splice(self.dialect.devices("h:", out), log))

    def _cmd_update_device(self, link: Link, doc: dict[str, Any]) -> None:
        index = as_int(doc.get("i"), -1)
        if not 0 <= index < 16:
            if not self.dialect.avr:  # 0.2 answers nothing without a valid slot
                self._emit(link, self.dialect.device("U:", self._invalid_device(index)))
            return
        while len(self._devices) <= index:
            self._devices.append(self._pin_device(0, 0) | {"c": 0, "x": False, "h": 0})
        device = self._devices[index]
        device.update({k: v for k, v in doc.items() if k in {"c", "b", "f", "h", "p", "x", "a"}})
        self._emit(link, self.dialect.device("U:", device | {"i": index}))

    # ---- Arduino 0.2: arguments read by the tokenizer ----------------------------------
    def _avr_device_command(self, link: Link, cmd: Command) -> None:
        """`d`, `h` or `U` of 0.2: keys by their first letter, values by atol."""
        doc: dict[str, Any] = {}
        for key, value in cmd.pairs:
            letter = key[:1]
            if letter in AVR_KEYS[cmd.char]:
                name = AVR_DISPLAY.get(letter, letter) if cmd.char == "d" else letter
                doc[name] = value if letter == "a" else atol(value)
        log = ""
        if cmd.bracket is not None:  # logged inside the list the reply has already opened
            log = self.dialect.log("E", LOG_EXPECTED_BRACKET, [cmd.bracket]) or ""
            log += self.dialect.eol.decode()
        if cmd.char == "d":
            self._cmd_devices(link, doc, log)
        elif cmd.char == "h":
            self._cmd_hardware(link, doc, log)
        else:
            if log:
                self._emit(link, log.rstrip("\r\n"))
            self._cmd_update_device(link, doc)

    # ---- devices -----------------------------------------------------------------------
    @staticmethod
    def _pin_device(pin: int, function: int) -> dict[str, Any]:
        device = {"c": 1, "b": 0, "f": function, "h": 1, "p": pin, "x": True, "d": False}
        return device | ({"r": PIN_ALIASES[pin]} if pin in PIN_ALIASES else {})

    def _invalid_device(self, index: int) -> dict[str, Any]:
        return self._pin_device(0, 0) | {"c": 0, "i": index}

    @staticmethod
    def _probe_device(address: str, function: int) -> dict[str, Any]:
        beer = 1 if function == 9 else 0
        device = {"c": 1, "b": beer, "f": function, "h": 2, "p": ONEWIRE_PIN, "x": False}
        return device | {"d": False, "a": address, "j": "0.000"}

    @staticmethod
    def _same(device: dict[str, Any], candidate: dict[str, Any]) -> bool:
        if device["h"] != candidate["h"]:
            return False
        key = "a" if device["h"] == 2 else "p"
        return bool(device.get(key) == candidate.get(key))

    def _probe_readings(self) -> dict[str, float | None]:
        readings = {BEER_ADDR: self.beer_reading(), FRIDGE_ADDR: self.fridge_reading()}
        return readings | ({ROOM_ADDR: self.room_reading()} if self.room_installed else {})

    def _value_text(self, celsius: float | None) -> str | None:
        return None if celsius is None else f"{self.to_display(celsius):.3f}"

    def _device_value(self, device: dict[str, Any]) -> str | None:
        if device["f"] in {2, 3}:
            return str(int(self.chamber.heater_on if device["f"] == 2 else self.chamber.cooler_on))
        return self._value_text(self._probe_readings().get(str(device.get("a"))))


def _splice(line: str, log: str) -> str:
    """Put a log message right after the opening `[` of a list reply (legacy firmware)."""
    return line[:3] + log + line[3:] if log else line
