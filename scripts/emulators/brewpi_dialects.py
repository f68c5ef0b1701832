"""Wire formats of the BrewPi firmware generations (G0..G6 of the firmware-formats report).

A dialect renders reply lines (without the line end `eol`) from the emulator's `Controller` and
makes the command reader for a connection:

* `esp` (G6, BrewPi-ESP master): ArduinoJson numbers (20.0 prints as 20); a disconnected probe
  and an invalid setpoint read 0; `RoomTemp` is "" without a room sensor; CRLF.
* `esp-v11` (G5, thorrak's tag v11): 2 decimals, literal null, short `T:` keys with only the
  changed fields after a connection's first `T:`, an integer build number in `N:`.
* `avr-0.2` (G2, BrewPi 0.2.x): `N:{"v":"0.2.7","n":47,"s":2,"y":0,"b":"s","l":"1"}`, the long
  `T:` keys with 2 decimals, null for a disconnected probe or an invalid setpoint, `RoomTemp` left
  out without a room sensor, JSON `D:` logs (LogMessages.h version 1, an unknown byte as its
  signed char code), device lists with quoted keys, CRLF.
* `avr-0.1` (G1): `N:0.1.0`, numbers printed with a leading space when not negative, `C:` without
  pidMax, lah and hs and with its integers quoted ("600"), `T:` without `RoomTemp`, plain-text
  `D:` lines, LF.
* `2012` (G0, a Leonardo): no version reply, `L:` as four `line<BR>`, `T:` without `State`,
  S/C/V under their long names (beerSetting, tempSettingMin, KpHeat, estimatedPeak, ...),
  plain-text `D:` lines, LF.

Every generation sends the LCD's degree sign as byte 0xB0 (the emulator encodes lines as cp437).
"""

from typing import Any

from scripts.emulators.brewpi_json import Raw, dumps, num
from scripts.emulators.brewpi_link import AvrReader, CommandReader, Reader
from scripts.emulators.brewpi_model import DIFF_KEYS, FACTOR_KEYS, TEMP_KEYS, Controller

__all__ = ["DIALECTS", "FIRMWARES", "Avr01", "Avr02", "Avr2012", "Dialect", "EspV11"]

type Device = dict[str, Any]
type Entry = tuple[str, str, str, int]  # wire key, value name, kind, decimals


class Dialect:
    """G6, modern BrewPi-ESP (CommandProcessor, ArduinoJson): the emulator's default."""

    firmware = "esp"
    default_board = "e"
    eol = b"\r\n"
    avr = False  # one command per byte, a tokenizer for arguments, no unsolicited T:

    def __init__(self, board: str | None = None) -> None:
        self.board = board or self.default_board

    def reader(self) -> Reader:
        """A command reader for a new connection."""
        return CommandReader(legacy=False)

    def number(self, value: float, decimals: int) -> Any:
        """A number as ArduinoJson prints it."""
        return num(value, decimals)

    def temp(self, c: Controller, celsius: float | None) -> Any:
        """A temperature (degC, None when invalid) in the controller's unit."""
        return 0 if celsius is None else num(c.to_display(celsius), 1)

    def version(self, _c: Controller) -> str | None:
        """The reply to `n` (None: no reply)."""
        doc = {"v": "0.2.4", "n": "8f3c2a1", "c": "v0.15", "s": 0, "y": 0, "b": self.board}
        return "N:" + dumps(doc | {"l": "3", "e": "0.15"})

    def temps(
        self,
        c: Controller,
        last: dict[str, str] | None,
        beer_ann: str | None = None,
        fridge_ann: str | None = None,
    ) -> tuple[str, dict[str, str] | None]:
        """A `T:` line and the connection's new memory of the fields sent (esp-v11 only)."""
        room = c.room_reading()
        doc = {
            "BeerTemp": self.temp(c, c.beer_reading()),
            "BeerSet": self.temp(c, c.beer_setting),
            "BeerAnn": beer_ann,
            "FridgeTemp": self.temp(c, c.fridge_reading()),
            "FridgeSet": self.temp(c, c.fridge_setting),
            "FridgeAnn": fridge_ann,
            "RoomTemp": "" if room is None else self.temp(c, room),
            "State": c.state,
        }
        return "T:" + dumps(doc), last

    def settings(self, c: Controller) -> str:
        """The reply to `s`."""
        doc = {
            "mode": c.mode,
            "beerSet": self.temp(c, c.beer_setting) or 0,
            "fridgeSet": self.temp(c, c.fridge_setting) or 0,
            "heatEst": self.number(c.heat_est, 3),
            "coolEst": self.number(c.cool_est, 3),
        }
        return "S:" + dumps(doc)

    def constants(self, c: Controller) -> str:
        """The reply to `c`."""
        doc: dict[str, Any] = {"tempFormat": c.temp_format}
        for key, value in c.cc.items():
            if key in TEMP_KEYS:
                shown, decimals = c.to_display(value), 1
            elif key in DIFF_KEYS:
                shown, decimals = value * c.diff_factor(), 2
            elif key in FACTOR_KEYS:
                shown, decimals = value, 3
            else:
                doc[key] = int(value)
                continue
            doc[key] = self.number(shown, decimals)
        return "C:" + dumps(doc)

    def variables(self, c: Controller) -> str:
        """The reply to `v`."""
        factor, (p, i, d) = c.diff_factor(), c.pid
        diffs = {"beerDiff": c.beer_diff, "diffIntegral": c.diff_integral}
        diffs |= {"beerSlope": c.beer_slope, "p": p, "i": i, "d": d}
        doc: dict[str, Any] = {key: num(value * factor, 3) for key, value in diffs.items()}
        peaks = {"estPeak": c.est_peak, "negPeakEst": c.neg_peak_est}
        peaks |= {"posPeakEst": c.pos_peak_est, "negPeak": c.neg_peak, "posPeak": c.pos_peak}
        return "V:" + dumps(doc | {key: num(c.to_display(v), 1) for key, v in peaks.items()})

    def lcd(self, lines: list[str]) -> str:
        """The reply to `l`."""
        return "L:" + dumps(lines)

    def log(self, log_type: str, log_id: int, values: list[Any]) -> str | None:
        """A log message (None: this firmware does not print it)."""
        return "D:" + dumps({"logType": log_type, "logID": log_id, "V": values})

    def invalid_command(self, char: str) -> str | None:
        """What an unknown command byte produces."""
        return f'Invalid command received "{char}" (0x{ord(char):02X})'

    def devices(self, prefix: str, devices: list[Device]) -> str:
        """A `d:` or `h:` list."""
        return prefix + dumps(devices)

    def device(self, prefix: str, device: Device) -> str:
        """A `U:` reply."""
        return prefix + dumps(device)


class EspV11(Dialect):
    """G5, legacy BrewPi-ESP (thorrak's tag v11, PiLink)."""

    firmware = "esp-v11"

    def reader(self) -> Reader:
        return CommandReader(legacy=True)

    def number(self, value: float, decimals: int) -> Any:
        return Raw(f"{value:.{max(decimals, 2)}f}")

    def temp(self, c: Controller, celsius: float | None) -> Any:
        return None if celsius is None else Raw(f"{c.to_display(celsius):.2f}")

    def version(self, _c: Controller) -> str | None:
        doc = {"v": "0.2.4", "n": 1234, "c": "v0.11", "s": 0, "y": 0, "b": self.board}
        return "N:" + dumps(doc | {"l": "1"})

    def temps(
        self,
        c: Controller,
        last: dict[str, str] | None,
        beer_ann: str | None = None,
        fridge_ann: str | None = None,
    ) -> tuple[str, dict[str, str] | None]:
        """Short keys; after a connection's first `T:` only the changed fields."""
        temp, room = self.temp, c.room_reading()
        full = {"bt": temp(c, c.beer_reading()), "bs": temp(c, c.beer_setting), "ba": beer_ann}
        full |= {"ft": temp(c, c.fridge_reading()), "fs": temp(c, c.fridge_setting)}
        full["fa"] = fridge_ann
        if room is not None:
            full["rt"] = temp(c, room)
        full["s"] = c.state
        shown = {key: dumps(value) for key, value in full.items() if key not in {"ba", "fa"}}
        if last is not None:
            full = {
                key: value
                for key, value in full.items()
                if (key in {"ba", "fa"} and value is not None)
                or (key in shown and last.get(key) != shown[key])
            }
        return "T:" + dumps(full), shown

    def invalid_command(self, char: str) -> str | None:
        return self.log("W", 1, [char])


# ---- the Arduino generations ---------------------------------------------------------------
def _same(kind: str, decimals: int, *names: str) -> tuple[Entry, ...]:
    return tuple((name, name, kind, decimals) for name in names)


FILTERS = (
    *("fridgeFastFilt", "fridgeSlowFilt", "fridgeSlopeFilt"),
    *("beerFastFilt", "beerSlowFilt", "beerSlopeFilt"),
)
TARGETS = ("idleRangeH", "idleRangeL", "heatTargetH", "heatTargetL", "coolTargetH", "coolTargetL")
PEAKS = ("estPeak", "negPeakEst", "posPeakEst", "negPeak", "posPeak")
SETTINGS: tuple[Entry, ...] = (
    ("mode", "mode", "char", 0),
    *_same("temp", 2, "beerSet", "fridgeSet"),
    *_same("fixed", 3, "heatEst", "coolEst"),
)
CONSTANTS_01: tuple[Entry, ...] = (
    ("tempFormat", "tempFormat", "char", 0),
    *_same("temp", 1, "tempSetMin", "tempSetMax"),
    *_same("fixed", 3, "Kp", "Ki", "Kd"),
    *_same("diff", 3, "iMaxErr", *TARGETS),
    *_same("uint", 0, "maxHeatTimeForEst", "maxCoolTimeForEst", *FILTERS),
)
CONSTANTS_02 = (
    *CONSTANTS_01[:3],
    ("pidMax", "pidMax", "diff", 3),
    *CONSTANTS_01[3:],
    *_same("uint", 0, "lah", "hs"),
)
VARIABLES_01: tuple[Entry, ...] = (
    *_same("diff", 3, "beerDiff", "diffIntegral", "beerSlope"),
    *_same("fixed", 3, "p", "i", "d"),
    *_same("temp", 3, *PEAKS),
)
VARIABLES_02 = (*VARIABLES_01[:6], *_same("temp", 1, *PEAKS))  # JOCC_TEMP_FORMAT: 1 decimal
LONG_NAMES_2012 = {  # the 2012 jsonKeys for the names of 0.1
    "beerSet": "beerSetting",
    "fridgeSet": "fridgeSetting",
    "heatEst": "heatEstimator",
    "coolEst": "coolEstimator",
    "iMaxErr": "iMaxError",
    "tempSetMin": "tempSettingMin",
    "tempSetMax": "tempSettingMax",
    "idleRangeH": "idleRangeHigh",
    "idleRangeL": "idleRangeLow",
    "heatTargetH": "heatingTargetUpper",
    "heatTargetL": "heatingTargetLower",
    "coolTargetH": "coolingTargetUpper",
    "coolTargetL": "coolingTargetLower",
    "maxHeatTimeForEst": "maxHeatTimeForEstimate",
    "maxCoolTimeForEst": "maxCoolTimeForEstimate",
    **{name: name.replace("Filt", "Filter") for name in FILTERS},
    "estPeak": "estimatedPeak",
    "negPeakEst": "negPeakSetting",
    "posPeakEst": "posPeakSetting",
}


def _long(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    return tuple((LONG_NAMES_2012.get(w, w), source, k, d) for w, source, k, d in entries)


SETTINGS_2012 = _long(SETTINGS)
CONSTANTS_2012 = (  # the 2012 PID had heating and cooling gains; both map to Kp and Kd here
    *_long(CONSTANTS_01[:3]),
    ("KpHeat", "Kp", "fixed", 3),
    ("KpCool", "Kp", "fixed", 3),
    ("Ki", "Ki", "fixed", 3),
    ("KdCool", "Kd", "fixed", 3),
    ("KdHeat", "Kd", "fixed", 3),
    ("iMaxError", "iMaxErr", "diff", 3),
    *_same("diff", 3, "iMaxSlope", "iMinSlope"),
    *_long(CONSTANTS_01[7:]),
)
VARIABLES_2012 = (*VARIABLES_01[:6], *_same("fixed", 3, "Kp", "Kd"), *_long(VARIABLES_01[6:]))
DEVICE_TYPES = {1: 2, 2: 3, 3: 3, 4: 3, 7: 3, 11: 3, 12: 3, 5: 1, 6: 1, 9: 1, 10: 1}
PLAIN_LOGS = {  # debugMessage texts of 0.1 and 2012, by the log message they became in 0.2
    ("W", 0): "Could not process setting",
    ("I", 12): "Received new setting: {} = {}",
    ("I", 13): "Default constants loaded.",
    ("I", 14): "Default settings loaded.",
    ("I", 17): "Positive peak detected.",
    ("I", 18): "Negative peak detected.",
}


def _object(fields: list[tuple[str, str]]) -> str:
    return "{" + ",".join(f'"{key}":{value}' for key, value in fields) + "}"


class Avr02(Dialect):
    """G2, BrewPi 0.2.x on an Arduino (Uno by default): printf-built JSON, a device manager."""

    firmware = "avr-0.2"
    default_board = "s"
    avr = True
    commands = frozenset("tCSscvnljEdUhR")
    json_commands = frozenset("jdhU")
    skip = b"\r\n"  # "allow newlines between commands"; everything else is a command
    tokenizer = True  # parseJsonToken; else receiveJson
    space = False  # a leading space before numbers that are not negative
    quote_ints = False
    room_temp = True
    state = True
    period = ""  # ends the annotations of `j`
    settings_entries = SETTINGS
    constants_entries = CONSTANTS_02
    variables_entries = VARIABLES_02
    default_extra: tuple[tuple[str, float], ...] = ()

    def __init__(self, board: str | None = None) -> None:
        super().__init__(board)
        self.extra = dict(self.default_extra)  # constants the model does not use
        entries = (*self.settings_entries, *self.constants_entries)
        self.accepts = {wire: source for wire, source, _k, _d in entries}  # j: wire -> name

    def reader(self) -> Reader:
        return AvrReader(json_commands=self.json_commands, skip=self.skip, tokenizer=self.tokenizer)

    def version(self, _c: Controller) -> str | None:
        return f'N:{{"v":"0.2.7","n":47,"s":2,"y":0,"b":"{self.board}","l":"1"}}'

    def fixed(self, value: float | None, decimals: int) -> str:
        """fixedPointToString (and tempToString's "null" for an invalid value)."""
        if value is None:
            return "null"
        text = f"{round(value, decimals) + 0.0:.{decimals}f}"
        return " " + text if self.space and not text.startswith("-") else text

    def _format(self, c: Controller, kind: str, decimals: int, value: Any) -> str:
        if kind == "char":
            return f'"{value}"'
        if kind == "uint":
            return f'"{int(value)}"' if self.quote_ints else str(int(value))
        if value is not None and kind == "temp":
            value = c.to_display(value)
        elif value is not None and kind == "diff":
            value *= c.diff_factor()
        return self.fixed(value, decimals)

    def _values(self, c: Controller) -> dict[str, Any]:
        p, i, d = c.pid
        return {
            "mode": c.mode,
            "beerSet": c.beer_setting,
            "fridgeSet": c.fridge_setting,
            "heatEst": c.heat_est,
            "coolEst": c.cool_est,
            "tempFormat": c.temp_format,
            **c.cc,
            **self.extra,
            "beerDiff": c.beer_diff,
            "diffIntegral": c.diff_integral,
            "p": p,
            "i": i,
            "d": d,
            "beerSlope": c.beer_slope,
            "estPeak": c.est_peak,
            "negPeakEst": c.neg_peak_est,
            "posPeakEst": c.pos_peak_est,
            "negPeak": c.neg_peak,
            "posPeak": c.pos_peak,
        }

    def _line(self, prefix: str, c: Controller, entries: tuple[Entry, ...]) -> str:
        values = self._values(c)
        fields = [(w, self._format(c, k, d, values[source])) for w, source, k, d in entries]
        return prefix + _object(fields)

    def temps(
        self,
        c: Controller,
        last: dict[str, str] | None,
        beer_ann: str | None = None,
        fridge_ann: str | None = None,
    ) -> tuple[str, dict[str, str] | None]:
        """PiLink::printTemperaturesJSON (annotations are printed as they are, unescaped)."""

        def temp(celsius: float | None) -> str:
            return self._format(c, "temp", 2, celsius)

        def note(text: str | None) -> str:
            return "null" if text is None else f'"{text}"'

        fields = [("BeerTemp", temp(c.beer_reading())), ("BeerSet", temp(c.beer_setting))]
        fields += [("BeerAnn", note(beer_ann)), ("FridgeTemp", temp(c.fridge_reading()))]
        fields += [("FridgeSet", temp(c.fridge_setting)), ("FridgeAnn", note(fridge_ann))]
        if self.room_temp and (room := c.room_reading()) is not None:
            fields.append(("RoomTemp", temp(room)))
        if self.state:
            fields.append(("State", str(c.state)))
        return "T:" + _object(fields), last

    def settings(self, c: Controller) -> str:
        return self._line("S:", c, self.settings_entries)

    def constants(self, c: Controller) -> str:
        return self._line("C:", c, self.constants_entries)

    def variables(self, c: Controller) -> str:
        return self._line("V:", c, self.variables_entries)

    def lcd(self, lines: list[str]) -> str:
        return "L:[" + ",".join(f'"{line}"' for line in lines) + "]"

    def log(self, log_type: str, log_id: int, values: list[Any]) -> str | None:
        items = ",".join(f'"{v}"' if isinstance(v, str) else str(v) for v in values)
        return f'D:{{"logType":"{log_type}","logID":{log_id},"V":[{items}]}}'

    def invalid_command(self, char: str) -> str | None:
        """WARNING_INVALID_COMMAND with the byte as a (signed) char code."""
        code = char.encode("cp437", errors="replace")[0]
        return self.log("W", 1, [code - 256 if code >= 128 else code])

    def device(self, prefix: str, device: Device) -> str:
        """DeviceManager::printDevice: integers, the address quoted, a value as printed."""
        fields = [("i", device["i"]), ("t", DEVICE_TYPES.get(device["f"], 0))]
        fields += [(key, int(device.get(key, 0))) for key in "cbfhdp"]
        if "v" in device:
            fields.append(("v", "null" if device["v"] is None else device["v"]))
        if device["h"] == 1:
            fields.append(("x", int(device.get("x", 0))))
        if device["h"] == 2:
            fields += [("a", f'"{device["a"]}"'), ("j", device.get("j", "0.000"))]
        return prefix + _object([(key, str(value)) for key, value in fields])

    def devices(self, prefix: str, devices: list[Device]) -> str:
        return prefix + "[" + ",".join(self.device("", device) for device in devices) + "]"


class Avr01(Avr02):
    """G1, BrewPi 0.1.x: no device manager, plain-text debug messages, LF line ends."""

    firmware = "avr-0.1"
    eol = b"\n"
    commands = frozenset("tCSscvnlj")
    json_commands = frozenset("j")
    skip = b""  # even CR and LF are commands (invalid ones)
    tokenizer = False
    space = True
    quote_ints = True
    room_temp = False
    period = "."
    constants_entries = CONSTANTS_01
    variables_entries = VARIABLES_01

    def version(self, _c: Controller) -> str | None:
        return "N:0.1.0"

    def log(self, log_type: str, log_id: int, values: list[Any]) -> str | None:
        text = PLAIN_LOGS.get((log_type, log_id))
        return None if text is None else "D:" + text.format(*values)

    def invalid_command(self, char: str) -> str | None:
        return "D:Invalid command received by Arduino: " + char


class Avr2012(Avr01):
    """G0, the 2012 firmware (before 0.1) on a Leonardo."""

    firmware = "2012"
    default_board = "l"
    commands = frozenset("tCSscvlj")
    quote_ints = False
    state = False
    settings_entries = SETTINGS_2012
    constants_entries = CONSTANTS_2012
    variables_entries = VARIABLES_2012
    default_extra = (("iMaxSlope", 0.05), ("iMinSlope", -0.05))  # the 2012 integrator limits

    def version(self, _c: Controller) -> str | None:
        """No `n` command before 0.1."""
        return None

    def lcd(self, lines: list[str]) -> str:
        return "L:" + "".join(f"{line}<BR>" for line in lines)


DIALECTS: dict[str, type[Dialect]] = {
    dialect.firmware: dialect for dialect in (Dialect, EspV11, Avr02, Avr01, Avr2012)
}
FIRMWARES = tuple(DIALECTS)
