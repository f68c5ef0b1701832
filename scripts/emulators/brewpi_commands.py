"""The commands of the BrewPi emulator: what each firmware generation does with each byte.

BrewPi-ESP (`esp`, `esp-v11`) runs the command table of the protocol reference. The Arduino
generations run PiLink::receive: 2012 knows `t C S s c v l j`, 0.1 adds `n`, 0.2 adds the device
manager (`d h U`), `E` and `R`; any other byte is an invalid command, reported the generation's
way. Their `j` applies the pairs in order as they are read (a `D:` line for each, an annotated
`T:` for mode and setpoint changes); 0.2 then always answers `S:` and `C:`, 0.1 and 2012 only
when the closing brace was read.
"""

import contextlib
import re
from typing import TYPE_CHECKING, Any, cast

from scripts.emulators.brewpi_devices import LOG_EXPECTED_BRACKET, DeviceHandlers, atol
from scripts.emulators.brewpi_dialects import Avr02
from scripts.emulators.brewpi_json import dumps
from scripts.emulators.brewpi_link import Command, Faults, Link
from scripts.emulators.brewpi_model import DIFF_KEYS, FACTOR_KEYS, TEMP_KEYS, State

if TYPE_CHECKING:
    from collections.abc import Callable

JSON_ERROR_COMMANDS = frozenset("jXU")  # the others quietly fall back to defaults
LEGACY_COMMANDS = frozenset("tTCSscvnljEdhURAab")
MODE_NAMES = {"b": "Beer Const.", "f": "Fridge Const.", "p": "Beer Profile", "o": "Off"}
MODE_NAMES["t"] = "** Testing **"
STATE_NAMES = (
    *("Idling for", "Temp. control OFF", "Door open", "Heating for", "Cooling for"),
    *("Wait to cool", "Wait to heat", "Wait for peak", "Cool time left", "Heat time left"),
)
PROFILE_STEP = 100 / 512  # 0.2 degC: smaller profile steps are not annotated
# Log IDs: enum positions in LogMessages.h (the same in versions 1 and 3). The unconfirmed-reset
# message is an info id that the firmware logs with logError, so it arrives as logType E, 23.
LOG_SETTING_ACTIVATOR, LOG_RECEIVED_SETTING, LOG_COULD_NOT_PROCESS = 11, 12, 0
LOG_DEFAULT_CONSTANTS, LOG_DEFAULT_SETTINGS, LOG_EEPROM_INITIALIZED = 13, 14, 15
LOG_UNCONFIRMED_RESET = 23
_NUMBER = re.compile(r"\s*-?\d*(?:\.\d*)?")

type Handler = Callable[[Link, dict[str, Any]], None]
type AvrHandler = Callable[[Link, Command], None]


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return float(value)
    return None


def _avr_number(text: str) -> float:
    """stringToFixedPoint: the leading decimal number of `text`, 0 without one."""
    match = _NUMBER.match(text)
    try:
        return float(match.group()) if match else 0.0
    except ValueError:
        return 0.0


def _without_argument(handler: Handler) -> AvrHandler:
    return lambda link, _cmd: handler(link, {})


def _duration(seconds: float) -> str:
    secs = max(0, int(seconds))
    if secs < 3600:
        return f"{secs // 60}m{secs % 60:02d}"
    return f"{secs // 3600}h{secs % 3600 // 60:02d}m"


class CommandHandlers(DeviceHandlers):
    """Command dispatch and handlers (a mixin of the emulator, which adds the I/O)."""

    faults: Faults

    def _setup_commands(self) -> None:
        self.extended = {"invertTFT": False, "glycol": False, "largeTFT": False}
        self._setup_devices()
        dialect = self.dialect
        self._handlers: dict[str, Handler] = {
            "A": self._cmd_silent,
            "a": self._cmd_silent,
            "b": self._cmd_silent,
            "C": self._cmd_default_constants,
            "c": lambda link, _doc: self._emit(link, dialect.constants(self)),
            "d": self._cmd_devices,
            "E": self._cmd_eeprom,
            "h": self._cmd_hardware,
            "j": self._cmd_settings,
            "l": lambda link, _doc: self._emit(link, dialect.lcd(self.lcd_lines())),
            "n": lambda link, _doc: self._reply(link, dialect.version(self)),
            "o": self._cmd_names,
            "p": lambda link, _doc: self._emit(link, "N:" + dumps(self.probe_names)),
            "R": lambda _link, _doc: self.reboot(),
            "S": self._cmd_default_settings,
            "s": lambda link, _doc: self._emit(link, dialect.settings(self)),
            "T": self._cmd_raw_temps,
            "t": lambda link, _doc: self._emit(link, self._t_line(link)),
            "U": self._cmd_update_device,
            "v": lambda link, _doc: self._emit(link, dialect.variables(self)),
            "w": lambda _link, _doc: self.reboot(),
            "W": lambda link, _doc: self._emit(link, 'W:{"ssid":"brewery","signalStrength":-61}'),
            "X": self._cmd_extended,
            "x": lambda link, _doc: self._emit(link, "X:" + dumps(self.extended)),
        }
        self._avr_handlers: dict[str, AvrHandler] = {
            char: _without_argument(self._handlers[char]) for char in "CcSslntvR"
        }
        self._avr_handlers |= {"E": self._avr_eeprom, "j": self._avr_settings}
        self._avr_handlers |= dict.fromkeys("dhU", self._avr_device_command)

    @property
    def legacy(self) -> bool:
        """Whether this is the legacy BrewPi-ESP (tag v11) firmware."""
        return self.dialect.firmware == "esp-v11"

    def _targets(self) -> list[Link]:
        """Every connected host (unsolicited lines go to all of them)."""
        raise NotImplementedError

    def reboot(self) -> None:
        """Restart the controller."""
        raise NotImplementedError

    # ---- dispatch and output -----------------------------------------------------------
    def _execute(self, link: Link, cmd: Command) -> None:
        char, dialect = cmd.char, self.dialect
        if isinstance(dialect, Avr02):
            avr_handler = self._avr_handlers.get(char)
            if avr_handler is None or char not in dialect.commands:
                self._reply(link, dialect.invalid_command(char))
            else:
                avr_handler(link, cmd)
            return
        handler = self._handlers.get(char)
        if handler is None or (self.legacy and char not in LEGACY_COMMANDS):
            self._reply(link, dialect.invalid_command(char))
            return
        if cmd.error and char in JSON_ERROR_COMMANDS:
            self._emit(link, f"Error deserializing JSON data {cmd.error}")
        handler(link, cmd.doc or {})

    def _reply(self, link: Link, text: str | None) -> None:
        if text is not None:
            self._emit(link, text)

    def _t_line(
        self, link: Link, beer_ann: str | None = None, fridge_ann: str | None = None
    ) -> str:
        line, link.last_t = self.dialect.temps(self, link.last_t, beer_ann, fridge_ann)
        return line

    def _broadcast_t(self, beer_ann: str | None = None, fridge_ann: str | None = None) -> None:
        for link in self._targets():
            self._emit(link, self._t_line(link, beer_ann, fridge_ann))

    def _state_changed(self) -> None:
        if self.dialect.avr:  # the Arduino firmware sends T: only when asked (and after j)
            return
        for link in self._targets():
            line = self._t_line(link)
            if self.legacy:  # a log message printed while the T: line was being sent
                active = int(self.chamber.cooler_on or self.chamber.heater_on)
                log = dumps({"logType": "I", "logID": LOG_SETTING_ACTIVATOR, "V": [active]})
                pos = line.find(",") + 1 or line.find("{") + 1
                line = f"{line[:pos]}D:{log}\r\n{line[pos:]}"
            self._emit(link, line)

    def _log(self, log_type: str, log_id: int, values: list[Any], link: Link | None = None) -> None:
        line = self.dialect.log(log_type, log_id, values)
        for target in [link] if link else self._targets():
            self._reply(target, line)

    # ---- the display -------------------------------------------------------------------
    def lcd_lines(self) -> list[str]:
        """The 4x20 display (the degree sign is sent as byte 0xB0)."""

        def temp(celsius: float | None) -> str:
            return " --.-" if celsius is None else f"{self.to_display(celsius):5.1f}"

        unit, name = f"°{self.temp_format}", STATE_NAMES[self.state]
        seconds = self._state_seconds()
        clock = "" if seconds is None else _duration(seconds)
        lines = [
            f"Mode   {MODE_NAMES.get(self.mode, 'Invalid mode')}",
            f"Beer  {temp(self.beer_reading())} {temp(self._beer_set)} {unit}",
            f"Fridge{temp(self.fridge_reading())} {temp(self._fridge_set)} {unit}",
            f"{name}{clock:>{20 - len(name)}}",
        ]
        return [line[:20].ljust(20) for line in lines]

    def _state_seconds(self) -> float | None:
        now, state, times = self.sim_time, self.state, self.min_times
        since_idle = now - self._last_idle
        result: dict[int, float | None] = {
            State.IDLE: now - max(self._last_cool, self._last_heat),
            State.COOLING: since_idle,
            State.HEATING: since_idle,
            State.WAITING_TO_COOL: self.wait_time,
            State.WAITING_TO_HEAT: self.wait_time,
            State.COOLING_MIN_TIME: times.cool_on - since_idle,
            State.HEATING_MIN_TIME: times.heat_on - since_idle,
        }
        return result.get(state)

    # ---- BrewPi-ESP handlers -----------------------------------------------------------
    def _cmd_silent(self, _link: Link, _doc: dict[str, Any]) -> None:
        """A/a (alarm) and b (backlight) have no reply."""

    def _cmd_settings(self, link: Link, doc: dict[str, Any]) -> None:
        if not self.faults.ignore_writes:
            for key, value in doc.items():  # in order: mode before the setpoints matters
                self._apply_setting(link, key, value)
        self._emit(link, self.dialect.settings(self))
        self._emit(link, self.dialect.constants(self))

    def _apply_setting(self, link: Link, key: str, value: Any) -> None:  # noqa: PLR0912
        number = _as_float(value)
        if key == "mode":
            char = (value[:1] or "\0") if isinstance(value, str) else "\0"
            if char in MODE_NAMES:
                self.set_mode(char)
                if self.legacy:
                    self._broadcast_t(None, f"Mode set to {char} in web interface")
            else:
                self._emit(link, f'Invalid mode "{char}" (0x{ord(char):02X})')
        elif key == "tempFormat":
            char = (value[:1] or "\0") if isinstance(value, str) else "\0"
            if char in {"C", "F"}:
                self.temp_format = char
            else:
                self._emit(link, f'Invalid temp format "{char}" (0x{ord(char):02X})')
        elif key in {"lah", "hs"} and isinstance(value, bool):
            self.cc[key] = int(value)
        elif number is None:
            return
        elif key in {"beerSet", "fridgeSet"}:
            self._apply_setpoint(key, value, self.from_display(number))
        elif key == "heatEst":
            self.heat_est = number
        elif key == "coolEst":
            self.cool_est = number
        else:
            self._set_constant(key, number)

    def _set_constant(self, key: str, number: float) -> None:
        if key in TEMP_KEYS:
            self.cc[key] = self.from_display(number)
        elif key in DIFF_KEYS:
            self.cc[key] = number / self.diff_factor()
        elif key in FACTOR_KEYS:
            self.cc[key] = number
        elif key in self.cc:
            self.cc[key] = int(number)

    def _apply_setpoint(self, key: str, value: Any, celsius: float) -> None:
        text = value if isinstance(value, str) else str(value) if self.legacy else f"{value:.2f}"
        end = "." if self.legacy else ""
        if key == "fridgeSet":
            if self.mode == "f":
                self._broadcast_t(None, f"Fridge temp set to {text} in web interface{end}")
            self.set_fridge_setting(celsius)
            return
        old = self._beer_set
        big_step = old is None or abs(celsius - old) > PROFILE_STEP
        note = f"Beer temp set to {text}"
        if self.mode != "p":
            note += f" in web interface{end}"
        elif big_step:
            note += f" by temperature profile{end}"
        if big_step or not self.legacy or self.mode != "p":
            self._broadcast_t(note)  # before applying, as the firmware does
        self.set_beer_setting(celsius)

    def _cmd_default_settings(self, link: Link, _doc: dict[str, Any]) -> None:
        self._beer_set = self._fridge_set = 20.0
        self.heat_est, self.cool_est = 0.2, 5.0
        self.set_mode("o", force=True)
        self._emit(link, self.dialect.settings(self))
        self._log("I", LOG_DEFAULT_SETTINGS, [], link)

    def _cmd_default_constants(self, link: Link, _doc: dict[str, Any]) -> None:
        self.temp_format, self.cc = "C", self.default_constants("C")
        if isinstance(self.dialect, Avr02):
            self.dialect.extra = dict(self.dialect.default_extra)
        self._emit(link, self.dialect.constants(self))
        self._log("I", LOG_DEFAULT_CONSTANTS, [], link)

    def _cmd_eeprom(self, link: Link, doc: dict[str, Any]) -> None:
        if doc.get("confirmReset") is not True:  # guards against network scanners
            self._log("E", LOG_UNCONFIRMED_RESET, [], link)
            return
        self._reset_eeprom()
        self._log("I", LOG_EEPROM_INITIALIZED, [], link)

    def _reset_eeprom(self) -> None:
        self.temp_format, self.cc = "C", self.default_constants("C")
        self._beer_set = self._fridge_set = 20.0
        self.heat_est, self.cool_est = 0.2, 5.0
        self.set_mode("o", force=True)
        self.boot()

    def _cmd_extended(self, link: Link, doc: dict[str, Any]) -> None:
        known = {key: value for key, value in doc.items() if key in self.extended}
        if not self.faults.ignore_writes and all(isinstance(v, bool) for v in known.values()):
            self.extended.update(known)
        self._emit(link, "X:" + dumps(self.extended))

    def _cmd_names(self, _link: Link, doc: dict[str, Any]) -> None:
        self.probe_names.update({k: v for k, v in doc.items() if isinstance(v, str)})

    def _cmd_raw_temps(self, link: Link, _doc: dict[str, Any]) -> None:
        out = [
            {"device": addr, "value": value, "name": self.probe_names.get(addr, "")}
            for addr, celsius in self._probe_readings().items()
            if (value := self._value_text(celsius)) is not None
        ]
        self._emit(link, "R:" + dumps(out))

    # ---- Arduino handlers --------------------------------------------------------------
    def _avr_eeprom(self, link: Link, _cmd: Command) -> None:
        """`E` of 0.2: no confirmation, no argument."""
        self._reset_eeprom()
        self._log("I", LOG_EEPROM_INITIALIZED, [], link)

    def _avr_settings(self, link: Link, cmd: Command) -> None:
        """`j`: each pair applied as read; then S: and C: (0.1 and 2012: only after `}`)."""
        dialect = cast("Avr02", self.dialect)
        if cmd.bracket is not None:
            self._log("E", LOG_EXPECTED_BRACKET, [cmd.bracket], link)
        if not self.faults.ignore_writes:
            for key, value in cmd.pairs:
                self._avr_pair(link, dialect, key, value)
        if cmd.closed or dialect.tokenizer:
            self._emit(link, dialect.settings(self))
            self._emit(link, dialect.constants(self))

    def _avr_pair(self, link: Link, dialect: Avr02, key: str, value: str) -> None:
        self._log("I", LOG_RECEIVED_SETTING, [key, value], link)
        name = dialect.accepts.get(key)
        if name is None:
            self._log("W", LOG_COULD_NOT_PROCESS, [], link)
            return
        number = _avr_number(value)
        if name == "mode":
            if value[:1] in MODE_NAMES:  # the firmware would take any character
                self.set_mode(value[:1])
            shown = value if dialect.tokenizer else value[:1]  # 0.2 prints %s, older %c
            self._broadcast_t(None, f"Mode set to {shown} in web interface")
        elif name in {"beerSet", "fridgeSet"}:
            self._avr_setpoint(name, value, self.from_display(number), dialect.period)
        elif name in {"heatEst", "coolEst"}:
            setattr(self, "heat_est" if name == "heatEst" else "cool_est", number)
        elif name == "tempFormat":
            if value[:1] in {"C", "F"}:
                self.temp_format = value[:1]
        elif name in dialect.extra:
            dialect.extra[name] = number / self.diff_factor()
        elif name in {"lah", "hs"}:
            self.cc[name] = int(atol(value) != 0)
        else:
            self._set_constant(name, number)

    def _avr_setpoint(self, name: str, text: str, celsius: float, period: str) -> None:
        """Annotate (before applying, as the firmware does) and apply a setpoint."""
        if name == "fridgeSet":
            if self.mode == "f":
                self._broadcast_t(None, f"Fridge temp set to {text} in web interface{period}")
            self.set_fridge_setting(celsius)
            return
        source, old = "in web interface", self._beer_set
        if self.mode == "p":
            big_step = old is None or abs(celsius - old) > PROFILE_STEP
            source = "by temperature profile" if big_step else ""
        if source:
            self._broadcast_t(f"Beer temp set to {text} {source}{period}")
        self.set_beer_setting(celsius)
