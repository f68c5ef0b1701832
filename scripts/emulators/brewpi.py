"""BrewPi controller emulator: a development tool and an independent test oracle.

It speaks the BrewPi line protocol (see the protocol reference and the firmware-formats report)
over raw TCP and/or a pseudo-terminal standing in for a USB serial port, as one of these firmware
generations (`firmware=`; `legacy=True` is "esp-v11"):

* "esp" (default; BrewPi-ESP master, G6): while waiting for a command character, bytes outside
  ASCII 65..122 are skipped (so the stray quotes of Fermentrack's fridge command vanish); a command
  may be followed by a JSON object in ArduinoJson's lenient syntax (`j{mode:"b", beerSet:20.0}`);
  unknown commands, bad JSON and bad modes produce unprefixed plain-text error lines. Output:
  `X:{json}` lines ending in CRLF, ArduinoJson number formatting (20.0 prints as 20); disconnected
  probes read 0; `RoomTemp` is "" without a room sensor; setpoints read 0 when invalid (mode off;
  beerSet in fridge-constant mode); `p` answers with an `N:` prefix like the version reply; `j`
  annotations are sent *before* the setting is applied, so that `T:` still carries the old
  setpoint; an unsolicited `T:` on every control state change and on setpoint changes through `j`.
* "esp-v11" (BrewPi-ESP tag v11, G5): 2 decimals, literal null, no RoomTemp key without a room
  sensor, short keys with only the changed fields after the first `T:` of a connection, integer
  build number in `N:`, `D:` warnings for unknown bytes, and on every state change a `D:` log
  message embedded in the middle of the `T:` line.
* "avr-0.2" (BrewPi 0.2.x on an Arduino Uno, G2): `N:{"v":"0.2.7","n":47,...,"l":"1"}`, long
  `T:` keys with 2 decimals, null for a disconnected probe or invalid setpoint, no RoomTemp key
  without a room sensor, JSON `D:` logs, the device manager (`d`, `h`, `U`, with quoted-key
  device objects), `E` without confirmation, `R`, CRLF; CR and LF between commands are skipped,
  any other unknown byte (a space too) is logged as an invalid command; the JSON argument is read
  by the firmware's tokenizer (splits on `,` and `:`, drops spaces and `"`, stops at `}`).
* "avr-0.1" (BrewPi 0.1.x, G1): `N:0.1.0`, `L:` a JSON array, S/C with short keys, `C:` without
  pidMax/lah/hs and with quoted integers ("600"), positive numbers printed with a leading space,
  `T:` with State but no RoomTemp, plain-text `D:` lines (`D:Received new setting: mode = b`,
  `D:Invalid command received by Arduino: x`, for CR and LF too), LF line ends, no device manager:
  every byte of `d{v:1}` is a command of its own (its `v` answers `V:`).
* "2012" (the 2012 firmware on a Leonardo, G0): as 0.1 but no `n` (an invalid command),
  `L:line<BR>line<BR>line<BR>line<BR>`, `T:` without State, S/C/V with the 2012 long names
  (beerSetting, tempSettingMin, KpHeat, estimatedPeak, ...), integers unquoted.

On the Arduino generations every byte is a command and a `j` argument is read only from the
bytes already received (the firmware reads `while (Serial.available())`); each pair is applied
as it is read, with its `D:` line and, for mode and setpoint changes, an annotated `T:`; 0.2
then answers `S:` and `C:`, 0.1 and 2012 only once the closing `}` was read. They send `T:` only
when asked or annotating a `j`, never on a state change. Every generation sends cp437 with the
LCD degree sign as byte 0xB0; TCP takes one client at a time (a new connection replaces the
current one). The formats are in `brewpi_dialects`, the commands in `brewpi_commands` and
`brewpi_devices`, readers and links in `brewpi_link`.

The chamber and the controller are simulated in `brewpi_model` (read its docstring), the same for
every generation. Simulated time runs `speedup` times faster than real time (0 freezes it);
`advance(seconds)` moves it explicitly and deterministically. The controller starts in beer
constant mode at 20 degC. Besides the API of the brief there are `port` (last bound TCP port),
`sim_time`, `state_history` ((time, state) pairs), `set_mode()`, `set_beer_setting()`/
`set_fridge_setting()` (degC) and `lcd_lines()`. Faults (`Faults`) provoke a stalled controller,
line noise, truncated lines, byte-wise writes and ignored writes, in every generation.

CLI:  python -m scripts.emulators.brewpi --host 127.0.0.1 --port 2323 [--pty]
      [--firmware esp|esp-v11|avr-0.2|avr-0.1|2012] [--legacy] [--speedup 60] [--temp-format C]
      [--seed N] [--low-delay] [--no-room-sensor]
"""

import argparse
import asyncio
import contextlib
import os
import random
import signal
import tty
from typing import Any

from scripts.emulators.brewpi_commands import CommandHandlers
from scripts.emulators.brewpi_dialects import DIALECTS, FIRMWARES
from scripts.emulators.brewpi_link import Faults, Link, PtyLink, Reader, TcpLink, TcpProtocol
from scripts.emulators.brewpi_model import State

__all__ = ["FIRMWARES", "BrewPiEmulator", "Faults", "State", "main"]

DEG = "\u2591"  # encodes to cp437 byte 0xB0, the degree sign the firmware sends in LCD text
GARBAGE = bytes([*range(10), 11, 12, *range(14, 32), *range(127, 256)]) + b"#%&{}[]:,\"'"
TICK_SECONDS = 0.05
MAX_SIM_SECONDS_PER_TICK = 20000.0  # keeps the event loop responsive at absurd speedups


class BrewPiEmulator(CommandHandlers):
    """An emulated BrewPi controller (BrewPi-ESP or a BrewPi Arduino) with a simulated chamber.

    Temperatures of `chamber` are degC; `beer_set`/`fridge_set` are in the controller's unit.
    """

    def __init__(
        self,
        *,
        firmware: str = "esp",
        legacy: bool = False,
        speedup: float = 1.0,
        temp_format: str = "C",
        room_sensor: bool = True,
        beer_probe: bool = True,
        fridge_probe: bool = True,
        board: str | None = None,
        seed: int | None = None,
        low_delay: bool = False,
    ) -> None:
        if legacy:  # the old switch: the legacy BrewPi-ESP firmware
            if firmware not in {"esp", "esp-v11"}:
                raise ValueError(f"legacy=True is firmware 'esp-v11', not {firmware!r}")
            firmware = "esp-v11"
        if firmware not in DIALECTS:
            raise ValueError(f"unknown firmware {firmware!r}; one of {', '.join(FIRMWARES)}")
        super().__init__(
            temp_format=temp_format,
            low_delay=low_delay,
            beer_probe=beer_probe,
            fridge_probe=fridge_probe,
            room_sensor=room_sensor,
        )
        self.firmware = firmware
        self.dialect = DIALECTS[firmware](board)
        self.board = self.dialect.board  # the board character of the version reply
        self.speedup = speedup
        self.faults = Faults()
        self.commands_received: list[str] = []
        self.boot_count = 0
        self._rng = random.Random(seed)
        self.port: int | None = None  # the TCP port bound last
        self._links: list[Link] = []
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ticker: asyncio.Task[Any] | None = None
        self._pty_fds: list[int] = []
        self._setup_commands()

    # ---- endpoints ---------------------------------------------------------------------
    async def start_tcp(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen for raw TCP clients (port 23 on a real controller); return the bound port."""
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: TcpProtocol(self), host, port)
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
        link = PtyLink(self, master)
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
            if isinstance(link, PtyLink):
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
            if isinstance(link, TcpLink):
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

    def adopt(self, link: TcpLink) -> TcpLink:
        """A new TCP client: the firmware stops the current one and adopts the new one."""
        for old in [other for other in self._links if isinstance(other, TcpLink)]:
            self._close_link(old)
        self._links.append(link)
        return link

    def _read_pty(self, link: PtyLink) -> None:
        try:
            data = os.read(link.fd, 4096)
        except BlockingIOError:
            return
        except OSError:
            asyncio.get_running_loop().remove_reader(link.fd)
            return
        self.receive(link, data)

    def _close_link(self, link: Link) -> None:
        link.close()
        self.forget(link)

    def forget(self, link: Link) -> None:
        """Drop a link whose connection is gone."""
        link.closed = True
        if link in self._links:
            self._links.remove(link)

    # ---- input -------------------------------------------------------------------------
    def new_reader(self) -> Reader:
        """A command reader for a new connection, in this firmware's way."""
        return self.dialect.reader()

    def _targets(self) -> list[Link]:
        return list(self._links)

    def receive(self, link: Link, data: bytes) -> None:
        """Process bytes from a host."""
        boots = self.boot_count
        for cmd in link.reader.feed(data):
            self.commands_received.append(cmd.raw)
            if not self.faults.stall:
                self._execute(link, cmd)
            if link.closed or self.boot_count != boots:
                break
        self.check_state()

    # ---- output ------------------------------------------------------------------------
    def _emit(self, link: Link, text: str) -> None:
        if self.faults.stall or link.closed:
            return
        data = text.replace("°", DEG).encode("cp437", errors="replace")
        rng, faults, eol = self._rng, self.faults, self.dialect.eol
        if text[1:3] in {":{", ":["} and rng.random() < faults.corrupt_rate:
            noisy = bytearray(data)
            for _ in range(rng.randint(1, 3)):
                noisy[rng.randrange(2, len(noisy))] = rng.choice(GARBAGE)
            data = bytes(noisy)
        if text[1:3] in {":{", ":["} and rng.random() < faults.truncate_rate:
            data = data[: rng.randint(3, len(data) - 2)]  # BrewPi/firmware#86
        else:
            data += eol
        if rng.random() < faults.garbage_rate:
            data = bytes(rng.choice(GARBAGE) for _ in range(rng.randint(3, 24))) + eol + data
        link.send(data)


# ---- CLI -----------------------------------------------------------------------------------
async def _serve(args: argparse.Namespace) -> None:
    emulator = BrewPiEmulator(
        firmware="esp-v11" if args.legacy else args.firmware,
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
    parser = argparse.ArgumentParser(description="BrewPi controller emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2323, help="0 picks a free port")
    parser.add_argument("--pty", action="store_true", help="also open a serial pseudo-terminal")
    parser.add_argument(
        "--firmware",
        choices=FIRMWARES,
        default="esp",
        help="the firmware generation: BrewPi-ESP master or tag v11, BrewPi 0.2.x, 0.1.x, 2012",
    )
    parser.add_argument("--legacy", action="store_true", help="the same as --firmware esp-v11")
    parser.add_argument("--speedup", type=float, default=1.0, help="simulated time factor")
    parser.add_argument("--temp-format", choices=["C", "F"], default="C")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--low-delay", action="store_true", help="low-delay minimum times")
    parser.add_argument("--no-room-sensor", action="store_true")
    asyncio.run(_serve(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
