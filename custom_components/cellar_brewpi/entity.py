"""What the entities of every kind share."""

from __future__ import annotations

import math
from typing import Any, override

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.const import ATTR_TEMPERATURE, EntityCategory
from homeassistant.exceptions import ServiceValidationError

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
