"""The coordinator of one BrewPi controller: polls on an interval, applies pushed `T:` at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from ..brewpi import (
    BrewPiClient,
    BrewPiError,
    BrewPiReplyError,
    BrewPiTimeoutError,
    ControlConstants,
    ControlSettings,
    DeviceList,
    LcdText,
    LostReply,
    Temperatures,
    VersionInfo,
    describe,
)
from ..const import CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL, DOMAIN
from ..polling import GridCoordinator

_LOGGER = logging.getLogger(__name__)

type BrewPiConfigEntry = ConfigEntry[BrewPiCoordinator]

ISSUE_HELD = "controller_held"


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


class BrewPiCoordinator(GridCoordinator[BrewPiData]):
    """
    Keeps one controller's state: polled `t` and `s`; pushed `T:` applied immediately.

    A poll asks only for what is used: the constants (unit and limits) after each connect, since
    the controller pushes them after every change it takes; the display only while one of its
    entities is enabled.

    Only the temperatures are needed for a poll to count: settings, constants and the display
    keep their last good value when only their reply is lost, and the display (which some
    firmware cannot show) is unknown until it answers. Each such reply logs one warning.

    An outage logs one warning when it starts and one info when the controller is back; the
    link's reconnects and every failed poll in between go to debug.
    """

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
        self._down = False  # an outage was reported and has not ended
        self._unanswered: set[str] = set()  # optional replies reported missing
        self._recovery: asyncio.Task[None] | None = None
        self._constants_known = False  # read since the last connect (then kept up by pushes)
        self._display_wanted = 0  # enabled display entities

    @property
    def version(self) -> VersionInfo | None:
        """The version reply of the controller's last handshake."""
        return self.client.version

    async def _async_setup(self) -> None:
        """
        Read the installed devices, then follow pushed temperatures and the link state.

        The device list tells a disconnected probe (which reads 0) from a real 0.0 reading; a
        controller without one (firmware before 0.2), or one that does not answer it, still
        works.
        """
        await self._async_read_devices()
        entry = self.config_entry
        entry.async_on_unload(self.client.subscribe_temperatures(self._async_handle_temperatures))
        entry.async_on_unload(self.client.subscribe_connection(self._async_handle_connection))
        entry.async_on_unload(self.client.subscribe_contention(self._async_handle_contention))
        entry.async_on_unload(self._async_forget_issues)

    async def _async_read_devices(self) -> None:
        version = self.client.version
        if version is None or not version.has_device_manager:
            return
        try:
            devices: DeviceList | LostReply = await self.client.async_get_devices()
        except (BrewPiTimeoutError, BrewPiReplyError) as err:
            devices = err
        self._kept("the device list", devices, None)

    async def _async_update_data(self) -> BrewPiData:
        """Read temperatures and settings, and the constants and the display when needed."""
        self._polling = True
        client = self.client
        previous = self.data
        try:
            try:
                replies = await client.async_poll(
                    constants=not self._constants_known, display=bool(self._display_wanted)
                )
                if isinstance(temperatures := replies.temperatures, BrewPiError):
                    raise temperatures
                version = client.version
                if (
                    version is not None
                    and version.zero_is_no_reading
                    and 0.0 in (temperatures.beer_temp, temperatures.fridge_temp)
                ):
                    # 0 is also what a probe unplugged since the last device list reads.
                    await self._async_read_devices()
                    temperatures = await client.async_get_temperatures()
            except BrewPiError as err:
                self._report_down(str(err) or type(err).__name__)
                raise communication_error(err) from err
            settings = self._kept(
                "the settings", replies.settings, previous.settings if previous else None
            )
            constants = client.constants if self._constants_known else None
            if replies.constants is not None:
                constants = self._kept(
                    "the unit and limits",
                    replies.constants,
                    previous.constants if previous else None,
                )
                self._constants_known = client.constants is not None
            lcd = previous.lcd if previous else None
            if replies.lcd is not None:
                lcd = self._kept("the display", replies.lcd, lcd)
            if settings is None or constants is None:
                # The first poll needs them: without the mode and the unit nothing is shown.
                self._report_down("no settings or constants yet")
                raise UpdateFailed(translation_domain=DOMAIN, translation_key="no_settings")
        finally:
            self._polling = False
        self._down = False
        return BrewPiData(temperatures, settings, constants, lcd, dt_util.utcnow())

    def _kept[T](self, what: str, reply: T | LostReply, last: T | None) -> T | None:
        """
        A reply the chamber can do without: its last value when it is lost or does not parse.

        Reported once (a warning) until it answers again. A lost link fails the poll.
        """
        if not isinstance(reply, BrewPiError):
            self._unanswered.discard(what)
            return reply
        if what in self._unanswered:
            _LOGGER.debug("%s: no usable reply for %s: %s", self.name, what, reply)
        else:
            self._unanswered.add(what)
            _LOGGER.warning(
                "%s gave no usable reply for %s, which keeps its last value: %s",
                self.name,
                what,
                reply,
            )
        return last

    def _report_down(self, reason: str) -> None:
        """One warning per outage; the rest at debug."""
        if self._down:
            _LOGGER.debug("%s still unavailable: %s", self.name, reason)
            return
        self._down = True
        _LOGGER.warning(
            "%s (%s) is unavailable: %s", self.name, describe(self.client.target), reason
        )

    @override
    async def _async_refresh(
        self,
        log_failures: bool = True,
        raise_on_auth_failed: bool = False,
        scheduled: bool = False,
        raise_on_entry_error: bool = False,
    ) -> None:
        """Refresh; failures are reported by `_report_down` (once), not on every poll."""
        await super()._async_refresh(
            log_failures=False,
            raise_on_auth_failed=raise_on_auth_failed,
            scheduled=scheduled,
            raise_on_entry_error=raise_on_entry_error,
        )

    @override
    @callback
    def async_set_update_error(self, err: Exception) -> None:
        """Go unavailable without logging: the outage was reported once already."""
        self.last_exception = err
        if self.last_update_success:
            self.last_update_success = False
            self.async_update_listeners()

    @callback
    def _async_handle_temperatures(self, temperatures: Temperatures) -> None:
        """
        A `T:` line arrived unasked: show it at once (a poll's own reply comes with the poll).

        After a failed poll the controller evidently answers again: poll now instead of at the
        next interval.
        """
        if self._polling or self.data is None:
            return
        if self.last_update_success:
            self.async_set_updated_data(
                replace(self.data, temperatures=temperatures, read_at=dt_util.utcnow())
            )
        else:
            self._async_refresh_now()

    @callback
    def _async_refresh_now(self) -> None:
        """Poll at once (not debounced), unless a recovery poll runs already."""
        if self._recovery is None or self._recovery.done():
            self._recovery = self.config_entry.async_create_task(
                self.hass, self.async_refresh(), "cellar_brewpi refresh now"
            )

    @callback
    def async_want_display(self) -> Callable[[], None]:
        """
        A display entity was enabled: poll the display too (and now); returns the release.

        Disabled by default, the display entities are not added at all, so nothing asks.
        """
        self._display_wanted += 1
        if self._display_wanted == 1 and self.data is not None:
            self._async_refresh_now()

        @callback
        def release() -> None:
            self._display_wanted -= 1

        return release

    @callback
    def _async_handle_connection(self, connected: bool) -> None:  # noqa: FBT001
        """The link went down or came back."""
        self._constants_known = False  # the controller may have changed while away
        if connected:
            self._async_refresh_now()
        else:
            self._report_down(f"link lost: {self.client.last_disconnect_reason}")
            self.async_set_update_error(
                UpdateFailed(translation_domain=DOMAIN, translation_key="link_lost")
            )
        # The connectivity entity shows the link state even while the others are unavailable.
        self.async_update_listeners()

    @callback
    def _async_handle_contention(self, contended: bool) -> None:  # noqa: FBT001
        """Another program holds the controller: say so in a repair issue, not in a loop."""
        issue_id = f"{self.config_entry.entry_id}_{ISSUE_HELD}"
        if not contended:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        _LOGGER.warning(
            "%s keeps closing the link right after each connect: another program holds it",
            self.name,
        )
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=ISSUE_HELD,
            translation_placeholders={
                "name": self.config_entry.title,
                "target": describe(self.client.target),
            },
        )

    @callback
    def _async_forget_issues(self) -> None:
        ir.async_delete_issue(self.hass, DOMAIN, f"{self.config_entry.entry_id}_{ISSUE_HELD}")

    @callback
    def async_apply_settings(self, settings: ControlSettings) -> None:
        """Show the settings (and constants) the controller replied with after a write."""
        if self.data is not None:
            constants = self.client.constants or self.data.constants
            self.async_set_updated_data(replace(self.data, settings=settings, constants=constants))
