"""Tests of BrewPiClient against the emulator over real loopback TCP and a real PTY."""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from custom_components.cellar_brewpi.brewpi import (
    BrewPiClient,
    BrewPiConnectionError,
    BrewPiError,
    BrewPiProtocolError,
    BrewPiTimeoutError,
    ControlConstants,
    ControlMode,
    ControlState,
    ControlVariables,
    DeviceFunction,
    LcdText,
    ProbeNames,
    SerialTarget,
    TcpTarget,
    Temperatures,
    VersionInfo,
    WifiInfo,
    describe,
)
from custom_components.cellar_brewpi.brewpi import connection as connection_module
from scripts.emulators.brewpi import BrewPiEmulator

FAST = {"reconnect_initial": 0.05, "reconnect_max": 0.2, "request_timeout": 2.0}

type StartEmulator = Callable[..., Awaitable[BrewPiEmulator]]


async def wait_until(predicate: Callable[[], bool], within: float = 5.0) -> None:
    """Let the loop run until `predicate()` holds (polled every 10 ms)."""
    for _ in range(int(within / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached in time")


@pytest.fixture
async def start_emulator(socket_enabled: None) -> AsyncIterator[StartEmulator]:
    """Start emulators (stopped after the test)."""
    started: list[BrewPiEmulator] = []

    async def start(**kwargs: object) -> BrewPiEmulator:
        options: dict[str, object] = {"speedup": 0.0, "seed": 1, **kwargs}
        emulator = BrewPiEmulator(**options)  # type: ignore[arg-type]
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        await emulator.stop()


@pytest.fixture
async def emulator(start_emulator: StartEmulator) -> BrewPiEmulator:
    """A modern BrewPi-ESP emulator on loopback TCP, frozen in time."""
    em = await start_emulator()
    await em.start_tcp()
    return em


@pytest.fixture
async def client(emulator: BrewPiEmulator) -> AsyncIterator[BrewPiClient]:
    """A client connected to `emulator`."""
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", emulator.port), **FAST)
    await brewpi.async_connect()
    yield brewpi
    await brewpi.async_close()


async def test_handshake(emulator: BrewPiEmulator) -> None:
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", emulator.port))
    version = await brewpi.async_connect()
    try:
        assert isinstance(version, VersionInfo)
        assert version.version not in {"", "0.0.0"}
        assert brewpi.version == version
        assert brewpi.connected
        assert emulator.commands_received[0] == "n"
    finally:
        await brewpi.async_close()
    assert not brewpi.connected


async def test_getters(client: BrewPiClient, emulator: BrewPiEmulator) -> None:
    temperatures = await client.async_get_temperatures()
    assert isinstance(temperatures, Temperatures)
    assert temperatures.beer_temp is not None
    assert temperatures.fridge_temp is not None
    assert client.temperatures == temperatures

    settings = await client.async_get_settings()
    assert settings.mode.value == emulator.mode
    assert client.settings == settings

    constants = await client.async_get_constants()
    assert isinstance(constants, ControlConstants)
    assert constants.temp_format == "C"
    assert constants.temp_set_min < constants.temp_set_max
    assert client.constants == constants

    assert isinstance(await client.async_get_variables(), ControlVariables)
    assert (await client.async_get_version()).version == client.version.version  # type: ignore[union-attr]

    lcd = await client.async_get_lcd()
    assert isinstance(lcd, LcdText)
    assert len(lcd.lines) == 4

    devices = await client.async_get_devices()
    assert devices.has_function(DeviceFunction.BEER_TEMP)
    assert devices.has_function(DeviceFunction.CHAMBER_TEMP)
    assert client.devices == devices

    assert isinstance(await client.async_get_wifi(), WifiInfo)
    assert isinstance(await client.async_get_probe_names(), ProbeNames)

    sent = emulator.commands_received
    for command in ("t", "s", "c", "v", "n", "l", "d{v:1}", "W", "p"):
        assert command in sent
    assert client.stats.malformed == 0


async def test_setpoint_writes_return_the_controllers_settings(
    client: BrewPiClient, emulator: BrewPiEmulator
) -> None:
    settings = await client.async_set_beer_constant(18.456)
    assert 'j{mode:"b",beerSet:18.46}' in emulator.commands_received
    assert settings.mode is ControlMode.BEER_CONSTANT
    assert emulator.mode == "b"
    assert settings.beer_set == pytest.approx(emulator.beer_set, abs=0.051)
    assert settings.beer_set == pytest.approx(18.46, abs=0.051)

    settings = await client.async_set_fridge_constant(4)
    assert 'j{mode:"f",fridgeSet:4.0}' in emulator.commands_received
    assert settings.mode is ControlMode.FRIDGE_CONSTANT
    assert settings.fridge_set == pytest.approx(emulator.fridge_set, abs=0.051)

    settings = await client.async_set_off()
    assert settings.mode is ControlMode.OFF
    assert emulator.mode == "o"
    assert (settings.beer_set, settings.fridge_set) == (None, None)
    temperatures = await client.async_get_temperatures()
    assert temperatures.state is ControlState.OFF
    assert (temperatures.beer_set, temperatures.fridge_set) == (None, None)


async def test_invalid_setpoint_is_refused_before_sending(client: BrewPiClient) -> None:
    with pytest.raises(ValueError, match="invalid setpoint"):
        await client.async_set_beer_constant(float("nan"))
    with pytest.raises(ValueError, match="invalid setpoint"):
        await client.async_set_fridge_constant(1e6)


async def test_every_temperature_line_reaches_subscribers(
    client: BrewPiClient, emulator: BrewPiEmulator
) -> None:
    received: list[Temperatures] = []
    unsubscribe = client.subscribe_temperatures(received.append)
    await client.async_get_temperatures()
    assert len(received) == 1

    # Changing beerSet makes the firmware push an annotated T: without being asked.
    await client.async_set_beer_constant(15.0)
    await wait_until(lambda: any(t.beer_annotation for t in received))
    assert client.temperatures in received

    unsubscribe()
    unsubscribe()  # harmless twice
    count = len(received)
    await client.async_get_temperatures()
    assert len(received) == count


async def test_failing_listener_does_not_break_the_client(
    client: BrewPiClient, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_: object) -> None:
        raise RuntimeError("listener bug")

    client.subscribe_temperatures(broken)
    client.subscribe_connection(broken)
    await client.async_get_temperatures()
    assert "Error in BrewPi temperature listener" in caplog.text
    assert (await client.async_get_settings()).mode is not None


async def test_request_times_out_when_the_controller_stalls(
    emulator: BrewPiEmulator,
) -> None:
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", emulator.port), **{**FAST, "request_timeout": 0.3})
    await brewpi.async_connect()
    try:
        emulator.faults.stall = True
        with pytest.raises(BrewPiTimeoutError, match=r"3 tries of 0\.3 s"):
            await brewpi.async_get_settings()
        brewpi.request_timeout = 0.1
        assert brewpi.request_timeout == 0.1
        with pytest.raises(BrewPiTimeoutError, match=r"3 tries of 0\.1 s"):
            await brewpi.async_get_settings()
        emulator.faults.stall = False
        assert (await brewpi.async_get_settings()).mode is not None
    finally:
        await brewpi.async_close()


async def test_reconnects_after_the_link_drops(
    client: BrewPiClient, emulator: BrewPiEmulator
) -> None:
    events: list[bool] = []
    client.subscribe_connection(events.append)
    emulator.drop_clients()
    await wait_until(lambda: events == [False, True])
    assert client.connected
    assert client.stats.reconnects == 1
    assert (await client.async_get_temperatures()).beer_temp is not None


async def test_request_fails_fast_while_disconnected(
    client: BrewPiClient, emulator: BrewPiEmulator
) -> None:
    emulator.faults.stall = True
    pending = asyncio.ensure_future(client.async_get_settings())
    await wait_until(lambda: "s" in emulator.commands_received)
    emulator.drop_clients()
    with pytest.raises(BrewPiConnectionError):
        await pending
    if not client.connected:
        with pytest.raises(BrewPiConnectionError, match="not connected"):
            await client.async_get_settings()


async def test_keeps_retrying_with_backoff_while_the_controller_is_away(
    start_emulator: StartEmulator,
) -> None:
    emulator = await start_emulator()
    port = await emulator.start_tcp()
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", port), **{**FAST, "handshake_timeout": 0.3})
    await brewpi.async_connect()
    try:
        emulator.faults.stall = True  # handshakes fail now
        emulator.drop_clients()
        await wait_until(lambda: not brewpi.connected)
        await asyncio.sleep(0.8)
        assert not brewpi.connected
        emulator.faults.stall = False
        await wait_until(lambda: brewpi.connected)
        assert brewpi.stats.reconnects == 1
    finally:
        await brewpi.async_close()


async def test_stale_link_is_reconnected(emulator: BrewPiEmulator) -> None:
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", emulator.port), **FAST, stale_after=0.3)
    events: list[bool] = []
    brewpi.subscribe_connection(events.append)
    await brewpi.async_connect()
    try:
        # Nobody polls `t` and the frozen emulator pushes nothing: the link counts as dead.
        await wait_until(lambda: brewpi.stats.reconnects >= 1)
        assert events[:3] == [True, False, True]
        # Polling keeps it alive.
        reconnects = brewpi.stats.reconnects
        started = time.monotonic()
        while time.monotonic() - started < 0.8:
            await brewpi.async_get_temperatures()
            await asyncio.sleep(0.05)
        assert brewpi.stats.reconnects == reconnects
    finally:
        await brewpi.async_close()


async def test_reboot_drops_and_reestablishes_the_link(
    client: BrewPiClient, emulator: BrewPiEmulator
) -> None:
    await client.async_reboot()
    await wait_until(lambda: emulator.boot_count == 1)
    assert "R" in emulator.commands_received
    await wait_until(lambda: client.stats.reconnects == 1 and client.connected)
    assert (await client.async_get_settings()).mode is not None


async def test_serial_over_pty(start_emulator: StartEmulator) -> None:
    emulator = await start_emulator()
    path = await emulator.start_pty()
    target = SerialTarget(path)
    assert describe(target) == f"{path} @ 57600"
    brewpi = BrewPiClient(target, **FAST)
    version = await brewpi.async_connect()
    try:
        assert version.version not in {"", "0.0.0"}
        temperatures = await brewpi.async_get_temperatures()
        assert temperatures.beer_temp is not None
        settings = await brewpi.async_set_beer_constant(19.5)
        assert settings.beer_set == pytest.approx(19.5, abs=0.051)
    finally:
        await brewpi.async_close()


async def test_legacy_firmware(start_emulator: StartEmulator) -> None:
    emulator = await start_emulator(legacy=True, room_sensor=False)
    port = await emulator.start_tcp()
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", port), **FAST)
    await brewpi.async_connect()
    try:
        temperatures = await brewpi.async_get_temperatures()
        assert temperatures.beer_temp is not None
        assert temperatures.fridge_temp is not None
        assert temperatures.room_temp is None
        settings = await brewpi.async_set_fridge_constant(10.25)
        assert settings.fridge_set == pytest.approx(10.25, abs=0.051)
        assert brewpi.stats.malformed == 0
    finally:
        await brewpi.async_close()


async def test_missing_probe_and_room_sensor_are_none(start_emulator: StartEmulator) -> None:
    emulator = await start_emulator(beer_probe=False, room_sensor=False)
    port = await emulator.start_tcp()
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", port), **FAST)
    await brewpi.async_connect()
    try:
        await brewpi.async_get_devices()
        temperatures = await brewpi.async_get_temperatures()
        assert temperatures.beer_temp is None
        assert temperatures.room_temp is None
        assert temperatures.fridge_temp is not None
    finally:
        await brewpi.async_close()


@pytest.mark.parametrize(
    "fault",
    [{"garbage_rate": 0.3}, {"truncate_rate": 0.3}, {"byte_at_a_time": True}],
    ids=["garbage", "truncated", "byte-at-a-time"],
)
async def test_survives_line_faults(
    start_emulator: StartEmulator, fault: dict[str, object]
) -> None:
    emulator = await start_emulator()
    port = await emulator.start_tcp()
    for name, value in fault.items():
        setattr(emulator.faults, name, value)
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", port), **{**FAST, "request_timeout": 1.0})
    await brewpi.async_connect()
    try:
        answered = 0
        for _ in range(20):
            try:
                await brewpi.async_get_temperatures()
                answered += 1
            except BrewPiTimeoutError:
                continue
        assert answered > 0
        assert brewpi.temperatures is not None
        assert brewpi.temperatures.beer_temp is not None
    finally:
        await brewpi.async_close()


async def test_first_connect_failure_leaves_nothing_open(socket_enabled: None) -> None:
    server = await asyncio.start_server(lambda _r, _w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    before = asyncio.all_tasks()
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", port))
    with pytest.raises(BrewPiConnectionError, match="cannot connect"):
        await brewpi.async_connect()
    assert asyncio.all_tasks() == before
    assert not brewpi.connected


async def test_serial_port_that_does_not_exist() -> None:
    brewpi = BrewPiClient(SerialTarget("/dev/does-not-exist-brewpi"))
    with pytest.raises(BrewPiConnectionError):
        await brewpi.async_connect()


async def test_silent_peer_times_out(emulator: BrewPiEmulator) -> None:
    emulator.faults.stall = True
    before = asyncio.all_tasks()
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", emulator.port), handshake_timeout=0.5)
    with pytest.raises(BrewPiTimeoutError):
        await brewpi.async_connect()
    assert asyncio.all_tasks() == before


async def test_peer_that_is_not_a_brewpi(socket_enabled: None) -> None:
    """Something answers, but never with a valid version: a protocol error."""

    async def chatter(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b'SSH-2.0-OpenSSH_9.6\r\nN:{"v":"0.0.0"}\r\n')
        await writer.drain()
        await reader.read()  # until the client hangs up
        writer.close()

    server = await asyncio.start_server(chatter, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        brewpi = BrewPiClient(TcpTarget("127.0.0.1", port), handshake_timeout=0.5)
        with pytest.raises(BrewPiProtocolError):
            await brewpi.async_connect()
        assert brewpi.stats.text_lines >= 1
    finally:
        server.close()
        await server.wait_closed()


async def test_not_connected_and_close_is_idempotent(emulator: BrewPiEmulator) -> None:
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", emulator.port), **FAST)
    with pytest.raises(BrewPiConnectionError, match="not connected"):
        await brewpi.async_get_temperatures()
    with pytest.raises(BrewPiConnectionError, match="not connected"):
        await brewpi.async_reboot()
    await brewpi.async_close()  # never connected
    before = asyncio.all_tasks()
    await brewpi.async_connect()
    with pytest.raises(BrewPiError, match="already connected"):
        await brewpi.async_connect()
    await brewpi.async_close()
    await brewpi.async_close()
    assert asyncio.all_tasks() == before
    with pytest.raises(BrewPiConnectionError, match="not connected"):
        await brewpi.async_get_settings()
    assert brewpi.target == TcpTarget("127.0.0.1", emulator.port)


async def test_controller_log_messages_are_logged_in_words(
    client: BrewPiClient, emulator: BrewPiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.cellar_brewpi.brewpi")
    # `E` without confirmation makes the firmware answer with an info log message.
    writer = client._connection._link.writer  # type: ignore[union-attr]
    writer.write(b"E{}\n")
    await writer.drain()
    await wait_until(lambda: client.stats.log_messages >= 1)
    assert "Incomplete EEPROM reset command" in caplog.text


type Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
VERSION_LINE = b'N:{"v":"0.2.4","n":"abc","c":"v0.15","s":0,"y":0,"b":"e","l":"3","e":"0.15"}\r\n'


@pytest.fixture
async def scripted_peer(socket_enabled: None) -> AsyncIterator[Callable[[Script], Awaitable[int]]]:
    """Serve a hand-written peer on loopback; returns its port."""
    servers: list[asyncio.Server] = []

    async def start(script: Script) -> int:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                await reader.readuntil(b"n\n")  # the handshake
                writer.write(VERSION_LINE)
                await script(reader, writer)
            finally:
                writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def test_bad_lines_are_counted_and_logged_once_per_kind(
    scripted_peer: Callable[[Script], Awaitable[int]], caplog: pytest.LogCaptureFixture
) -> None:
    async def flood(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(20):
            writer.write(b"x" * 5000 + b"\r\n")
            writer.write(b'T:{"BeerTemp":19.\r\n')
            writer.write(b"\x00\x01 noise \xfe\r\n")
            writer.write(b'D:{"logType":"E","logID":11,"V":[]}\r\n')
        writer.write(b'T:{"BeerTemp":19.5,"State":0}\r\n')
        await writer.drain()
        await reader.read()

    port = await scripted_peer(flood)
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", port), **FAST)
    await brewpi.async_connect()
    try:
        await wait_until(lambda: brewpi.temperatures is not None)
        stats = brewpi.stats
        assert (stats.discarded_overlong, stats.malformed, stats.text_lines) == (20, 20, 20)
        assert stats.log_messages == 20
        warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        assert sum("over-long" in m for m in warnings) == 1
        assert sum("Malformed" in m for m in warnings) == 1
        assert sum("noise" in m for m in warnings) == 1
        assert sum("OneWire initialization failed" in m for m in warnings) == 1
    finally:
        await brewpi.async_close()


async def test_connection_reset_by_the_peer_reconnects(
    scripted_peer: Callable[[Script], Awaitable[int]],
) -> None:
    resets = 0

    async def reset_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal resets
        await writer.drain()
        if resets == 0:
            resets += 1
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()  # RST instead of FIN
            return
        await reader.read()

    port = await scripted_peer(reset_once)
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", port), **FAST)
    await brewpi.async_connect()
    try:
        await wait_until(lambda: brewpi.stats.reconnects == 1 and brewpi.connected)
    finally:
        await brewpi.async_close()


async def test_write_failure_drops_the_link(
    client: BrewPiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_drain() -> None:
        raise ConnectionResetError("gone")

    monkeypatch.setattr(client._connection._link.writer, "drain", broken_drain)  # type: ignore[union-attr]
    with pytest.raises(BrewPiConnectionError, match="cannot write"):
        await client.async_get_settings()
    await wait_until(lambda: client.stats.reconnects == 1 and client.connected)
    assert (await client.async_get_settings()).mode is not None


async def test_requests_queued_behind_a_lost_request_fail(
    client: BrewPiClient, emulator: BrewPiEmulator
) -> None:
    emulator.faults.stall = True
    first = asyncio.ensure_future(client.async_get_settings())
    second = asyncio.ensure_future(client.async_get_lcd())
    third = asyncio.ensure_future(client.async_reboot())
    await wait_until(lambda: "s" in emulator.commands_received)
    emulator.drop_clients()
    for request in (first, second, third):
        with pytest.raises(BrewPiConnectionError):
            await request
    assert "R" not in emulator.commands_received


async def test_unexpected_reader_error_is_logged_and_reconnects(
    client: BrewPiClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_parser(_line: str) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(connection_module, "parse_line", broken_parser)
    with pytest.raises(BrewPiConnectionError, match="internal error"):
        await client.async_get_settings()
    assert "Unexpected error reading" in caplog.text
    monkeypatch.undo()
    await wait_until(lambda: client.stats.reconnects == 1 and client.connected)


async def test_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    async def slow_open(_target: object, _timeout: float) -> None:
        raise TimeoutError

    monkeypatch.setattr(connection_module, "open_stream", slow_open)
    with pytest.raises(BrewPiTimeoutError, match="timed out connecting"):
        await BrewPiClient(TcpTarget("192.0.2.1")).async_connect()


async def test_close_while_connecting(emulator: BrewPiEmulator) -> None:
    before = asyncio.all_tasks()
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", emulator.port), **FAST)
    connecting = asyncio.ensure_future(brewpi.async_connect())
    await asyncio.sleep(0)
    await brewpi.async_close()
    with pytest.raises(BrewPiConnectionError):
        await connecting
    assert asyncio.all_tasks() == before
    assert not brewpi.connected


async def test_unexpected_error_while_reconnecting_is_retried(
    client: BrewPiClient,
    emulator: BrewPiEmulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real_open = connection_module.open_stream
    calls = 0

    async def flaky_open(target: object, connect_timeout: float) -> object:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("transport bug")
        return await real_open(target, connect_timeout)  # type: ignore[arg-type]

    monkeypatch.setattr(connection_module, "open_stream", flaky_open)
    emulator.drop_clients()
    await wait_until(lambda: client.stats.reconnects == 1 and client.connected)
    assert calls == 2
    assert "Unexpected error reconnecting" in caplog.text


async def test_a_controller_that_keeps_taking_links_away_is_contended(
    scripted_peer: Callable[[Script], Awaitable[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program takes each of our links soon after the connect; then it stops."""
    monkeypatch.setattr(connection_module, "HELD_LINK", 0.5)
    monkeypatch.setattr(connection_module, "CONTENDED_BACKOFF", 0.1)
    links = 0

    async def taken_away(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal links
        links += 1
        await writer.drain()
        if links <= connection_module.TAKEN_LINKS:
            await asyncio.sleep(0.05)  # the firmware drops us for the other program
            return
        await reader.read()  # the other program has stopped: this link holds

    port = await scripted_peer(taken_away)
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", port), **FAST)
    changes: list[bool] = []
    brewpi.subscribe_contention(changes.append)
    await brewpi.async_connect()
    try:
        await wait_until(lambda: changes == [True])
        assert brewpi.last_disconnect_reason == connection_module.CLOSED_BY_PEER
        # A link that holds for HELD_LINK ends the contention.
        await wait_until(lambda: changes == [True, False])
        assert not brewpi.contended
        assert brewpi.connected
        assert links == connection_module.TAKEN_LINKS + 1
    finally:
        await brewpi.async_close()


async def test_links_lost_for_other_reasons_are_no_contention(
    emulator: BrewPiEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection_module, "TAKEN_LINKS", 2)
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", emulator.port), **FAST, stale_after=0.2)
    await brewpi.async_connect()
    try:
        # Stale links (nobody polls, the frozen emulator pushes nothing) are not taken away.
        await wait_until(lambda: brewpi.stats.reconnects >= 3)
        assert not brewpi.contended
        assert brewpi.last_disconnect_reason == "no temperatures for 0.2 s"
    finally:
        await brewpi.async_close()
