"""A chamber's problem sensors: wrong direction, off target, cooling failure, probe lost."""

from __future__ import annotations

from typing import override

from ..alarms import RULES, Action, AlarmSettings, Rule, Sample
from ..brewpi import ControlMode, ControlState
from ..const import CONF_ALARMS
from ..thermostat_alarms import ThermostatAlarm
from .coordinator import BrewPiCoordinator, BrewPiData
from .entity import ControllerEntity

ACTIONS: dict[ControlState, Action] = {
    ControlState.OFF: Action.OFF,
    ControlState.HEATING: Action.HEATING,
    ControlState.HEATING_MIN_TIME: Action.HEATING,
    ControlState.COOLING: Action.COOLING,
    ControlState.COOLING_MIN_TIME: Action.COOLING,
}
"""What the chamber does in a control state; every other state is idle."""


def chamber_settings(coordinator: BrewPiCoordinator) -> AlarmSettings:
    """The entry's alarm options over the defaults of the controller's unit."""
    unit = coordinator.data.constants.temp_format
    return AlarmSettings.for_unit(unit, coordinator.config_entry.options.get(CONF_ALARMS))


def chamber_sample(data: BrewPiData, *, ramping: bool) -> Sample:
    """
    The chamber as the rules see it.

    The probe and setting its mode controls (the beer, or the air in fridge constant), what the
    control state does, and the air as what the cooler cools.
    """
    temperatures, settings = data.temperatures, data.settings
    if settings.mode is ControlMode.FRIDGE_CONSTANT:
        temperature, target = temperatures.fridge_temp, settings.fridge_set
    elif settings.mode in {ControlMode.BEER_CONSTANT, ControlMode.BEER_PROFILE}:
        temperature, target = temperatures.beer_temp, settings.beer_set
    else:
        temperature, target = temperatures.beer_temp, None
    state = temperatures.state
    if settings.mode is ControlMode.OFF:
        action: Action | None = Action.OFF
    else:
        action = None if state is None else ACTIONS.get(state, Action.IDLE)
    return Sample(
        at=data.read_at,
        temperature=temperature,
        target=target,
        action=action,
        cooled=temperatures.fridge_temp,
        probes={"beer": temperatures.beer_temp, "fridge": temperatures.fridge_temp},
        ramping=ramping,
    )


class ChamberAlarm(ThermostatAlarm[BrewPiCoordinator], ControllerEntity):
    """One rule's problem sensor on the controller's device."""

    def __init__(self, coordinator: BrewPiCoordinator, rule: Rule) -> None:
        """Name the sensor after its rule."""
        super().__init__(coordinator, rule.key)
        self.rule = rule
        self.thermostat_unique_id = f"{coordinator.config_entry.unique_id}-chamber"

    @override
    def sample(self) -> Sample | None:
        """Nothing to judge while the link is down."""
        if not self.coordinator.client.connected:
            return None
        return chamber_sample(self.coordinator.data, ramping=self.ramping)


def entities(coordinator: BrewPiCoordinator) -> list[ChamberAlarm]:
    """The chamber's four problem sensors."""
    settings = chamber_settings(coordinator)
    return [ChamberAlarm(coordinator, rule(settings)) for rule in RULES]
