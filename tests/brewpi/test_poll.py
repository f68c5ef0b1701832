"""A poll is one exchange: its commands go out in one write and are answered in turn."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from custom_components.cellar_brewpi.brewpi import (
    BrewPiClient,
    BrewPiConnectionError,
    BrewPiReplyError,
    BrewPiTimeoutError,
    ControlConstants,
    ControlMode,
    ControlSettings,
    LcdText,
    TcpTarget,
    Temperatures,
)
from scripts.emulators.brewpi import FIRMWARES, BrewPiEmulator


def record_writes(emulator: BrewPiEmulator) -> list[bytes]:
    """Every chunk of bytes the emulated controller receives from now on."""
    writes: list[bytes] = []
    receive = emulator.receive

    def recorded(link: Any, data: bytes) -> None:
        writes.append(data)
        receive(link, data)

    emulator.receive = recorded  # type: ignore[method-assign]
    return writes


@pytest.fixture
async def client(brewpi_emulator: BrewPiEmulator) -> AsyncIterator[BrewPiClient]:
    brewpi = BrewPiClient(TcpTarget("127.0.0.1", brewpi_emulator.port), request_timeout=0.3)
    await brewpi.async_connect()
    yield brewpi
    await brewpi.async_close()


@pytest.mark.parametrize("brewpi_emulator", FIRMWARES, indirect=True)
async def test_every_generation_answers_a_poll_in_one_write(
    brewpi_emulator: BrewPiEmulator, client: BrewPiClient
) -> None:
    """The firmware reads each command from what has arrived: four at once are four answers."""
    writes = record_writes(brewpi_emulator)
    replies = await client.async_poll(constants=True, display=True)
    assert writes == [b"t\ns\nc\nl\n"]
    assert isinstance(replies.temperatures, Temperatures)
    assert replies.temperatures.beer_temp == pytest.approx(
        brewpi_emulator.chamber.beer_temp, abs=0.06
    )
    assert isinstance(replies.settings, ControlSettings)
    assert replies.settings.mode is ControlMode.BEER_CONSTANT
    assert isinstance(replies.constants, ControlConstants)
    assert replies.constants.temp_format == "C"
    assert isinstance(replies.lcd, LcdText)
    assert replies.lcd.lines[0].startswith("Mode")
    assert client.stats.malformed == 0

    # Without the constants and the display: only the temperatures and the settings.
    replies = await client.async_poll()
    assert writes[1:] == [b"t\ns\n"]
    assert (replies.constants, replies.lcd) == (None, None)


async def test_a_lost_reply_is_asked_for_again_alone(
    brewpi_emulator: BrewPiEmulator, client: BrewPiClient
) -> None:
    handlers = brewpi_emulator._handlers
    answer = handlers["s"]
    lost: list[bool] = []

    def once(link: Any, document: Any) -> None:
        if not lost:
            lost.append(True)  # the first S: is lost on the line
            return
        answer(link, document)

    handlers["s"] = once
    writes = record_writes(brewpi_emulator)
    replies = await client.async_poll()
    assert writes == [b"t\ns\n", b"s\n"]
    assert isinstance(replies.temperatures, Temperatures)
    assert isinstance(replies.settings, ControlSettings)


async def test_each_missing_reply_says_why(
    brewpi_emulator: BrewPiEmulator, client: BrewPiClient
) -> None:
    """No S: at all, a C: that never parses: the temperatures still come, each loss is named."""
    handlers = brewpi_emulator._handlers
    handlers["s"] = lambda _link, _document: None
    handlers["c"] = lambda link, _document: brewpi_emulator._emit(link, "C:{not json")
    writes = record_writes(brewpi_emulator)
    replies = await client.async_poll(constants=True)
    assert isinstance(replies.temperatures, Temperatures)
    assert isinstance(replies.settings, BrewPiTimeoutError)
    assert "did not answer 's' (3 tries of 0.3 s)" in str(replies.settings)
    assert isinstance(replies.constants, BrewPiReplyError)
    assert "answered 'c' with a reply that does not parse" in str(replies.constants)
    assert writes == [b"t\ns\nc\n", b"s\nc\n", b"s\nc\n"]


async def test_a_link_lost_during_a_poll_fails_it_and_nothing_else(
    brewpi_emulator: BrewPiEmulator, client: BrewPiClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Every reply the poll waited for ends with the link: no error of asyncio's is left over."""
    client.request_timeout = 5.0
    brewpi_emulator.faults.stall = True
    poll = asyncio.create_task(client.async_poll(constants=True, display=True))
    await asyncio.sleep(0.1)
    brewpi_emulator.drop_clients()
    with pytest.raises(BrewPiConnectionError, match="lost"):
        await poll
    del poll
    gc.collect()
    await asyncio.sleep(0)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
