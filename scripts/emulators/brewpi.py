"""BrewPi-ESP controller emulator: a development tool and an independent test oracle.

It speaks the BrewPi line protocol (see the protocol reference) over raw TCP and/or a
pseudo-terminal standing in for a USB serial port, including the firmware's quirks:

* input: while waiting for a command character, bytes outside ASCII 65..122 are skipped (so the
  stray quotes of Fermentrack's fridge command vanish); a command may be followed by a JSON
  object in ArduinoJson's lenient syntax (`j{mode:"b", beerSet:20.0}`); unknown commands, bad
  JSON and bad modes produce unprefixed plain-text error lines;
* output: `X:{json}` lines ending in CRLF, cp437, the LCD degree sign as byte 0xB0; ArduinoJson
  number formatting (20.0 prints as 20); disconnected probes read 0; `RoomTemp` is "" without a
  room sensor; setpoints read 0 when invalid (mode off; beerSet in fridge-constant mode);
  `p` answers with an `N:` prefix like the version reply; `j` annotations are sent *before* the
  setting is applied, so that `T:` still carries the old setpoint;
* unsolicited `T:` on every control state change and on setpoint changes through `j`;
* TCP: one client at a time, a new connection replaces the current one;
* legacy mode (tag v11, BrewPi 0.2.x): 2 decimals, literal null, no RoomTemp key without a room
  sensor, short keys with only the changed fields after the first `T:` of a connection, integer
  build number in `N:`, `D:` warnings for unknown bytes, and on every state change a `D:` log
  message embedded in the middle of the `T:` line.

The chamber and the controller are simulated in `brewpi_model` (read its docstring). Simulated time
runs `speedup` times faster than real time (0 freezes it); `advance(seconds)` moves it explicitly
and deterministically. The controller starts in beer constant mode at 20 degC. Besides the API of
the brief there are `port` (last bound TCP port), `sim_time`, `state_history` ((time, state)
pairs), `set_mode()`, `set_beer_setting()`/`set_fridge_setting()` (degC) and `lcd_lines()`.
Faults (`Faults`) provoke a stalled controller, line noise, truncated lines and byte-wise writes.

CLI:  python -m scripts.emulators.brewpi --host 127.0.0.1 --port 2323 [--pty] [--legacy]
      [--speedup 60] [--temp-format C] [--seed N] [--low-delay] [--no-room-sensor]
"""

import argparse
import asyncio
import contextlib
import os
import random
import signal
import tty
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from scripts.emulators.brewpi_model import (
    DIFF_KEYS,
    FACTOR_KEYS,
    TEMP_KEYS,
    Controller,
    JsonError,
    LenientJson,
    Raw,
    State,
    dumps,
    num,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["BrewPiEmulator", "Faults", "State", "main"]

DEG = "\u2591"  # encodes to cp437 byte 0xB0, the degree sign the firmware sends in LCD text
BEER_ADDR, FRIDGE_ADDR, ROOM_ADDR = "28FF3A4B1C160451", "28FF7C2D1D1603B2", "28FF9E5F1A16042C"
HEAT_PIN, COOL_PIN, DOOR_PIN, ONEWIRE_PIN = 16, 14, 13, 12
PIN_ALIASES = {HEAT_PIN: "Heat", COOL_PIN: "Cool", DOOR_PIN: "Door"}
JSON_COMMANDS = frozenset("jdhUEXo")
JSON_ERROR_COMMANDS = frozenset("jXU")  # the others quietly fall back to defaults
LEGACY_SKIP = frozenset(b" \r\n\x01\x03\x1d\x1f'\xfb\xfd\xff")
LEGACY_COMMANDS = frozenset("tTCSscvnljEdhURAab")
GARBAGE = bytes([*range(10), 11, 12, *range(14, 32), *range(127, 256)]) + b"#%&{}[]:,\"'"
MODE_NAMES = {"b": "Beer Const.", "f": "Fridge Const.", "p": "Beer Profile", "o": "Off"}
MODE_NAMES["t"] = "** Testing **"
STATE_NAMES = (
    *("Idling for", "Temp. control OFF", "Door open", "Heating for", "Cooling for"),
    *("Wait to cool", "Wait to heat", "Wait for peak", "Cool time left", "Heat time left"),
)
TICK_SECONDS = 0.05
MAX_SIM_SECONDS_PER_TICK = 20000.0  # keeps the event loop responsive at absurd speedups
# Log IDs: enum positions in LogMessages.h (version 3). The unconfirmed-reset message is an info
# id that the firmware logs with logError, so it arrives as logType E, logID 23.
LOG_SETTING_ACTIVATOR, LOG_DEFAULT_CONSTANTS, LOG_DEFAULT_SETTINGS = 11, 13, 14
LOG_EEPROM_INITIALIZED, LOG_UNCONFIRMED_RESET, LOG_WARNING_INVALID_COMMAND = 15, 23, 1


@dataclass
class Faults:
    """Misbehaviour to inject; change the fields at any time."""

    stall: bool = False  # read commands, answer nothing, send no T:
    garbage_rate: float = 0.0  # chance per line of a junk line (NUL, controls, 0x80+) before it
    truncate_rate: float = 0.0  # chance to cut a JSON line; the next line follows without CRLF
    byte_at_a_time: bool = False  # one byte per write, with a drain after each
    ignore_writes: bool = False  # accept j/X commands but change nothing


@dataclass(frozen=True)
class _Command:
    char: str
    raw: str
    doc: dict[str, Any] | None = None
    error: str | None = None


class _CommandReader:
    """Splits a byte stream into commands like CommandProcessor::receiveCommand."""

    def __init__(self, *, legacy: bool) -> None:
        self.legacy = legacy
        self._cmd = ""  # a JSON command waiting for its document
        self._buf: bytearray | None = None  # the document being collected
        self._depth, self._quote, self._escape = 0, 0, False

    def feed(self, data: bytes) -> list[_Command]:
        out: list[_Command] = []
        for byte in data:
            if self._buf is not None:
                if cmd := self._collect(self._buf, byte):
                    out.append(cmd)
            elif self._cmd:
                self._start_json(byte, out)
            elif byte not in LEGACY_SKIP if self.legacy else 65 <= byte <= 122:
                self._command(chr(byte), out)  # modern firmware skips bytes outside A..z
        return out

    def _command(self, char: str, out: list[_Command]) -> None:
        if char in JSON_COMMANDS:
            self._cmd = char
        else:
            out.append(_Command(char, char))

    def _start_json(self, byte: int, out: list[_Command]) -> None:
        if byte in b" \t":
            return
        if byte == ord("{"):
            self._buf, self._depth, self._quote, self._escape = bytearray(b"{"), 1, 0, False
            return
        error = "EmptyInput" if byte in b"\r\n" else "InvalidInput"
        out.append(_Command(self._cmd, self._cmd, None, error))
        self._cmd = ""

    def _collect(self, buf: bytearray, byte: int) -> _Command | None:
        buf.append(byte)
        if self._quote:
            if self._escape:
                self._escape = False
            elif byte == ord("\\"):
                self._escape = True
            elif byte == self._quote:
                self._quote = 0
        elif byte in b"\"'":
            self._quote = byte
        elif byte in b"{}":
            self._depth += 1 if byte == ord("{") else -1
        if self._depth and len(buf) < 2048:
            return None
        cmd, text = self._cmd, buf.decode("cp437")
        self._cmd, self._buf = "", None
        if self._depth:
            return _Command(cmd, cmd + text, None, "NoMemory")
        try:
            doc = LenientJson.parse(text)
        except JsonError as err:
            return _Command(cmd, cmd + text, None, err.reason)
        return _Command(cmd, cmd + text, doc if isinstance(doc, dict) else {})


class _Link:
    """One connected host: its command reader and legacy T: memory.

    Output is written at once; only the byte-at-a-time fault needs a (short-lived) task.
    """

    def __init__(self, emulator: BrewPiEmulator) -> None:
        self.emulator = emulator
        self.reader = _CommandReader(legacy=emulator.legacy)
        self.last_t: dict[str, str] | None = None
        self.closed = False
        self._backlog = bytearray()
        self._drip: asyncio.Task[None] | None = None

    def reset(self) -> None:
        self.reader = _CommandReader(legacy=self.emulator.legacy)
        self.last_t = None

    def send(self, data: bytes) -> None:
        if self.closed:
            return
        if not self.emulator.faults.byte_at_a_time and not self._backlog:
            self.write(data)
            return
        self._backlog += data
        if self._drip is None or self._drip.done():
            task = asyncio.get_running_loop().create_task(self._trickle())
            self._drip = self.emulator.track(task)

    async def _trickle(self) -> None:
        while self._backlog and not self.closed:
            size = 1 if self.emulator.faults.byte_at_a_time else len(self._backlog)
            chunk = bytes(self._backlog[:size])
            del self._backlog[:size]
            self.write(chunk)
            await self.drain()

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    async def drain(self) -> None:
        await asyncio.sleep(0)  # let the loop send this piece on its own

    def close(self) -> None:
        self.closed = True
        if self._drip is not None:
            self._drip.cancel()


class _TcpLink(_Link):
    def __init__(self, emulator: BrewPiEmulator, transport: asyncio.Transport) -> None:
        super().__init__(emulator)
        self.transport = transport

    def write(self, data: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(data)

    def close(self) -> None:
        super().close()
        self.transport.close()


class _TcpProtocol(asyncio.Protocol):
    """Raw TCP without a task per connection (like the firmware's single WiFiClient)."""

    def __init__(self, emulator: BrewPiEmulator) -> None:
        self.emulator = emulator
        self.link: _TcpLink | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        link = _TcpLink(self.emulator, cast("asyncio.Transport", transport))
        self.link = self.emulator.adopt(link)

    def data_received(self, data: bytes) -> None:
        if self.link is not None and not self.link.closed:
            self.emulator.receive(self.link, data)

    def connection_lost(self, _exc: Exception | None) -> None:
        if self.link is not None:
            self.emulator.forget(self.link)


class _PtyLink(_Link):
    def __init__(self, emulator: BrewPiEmulator, fd: int) -> None:
        super().__init__(emulator)
        self.fd = fd

    def write(self, data: bytes) -> None:
        with contextlib.suppress(OSError):  # like a UART: what nobody takes is lost
            os.write(self.fd, data)


def _as_int(value: Any, default: int) -> int:
    if isinstance(value, bool | int | float):
        return int(value)
    return default


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return float(value)
    return None


def _duration(seconds: float) -> str:
    secs = max(0, int(seconds))
    if secs < 3600:
        return f"{secs // 60}m{secs % 60:02d}"
    return f"{secs // 3600}h{secs % 3600 // 60:02d}m"


class BrewPiEmulator(Controller):
    """An emulated BrewPi-ESP (or legacy BrewPi Arduino) controller with a simulated chamber.

    Temperatures of `chamber` are degC; `beer_set`/`fridge_set` are in the controller's unit.
    """

    def __init__(
        self,
        *,
        legacy: bool = False,
        speedup: float = 1.0,
        temp_format: str = "C",
        room_sensor: bool = True,
        beer_probe: bool = True,
        fridge_probe: bool = True,
        board: str = "e",
        seed: int | None = None,
        low_delay: bool = False,
    ) -> None:
        super().__init__(
            temp_format=temp_format,
            low_delay=low_delay,
            beer_probe=beer_probe,
            fridge_probe=fridge_probe,
            room_sensor=room_sensor,
        )
        self.legacy, self.speedup, self.board = legacy, speedup, board
        self.faults = Faults()
        self.commands_received: list[str] = []
        self.boot_count = 0
        self.extended = {"invertTFT": False, "glycol": False, "largeTFT": False}
        self._rng = random.Random(seed)
        probes = [(BEER_ADDR, 9, "Beer probe"), (FRIDGE_ADDR, 5, "Fridge probe")]
        probes += [(ROOM_ADDR, 6, "Room probe")] if room_sensor else []
        self.probe_names = {addr: name for addr, _f, name in probes}
        self._devices: list[dict[str, Any]] = [
            self._pin_device(HEAT_PIN, 2),
            self._pin_device(COOL_PIN, 3),
            *(self._probe_device(addr, function) for addr, function, _n in probes),
        ]
        self.port: int | None = None  # the TCP port bound last
        self._links: list[_Link] = []
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ticker: asyncio.Task[Any] | None = None
        self._pty_fds: list[int] = []
        self._handlers: dict[str, Callable[[_Link, dict[str, Any]], None]] = {
            "A": self._cmd_silent,
            "a": self._cmd_silent,
            "b": self._cmd_silent,
            "C": self._cmd_default_constants,
            "c": lambda link, _doc: self._emit(link, "C:" + dumps(self._constants_doc())),
            "d": self._cmd_devices,
            "E": self._cmd_eeprom,
            "h": self._cmd_hardware,
            "j": self._cmd_settings,
            "l": lambda link, _doc: self._emit(link, "L:" + dumps(self.lcd_lines())),
            "n": lambda link, _doc: self._emit(link, "N:" + dumps(self._version_doc())),
            "o": self._cmd_names,
            "p": lambda link, _doc: self._emit(link, "N:" + dumps(self.probe_names)),
            "R": lambda _link, _doc: self.reboot(),
            "S": self._cmd_default_settings,
            "s": lambda link, _doc: self._emit(link, "S:" + dumps(self._settings_doc())),
            "T": self._cmd_raw_temps,
            "t": lambda link, _doc: self._emit(link, "T:" + dumps(self._t_doc(link))),
            "U": self._cmd_update_device,
            "v": lambda link, _doc: self._emit(link, "V:" + dumps(self._variables_doc())),
            "w": lambda _link, _doc: self.reboot(),
            "W": lambda link, _doc: self._emit(link, 'W:{"ssid":"brewery","signalStrength":-61}'),
            "X": self._cmd_extended,
            "x": lambda link, _doc: self._emit(link, "X:" + dumps(self.extended)),
        }

    # ---- endpoints ---------------------------------------------------------------------
    async def start_tcp(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen for raw TCP clients (port 23 on a real controller); return the bound port."""
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _TcpProtocol(self), host, port)
        self._servers.append(server)
        self._start_ticker()
        self.port = int(server.sockets[0].getsockname()[1])
        return self.port

    async def start_pty(self) -> str:
        """Open a pseudo-terminal acting as the serial port; return the path to open."""
        master, slave = os.openpty()
        self._pty_fds += [master, slave]  # keeping the slave open avoids EIO/HUP on the master
        tty.setraw(slave)
        os.set_blocking(master, False)
        link = _PtyLink(self, master)
        self._links.append(link)
        asyncio.get_running_loop().add_reader(master, self._read_pty, link)
        self._start_ticker()
        return os.ttyname(slave)

    async def stop(self) -> None:
        """Close every endpoint and connection and cancel all background work."""
        loop = asyncio.get_running_loop()
        for server in self._servers:
            server.close()
        for link in list(self._links):
            if isinstance(link, _PtyLink):
                loop.remove_reader(link.fd)
            self._close_link(link)
        tasks = [task for task in self._tasks if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for server in self._servers:
            await server.wait_closed()
        for fd in self._pty_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._servers, self._pty_fds, self._ticker = [], [], None

    def drop_clients(self) -> None:
        """Close all TCP connections (a WiFi drop); the serial line just loses its state."""
        for link in list(self._links):
            if isinstance(link, _TcpLink):
                self._close_link(link)
            else:
                link.reset()

    def reboot(self) -> None:
        """Restart like `R`: connections drop, control restarts, EEPROM settings survive."""
        self.boot_count += 1
        self.drop_clients()
        self.boot()
        self.check_state()

    def track(self, task: asyncio.Task[Any]) -> asyncio.Task[Any]:
        """Keep a background task so that `stop()` can cancel it."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _start_ticker(self) -> None:
        if self._ticker is None or self._ticker.done():
            self._ticker = self.track(asyncio.get_running_loop().create_task(self._tick()))

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            now = loop.time()
            self.advance(min((now - last) * self.speedup, MAX_SIM_SECONDS_PER_TICK))
            last = now

    def adopt(self, link: _TcpLink) -> _TcpLink:
        """A new TCP client: the firmware stops the current one and adopts the new one."""
        for old in [other for other in self._links if isinstance(other, _TcpLink)]:
            self._close_link(old)
        self._links.append(link)
        return link

    def _read_pty(self, link: _PtyLink) -> None:
        try:
            data = os.read(link.fd, 4096)
        except BlockingIOError:
            return
        except OSError:
            asyncio.get_running_loop().remove_reader(link.fd)
            return
        self.receive(link, data)

    def _close_link(self, link: _Link) -> None:
        link.close()
        self.forget(link)

    def forget(self, link: _Link) -> None:
        """Drop a link whose connection is gone."""
        link.closed = True
        if link in self._links:
            self._links.remove(link)

    # ---- input -------------------------------------------------------------------------
    def receive(self, link: _Link, data: bytes) -> None:
        """Process bytes from a host."""
        boots = self.boot_count
        for cmd in link.reader.feed(data):
            self.commands_received.append(cmd.raw)
            if not self.faults.stall:
                self._execute(link, cmd)
            if link.closed or self.boot_count != boots:
                break
        self.check_state()

    def _execute(self, link: _Link, cmd: _Command) -> None:
        char = cmd.char
        if self.legacy and char not in LEGACY_COMMANDS:
            self._log("W", LOG_WARNING_INVALID_COMMAND, [char], link)
            return
        handler = self._handlers.get(char)
        if handler is None:
            self._emit(link, f'Invalid command received "{char}" (0x{ord(char):02X})')
            return
        if cmd.error and char in JSON_ERROR_COMMANDS:
            self._emit(link, f"Error deserializing JSON data {cmd.error}")
        handler(link, cmd.doc or {})

    # ---- output ------------------------------------------------------------------------
    def _emit(self, link: _Link, text: str) -> None:
        if self.faults.stall or link.closed:
            return
        data = text.replace("°", DEG).encode("cp437", errors="replace")
        rng, faults = self._rng, self.faults
        if text[1:3] in {":{", ":["} and rng.random() < faults.truncate_rate:
            data = data[: rng.randint(3, len(data) - 2)]  # BrewPi/firmware#86
        else:
            data += b"\r\n"
        if rng.random() < faults.garbage_rate:
            data = bytes(rng.choice(GARBAGE) for _ in range(rng.randint(3, 24))) + b"\r\n" + data
        link.send(data)

    def _broadcast_t(self, beer_ann: str | None = None, fridge_ann: str | None = None) -> None:
        for link in self._links:
            self._emit(link, "T:" + dumps(self._t_doc(link, beer_ann, fridge_ann)))

    def _state_changed(self) -> None:
        for link in self._links:
            line = "T:" + dumps(self._t_doc(link))
            if self.legacy:  # a log message printed while the T: line was being sent
                active = int(self.chamber.cooler_on or self.chamber.heater_on)
                log = dumps({"logType": "I", "logID": LOG_SETTING_ACTIVATOR, "V": [active]})
                pos = line.find(",") + 1 or line.find("{") + 1
                line = f"{line[:pos]}D:{log}\r\n{line[pos:]}"
            self._emit(link, line)

    def _log(
        self, log_type: str, log_id: int, values: list[Any], link: _Link | None = None
    ) -> None:
        line = "D:" + dumps({"logType": log_type, "logID": log_id, "V": values})
        for target in [link] if link else self._links:
            self._emit(target, line)

    def _temp(self, celsius: float | None) -> Any:
        if celsius is None:
            return None if self.legacy else 0
        value = self.to_display(celsius)
        return Raw(f"{value:.2f}") if self.legacy else num(value, 1)

    def _t_doc(
        self, link: _Link, beer_ann: str | None = None, fridge_ann: str | None = None
    ) -> dict[str, Any]:
        temp, room = self._temp, self.room_reading()
        beer, fridge = temp(self.beer_reading()), temp(self.fridge_reading())
        beer_set, fridge_set = temp(self._beer_set), temp(self._fridge_set)
        if not self.legacy:
            return {
                "BeerTemp": beer,
                "BeerSet": beer_set,
                "BeerAnn": beer_ann,
                "FridgeTemp": fridge,
                "FridgeSet": fridge_set,
                "FridgeAnn": fridge_ann,
                "RoomTemp": "" if room is None else temp(room),
                "State": self.state,
            }
        full = {"bt": beer, "bs": beer_set, "ba": beer_ann, "ft": fridge, "fs": fridge_set}
        full["fa"] = fridge_ann
        if room is not None:
            full["rt"] = temp(room)
        full["s"] = self.state
        shown = {key: dumps(value) for key, value in full.items() if key not in {"ba", "fa"}}
        if (last := link.last_t) is not None:
            full = {
                key: value
                for key, value in full.items()
                if (key in {"ba", "fa"} and value is not None)
                or (key in shown and last.get(key) != shown[key])
            }
        link.last_t = shown
        return full

    def _settings_doc(self) -> dict[str, Any]:
        def est(value: float) -> Any:
            return Raw(f"{value:.3f}") if self.legacy else num(value, 3)

        return {
            "mode": self.mode,
            "beerSet": self._temp(self._beer_set) or 0,
            "fridgeSet": self._temp(self._fridge_set) or 0,
            "heatEst": est(self.heat_est),
            "coolEst": est(self.cool_est),
        }

    def _constants_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"tempFormat": self.temp_format}
        for key, value in self.cc.items():
            if key in TEMP_KEYS:
                shown, decimals = self.to_display(value), 1
            elif key in DIFF_KEYS:
                shown, decimals = value * self.diff_factor(), 2
            elif key in FACTOR_KEYS:
                shown, decimals = value, 3
            else:
                doc[key] = int(value)
                continue
            legacy = Raw(f"{shown:.{max(decimals, 2)}f}")
            doc[key] = legacy if self.legacy else num(shown, decimals)
        return doc

    def _variables_doc(self) -> dict[str, Any]:
        factor, (p, i, d) = self.diff_factor(), self.pid
        diffs = {"beerDiff": self.beer_diff, "diffIntegral": self.diff_integral}
        diffs |= {"beerSlope": self.beer_slope, "p": p, "i": i, "d": d}
        doc: dict[str, Any] = {key: num(value * factor, 3) for key, value in diffs.items()}
        peaks = {"estPeak": self.est_peak, "negPeakEst": self.neg_peak_est}
        peaks |= {"posPeakEst": self.pos_peak_est, "negPeak": self.neg_peak}
        peaks["posPeak"] = self.pos_peak
        return doc | {key: num(self.to_display(value), 1) for key, value in peaks.items()}

    def _version_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"v": "0.2.4", "n": "8f3c2a1", "c": "v0.15", "s": 0, "y": 0}
        if self.legacy:  # integer build number, string log version
            doc |= {"n": 1234, "c": "v0.11"}
            return doc | {"b": self.board, "l": "1"}
        return doc | {"b": self.board, "l": "3", "e": "0.15"}

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

    # ---- command handlers --------------------------------------------------------------
    def _cmd_silent(self, _link: _Link, _doc: dict[str, Any]) -> None:
        """A/a (alarm) and b (backlight) have no reply."""

    def _cmd_settings(self, link: _Link, doc: dict[str, Any]) -> None:
        if not self.faults.ignore_writes:
            for key, value in doc.items():  # in order: mode before the setpoints matters
                self._apply_setting(link, key, value)
        self._emit(link, "S:" + dumps(self._settings_doc()))
        self._emit(link, "C:" + dumps(self._constants_doc()))

    def _apply_setting(self, link: _Link, key: str, value: Any) -> None:  # noqa: PLR0912
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
        elif key in TEMP_KEYS:
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
        big_step = old is None or abs(celsius - old) > 100 / 512
        note = f"Beer temp set to {text}"
        if self.mode != "p":
            note += f" in web interface{end}"
        elif big_step:
            note += f" by temperature profile{end}"
        if big_step or not self.legacy or self.mode != "p":
            self._broadcast_t(note)  # before applying, as the firmware does
        self.set_beer_setting(celsius)

    def _cmd_default_settings(self, link: _Link, _doc: dict[str, Any]) -> None:
        self._beer_set = self._fridge_set = 20.0
        self.heat_est, self.cool_est = 0.2, 5.0
        self.set_mode("o", force=True)
        self._emit(link, "S:" + dumps(self._settings_doc()))
        self._log("I", LOG_DEFAULT_SETTINGS, [], link)

    def _cmd_default_constants(self, link: _Link, _doc: dict[str, Any]) -> None:
        self.temp_format, self.cc = "C", self.default_constants("C")
        self._emit(link, "C:" + dumps(self._constants_doc()))
        self._log("I", LOG_DEFAULT_CONSTANTS, [], link)

    def _cmd_eeprom(self, link: _Link, doc: dict[str, Any]) -> None:
        if doc.get("confirmReset") is not True:  # guards against network scanners
            self._log("E", LOG_UNCONFIRMED_RESET, [], link)
            return
        self.temp_format, self.cc = "C", self.default_constants("C")
        self._beer_set = self._fridge_set = 20.0
        self.heat_est, self.cool_est = 0.2, 5.0
        self.set_mode("o", force=True)
        self.boot()
        self._log("I", LOG_EEPROM_INITIALIZED, [], link)

    def _cmd_extended(self, link: _Link, doc: dict[str, Any]) -> None:
        known = {key: value for key, value in doc.items() if key in self.extended}
        if not self.faults.ignore_writes and all(isinstance(v, bool) for v in known.values()):
            self.extended.update(known)
        self._emit(link, "X:" + dumps(self.extended))

    def _cmd_names(self, _link: _Link, doc: dict[str, Any]) -> None:
        self.probe_names.update({k: v for k, v in doc.items() if isinstance(v, str)})

    def _cmd_raw_temps(self, link: _Link, _doc: dict[str, Any]) -> None:
        out = [
            {"device": addr, "value": value, "name": self.probe_names.get(addr, "")}
            for addr, celsius in self._probe_readings().items()
            if (value := self._value_text(celsius)) is not None
        ]
        self._emit(link, "R:" + dumps(out))

    def _cmd_devices(self, link: _Link, doc: dict[str, Any]) -> None:
        index, write = _as_int(doc.get("i"), -1), _as_int(doc.get("w"), -1)
        values, empty = _as_int(doc.get("v"), 0), _as_int(doc.get("e"), 0)
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
        self._emit(link, "d:" + dumps(out))

    def _cmd_hardware(self, link: _Link, doc: dict[str, Any]) -> None:
        hardware, values = _as_int(doc.get("h"), -1), _as_int(doc.get("v"), 0)
        unused = _as_int(doc.get("u"), 0)  # any non-zero value, -1 included, means "unused only"
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
        self._emit(link, "h:" + dumps(out))

    def _cmd_update_device(self, link: _Link, doc: dict[str, Any]) -> None:
        index = _as_int(doc.get("i"), -1)
        if not 0 <= index < 16:
            self._emit(link, "U:" + dumps(self._pin_device(0, 0) | {"c": 0, "i": index}))
            return
        while len(self._devices) <= index:
            self._devices.append(self._pin_device(0, 0) | {"c": 0, "x": False, "h": 0})
        device = self._devices[index]
        device.update({k: v for k, v in doc.items() if k in {"c", "b", "f", "h", "p", "x", "a"}})
        self._emit(link, "U:" + dumps(device | {"i": index}))

    # ---- devices -----------------------------------------------------------------------
    @staticmethod
    def _pin_device(pin: int, function: int) -> dict[str, Any]:
        device = {"c": 1, "b": 0, "f": function, "h": 1, "p": pin, "x": True, "d": False}
        return device | ({"r": PIN_ALIASES[pin]} if pin in PIN_ALIASES else {})

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


# ---- CLI -----------------------------------------------------------------------------------
async def _serve(args: argparse.Namespace) -> None:
    emulator = BrewPiEmulator(
        legacy=args.legacy,
        speedup=args.speedup,
        temp_format=args.temp_format,
        room_sensor=not args.no_room_sensor,
        seed=args.seed,
        low_delay=args.low_delay,
    )
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    port = await emulator.start_tcp(args.host, args.port)
    print(f"BrewPi emulator listening on tcp {args.host}:{port}", flush=True)
    if args.pty:
        print(f"BrewPi emulator serial port: {await emulator.start_pty()}", flush=True)
    await done.wait()
    await emulator.stop()


def main(argv: list[str] | None = None) -> int:
    """Run the emulator until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(description="BrewPi-ESP controller emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2323, help="0 picks a free port")
    parser.add_argument("--pty", action="store_true", help="also open a serial pseudo-terminal")
    parser.add_argument("--legacy", action="store_true", help="BrewPi 0.2.x (tag v11) dialect")
    parser.add_argument("--speedup", type=float, default=1.0, help="simulated time factor")
    parser.add_argument("--temp-format", choices=["C", "F"], default="C")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--low-delay", action="store_true", help="low-delay minimum times")
    parser.add_argument("--no-room-sensor", action="store_true")
    asyncio.run(_serve(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
