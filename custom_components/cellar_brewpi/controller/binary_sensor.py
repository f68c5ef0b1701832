"""A controller's link."""

from __future__ import annotations

from typing import override

from ..entity import LinkSensor
from .coordinator import BrewPiCoordinator
from .entity import ControllerEntity


class ControllerConnectivity(LinkSensor, ControllerEntity):
    """On while the controller is connected and answers."""

    def __init__(self, coordinator: BrewPiCoordinator) -> None:
        """Create the controller's link sensor."""
        super().__init__(coordinator, "connectivity")

    @property
    def is_on(self) -> bool:
        """Connected, and the last poll succeeded."""
        return self.coordinator.client.connected and self.coordinator.last_update_success

    @override
    def shown(self) -> bool:
        """The link's state."""
        return self.is_on
