"""Fixtures for the Home Assistant side: a config entry pointing at the emulator."""

from __future__ import annotations

import pytest
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.const import (
    CONF_CONNECTION_TYPE,
    CONNECTION_NETWORK,
    DOMAIN,
)
from scripts.emulators.brewpi import BrewPiEmulator


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@pytest.fixture
def config_entry(brewpi_emulator: BrewPiEmulator) -> MockConfigEntry:
    """An entry for the emulated controller on loopback."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="BrewPi fermenter1",
        unique_id="fermenter1",
        data={
            CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: brewpi_emulator.port,
        },
    )


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The entry, set up against the emulator."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry
