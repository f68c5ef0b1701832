"""
A controller misbehaving from the outside, in real time: what availability and the log show.

No frozen clock here: the emulator's faults, the client's retries and reconnects run on real
sockets and real timers, and polls are driven by calling the coordinator's refresh.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from unittest.mock import patch

import pytest
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.const import DOMAIN
from custom_components.cellar_brewpi.controller.coordinator import BrewPiCoordinator
from scripts.emulators.brewpi import BrewPiEmulator
from tests.ha import until

BEER = "sensor.brewpi_fermenter1_beer_temperature"
CLIMATE = "climate.brewpi_fermenter1"
LCD = "sensor.brewpi_fermenter1_lcd_line_1"


@pytest.fixture(autouse=True)
def quick_retries(fast_requests: None) -> None:
    """A lost reply is asked for again after 0.3 s (2 s in use)."""


def _integration_records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.name.startswith("custom_components.cellar_brewpi") and r.levelno == level
    ]


async def _availability(hass: HomeAssistant, coordinator: BrewPiCoordinator, polls: int) -> float:
    """The share of polls after which the entities were available."""
    available = 0
    for _ in range(polls):
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        available += hass.states.get(BEER).state != STATE_UNAVAILABLE
    return available / polls


@pytest.mark.parametrize(
    ("fault", "rate"),
    [("truncate_rate", 0.05), ("corrupt_rate", 0.05), ("garbage_rate", 0.3)],
    ids=["5%-truncated-lines", "5%-corrupted-lines", "30%-junk-lines"],
)
async def test_a_bad_line_does_not_cost_a_poll(
    hass: HomeAssistant,
    enable_all_entities: None,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    fault: str,
    rate: float,
) -> None:
    """A lost reply is asked for again within the poll: >= 99.5 % of polls stay available."""
    setattr(brewpi_emulator.faults, fault, rate)
    coordinator = loaded_entry.runtime_data
    availability = await _availability(hass, coordinator, 200)
    assert availability >= 0.995, availability
    # The settings and the display kept a value throughout.
    assert hass.states.get(CLIMATE).attributes["temperature"] == 20.0
    assert hass.states.get(LCD).state not in {STATE_UNKNOWN, STATE_UNAVAILABLE}


async def test_an_optional_reply_that_does_not_parse_costs_nothing(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    enable_all_entities: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A display reply in a format nobody knows: unknown, one warning, and all else works."""
    brewpi_emulator.lcd_lines = lambda: "a display format nobody knows"  # type: ignore[method-assign]
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    coordinator = config_entry.runtime_data
    started = time.monotonic()
    for _ in range(5):
        await coordinator.async_refresh()
    # The unreadable reply is seen at once: no poll waits out its timeouts.
    assert time.monotonic() - started < 1.0
    await hass.async_block_till_done()
    assert hass.states.get(LCD).state == STATE_UNKNOWN
    assert hass.states.get(BEER).state == "20.5"
    assert hass.states.get(CLIMATE).attributes["temperature"] == 20.0
    warnings = [r.getMessage() for r in _integration_records(caplog, logging.WARNING)]
    assert len(warnings) == 1, warnings
    assert "no usable reply for the display" in warnings[0]


async def test_settings_keep_their_last_value_when_only_they_are_lost(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    coordinator = loaded_entry.runtime_data
    handlers = brewpi_emulator._handlers
    answer_s, answer_c = handlers["s"], handlers["c"]
    handlers["s"] = handlers["c"] = lambda _link, _doc: None  # no reply at all
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert coordinator.last_update_success
    assert hass.states.get(CLIMATE).attributes["temperature"] == 20.0
    assert hass.states.get(CLIMATE).attributes["max_temp"] == 30
    handlers["s"], handlers["c"] = answer_s, answer_c
    brewpi_emulator.set_beer_setting(18.0)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(CLIMATE).attributes["temperature"] == 18.0


async def test_back_at_once_after_a_reconnect(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    caplog: pytest.LogCaptureFixture,
    short_held_link: None,
) -> None:
    """
    Forty drops: the entities are back within 2 s of the link, each time; one warning and one
    info per drop, nothing else above debug.

    Each link is held a little longer than a link "taken by another program" (shortened to
    0.3 s here, 20 s in use), so that the drops do not look like one.
    """
    caplog.set_level(logging.DEBUG, logger="custom_components.cellar_brewpi")
    client = loaded_entry.runtime_data.client
    linked: list[float] = []
    client.subscribe_connection(lambda up: up and linked.append(time.monotonic()))
    delays: list[float] = []
    for _ in range(40):
        await asyncio.sleep(0.35)
        brewpi_emulator.drop_clients()
        await until(lambda: hass.states.get(BEER).state == STATE_UNAVAILABLE, 5)
        await until(lambda: hass.states.get(BEER).state != STATE_UNAVAILABLE, 10)
        delays.append(time.monotonic() - linked[-1])
    assert max(delays) <= 2.0, delays
    assert len(_integration_records(caplog, logging.WARNING)) == 40
    infos = _integration_records(caplog, logging.INFO)
    assert [r.getMessage() for r in infos] == ["Fetching BrewPi fermenter1 data recovered"] * 40
    assert not client.contended
    assert _integration_records(caplog, logging.ERROR) == []


@pytest.fixture
def short_held_link() -> Iterator[None]:
    """A link closed within 0.3 s of its connect counts as taken by another program."""
    with patch("custom_components.cellar_brewpi.brewpi.connection.HELD_LINK", 0.3):
        yield


@pytest.fixture
def short_contention() -> Iterator[None]:
    """A link counts as taken when closed within 1 s; while held elsewhere, try every 0.5 s."""
    module = "custom_components.cellar_brewpi.brewpi.connection"
    with patch(f"{module}.HELD_LINK", 1.0), patch(f"{module}.CONTENDED_BACKOFF", 0.5):
        yield


async def test_a_controller_another_program_holds_is_a_repair_issue(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    short_contention: None,
) -> None:
    """Another program takes the firmware's single connection after each of ours."""
    client = loaded_entry.runtime_data.client
    issue_id = f"{loaded_entry.entry_id}_controller_held"
    stop = asyncio.Event()

    async def other_program() -> None:
        while not stop.is_set():
            await until(lambda: client.connected or stop.is_set(), 10)
            if stop.is_set():
                return
            _reader, writer = await asyncio.open_connection("127.0.0.1", brewpi_emulator.port)
            await asyncio.sleep(0.05)  # the firmware drops our link and serves the other one
            writer.close()
            await writer.wait_closed()

    task = asyncio.create_task(other_program())
    try:
        await until(lambda: ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None, 15)
    finally:
        stop.set()
        await task
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue.translation_key == "controller_held"
    assert issue.translation_placeholders["name"] == "BrewPi fermenter1"
    assert client.contended
    # The other program stops: the link holds, and the issue goes away by itself.
    await until(lambda: ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None, 10)
    assert not client.contended
    assert hass.states.get(BEER).state != STATE_UNAVAILABLE
