"""Setup, unload, a controller absent at start, and unavailability and recovery on the clock."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from scripts.emulators.brewpi import BrewPiEmulator
from tests.ha import Advance

CLIMATE = "climate.brewpi_fermenter1"
LINK = "binary_sensor.brewpi_fermenter1_link"
BEER = "sensor.brewpi_fermenter1_beer_temperature"


@pytest.fixture(autouse=True)
def short_request_timeout(fast_requests: None) -> None:
    """A stalled controller fails a poll within a second."""


async def test_setup_and_unload(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert hass.states.get(CLIMATE) is not None
    client = loaded_entry.runtime_data.client
    assert client.connected
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert not client.connected
    assert hass.states.get(CLIMATE).state == STATE_UNAVAILABLE


async def test_controller_absent_at_start(
    hass: HomeAssistant, config_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    await brewpi_emulator.stop()
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert "127.0.0.1" in (config_entry.reason or "")


async def test_unavailable_and_recovery(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    advance: Advance,
) -> None:
    assert hass.states.get(BEER).state != STATE_UNAVAILABLE
    caplog.set_level(logging.DEBUG, logger="custom_components.cellar_brewpi")
    brewpi_emulator.faults.stall = True
    for _ in range(4):
        freezer.tick(timedelta(seconds=60))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert hass.states.get(BEER).state == STATE_UNAVAILABLE
        assert hass.states.get(CLIMATE).state == STATE_UNAVAILABLE
        assert hass.states.get(LINK).state == STATE_OFF
    # Four failed polls, the stale link dropped and reconnects failing: one warning, no error.
    (warning,) = _records(caplog, logging.WARNING)
    assert warning.getMessage().startswith("BrewPi fermenter1 (127.0.0.1:")
    assert "is unavailable" in warning.getMessage()
    assert _records(caplog, logging.INFO) == []

    brewpi_emulator.faults.stall = False
    await advance(lambda: hass.states.get(BEER).state != STATE_UNAVAILABLE)
    assert hass.states.get(LINK).state == STATE_ON
    assert [r.getMessage() for r in _records(caplog, logging.INFO)] == [
        "Fetching BrewPi fermenter1 data recovered"
    ]
    assert len(_records(caplog, logging.WARNING)) == 1


def _records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    """The integration's records of exactly this level."""
    return [
        r
        for r in caplog.records
        if r.name.startswith("custom_components.cellar_brewpi") and r.levelno == level
    ]


async def test_dropped_link_reconnects(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    advance: Advance,
) -> None:
    client = loaded_entry.runtime_data.client
    brewpi_emulator.drop_clients()
    await advance(lambda: hass.states.get(LINK).state == STATE_OFF)
    assert hass.states.get(BEER).state == STATE_UNAVAILABLE
    # Reconnected by the client's backoff, then refreshed at once (not at the next poll).
    await advance(lambda: hass.states.get(BEER).state != STATE_UNAVAILABLE)
    assert client.connected
    assert hass.states.get(LINK).state == STATE_ON
