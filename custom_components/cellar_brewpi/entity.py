"""What the entities of every kind share."""

from __future__ import annotations

import math
from typing import Any, override

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.components.climate import ClimateEntity
from homeassistant.const import ATTR_TEMPERATURE, EntityCategory
from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator

from .const import DOMAIN


def requested_temperature(kwargs: dict[str, Any]) -> float:
    """The target of a `set_temperature` call; a NaN (HA's range check lets it pass) refused."""
    temperature = float(kwargs[ATTR_TEMPERATURE])
    if not math.isfinite(temperature):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_temperature",
            translation_placeholders={"value": str(kwargs[ATTR_TEMPERATURE])},
        )
    return temperature


class ChangesOnly[C: DataUpdateCoordinator[Any]](CoordinatorEntity[C]):
    """
    A coordinator's entity that writes its state only when what it shows has changed.

    An update that changes nothing of an entity writes nothing for it (what Home Assistant's
    `always_update=False` does for a whole coordinator, entity by entity): most polls change one
    or two of a controller's entities and few of a panel's vessels. An entity's `last_reported`
    is then the last time it changed or became (un)available.
    """

    _last_shown: tuple[bool, object] | None = None

    def shown(self) -> object:
        """Everything the entity's state and attributes are made of, compared with `==`."""
        raise NotImplementedError

    @override
    async def async_added_to_hass(self) -> None:
        """What Home Assistant writes as the entity is added is what it has shown so far."""
        await super().async_added_to_hass()
        self._last_shown = (self.available, self.shown())

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        shown = (self.available, self.shown())
        if shown != self._last_shown:
            self._last_shown = shown
            super()._handle_coordinator_update()


class LinkSensor(BinarySensorEntity):
    """A device's link: stays available when the link is down, since that is what it reports."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "connectivity"

    @property
    @override
    def available(self) -> bool:
        """Always available."""
        return True


class Thermostat(ClimateEntity):
    """
    A thermostat that gives its temperatures in its own unit, as `native_*` values.

    Home Assistant converts climate temperatures itself from 2027.11; until then these pass the
    native values on as they are (the entity's unit is its native unit).
    """

    @property
    def native_current_temperature(self) -> float | None:
        """The measured temperature, in the native unit."""
        raise NotImplementedError

    @property
    def native_target_temperature(self) -> float | None:
        """The target, in the native unit."""
        raise NotImplementedError

    @property
    @override
    def current_temperature(self) -> float | None:
        return self.native_current_temperature

    @property
    @override
    def target_temperature(self) -> float | None:
        return self.native_target_temperature
