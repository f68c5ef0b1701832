"""
The area a controller's or a panel's devices are put into ("Cellar" unless the options say).

Each set-up puts the entry's devices that have no area yet into it, once their entities are
registered: a `DeviceInfo.suggested_area` would do it earlier, but would also put the area's name
into every new entity id (`climate.cellar_fv_10_1`). A device the user put in an area keeps it.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr

from .const import CONF_AREA, DEFAULT_AREA


def suggested_area(entry: ConfigEntry) -> str | None:
    """The area the entry's devices are suggested into; None for none."""
    return str(entry.options.get(CONF_AREA, DEFAULT_AREA)).strip() or None


def async_place_devices(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Put the entry's devices that have no area into its suggested area."""
    if (name := suggested_area(entry)) is None:
        return
    devices = dr.async_get(hass)
    unplaced = [
        device
        for device in dr.async_entries_for_config_entry(devices, entry.entry_id)
        if device.area_id is None
    ]
    if unplaced:
        area = ar.async_get(hass).async_get_or_create(name)
        for device in unplaced:
            devices.async_update_device(device.id, area_id=area.id)
