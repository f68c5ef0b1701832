"""A snapshot per platform, the sensors' values, the reboot button and diagnostics."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, STATE_ON, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from scripts.emulators.brewpi import BrewPiEmulator
from tests.ha import SNAPSHOT_TIME, Advance

PREFIX = "brewpi_fermenter1"


@pytest.mark.parametrize(
    "platform",
    [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.CLIMATE, Platform.SELECT, Platform.SENSOR],
)
async def test_platform_snapshot(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    enable_all_entities: None,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    freezer.move_to(SNAPSHOT_TIME)  # the alarms' attributes hold times
    with patch("custom_components.cellar_brewpi.PLATFORMS", [platform]):
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, config_entry.entry_id)


async def test_sensors_show_the_controller(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    def state(key: str) -> str:
        return hass.states.get(f"sensor.{PREFIX}_{key}").state

    assert float(state("beer_temperature")) == round(brewpi_emulator.chamber.beer_temp, 1)
    assert float(state("fridge_temperature")) == round(brewpi_emulator.chamber.fridge_temp, 1)
    assert float(state("room_temperature")) == round(brewpi_emulator.chamber.room_temp, 1)
    assert float(state("beer_setting")) == brewpi_emulator.beer_set
    assert state("control_mode") == "beer_constant"
    assert hass.states.get(f"binary_sensor.{PREFIX}_link").state == STATE_ON


async def test_missing_room_sensor_and_unplugged_probe_are_unknown(
    hass: HomeAssistant, config_entry: MockConfigEntry, socket_enabled: None
) -> None:
    emulator = BrewPiEmulator(speedup=0.0, seed=5, room_sensor=False)
    port = await emulator.start_tcp()
    emulator.fridge_probe = False
    try:
        entry = MockConfigEntry(
            domain=config_entry.domain,
            title=config_entry.title,
            unique_id=config_entry.unique_id,
            data={**config_entry.data, "port": port},
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert hass.states.get(f"sensor.{PREFIX}_room_temperature").state == STATE_UNKNOWN
        assert hass.states.get(f"sensor.{PREFIX}_fridge_temperature").state == STATE_UNKNOWN
        assert hass.states.get(f"sensor.{PREFIX}_beer_temperature").state != STATE_UNKNOWN
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await emulator.stop()


async def test_lcd_and_firmware(
    hass: HomeAssistant,
    enable_all_entities: None,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
) -> None:
    lines = brewpi_emulator.lcd_lines()
    for index, line in enumerate(lines, start=1):
        assert hass.states.get(f"sensor.{PREFIX}_lcd_line_{index}").state == line.rstrip()
    assert "°" in hass.states.get(f"sensor.{PREFIX}_lcd_line_2").state
    assert hass.states.get(f"sensor.{PREFIX}_firmware_version").state == "0.2.4 (0.15)"


async def test_reboot_button(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    advance: Advance,
) -> None:
    boots = brewpi_emulator.boot_count
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: f"button.{PREFIX}_reboot_controller"}, blocking=True
    )
    await advance(lambda: brewpi_emulator.boot_count == boots + 1)
    # The controller comes back by itself and the link is restored.
    await advance(lambda: hass.states.get(f"binary_sensor.{PREFIX}_link").state == STATE_ON)


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: MockConfigEntry,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)
    assert diagnostics["entry"]["data"]["host"] == "**REDACTED**"
    assert diagnostics["connected"] is True
    assert diagnostics["version"]["version"] == "0.2.4"
    addresses = [d["address"] for d in diagnostics["devices"] if d["address"]]
    assert addresses
    assert set(addresses) == {"**REDACTED**"}
    assert diagnostics["data"]["settings"]["mode"] == "b"
