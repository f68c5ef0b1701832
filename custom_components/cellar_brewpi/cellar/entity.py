"""The base of the cellar services' entities: on the cellar's own (service) device."""

from __future__ import annotations

from typing import override

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity

from ..const import DOMAIN
from .runtime import CellarServices, signal_updated


class CellarEntity(Entity):
    """An entity of the cellar services, on the cellar's own device."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, services: CellarServices, key: str) -> None:
        """Name the entity by its translation key, on the cellar's device."""
        self.services = services
        entry = services.entry
        self._attr_translation_key = key
        self._attr_unique_id = f"{entry.entry_id}-{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            manufacturer="Cellar BrewPi",
            model="Cellar services",
            entry_type=DeviceEntryType.SERVICE,
        )

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the services' changes."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_updated(self.services.entry), self.async_write_ha_state
            )
        )
