"""Setup, unload, a controller absent at start, and unavailability and recovery on the clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
import logging
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from scripts.emulators.brewpi import BrewPiEmulator

CLIMATE = "climate.brewpi_fermenter1"
LINK = "binary_sensor.brewpi_fermenter1_link"
BEER = "sensor.brewpi_fermenter1_beer_temperature"


@pytest.fixture(autouse=True)
def short_request_timeout() -> Iterator[None]:
    """A stalled controller fails a poll after 0.3 s instead of 5 s."""
    with patch("custom_components.cellar_brewpi.const.REQUEST_TIMEOUT", 0.3):
        yield


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
) -> None:
    assert hass.states.get(BEER).state != STATE_UNAVAILABLE
    caplog.set_level(logging.INFO)
    brewpi_emulator.faults.stall = True
    for _ in range(2):
        freezer.tick(timedelta(seconds=60))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert hass.states.get(BEER).state == STATE_UNAVAILABLE
        assert hass.states.get(CLIMATE).state == STATE_UNAVAILABLE
        assert hass.states.get(LINK).state == STATE_OFF
    # Two failed polls, one log line.
    assert caplog.text.count("did not answer") == 1

    brewpi_emulator.faults.stall = False
    freezer.tick(timedelta(seconds=60))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(BEER).state != STATE_UNAVAILABLE
    assert hass.states.get(LINK).state == STATE_ON
    assert caplog.text.count("recovered") == 1


async def test_dropped_link_reconnects(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    client = loaded_entry.runtime_data.client
    brewpi_emulator.drop_clients()
    await hass.async_block_till_done()
    # The link state is shown at once; the reconnect backoff runs on the clock.
    for _ in range(20):
        if not client.connected:
            break
        await hass.async_block_till_done()
    for _ in range(10):
        freezer.tick(timedelta(seconds=2))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        if client.connected and hass.states.get(BEER).state != STATE_UNAVAILABLE:
            break
    assert client.connected
    assert hass.states.get(LINK).state == STATE_ON
    assert hass.states.get(BEER).state != STATE_UNAVAILABLE
