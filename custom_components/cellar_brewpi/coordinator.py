"""The coordinator of one BrewPi controller: polls on an interval, applies pushed `T:` at once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .brewpi.client import BrewPiClient, BrewPiError
from .brewpi.models import (
    ControlConstants,
    ControlSettings,
    LcdText,
    Temperatures,
    VersionInfo,
)
from .const import CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, DOMAIN

_LOGGER = logging.getLogger(__name__)

type BrewPiConfigEntry = ConfigEntry[BrewPiCoordinator]


@dataclass(frozen=True, slots=True)
class BrewPiData:
    """What the entities of one controller show: the controller's own replies."""

    temperatures: Temperatures
    settings: ControlSettings
    constants: ControlConstants
    lcd: LcdText | None
    read_at: datetime  # when the temperatures were read (a poll's reply or a pushed T:)


def communication_error(err: BrewPiError) -> UpdateFailed:
    """The translated poll failure for a library error."""
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key="communication_error",
        translation_placeholders={"error": str(err) or type(err).__name__},
    )


def poll_interval(entry: ConfigEntry) -> timedelta:
    """The entry's poll interval (options, default 60 s)."""
    return timedelta(seconds=entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL))


class BrewPiCoordinator(DataUpdateCoordinator[BrewPiData]):
    """Keeps one controller's state: polled `t`, `s`, `l`; pushed `T:` applied immediately."""

    config_entry: BrewPiConfigEntry

    def __init__(self, hass: HomeAssistant, entry: BrewPiConfigEntry, client: BrewPiClient) -> None:
        """Create the coordinator for a connected client."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=entry.title,
            update_interval=poll_interval(entry),
        )
        self.client = client
        self._polling = False

    @property
    def version(self) -> VersionInfo | None:
        """The version reply of the controller's last handshake."""
        return self.client.version

    async def _async_setup(self) -> None:
        """
        Read the installed devices, then follow pushed temperatures and the link state.

        The device list tells a disconnected probe (which reads 0) from a real 0.0 reading.
        """
        try:
            await self.client.async_get_devices()
        except BrewPiError as err:
            raise communication_error(err) from err
        self.config_entry.async_on_unload(
            self.client.subscribe_temperatures(self._async_handle_temperatures)
        )
        self.config_entry.async_on_unload(
            self.client.subscribe_connection(self._async_handle_connection)
        )

    async def _async_update_data(self) -> BrewPiData:
        """Read temperatures, settings, constants and the LCD."""
        self._polling = True
        try:
            temperatures = await self.client.async_get_temperatures()
            if 0.0 in (temperatures.beer_temp, temperatures.fridge_temp):
                # 0 is also what a probe unplugged since the last device list reads.
                await self.client.async_get_devices()
                temperatures = await self.client.async_get_temperatures()
            settings = await self.client.async_get_settings()
            constants = await self.client.async_get_constants()
            lcd = await self.client.async_get_lcd()
        except BrewPiError as err:
            raise communication_error(err) from err
        finally:
            self._polling = False
        return BrewPiData(temperatures, settings, constants, lcd, dt_util.utcnow())

    @callback
    def _async_handle_temperatures(self, temperatures: Temperatures) -> None:
        """A `T:` line arrived unasked: show it at once (a poll's own reply comes with the poll)."""
        if not self._polling and self.data is not None and self.last_update_success:
            self.async_set_updated_data(
                replace(self.data, temperatures=temperatures, read_at=dt_util.utcnow())
            )

    @callback
    def _async_handle_connection(self, connected: bool) -> None:  # noqa: FBT001
        """The link went down or came back."""
        if connected:
            self.config_entry.async_create_background_task(
                self.hass, self.async_request_refresh(), "cellar_brewpi refresh after reconnect"
            )
        else:
            self.async_set_update_error(
                UpdateFailed(translation_domain=DOMAIN, translation_key="link_lost")
            )
        # The connectivity entity shows the link state even while the others are unavailable.
        self.async_update_listeners()

    @callback
    def async_apply_settings(self, settings: ControlSettings) -> None:
        """Show the settings the controller replied with after a write."""
        if self.data is not None:
            self.async_set_updated_data(replace(self.data, settings=settings))
