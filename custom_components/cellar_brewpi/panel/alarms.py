"""A vessel's problem sensors: wrong direction, off target, cooling failure, probe lost."""

from __future__ import annotations

from datetime import datetime
from typing import override

from ..alarms import RULES, Action, AlarmSettings, Rule, Sample
from ..alpha_panel import Slot, SlotReading
from ..const import CONF_ALARMS
from ..thermostat_alarms import ThermostatAlarm
from .coordinator import PanelCoordinator
from .entity import VesselEntity

PROBE = "temperature"


def vessel_sample(reading: SlotReading, *, read_at: datetime, ramping: bool) -> Sample | None:
    """The vessel as the rules see it (°F); None for a slot the panel shows as unused."""
    if reading.unused:
        return None
    if reading.valve_open is None:
        action = None
    else:
        action = Action.COOLING if reading.valve_open else Action.IDLE
    return Sample(
        at=read_at,
        temperature=reading.temperature,
        target=reading.set_point,
        action=action,
        probes={PROBE: reading.temperature},
        ramping=ramping,
    )


class VesselAlarm(ThermostatAlarm[PanelCoordinator], VesselEntity):
    """One rule's problem sensor on the vessel's device."""

    def __init__(self, coordinator: PanelCoordinator, slot: Slot, rule: Rule) -> None:
        """Name the sensor after its rule."""
        super().__init__(coordinator, slot, rule.key)
        self.rule = rule
        self.thermostat_unique_id = (
            f"{coordinator.config_entry.unique_id}-slot-{slot.number}-vessel"
        )

    @override
    def sample(self) -> Sample | None:
        if (reading := self.reading) is None:
            return None
        return vessel_sample(reading, read_at=self.coordinator.data.read_at, ramping=self.ramping)


def entities(coordinator: PanelCoordinator) -> list[VesselAlarm]:
    """Four problem sensors per vessel; none on a slot the panel shows as unused (sentinel)."""
    settings = AlarmSettings.for_unit("F", coordinator.config_entry.options.get(CONF_ALARMS))
    return [
        VesselAlarm(coordinator, slot, rule(settings))
        for slot in coordinator.slots
        if not ((reading := coordinator.data.slots.get(slot.number)) and reading.unused)
        for rule in RULES
    ]
