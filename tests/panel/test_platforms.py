"""A panel's snapshot per platform, its sensors and valves, and its diagnostics."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from scripts.emulators.alpha_panel import AlphaPanelEmulator
from tests.ha import SENTINEL, SNAPSHOT_TIME, VESSELS


@pytest.mark.parametrize(
    "platform", [Platform.BINARY_SENSOR, Platform.CLIMATE, Platform.SELECT, Platform.SENSOR]
)
async def test_platform_snapshot(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    panel_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    freezer.move_to(SNAPSHOT_TIME)  # the alarms' attributes hold times
    with patch("custom_components.cellar_brewpi.PLATFORMS", [platform]):
        panel_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(panel_entry.entry_id)
        await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, panel_entry.entry_id)


async def test_a_panel_has_no_buttons(
    hass: HomeAssistant, loaded_panel: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    entries = er.async_entries_for_config_entry(entity_registry, loaded_panel.entry_id)
    assert {e.domain for e in entries} == {"binary_sensor", "climate", "select", "sensor"}
    # The link, and per vessel: thermostat, temperature, setpoint, valve, beer, batch, days,
    # attenuation, ABV, and the profile's select, target, step, progress and next change; the
    # four alarms on every vessel but the unused sentinel (slot 9).
    assert len(entries) == 1 + 14 * 9 + 4 * 8


async def test_sensors_and_valves_show_the_panel(
    hass: HomeAssistant, loaded_panel: MockConfigEntry, panel_emulator: AlphaPanelEmulator
) -> None:
    def state(entity_id: str) -> str:
        return hass.states.get(entity_id).state

    for number, name in VESSELS.items():
        vessel = panel_emulator.vessels[number]
        assert float(state(f"sensor.{name}_temperature")) == round(vessel.temperature, 1)
        assert float(state(f"sensor.{name}_setpoint")) == vessel.set_point
        assert state(f"binary_sensor.{name}_glycol_valve") == STATE_OFF
    assert state(f"sensor.{SENTINEL}_temperature") == STATE_UNKNOWN
    assert state(f"sensor.{SENTINEL}_setpoint") == STATE_UNKNOWN
    # The sentinel slot shows its valve closed ("0").
    assert state(f"binary_sensor.{SENTINEL}_glycol_valve") == STATE_OFF
    assert state("binary_sensor.alpha_panel_127_0_0_1_link") == STATE_ON
    unit = hass.states.get("sensor.fv_10_1_temperature").attributes["unit_of_measurement"]
    assert unit == "°F"


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, loaded_panel)
    assert diagnostics["entry"]["data"]["host"] == "**REDACTED**"
    assert diagnostics["entry"]["data"]["port"] == panel_emulator.port
    assert diagnostics["last_update_success"] is True
    # The vessel table, with each vessel's write register (not a network address).
    vessels = diagnostics["entry"]["options"]["vessels"]
    assert vessels[0] == {"number": 1, "label": "FV 10/1", "address": 117, "position": 0}
    reading = diagnostics["reading"]
    assert reading["slots"]["1"]["temperature"] == round(panel_emulator.vessels[1].temperature, 1)
    assert reading["slots"]["1"]["slot"]["address"] == 117
    assert reading["slots"]["9"]["temperature"] is None
    assert reading["values"][24:27] == ["1000", "0", "0"]
    assert "127.0.0.1" not in str(diagnostics)
