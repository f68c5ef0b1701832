"""Fixtures for the Home Assistant side: a config entry pointing at the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from unittest.mock import PropertyMock, patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.cellar_brewpi.const import (
    CONF_CONNECTION_TYPE,
    CONF_KIND,
    CONNECTION_NETWORK,
    DOMAIN,
    KIND_BREWPI,
)
from scripts.emulators.brewpi import BrewPiEmulator


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None, socket_enabled: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots through HA's extension (ids and timestamps left out)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def enable_all_entities() -> Iterator[None]:
    """Entities that are disabled by default (LCD lines, firmware) are created enabled."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def config_entry(brewpi_emulator: BrewPiEmulator) -> MockConfigEntry:
    """An entry for the emulated controller on loopback."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="BrewPi fermenter1",
        unique_id="fermenter1",
        data={
            CONF_KIND: KIND_BREWPI,
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


type Advance = Callable[[Callable[[], bool]], Awaitable[None]]


@pytest.fixture
def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> Advance:
    """Move the clock a second at a time until a condition holds (at most 60 steps).

    The client's reconnects are real socket I/O in its own tasks, so each step also lets the loop
    turn a few times to process ready sockets (the frozen clock stops every loop timer).
    """

    async def run(condition: Callable[[], bool]) -> None:
        for _ in range(60):
            if condition():
                return
            freezer.tick(timedelta(seconds=1))
            async_fire_time_changed(hass)
            for _ in range(20):
                await asyncio.sleep(0)
            await hass.async_block_till_done(wait_background_tasks=True)
        assert condition()

    return run
