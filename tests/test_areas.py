"""Chambers and vessels go into an area ("Cellar" unless the options say), their entity ids kept."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.ha import *  # noqa: F403 - the fixtures of the controller and the panel


def _areas(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str | None]:
    areas = ar.async_get(hass)
    return {
        str(device.name): (areas.async_get_area(device.area_id).name if device.area_id else None)
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    }


async def test_a_controller_goes_into_the_cellar(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    assert _areas(hass, loaded_entry) == {"BrewPi fermenter1": "Cellar"}
    # The entity ids are made before the area is set: no area's name in them.
    assert hass.states.get("climate.brewpi_fermenter1") is not None


async def test_every_vessel_goes_into_the_cellar(
    hass: HomeAssistant, loaded_panel: MockConfigEntry
) -> None:
    areas = _areas(hass, loaded_panel)
    assert len(areas) == 10  # the panel and its 9 vessels
    assert set(areas.values()) == {"Cellar"}
    assert hass.states.get("climate.fv_10_1") is not None


async def test_a_device_placed_by_hand_stays_and_an_empty_area_places_none(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(config_entry, options={"area": ""})
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert _areas(hass, config_entry) == {"BrewPi fermenter1": None}

    devices = dr.async_get(hass)
    device = dr.async_entries_for_config_entry(devices, config_entry.entry_id)[0]
    devices.async_update_device(device.id, area_id=ar.async_get(hass).async_create("Garage").id)
    hass.config_entries.async_update_entry(config_entry, options={"area": "Cellar"})
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert _areas(hass, config_entry) == {"BrewPi fermenter1": "Garage"}
