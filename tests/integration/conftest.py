"""Fixtures for the Home Assistant side: a config entry pointing at the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from copy import deepcopy
from datetime import timedelta
from unittest.mock import PropertyMock, patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.cellar_brewpi.const import (
    CONF_CONNECTION_TYPE,
    CONF_KIND,
    CONNECTION_NETWORK,
    DOMAIN,
    KIND_ALPHA_PANEL,
    KIND_BREWPI,
)
from custom_components.cellar_brewpi.panel_options import DEFAULT_PANEL_OPTIONS
from scripts.emulators.alpha_panel import AlphaPanelEmulator
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


# --- Alpha glycol cellar panel --------------------------------------------------------------------

PANEL_TITLE = "Alpha panel 127.0.0.1"
# Fixed, so that unique ids (and the snapshots) do not depend on the emulator's free port.
PANEL_UNIQUE_ID = "alpha_panel-127.0.0.1:80"
# The object ids of the vessels in slots 1-8 (the default labels); slot 9 is the unused sentinel.
VESSELS = {
    1: "fv_10_1",
    2: "fv_10_2",
    3: "fv_10_3",
    4: "fv_10_4",
    5: "fv_10_5",
    6: "fv_10_6",
    7: "fv_20_1",
    8: "walk_in",
}
SENTINEL = "bt_10_1"  # shows 1000 °F / 0 °F: no sensor


@pytest.fixture
def fast_panel() -> Iterator[None]:
    """No pause between page reads, short request and write verification timeouts.

    The library re-reads a written slot every 0.5 s (not settable from the integration), so the
    verification timeout must leave room for one re-read.
    """
    with (
        patch("custom_components.cellar_brewpi.const.PANEL_PAGE_PAUSE", 0.0),
        patch("custom_components.cellar_brewpi.const.PANEL_REQUEST_TIMEOUT", 0.5),
        patch("custom_components.cellar_brewpi.const.PANEL_WRITE_VERIFY_TIMEOUT", 1.0),
    ):
        yield


@pytest.fixture
def panel_slots() -> int:
    """How many slots the emulated panel has; a test overrides it with `parametrize`."""
    return 9


@pytest.fixture
async def panel_emulator(
    socket_enabled: None, fast_panel: None, panel_slots: int
) -> AsyncIterator[AlphaPanelEmulator]:
    """An Alpha panel emulator on loopback HTTP, frozen in time (slot 9 is the unused sentinel)."""
    emulator = AlphaPanelEmulator(slots=panel_slots, speedup=0.0, seed=11)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
def fahrenheit(hass: HomeAssistant) -> None:
    """Show °F, the panel's unit, so states carry the panel's own numbers."""
    hass.config.units = US_CUSTOMARY_SYSTEM


@pytest.fixture
def panel_entry(panel_emulator: AlphaPanelEmulator, fahrenheit: None) -> MockConfigEntry:
    """An entry for the emulated panel, with the options the config flow creates."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=PANEL_TITLE,
        unique_id=PANEL_UNIQUE_ID,
        data={CONF_KIND: KIND_ALPHA_PANEL, CONF_HOST: "127.0.0.1", CONF_PORT: panel_emulator.port},
        options=deepcopy(DEFAULT_PANEL_OPTIONS),
    )


@pytest.fixture
async def loaded_panel(hass: HomeAssistant, panel_entry: MockConfigEntry) -> MockConfigEntry:
    """The panel's entry, set up against the emulator."""
    panel_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(panel_entry.entry_id)
    await hass.async_block_till_done()
    return panel_entry
