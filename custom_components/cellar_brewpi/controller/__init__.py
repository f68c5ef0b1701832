"""
A BrewPi controller as an entry: a chamber thermostat with its sensors, link and reboot button.

The controller is reached with the HA-free `brewpi` library; its coordinator polls it and takes
what it pushes, and hands every fresh reading to the cellar hub (for the cellar services).
"""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady

from ..brewpi import BrewPiClient, BrewPiError, describe
from ..const import DOMAIN, KIND_BREWPI, STALE_POLL_INTERVALS
from ..fermentation import with_profiles
from ..fermenters import Fermenter, with_batches
from ..fermenters.book import fermenter_key
from ..hub import ControllerReading, FreshReadings, device_tag, get_hub
from ..kinds import Kind
from . import alarms, sensor
from .binary_sensor import ControllerConnectivity
from .button import RebootButton
from .climate import ChamberThermostat
from .coordinator import BrewPiConfigEntry, BrewPiCoordinator, poll_interval
from .diagnostics import async_get_diagnostics
from .entity import controller_device_info
from .flow import ControllerFlow, ControllerOptionsFlow
from .link import REQUEST_TIMEOUT, target_from_data

__all__ = ["KIND", "ControllerFlow"]


async def async_setup_entry(hass: HomeAssistant, entry: BrewPiConfigEntry) -> None:
    """Connect to the controller, then poll it and take its pushed updates."""
    target = target_from_data(entry.data)
    client = BrewPiClient(
        target,
        request_timeout=REQUEST_TIMEOUT,
        stale_after=STALE_POLL_INTERVALS * poll_interval(entry).total_seconds(),
    )
    try:
        await client.async_connect()
    except BrewPiError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"target": describe(target), "error": str(err)},
        ) from err
    entry.async_on_unload(client.async_close)
    coordinator = BrewPiCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    hub = get_hub(hass)
    tag = device_tag(entry)

    @callback
    def publish() -> None:
        """Every fresh reading (poll or pushed T:) goes to the cellar services."""
        if coordinator.last_update_success and (data := coordinator.data) is not None:
            reading = ControllerReading(
                tag, data.temperatures, data.settings, data.constants.temp_format
            )
            hub.async_publish(FreshReadings(entry.entry_id, data.read_at, reading))

    entry.async_on_unload(coordinator.async_add_listener(publish))
    publish()


def chamber(coordinator: BrewPiCoordinator) -> Fermenter:
    """The controller's chamber, as a fermenter."""
    entry = coordinator.config_entry
    return Fermenter(
        fermenter_key(entry.unique_id), entry.title, controller_device_info(coordinator)
    )


KIND = Kind(
    key=KIND_BREWPI,
    async_setup_entry=async_setup_entry,
    platforms=with_batches(
        with_profiles(
            {
                Platform.BINARY_SENSOR: lambda coordinator: [
                    ControllerConnectivity(coordinator),
                    *alarms.entities(coordinator),
                ],
                Platform.BUTTON: lambda coordinator: [RebootButton(coordinator)],
                Platform.CLIMATE: lambda coordinator: [ChamberThermostat(coordinator)],
                Platform.SENSOR: sensor.entities,
            },
            lambda coordinator: [
                (
                    controller_device_info(coordinator),
                    f"{coordinator.config_entry.unique_id}-chamber",
                )
            ],
        ),
        lambda coordinator: [chamber(coordinator)],
    ),
    options_flow=ControllerOptionsFlow,
    async_get_diagnostics=async_get_diagnostics,
    reconfigure_step="reconfigure_controller",
    in_area=True,
)
