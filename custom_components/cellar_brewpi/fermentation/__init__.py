"""
Fermentation profiles in Home Assistant.

The profiles are subentries of one entry (`KIND`), made and edited in the UI; they run on any
`climate` entity through the runner, which is set up with the integration (not with an entry),
so that a run goes on whatever entries come and go. This integration's thermostats get their
profile entities from their own kind (`with_profiles`); a thermostat of another integration
gets them as a subentry of the profiles entry, on a device of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.entity import Entity

from ..const import CONF_THERMOSTAT, DOMAIN, KIND_PROFILES, SUBENTRY_THERMOSTAT
from ..kinds import Entities, Kind
from .actions import async_setup_profile_actions, profiles_by_name
from .entity import select_entities, sensor_entities
from .flow import SUBENTRY_FLOWS, ProfilesFlow
from .runner import DATA_RUNNER, SIGNAL_PROFILES, ProfileRunner, get_runner

__all__ = ["KIND", "ProfilesFlow", "async_setup_runner", "with_profiles"]


async def async_setup_runner(hass: HomeAssistant) -> None:
    """Start the runner and register the profile actions (once, with the integration)."""
    runner = ProfileRunner(hass)
    hass.data[DATA_RUNNER] = runner
    async_setup_profile_actions(hass)
    await runner.async_setup()

    @callback
    def stop(_: Event) -> None:
        runner.async_shutdown()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, stop)


type Thermostats = Callable[[Any], Iterable[tuple[DeviceInfo, str]]]
"""A kind's thermostats in an entry's `runtime_data`: each one's device and unique id."""


def with_profiles(
    platforms: Mapping[Platform, Entities], thermostats: Thermostats
) -> dict[Platform, Entities]:
    """A kind's platforms, with each of its thermostats' profile select and sensors added."""

    def adding(platform: Platform) -> Entities:
        make = select_entities if platform is Platform.SELECT else sensor_entities
        own = platforms.get(platform)

        def entities(data: Any) -> list[Entity]:
            return [
                *(own(data) if own else ()),
                *(
                    entity
                    for device, unique_id in thermostats(data)
                    for entity in make(device, climate_unique_id=unique_id, unique_id=unique_id)
                ),
            ]

        return entities

    return {
        **platforms,
        Platform.SELECT: adding(Platform.SELECT),
        Platform.SENSOR: adding(Platform.SENSOR),
    }


async def _async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The entry holds the profiles; a changed profile refreshes every profile select."""
    entry.runtime_data = get_runner(hass)
    thermostats = _thermostats(entry)

    async def changed(hass: HomeAssistant, entry: ConfigEntry) -> None:
        if _thermostats(entry) != thermostats:
            hass.config_entries.async_schedule_reload(entry.entry_id)
        async_dispatcher_send(hass, SIGNAL_PROFILES)

    entry.async_on_unload(entry.add_update_listener(changed))
    async_dispatcher_send(hass, SIGNAL_PROFILES)


def _thermostats(entry: ConfigEntry) -> dict[str, str]:
    return {
        subentry_id: subentry.data[CONF_THERMOSTAT]
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_THERMOSTAT
    }


def _subentry_entities(platform: Platform) -> Any:
    make = select_entities if platform is Platform.SELECT else sensor_entities

    def entities(entry: ConfigEntry) -> Iterable[tuple[str, list[Entity]]]:
        for subentry_id, entity_id in _thermostats(entry).items():
            device = DeviceInfo(
                identifiers={(DOMAIN, f"profiles-{entity_id}")},
                name=entry.subentries[subentry_id].title,
                model="Profiles of a thermostat",
            )
            yield subentry_id, make(device, thermostat=entity_id, unique_id=f"profiles-{entity_id}")

    return entities


async def _async_get_diagnostics(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, Any]:
    runner = get_runner(hass)
    return {
        "profiles": sorted(profiles_by_name(hass)),
        "thermostats": sorted(_thermostats(entry).values()),
        "runs": {entity_id: active.run.to_dict() for entity_id, active in runner.runs.items()},
    }


KIND = Kind(
    key=KIND_PROFILES,
    async_setup_entry=_async_setup_entry,
    platforms={},
    subentry_platforms={
        Platform.SELECT: _subentry_entities(Platform.SELECT),
        Platform.SENSOR: _subentry_entities(Platform.SENSOR),
    },
    subentry_flows=SUBENTRY_FLOWS,
    options_flow=None,
    async_get_diagnostics=_async_get_diagnostics,
    reconfigure_step=None,
)
