"""Every firmware generation as a Home Assistant device, against the emulator speaking it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.climate import SERVICE_SET_TEMPERATURE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE, CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.const import (
    CONF_CONNECTION_TYPE,
    CONF_KIND,
    CONNECTION_NETWORK,
    DOMAIN,
    KIND_BREWPI,
)
from scripts.emulators.brewpi import BrewPiEmulator

CLIMATE = "climate.brewpi_fermenter1"


@pytest.fixture
async def emulator(
    request: pytest.FixtureRequest, socket_enabled: None
) -> AsyncIterator[BrewPiEmulator]:
    """The emulator speaking the generation the test is parametrized with."""
    em = BrewPiEmulator(firmware=request.param, speedup=0.0, seed=5)
    await em.start_tcp()
    yield em
    await em.stop()


@pytest.mark.parametrize(
    ("emulator", "model", "hardware", "firmware"),
    [
        ("esp", "BrewPi-ESP", "ESP8266", "0.2.4 (0.15)"),
        ("esp-v11", "BrewPi-ESP", "ESP8266", "0.2.4 (v0.11)"),
        ("avr-0.2", "BrewPi", "Arduino Uno", "0.2.7 (47)"),
        ("avr-0.1", "BrewPi", "unknown board", "0.1.0"),
        ("2012", "BrewPi (2012 firmware)", "Arduino Leonardo", "before 0.1"),
    ],
    indirect=["emulator"],
)
async def test_every_generation_is_a_thermostat(
    hass: HomeAssistant,
    enable_all_entities: None,
    emulator: BrewPiEmulator,
    device_registry: dr.DeviceRegistry,
    model: str,
    hardware: str,
    firmware: str,
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="BrewPi fermenter1",
        unique_id="fermenter1",
        data={
            CONF_KIND: KIND_BREWPI,
            CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: emulator.port,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
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
