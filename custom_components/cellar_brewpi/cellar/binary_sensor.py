"""The cellar's master alarm."""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity

from .entity import CellarEntity
from .runtime import CellarServices


class MasterAlarm(CellarEntity, BinarySensorEntity):
    """On when any controller or panel has read no fresh data for the alarm's minutes."""

    _attr_device_class = BinarySensorDeviceClass.PROBLEM

    def __init__(self, services: CellarServices) -> None:
        """Create the cellar's master alarm."""
        super().__init__(services, "master_alarm")

    @property
    def is_on(self) -> bool:
        """A device silent for too long (power cut, network down, a controller or panel dead)."""
        return self.services.watch.alarm_on

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Which devices are silent, when the last fresh reading arrived, the alarm's minutes."""
        watch = self.services.watch
        last = watch.last_fresh_reading
        return {
            "silent": watch.silent_names,
            "last_fresh_reading": last.isoformat() if last else None,
            "minutes": watch.minutes,
        }
