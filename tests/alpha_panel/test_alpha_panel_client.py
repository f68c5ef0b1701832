"""The Alpha panel client against the panel emulator over real loopback HTTP."""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from custom_components.cellar_brewpi.alpha_panel import (
    DEFAULT_SLOTS,
    AlphaPanel,
    AlphaPanelConnectionError,
    AlphaPanelError,
    AlphaPanelParseError,
    AlphaPanelWriteError,
    PanelReading,
    build_slots,
)
from scripts.emulators.alpha_panel import AlphaPanelEmulator, Vessel
from scripts.emulators.brewpi import BrewPiEmulator

type StartEmulator = Callable[..., Awaitable[AlphaPanelEmulator]]


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A client session; real sockets, which the test plugin limits to loopback."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def start_emulator(socket_enabled: None) -> AsyncIterator[StartEmulator]:
    """Start emulators (frozen in time unless told otherwise); all are stopped afterwards."""
    started: list[AlphaPanelEmulator] = []

    async def start(**kwargs: Any) -> AlphaPanelEmulator:
        kwargs.setdefault("speedup", 0.0)
        kwargs.setdefault("seed", 7)
        emulator = AlphaPanelEmulator(**kwargs)
        await emulator.start("127.0.0.1", 0)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        await emulator.stop()


def client(
    session: aiohttp.ClientSession, emulator: AlphaPanelEmulator, **kwargs: Any
) -> AlphaPanel:
    kwargs.setdefault("page_pause", 0.01)
    kwargs.setdefault("timeout", 2.0)
    kwargs.setdefault("write_verify_timeout", 1.0)
    kwargs.setdefault("write_verify_interval", 0.02)
    return AlphaPanel(session, "127.0.0.1", port=emulator.port, **kwargs)


def assert_matches_vessels(reading: PanelReading, vessels: dict[int, Vessel]) -> None:
    """Every slot shows what the emulator's vessel shows (speedup 0: nothing moves)."""
    assert set(reading.slots) == set(vessels)
    for number, slot_reading in reading.slots.items():
        vessel = vessels[number]
        assert slot_reading.slot.address == vessel.address
        if vessel.sentinel:
            assert (slot_reading.temperature, slot_reading.set_point) == (None, None)
            continue
        assert slot_reading.temperature == pytest.approx(vessel.temperature, abs=0.051)
        assert slot_reading.set_point == vessel.set_point
        assert slot_reading.valve_open is vessel.valve_open


async def test_read_nine_slots(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    before = datetime.now(UTC)
    reading = await client(session, emulator).async_read()
    assert before <= reading.read_at <= datetime.now(UTC)
    assert reading.read_at.utcoffset() == timedelta(0)
    assert len(reading.values) == 27
    assert emulator.requests == ["/001.html", "/002.html"]
    assert_matches_vessels(reading, emulator.vessels)
    assert [reading.slots[n].slot.label for n in (1, 8, 9)] == ["FV 10/1", "Walk-In", "BT 10/1"]


async def test_sentinel_slots_are_unknown(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator(sentinel_slots={2, 9})
    reading = await client(session, emulator).async_read()
    for number in (2, 9):
        assert reading.slots[number].temperature is None
        assert reading.slots[number].set_point is None
        assert reading.values[3 * (number - 1)] == "1000"
    assert reading.slots[1].temperature is not None


async def test_thirty_two_slots_over_two_pages(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator(slots=32, slots_per_page=16, sentinel_slots=set())
    reading = await client(session, emulator).async_read(build_slots(32))
    assert emulator.page_count == 2
    assert len(reading.values) == 96
    assert_matches_vessels(reading, emulator.vessels)
    assert all(slot.temperature is not None for slot in reading.slots.values())


async def test_pages_are_read_in_order_with_a_pause(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator(slots=12, pages=3)
    panel = client(session, emulator, pages=(3, 1, 2), page_pause=0.15)
    started = time.monotonic()
    reading = await panel.async_read(build_slots(12))
    assert time.monotonic() - started >= 0.3
    assert emulator.requests == ["/003.html", "/001.html", "/002.html"]
    # Page 3 came first, so its slots 9-12 land at the start of the combined array.
    assert reading.values[:12] == tuple(emulator.page_values(3))
    assert panel.pages == (3, 1, 2)


async def test_write_is_verified(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    panel = client(session, emulator)
    slot = DEFAULT_SLOTS[0]
    confirmed = await panel.async_set_setpoint(slot, 34.2)
    assert confirmed.slot == slot
    assert confirmed.set_point == 34.2
    assert emulator.vessels[1].set_point == 34.2
    assert len(emulator.writes) == 1
    assert re.fullmatch(r"\d{13}o3a117t2v342", emulator.writes[0])
    epoch_ms = int(emulator.writes[0].split("o", 1)[0])
    assert abs(epoch_ms / 1000 - time.time()) < 60
    # The read after the write went through the pages.
    assert emulator.requests[0].startswith("/submit.html?dummy=")
    assert "/001.html" in emulator.requests[1:]


async def test_writes_run_one_at_a_time(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    panel = client(session, emulator)
    first, second = await asyncio.gather(
        panel.async_set_setpoint(DEFAULT_SLOTS[2], 50),
        panel.async_set_setpoint(DEFAULT_SLOTS[3], 66.5),
    )
    assert (first.set_point, second.set_point) == (50.0, 66.5)
    submits = [i for i, path in enumerate(emulator.requests) if path.startswith("/submit.html")]
    assert len(submits) == 2
    # The second write was sent only after the first had been read back.
    assert any(path.endswith(".html") for path in emulator.requests[submits[0] + 1 : submits[1]])
    assert not emulator.requests[submits[0] + 1].startswith("/submit.html")


async def test_ignored_write_fails_within_the_verify_timeout(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    emulator.faults.ignore_writes = True
    old = emulator.vessels[4].set_point
    panel = client(session, emulator, write_verify_timeout=0.4)
    started = time.monotonic()
    with pytest.raises(AlphaPanelWriteError, match=r"slot 4 \(FV 10/4\) did not show set point 99"):
        await panel.async_set_setpoint(DEFAULT_SLOTS[3], 99)
    assert 0.4 <= time.monotonic() - started < 1.5
    assert emulator.vessels[4].set_point == old
    assert len(emulator.writes) == 1


async def wait_for_write(emulator: AlphaPanelEmulator) -> None:
    """Return once the emulator has received a write."""
    async with asyncio.timeout(2):
        while not emulator.writes:  # noqa: ASYNC110 - polling the emulator's write log
            await asyncio.sleep(0.005)


async def test_verification_retries_reads_that_fail(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    panel = client(session, emulator, write_verify_timeout=3.0)
    write = asyncio.create_task(panel.async_set_setpoint(DEFAULT_SLOTS[4], 40))
    await wait_for_write(emulator)
    emulator.faults.truncated = True
    await asyncio.sleep(0.15)
    emulator.faults.truncated = False
    confirmed = await write
    assert confirmed.set_point == 40.0


async def test_failed_verification_names_the_last_error(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    panel = client(session, emulator, write_verify_timeout=0.3)
    write = asyncio.create_task(panel.async_set_setpoint(DEFAULT_SLOTS[4], 40))
    await wait_for_write(emulator)
    emulator.faults.http_500 = True
    with pytest.raises(
        AlphaPanelWriteError, match=r"showed nothing readable\); last error: .*HTTP 500"
    ):
        await write


async def test_slow_panel_times_out(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    emulator.faults.slow_seconds = 5.0
    panel = client(session, emulator, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(AlphaPanelConnectionError, match=r"did not answer within 0\.3 s"):
        await panel.async_read()
    with pytest.raises(AlphaPanelConnectionError, match="did not answer"):
        await panel.async_set_setpoint(DEFAULT_SLOTS[0], 40)
    assert time.monotonic() - started < 2.0


async def test_slightly_slow_panel_still_answers(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    emulator.faults.slow_seconds = 0.1
    reading = await client(session, emulator, timeout=1.0).async_read()
    assert_matches_vessels(reading, emulator.vessels)


async def test_http_500_is_a_connection_error(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    emulator.faults.http_500 = True
    panel = client(session, emulator)
    with pytest.raises(AlphaPanelConnectionError, match=r"001\.html answered HTTP 500"):
        await panel.async_read()
    with pytest.raises(AlphaPanelConnectionError, match=r"submit\.html answered HTTP 500"):
        await panel.async_set_setpoint(DEFAULT_SLOTS[0], 40)


async def test_missing_page_is_not_a_panel_page(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    """The server answers, but without the panel's page: a parse error, not "unreachable"."""
    emulator = await start_emulator()
    with pytest.raises(
        AlphaPanelParseError, match=r"003\.html answered HTTP 404 Not Found: not one of the panel"
    ):
        await client(session, emulator, pages=(1, 2, 3)).async_read()


async def test_a_server_that_does_not_speak_http_is_not_a_panel(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """A BrewPi controller's raw TCP port answers the GET with plain text lines."""
    controller = BrewPiEmulator(speedup=0.0)
    port = await controller.start_tcp()
    try:
        panel = AlphaPanel(session, "127.0.0.1", port=port, page_pause=0, timeout=2)
        with pytest.raises(AlphaPanelParseError, match="answered, but not in HTTP: Bad status"):
            await panel.async_read()
    finally:
        await controller.stop()


async def test_unreachable_panel(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    await emulator.stop()
    with pytest.raises(AlphaPanelConnectionError, match="failed"):
        await client(session, emulator).async_read()


async def test_truncated_page_names_what_is_missing(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator()
    emulator.faults.truncated = True
    with pytest.raises(
        AlphaPanelParseError, match=r"page 001\.html: .*var V =.*no closing </script>"
    ):
        await client(session, emulator).async_read()


async def test_short_values_leave_missing_slots_unknown(
    session: aiohttp.ClientSession, start_emulator: StartEmulator
) -> None:
    emulator = await start_emulator(sentinel_slots=set())
    emulator.faults.short_values = True
    reading = await client(session, emulator).async_read()
    assert len(reading.values) == 27 - 4
    last = reading.slots[9]
    assert (last.temperature, last.set_point, last.valve_open) == (None, None, None)
    eighth = reading.slots[8]
    assert eighth.temperature is not None
    assert eighth.set_point == emulator.vessels[8].set_point
    assert eighth.valve_open is None
    for number in range(1, 8):
        assert reading.slots[number].set_point == emulator.vessels[number].set_point


@pytest.mark.parametrize("set_point", [math.nan, math.inf, -1.0, 1000.0])
async def test_unwritable_set_points_are_refused(
    session: aiohttp.ClientSession, start_emulator: StartEmulator, set_point: float
) -> None:
    emulator = await start_emulator()
    with pytest.raises(ValueError, match="cannot be written"):
        await client(session, emulator).async_set_setpoint(DEFAULT_SLOTS[0], set_point)
    assert emulator.writes == []


async def test_base_url(session: aiohttp.ClientSession) -> None:
    assert AlphaPanel(session, "10.1.10.105").base_url == "http://10.1.10.105"
    assert AlphaPanel(session, "::1", port=8081).base_url == "http://[::1]:8081"
    with pytest.raises(ValueError, match="at least one page"):
        AlphaPanel(session, "10.1.10.105", pages=())


def test_every_error_is_an_alpha_panel_error() -> None:
    for error in (AlphaPanelConnectionError, AlphaPanelParseError, AlphaPanelWriteError):
        assert issubclass(error, AlphaPanelError)
