"""Every firmware generation as a Home Assistant device, against the emulator speaking it."""

from __future__ import annotations

import pytest
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.climate import SERVICE_SET_TEMPERATURE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.const import (
    DOMAIN,
)
from scripts.emulators.brewpi import BrewPiEmulator

CLIMATE = "climate.brewpi_fermenter1"


@pytest.mark.parametrize(
    ("brewpi_emulator", "model", "hardware", "firmware"),
    [
        ("esp", "BrewPi-ESP", "ESP8266", "0.2.4 (0.15)"),
        ("esp-v11", "BrewPi-ESP", "ESP8266", "0.2.4 (v0.11)"),
        ("avr-0.2", "BrewPi", "Arduino Uno", "0.2.7 (47)"),
        ("avr-0.1", "BrewPi", "unknown board", "0.1.0"),
        ("2012", "BrewPi (2012 firmware)", "Arduino Leonardo", "before 0.1"),
    ],
    indirect=["brewpi_emulator"],
)
async def test_every_generation_is_a_thermostat(
    hass: HomeAssistant,
    enable_all_entities: None,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    device_registry: dr.DeviceRegistry,
    model: str,
    hardware: str,
    firmware: str,
) -> None:
    entry, emulator = loaded_entry, brewpi_emulator
    assert entry.state is ConfigEntryState.LOADED
    device = device_registry.async_get_device_by_identifier((DOMAIN, "fermenter1"), entry.entry_id)
    assert (device.model, device.hw_version, device.sw_version) == (model, hardware, firmware)
    # Its readings and its display, whatever their format.
    beer = hass.states.get("sensor.brewpi_fermenter1_beer_temperature")
    assert float(beer.state) == pytest.approx(emulator.chamber.beer_temp, abs=0.06)
    assert hass.states.get("sensor.brewpi_fermenter1_lcd_line_1").state.startswith("Mode")
    assert hass.states.get(CLIMATE).attributes[ATTR_TEMPERATURE] == 20.0
    # A firmware without a device manager is never sent `d` (it would run each letter).
    if emulator.firmware in {"avr-0.1", "2012"}:
        assert not any(c.startswith("d") for c in emulator.commands_received)
    # And it takes a new setpoint.
    await hass.services.async_call(
        CLIMATE_DOMAIN,
        SERVICE_SET_TEMPERATURE,
        {ATTR_ENTITY_ID: CLIMATE, ATTR_TEMPERATURE: 18.5},
        blocking=True,
    )
    assert emulator.beer_set == 18.5
    assert hass.states.get(CLIMATE).attributes[ATTR_TEMPERATURE] == 18.5
