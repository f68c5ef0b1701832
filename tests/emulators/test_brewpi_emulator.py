"""The BrewPi emulator speaks the reference protocol over real loopback TCP and a real PTY."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import select
import socket
import subprocess
import sys
import tty
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from scripts.emulators.brewpi import BrewPiEmulator
from scripts.emulators.brewpi_json import JsonError, LenientJson
from scripts.emulators.brewpi_model import Controller, State

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

TIMEOUT = 2.0
ROOT = Path(__file__).resolve().parents[2]
D_LOG = re.compile(rb"D:\{.*?\}\r?\n")  # brewpi-script's filterOutLogMessages


class Client:
    """A raw protocol client: bytes in, lines out."""

    def __init__(self, reader: asyncio.StreamReader, write: Callable[[bytes], None]) -> None:
        self.reader, self._write = reader, write
        self.closers: list[Callable[[], None]] = []

    async def send(self, data: str | bytes) -> None:
        self._write(data.encode("cp437") if isinstance(data, str) else data)
        await asyncio.sleep(0)

    async def line(self) -> str:
        raw = await asyncio.wait_for(self.reader.readuntil(b"\r\n"), TIMEOUT)
        return raw[:-2].decode("cp437")

    async def expect(self, prefix: str) -> str:
        while not (line := await self.line()).startswith(prefix):
            pass
        return line

    async def doc(self, prefix: str, key: str | None = None) -> Any:
        """The next `prefix` document (that has a truthy `key`, if given)."""
        while True:
            doc = json.loads((await self.expect(prefix))[len(prefix) :])
            if key is None or doc.get(key):
                return doc

    async def ask(self, command: str, prefix: str) -> Any:
        await self.send(command + "\n")
        return await self.doc(prefix)

    async def quiet(self, seconds: float = 0.3) -> bytes:
        """Everything that arrives within `seconds`."""
        data = b""
        with contextlib.suppress(TimeoutError):
            while chunk := await asyncio.wait_for(self.reader.read(65536), seconds):
                data += chunk
        return data


class Harness:
    def __init__(self) -> None:
        self.emulators: list[BrewPiEmulator] = []
        self.clients: list[Client] = []

    def emulator(self, **kwargs: Any) -> BrewPiEmulator:
        emulator = BrewPiEmulator(**{"speedup": 0.0, "seed": 7, **kwargs})
        self.emulators.append(emulator)
        return emulator

    async def tcp(self, emulator: BrewPiEmulator) -> Client:
        if emulator.port is None:
            await emulator.start_tcp()
        reader, writer = await asyncio.open_connection("127.0.0.1", emulator.port)
        client = Client(reader, writer.write)
        client.closers.append(writer.close)
        self.clients.append(client)
        return client

    async def serial(self, path: str) -> Client:
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(fd)
        reader = asyncio.StreamReader()
        transport, _ = await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
        )
        client = Client(reader, lambda data: os.write(fd, data) and None)
        client.closers.append(transport.close)
        self.clients.append(client)
        return client


@pytest.fixture
async def harness(socket_enabled: None) -> AsyncIterator[Harness]:
    harness = Harness()
    yield harness
    for client in harness.clients:
        for close in client.closers:
            close()
    await asyncio.sleep(0)
    for emulator in harness.emulators:
        await emulator.stop()


async def test_handshake_and_replies(harness: Harness) -> None:
    client = await harness.tcp(harness.emulator())
    assert await client.ask("n", "N:") == {
        "v": "0.2.4",
        "n": "8f3c2a1",
        "c": "v0.15",
        "s": 0,
        "y": 0,
        "b": "e",
        "l": "3",
        "e": "0.15",
    }
    await client.send("t\n")
    line = await client.expect("T:")
    assert line == (
        'T:{"BeerTemp":20.5,"BeerSet":20,"BeerAnn":null,"FridgeTemp":19,"FridgeSet":20,'
        '"FridgeAnn":null,"RoomTemp":21,"State":0}'
    )
    assert await client.ask("s", "S:") == {
        "mode": "b",
        "beerSet": 20,
        "fridgeSet": 20,
        "heatEst": 0.2,
        "coolEst": 5,
    }
    constants = await client.ask("c", "C:")
    assert list(constants)[:4] == ["tempFormat", "tempSetMin", "tempSetMax", "pidMax"]
    assert (constants["Kp"], constants["Ki"], constants["Kd"]) == (5, 0.25, -1.5)
    assert (constants["idleRangeH"], constants["idleRangeL"], constants["coolTargetL"]) == (
        1,
        -1,
        -0.3,
    )
    assert (constants["tempSetMin"], constants["tempSetMax"], constants["iMaxErr"]) == (1, 30, 0.5)
    assert set(await client.ask("v", "V:")) >= {"beerDiff", "diffIntegral", "p", "negPeak"}
    assert await client.ask("x", "X:") == {"invertTFT": False, "glycol": False, "largeTFT": False}
    assert await client.ask("W", "W:") == {"ssid": "brewery", "signalStrength": -61}
    names = await client.ask("p", "N:")  # same prefix as the version reply, but no "v" key
    assert "v" not in names
    assert names["28FF3A4B1C160451"] == "Beer probe"
    raw = await client.ask("T", "R:")
    assert raw[0] == {"device": "28FF3A4B1C160451", "value": "20.500", "name": "Beer probe"}
    for command in ("A", "a", "b"):
        await client.send(command + "\n")
    assert await client.quiet(0.2) == b""
    assert harness.emulators[0].commands_received[:3] == ["n", "t", "s"]


async def test_lcd_is_cp437_with_degree_byte(harness: Harness) -> None:
    client = await harness.tcp(harness.emulator())
    await client.send("l\n")
    raw = await asyncio.wait_for(client.reader.readuntil(b"\r\n"), 2)
    assert raw.startswith(b"L:[")
    assert b"\xb0C" in raw
    lines = json.loads(raw[2:].decode("cp437"))
    assert len(lines) == 4
    assert all(len(line) == 20 for line in lines)
    assert lines[0].startswith("Mode   Beer Const.")
    assert lines[1] == "Beer   20.5  20.0 \u2591C"


async def test_devices(harness: Harness) -> None:
    emulator = harness.emulator(room_sensor=False)
    client = await harness.tcp(emulator)
    devices = await client.ask("d{r:1}", "d:")
    assert [(d["f"], d["h"]) for d in devices] == [(2, 1), (3, 1), (9, 2), (5, 2)]
    beer = devices[2]
    assert re.fullmatch("[0-9A-F]{16}", beer["a"])
    assert "v" not in beer
    emulator.beer_probe = False
    devices = await client.ask("d{v:1}", "d:")
    assert [d.get("v") for d in devices] == ["0", "0", None, "19.000"]
    assert (await client.ask("d{i:3,v:1}", "d:"))[0]["i"] == 3
    hardware = await client.ask("h{v:1}", "h:")
    assert [d["i"] for d in hardware] == [3, 0, 1, -1]  # the beer probe is gone from the bus
    unused = await client.ask("h{u:-1,v:1}", "h:")  # u:-1 counts as "unused only"
    assert [d["r"] for d in unused] == ["Door"]
    temps = await client.ask("t", "T:")
    assert (temps["BeerTemp"], temps["RoomTemp"]) == (0, "")
    update = await client.ask("U{i:6,f:1,h:1,p:13}", "U:")
    assert (update["i"], update["f"]) == (6, 1)


async def test_j_applies_keys_in_order_and_annotates(harness: Harness) -> None:
    emulator = harness.emulator()
    client = await harness.tcp(emulator)
    await client.send('j{beerSet:19, mode:"o"}\n')
    annotated = await client.doc("T:", "BeerAnn")  # sent before the setting is applied
    assert annotated["BeerAnn"] == "Beer temp set to 19.00 in web interface"
    assert annotated["BeerSet"] == 20
    settings = await client.doc("S:")
    assert (settings["mode"], settings["beerSet"], settings["fridgeSet"]) == ("o", 0, 0)
    await client.doc("C:")
    emulator.advance(1)
    assert (await client.doc("T:"))["State"] == State.OFF
    temps = await client.ask("t", "T:")
    assert (temps["BeerSet"], temps["FridgeSet"]) == (0, 0)

    await client.send("j{mode:'b', \"beerSet\": '18.5'}\n")
    assert (await client.doc("T:", "BeerAnn"))[
        "BeerAnn"
    ] == "Beer temp set to 18.5 in web interface"
    settings = await client.doc("S:")
    assert (settings["mode"], settings["beerSet"]) == ("b", 18.5)
    assert emulator.beer_set == 18.5
    assert emulator.fridge_set == settings["fridgeSet"] < 18.5  # the PID wants a colder fridge

    await client.send('"j{mode:"f", fridgeSet:4.0}"\n')  # Fermentrack's stray quotes
    assert (await client.doc("T:", "FridgeAnn"))["FridgeAnn"] == (
        "Fridge temp set to 4.00 in web interface"
    )
    assert (await client.doc("S:"))["fridgeSet"] == 4
    assert emulator.commands_received[-1] == 'j{mode:"f", fridgeSet:4.0}'
    assert (emulator.mode, emulator.fridge_set, emulator.beer_set) == ("f", 4.0, 0.0)

    await client.send('j{mode:"p"}\nj{beerSet:18.6}\n')
    assert (await client.doc("T:", "BeerAnn"))["BeerAnn"] == (
        "Beer temp set to 18.60 by temperature profile"
    )


async def test_errors_are_plain_text_lines(harness: Harness) -> None:
    client = await harness.tcp(harness.emulator())
    await client.send("?1 Z\n")
    assert await client.line() == 'Invalid command received "Z" (0x5A)'
    await client.send("j{mode:b}\n")  # string values must be quoted
    assert await client.line() == "Error deserializing JSON data InvalidInput"
    assert (await client.doc("S:"))["mode"] == "b"
    await client.expect("C:")
    await client.send('j{mode:"q", tempFormat:"K"}\n')
    assert await client.line() == 'Invalid mode "q" (0x71)'
    assert await client.line() == 'Invalid temp format "K" (0x4B)'
    await client.send("E\n")
    log = await client.doc("D:")
    assert (log["logType"], log["V"]) == ("E", [])
    await client.send('E{"confirmReset":true}\n')
    assert (await client.doc("D:"))["logType"] == "I"
    assert (await client.ask("s", "S:"))["mode"] == "o"


async def test_defaults_and_extended_settings(harness: Harness) -> None:
    emulator = harness.emulator()
    client = await harness.tcp(emulator)
    await client.send("S\n")
    assert (await client.doc("S:"))["mode"] == "o"
    assert (await client.doc("D:"))["logID"] == 14
    await client.send("C\n")
    assert (await client.doc("C:"))["tempFormat"] == "C"
    assert await client.ask("X{glycol:true}", "X:") == {
        "invertTFT": False,
        "glycol": True,
        "largeTFT": False,
    }
    emulator.faults.ignore_writes = True
    assert (await client.ask("X{glycol:false}", "X:"))["glycol"] is True
    assert (await client.ask('j{mode:"b", beerSet:10}', "S:"))["mode"] == "o"
    await client.send('o{"28FF3A4B1C160451":"Kölsch"}\n')
    assert (await client.ask("p", "N:"))["28FF3A4B1C160451"] == "Kölsch"


async def test_constants_and_test_mode(harness: Harness) -> None:
    emulator = harness.emulator()
    client = await harness.tcp(emulator)
    await client.send("j{Kp:4, Ki:'0.5', idleRangeH:0.5, tempSetMax:25, maxHeatTimeForEst:300,")
    await client.send(" heatEst:0.3, coolEst:4, beerFastFilt:2, lah:true, unknown:1, Kd:[1]}\n")
    settings = await client.doc("S:")
    assert (settings["heatEst"], settings["coolEst"]) == (0.3, 4)
    constants = await client.doc("C:")
    assert (constants["Kp"], constants["Ki"], constants["idleRangeH"]) == (4, 0.5, 0.5)
    assert (constants["tempSetMax"], constants["maxHeatTimeForEst"]) == (25, 300)
    assert (constants["beerFastFilt"], constants["lah"], constants["Kd"]) == (2, 1, -1.5)
    await client.ask('j{mode:"t"}', "S:")
    await client.ask("d{i:1,w:1}", "d:")  # switch the cooler by hand
    emulator.advance(3600)
    assert emulator.chamber.cooler_on
    assert emulator.state == State.IDLE
    lcd = await client.ask("l", "L:")
    assert lcd[0] == "Mode   ** Testing ** "[:20]


async def test_fahrenheit_and_unit_change(harness: Harness) -> None:
    client = await harness.tcp(harness.emulator(temp_format="F"))
    constants = await client.ask("c", "C:")
    assert (constants["tempFormat"], constants["tempSetMin"], constants["tempSetMax"]) == (
        "F",
        34,
        86,
    )
    assert (constants["idleRangeH"], constants["pidMax"]) == (1.8, 18)
    temps = await client.ask("t", "T:")
    assert (temps["BeerTemp"], temps["BeerSet"]) == (68.9, 68)
    await client.send('j{tempFormat:"C"}\n')
    await client.doc("S:")
    constants = await client.doc("C:")
    assert (constants["tempFormat"], constants["tempSetMin"], constants["idleRangeH"]) == (
        "C",
        1.1,
        1,
    )
    assert (await client.ask("t", "T:"))["BeerTemp"] == 20.5


async def test_one_tcp_client_at_a_time(harness: Harness) -> None:
    emulator = harness.emulator()
    first = await harness.tcp(emulator)
    await first.ask("n", "N:")
    second = await harness.tcp(emulator)
    assert await first.quiet(1.0) == b""  # EOF: the firmware dropped the old client
    assert first.reader.at_eof()
    assert (await second.ask("n", "N:"))["v"] == "0.2.4"
    emulator.drop_clients()
    assert await second.quiet(1.0) == b""
    assert second.reader.at_eof()


async def test_reboot_drops_link_and_keeps_settings(harness: Harness) -> None:
    emulator = harness.emulator()
    client = await harness.tcp(emulator)
    await client.ask('j{mode:"b", beerSet:15}', "S:")
    emulator.advance(700)
    assert emulator.state == State.COOLING
    await client.send("R\nt\n")
    await client.quiet(0.5)
    assert client.reader.at_eof()
    assert emulator.commands_received[-1] == "R"  # the t after it died with the old link
    client = await harness.tcp(emulator)
    assert (await client.ask("s", "S:"))["beerSet"] == 15
    emulator.advance(2)
    assert emulator.state == State.WAITING_TO_COOL  # compressor protection after a reboot


async def test_legacy_dialect(harness: Harness) -> None:
    emulator = harness.emulator(legacy=True, room_sensor=False, board="m")
    client = await harness.tcp(emulator)
    version = await client.ask("n", "N:")
    assert (version["n"], version["l"], version["b"]) == (1234, "1", "m")
    await client.send("t\n")
    assert await client.expect("T:") == (
        'T:{"bt":20.50,"bs":20.00,"ba":null,"ft":19.00,"fs":20.00,"fa":null,"s":0}'
    )
    assert await client.ask("t", "T:") == {}  # nothing changed since the first T:
    await client.send("?\n")
    assert await client.doc("D:") == {"logType": "W", "logID": 1, "V": ["?"]}
    await client.send("j{beerSet:15}\n")
    assert await client.doc("T:") == {"ba": "Beer temp set to 15 in web interface."}
    assert (await client.doc("S:"))["beerSet"] == 15
    await client.doc("C:")
    emulator.advance(1)  # state change: IDLE -> WAITING_TO_COOL
    data = await client.quiet()
    assert re.search(rb'T:\{"[a-z]+":[0-9.]+,D:\{"logType":"I","logID":11,"V":\[0\]\}\r\n', data)
    lines = D_LOG.sub(b"", data).split(b"\r\n")
    update = json.loads(next(line for line in lines if line.startswith(b"T:"))[2:])
    assert update["s"] == State.WAITING_TO_COOL
    assert "bt" not in update
    emulator.fridge_probe = False
    assert (await client.ask("t", "T:"))["ft"] is None


async def test_stall_fault(harness: Harness) -> None:
    emulator = harness.emulator(speedup=1000.0)
    client = await harness.tcp(emulator)
    emulator.faults.stall = True
    await client.send("t\nj{beerSet:5}\n")
    assert await client.quiet(0.5) == b""  # no reply and no unsolicited T: either
    assert emulator.commands_received == ["t", "j{beerSet:5}"]
    assert emulator.beer_set == 20
    emulator.faults.stall = False
    assert (await client.ask("t", "T:"))["BeerSet"] == 20


async def test_garbage_and_truncation_faults(harness: Harness) -> None:
    emulator = harness.emulator()
    client = await harness.tcp(emulator)
    emulator.faults.garbage_rate = 1.0
    await client.send("s\n")
    data = await client.quiet()
    junk, reply, rest = data.split(b"\r\n")
    assert rest == b""
    assert reply.startswith(b"S:{")
    assert len(junk) >= 3
    assert not re.match(rb"[A-Za-z]:", junk)
    emulator.faults.garbage_rate = 0.0
    emulator.faults.truncate_rate = 1.0
    await client.send("s\n")
    await asyncio.sleep(0.1)
    emulator.faults.truncate_rate = 0.0
    await client.send("t\n")
    glued = await client.line()
    assert glued.startswith("S:{")
    assert ',"State":0}' in glued
    head, tail = glued.split("T:{", 1)
    assert json.loads("{" + tail)["State"] == 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(head[2:])


async def test_byte_at_a_time(harness: Harness) -> None:
    emulator = harness.emulator()
    emulator.faults.byte_at_a_time = True
    client = await harness.tcp(emulator)
    assert (await client.ask("c", "C:"))["tempSetMax"] == 30


async def test_serial_over_pty(harness: Harness) -> None:
    emulator = harness.emulator()
    path = await emulator.start_pty()
    client = await harness.serial(path)
    assert (await client.ask("n", "N:"))["v"] == "0.2.4"
    assert (await client.ask("t", "T:"))["BeerTemp"] == 20.5
    await client.send('j{mode:"f", fridgeSet:12}\n')
    assert (await client.doc("S:"))["fridgeSet"] == 12
    emulator.drop_clients()  # nothing to drop on a serial line
    assert (await client.ask("s", "S:"))["mode"] == "f"


async def test_cooling_in_beer_mode_respects_min_times(harness: Harness) -> None:
    emulator = harness.emulator()
    client = await harness.tcp(emulator)
    await client.ask('j{mode:"b", beerSet:15}', "S:")
    emulator.advance(601)
    assert emulator.chamber.cooler_on
    assert not emulator.chamber.heater_on
    assert [state for _t, state in emulator.state_history[:3]] == [0, 5, 4]
    assert (await client.doc("T:"))["State"] == State.WAITING_TO_COOL
    assert (await client.doc("T:"))["State"] == State.COOLING
    fridge = emulator.chamber.fridge_temp
    emulator.advance(4 * 3600)
    assert emulator.chamber.fridge_temp < fridge
    assert emulator.chamber.beer_temp < 17
    on, off = _cycles(emulator.state_history, {State.COOLING, State.COOLING_MIN_TIME})
    assert len(on) >= 3
    assert min(on) >= 180
    assert min(off) >= 300
    data = await client.quiet()
    assert b'D:{"logType":"I","logID":18,"V":["' in data  # negative peak after a cycle
    lcd = await client.ask("l", "L:")
    assert lcd[2].startswith("Fridge")


@pytest.mark.parametrize(("low_delay", "on_time", "off_time"), [(False, 180, 600), (True, 20, 60)])
async def test_fridge_constant_cycles(
    harness: Harness, low_delay: bool, on_time: int, off_time: int
) -> None:
    emulator = harness.emulator(low_delay=low_delay)
    emulator.set_mode("f")
    emulator.set_fridge_setting(10.0)
    emulator.advance(6 * 3600)
    assert emulator.beer_set == 0  # no beer setting in fridge-constant mode
    on, off = _cycles(emulator.state_history, {State.COOLING, State.COOLING_MIN_TIME})
    assert len(on) >= 4
    assert min(on) >= on_time
    assert min(off) >= off_time
    assert min(off) < 600 if low_delay else min(off) >= 600


async def test_heating(harness: Harness) -> None:
    emulator = harness.emulator()
    emulator.set_beer_setting(25.0)
    emulator.advance(599)
    assert emulator.state == State.WAITING_TO_HEAT
    emulator.advance(2)
    assert emulator.state == State.HEATING
    assert emulator.chamber.heater_on
    emulator.advance(3 * 3600)
    assert emulator.chamber.beer_temp > 22
    on, _off = _cycles(emulator.state_history, {State.HEATING, State.HEATING_MIN_TIME})
    assert min(on) >= 180


async def test_speedup_runs_in_real_time(harness: Harness) -> None:
    emulator = harness.emulator(speedup=3000.0)
    client = await harness.tcp(emulator)
    await client.send('j{mode:"b", beerSet:12}\n')
    for _ in range(50):
        if (await client.doc("T:"))["State"] == State.COOLING:
            break
    assert emulator.chamber.cooler_on
    assert emulator.sim_time >= 600


def test_lenient_json() -> None:
    parse = LenientJson.parse
    assert parse("{mode:\"b\", beerSet:20.0, 'x':'y', n:[1, -2e1, {}], t:true, z:null}") == {
        "mode": "b",
        "beerSet": 20.0,
        "x": "y",
        "n": [1, -20.0, {}],
        "t": True,
        "z": None,
    }
    assert parse('{"a":"\\"\\u00b0\\n"} trailing') == {"a": '"°\n'}
    assert parse("[]") == []
    for text, reason in [
        ("{mode:b}", "InvalidInput"),
        ("{a:1", "IncompleteInput"),
        ('{a:"x', "IncompleteInput"),
        ("{1:2}", "InvalidInput"),
        ('{a:"\\uzzzz"}', "InvalidInput"),
        ("", "IncompleteInput"),
    ]:
        with pytest.raises(JsonError) as err:
            parse(text)
        assert err.value.reason == reason


def test_cli_prints_listening_line(socket_enabled: None) -> None:
    command = [sys.executable, "-m", "scripts.emulators.brewpi", "--port", "0", "--pty"]
    command += ["--speedup", "0"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 10)
        assert ready, "the CLI printed nothing"
        tcp_line = proc.stdout.readline().strip()
        serial_line = proc.stdout.readline().strip()
        match = re.fullmatch(r"BrewPi emulator listening on tcp 127\.0\.0\.1:(\d+)", tcp_line)
        assert match
        assert serial_line.startswith("BrewPi emulator serial port: /dev/")
        with socket.create_connection(("127.0.0.1", int(match.group(1))), timeout=5) as sock:
            sock.sendall(b"n\n")
            assert sock.recv(4096).startswith(b'N:{"v":"0.2.4"')
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def _cycles(history: list[tuple[float, int]], on_states: set[State]) -> tuple[list[float], ...]:
    """Durations of the on-periods and of the off-periods between them."""
    on: list[float] = []
    off: list[float] = []
    started = stopped = None
    for time, state in history:
        if state in on_states and started is None:
            started = time
            if stopped is not None:
                off.append(time - stopped)
        elif state not in on_states and started is not None:
            on.append(time - started)
            started, stopped = None, time
    return on, off


def test_a_dead_cooler_runs_without_cooling() -> None:
    """The `cooler_works` fault: the controller cools all along, the air only warms."""
    controller = Controller(
        temp_format="C", low_delay=False, beer_probe=True, fridge_probe=True, room_sensor=True
    )
    controller.chamber.cooler_works = False
    controller.set_beer_setting(15.0)
    fridge = controller.chamber.fridge_temp
    controller.advance(2 * 3600)
    assert controller.state in {State.COOLING, State.COOLING_MIN_TIME}
    assert controller.chamber.cooler_on
    assert controller.chamber.fridge_temp > fridge
