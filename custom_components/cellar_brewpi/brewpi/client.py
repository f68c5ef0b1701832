"""
An asyncio client for one BrewPi controller, over TCP or serial.

The client keeps the state (temperatures, settings, constants, device list) and makes the
requests: getters, setpoint writes, reboot, each retried when its reply is lost. Its
`BrewPiConnection` owns the stream: the reader, the handshake, reconnecting and contention.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from .connection import BrewPiConnection
from .errors import (
    BrewPiConnectionError,
    BrewPiError,
    BrewPiNotSupportedError,
)
from .listeners import Listeners
from .models import (
    ControlConstants,
    ControlSettings,
    ControlVariables,
    DeviceList,
    Firmware,
    LcdText,
    Message,
    ProbeNames,
    Temperatures,
    TemperatureUpdate,
    VersionInfo,
    WifiInfo,
)
from .replies import PollReplies, Request, ask, is_version, of_type
from .temperatures import TemperatureTracker

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .transport import Target

_LOGGER = logging.getLogger(__name__)

SETPOINT_LIMIT = 1000.0
OLD_SETTING_KEYS = {"beerSet": "beerSetting", "fridgeSet": "fridgeSetting"}
"""The setting names of BrewPi before 0.1."""


@dataclass(frozen=True, slots=True)
class ClientStats:
    """Counters since the client was created."""

    lines: int
    discarded_overlong: int
    malformed: int
    log_messages: int
    text_lines: int
    reconnects: int


def _format_setpoint(temp: float) -> str:
    """Format a setpoint for `j{...}`: 2 decimals, short for the legacy tokenizer (29 chars)."""
    if not math.isfinite(temp) or abs(temp) >= SETPOINT_LIMIT:
        raise ValueError(f"invalid setpoint {temp!r}")
    return repr(round(float(temp), 2) + 0.0)


class BrewPiClient:
    """Talk to one BrewPi controller; reconnects by itself once connected."""

    def __init__(
        self,
        target: Target,
        *,
        request_timeout: float = 5.0,
        stale_after: float = 180.0,
        handshake_timeout: float = 10.0,
        connect_timeout: float = 10.0,
        reconnect_initial: float = 1.0,
        reconnect_max: float = 60.0,
    ) -> None:
        """Prepare a client; nothing is opened before `async_connect`."""
        self._connection = BrewPiConnection(
            target,
            on_message=self._handle_message,
            on_open=self._forget_readings,
            on_version=self._use_version,
            request_timeout=request_timeout,
            stale_after=stale_after,
            handshake_timeout=handshake_timeout,
            connect_timeout=connect_timeout,
            reconnect_initial=reconnect_initial,
            reconnect_max=reconnect_max,
        )
        self._name = self._connection.name
        self._tracker = TemperatureTracker()
        self._lock = asyncio.Lock()
        self._version: VersionInfo | None = None
        self._settings: ControlSettings | None = None
        self._constants: ControlConstants | None = None
        self._temperature_listeners = Listeners[Temperatures](
            "BrewPi temperature listener", _LOGGER
        )

    # --- state ---------------------------------------------------------------------------

    @property
    def target(self) -> Target:
        """Where the controller is."""
        return self._connection.target

    @property
    def connected(self) -> bool:
        """Whether the link is open and the handshake succeeded."""
        return self._connection.connected

    @property
    def request_timeout(self) -> float:
        """Seconds each send of a request waits for its reply (settable)."""
        return self._connection.request_timeout

    @request_timeout.setter
    def request_timeout(self, seconds: float) -> None:
        self._connection.request_timeout = seconds

    @property
    def last_disconnect_reason(self) -> str | None:
        """Why the link went down the last time, or `None` while it never did."""
        return self._connection.last_disconnect_reason

    @property
    def version(self) -> VersionInfo | None:
        """The version from the last successful handshake."""
        return self._version

    @property
    def contended(self) -> bool:
        """
        Whether another program holds the controller.

        The firmware keeps one client and drops the old one when a new one connects: when the
        controller closes link after link right after the connect, something else (Fermentrack,
        a second Home Assistant) keeps taking it. The client then connects only every
        `CONTENDED_BACKOFF` seconds instead of fighting over it.
        """
        return self._connection.contended

    @property
    def temperatures(self) -> Temperatures | None:
        """The latest normalised temperatures (from any `T:`, asked for or not)."""
        return self._tracker.current

    @property
    def devices(self) -> DeviceList | None:
        """The latest installed-device list."""
        return self._tracker.devices

    @property
    def settings(self) -> ControlSettings | None:
        """The latest control settings (`S:`)."""
        return self._settings

    @property
    def constants(self) -> ControlConstants | None:
        """The latest control constants (`C:`)."""
        return self._constants

    @property
    def stats(self) -> ClientStats:
        """Framing, parsing and reconnect counters."""
        connection = self._connection
        counters = connection.framer.counters
        return ClientStats(
            lines=counters.lines,
            discarded_overlong=counters.discarded_overlong,
            malformed=connection.line_log.malformed,
            log_messages=counters.log_messages,
            text_lines=connection.line_log.text_lines,
            reconnects=connection.reconnects,
        )

    def subscribe_temperatures(
        self, callback: Callable[[Temperatures], None]
    ) -> Callable[[], None]:
        """Call `callback` with every `T:` (solicited or not); returns the unsubscribe function."""
        return self._temperature_listeners.add(callback)

    def subscribe_connection(self, callback: Callable[[bool], None]) -> Callable[[], None]:
        """Call `callback(True/False)` when the link comes up or goes down; returns unsubscribe."""
        return self._connection.connection_listeners.add(callback)

    def subscribe_contention(self, callback: Callable[[bool], None]) -> Callable[[], None]:
        """Call `callback(contended)` when `contended` changes; returns unsubscribe."""
        return self._connection.contention_listeners.add(callback)

    def _forget_readings(self) -> None:
        """A new stream: what the last one said about temperatures no longer holds."""
        self._tracker.reset()

    def _use_version(self, version: VersionInfo) -> None:
        self._version = version
        self._tracker.zero_is_no_reading = version.zero_is_no_reading

    def _handle_message(self, message: Message) -> None:
        """Update the state from one message (before the request in flight sees it)."""
        match message:
            case TemperatureUpdate():
                self._temperature_listeners.notify(self._tracker.update(message))
            case ControlSettings():
                self._settings = message
                self._tracker.set_mode(message.mode)
            case ControlConstants():
                self._constants = message
            case DeviceList():
                self._tracker.set_devices(message)
            case _:
                pass

    # --- lifecycle -----------------------------------------------------------------------

    async def async_connect(self) -> VersionInfo:
        """
        Connect, do the version handshake, then keep the link up until `async_close`.

        Raises `BrewPiConnectionError` (or `BrewPiTimeoutError`) when the controller cannot be
        reached and `BrewPiProtocolError` when it does not answer as a BrewPi; nothing is left
        open then.
        """
        return await self._connection.async_connect()

    async def async_close(self) -> None:
        """Stop reconnecting and close the link. Safe to call more than once."""
        await self._connection.async_close()

    # --- requests ------------------------------------------------------------------------

    async def _exchange(self, requests: Sequence[Request[Any]]) -> list[Any]:
        """Send the requests' commands together, each asked for again while lost (see `ask`)."""
        if not self.connected:
            raise BrewPiConnectionError(f"not connected to {self._name}")
        async with self._lock:
            return await ask(self._connection, requests)

    async def _request[T](
        self, command: str, prefix: str, match: Callable[[Message], T | None]
    ) -> T:
        """
        Send `command` (see `ask`) and return what `match` makes of the first matching reply.

        Raises `BrewPiTimeoutError` when no reply came and `BrewPiReplyError` when the replies
        did not parse.
        """
        [result] = await self._exchange([Request(command, prefix, match)])
        if isinstance(result, BrewPiError):
            raise result
        return cast("T", result)

    async def async_poll(self, *, constants: bool = False, display: bool = False) -> PollReplies:
        """
        One poll's exchange: each reply, or why it is missing.

        The temperatures and the settings, and the constants or the display if asked, are asked
        for in one write (`t`, `s`, `c`, `l`) and answered in turn.
        """
        requests: list[Request[Any]] = [
            Request("t", "T", self._current_temperatures),
            Request("s", "S", of_type(ControlSettings)),
        ]
        if constants:
            requests.append(Request("c", "C", of_type(ControlConstants)))
        if display:
            requests.append(Request("l", "L", of_type(LcdText)))
        results = iter(await self._exchange(requests))
        return PollReplies(
            next(results),
            next(results),
            next(results) if constants else None,
            next(results) if display else None,
        )

    def _current_temperatures(self, message: Message) -> Temperatures | None:
        return self._tracker.current if isinstance(message, TemperatureUpdate) else None

    async def async_get_temperatures(self) -> Temperatures:
        """Ask for temperatures (`t`)."""
        return await self._request("t", "T", self._current_temperatures)

    async def async_get_settings(self) -> ControlSettings:
        """Ask for the control settings (`s`)."""
        return await self._request("s", "S", of_type(ControlSettings))

    async def async_get_constants(self) -> ControlConstants:
        """Ask for the control constants (`c`): unit and setpoint limits."""
        return await self._request("c", "C", of_type(ControlConstants))

    async def async_get_variables(self) -> ControlVariables:
        """Ask for the control variables (`v`, PID internals)."""
        return await self._request("v", "V", of_type(ControlVariables))

    async def async_get_version(self) -> VersionInfo:
        """Ask for the version (`n`)."""
        return await self._request("n", "N", is_version)

    async def async_get_lcd(self) -> LcdText:
        """Ask for the LCD text (`l`)."""
        return await self._request("l", "L", of_type(LcdText))

    async def async_get_devices(self) -> DeviceList:
        """
        Ask for the installed devices with their values (`d{v:1}`).

        The list is kept and used to tell a real 0.0 reading from a disconnected probe. Firmware
        before 0.2 has no device manager: `BrewPiNotSupportedError`, nothing is sent (it would
        run every letter of the command as a command of its own).
        """
        if self._version is not None and not self._version.has_device_manager:
            raise BrewPiNotSupportedError(f"{self._name} has no device list (firmware < 0.2)")
        return await self._request("d{v:1}", "d", of_type(DeviceList))

    async def async_get_wifi(self) -> WifiInfo:
        """Ask for WiFi information (`W`, WiFi builds only)."""
        return await self._request("W", "W", of_type(WifiInfo))

    async def async_get_probe_names(self) -> ProbeNames:
        """Ask for the probe names (`p`; the reply is an `N:` without a `v` key)."""
        return await self._request("p", "N", of_type(ProbeNames))

    def _setting_key(self, key: str) -> str:
        """A setting's name as the firmware takes it (BrewPi before 0.1: `beerSetting`)."""
        version = self._version
        if version is not None and version.firmware is Firmware.BREWPI_2012:
            return OLD_SETTING_KEYS.get(key, key)
        return key

    async def async_set_beer_constant(self, temp: float) -> ControlSettings:
        """Hold the beer at `temp`; returns the settings the controller reports back."""
        key = self._setting_key("beerSet")
        command = f'j{{mode:"b",{key}:{_format_setpoint(temp)}}}'
        return await self._request(command, "S", of_type(ControlSettings))

    async def async_set_fridge_constant(self, temp: float) -> ControlSettings:
        """Hold the fridge at `temp`; returns the settings the controller reports back."""
        key = self._setting_key("fridgeSet")
        command = f'j{{mode:"f",{key}:{_format_setpoint(temp)}}}'
        return await self._request(command, "S", of_type(ControlSettings))

    async def async_set_beer_profile(self, temp: float) -> ControlSettings:
        """
        Hold the beer at `temp` in mode `p`, as a host running a profile does.

        The firmware controls `p` exactly like beer constant; the mode tells its display and the
        host that a profile sets the temperature.
        """
        key = self._setting_key("beerSet")
        command = f'j{{mode:"p",{key}:{_format_setpoint(temp)}}}'
        return await self._request(command, "S", of_type(ControlSettings))

    async def async_set_off(self) -> ControlSettings:
        """Turn temperature control off; returns the settings the controller reports back."""
        return await self._request('j{mode:"o"}', "S", of_type(ControlSettings))

    async def async_reboot(self) -> None:
        """Reboot the controller (`R`, no reply). The link is dropped and re-established."""
        if not self.connected:
            raise BrewPiConnectionError(f"not connected to {self._name}")
        async with self._lock:
            await self._connection.async_send_and_drop("R", "reboot requested")
