"""
An asyncio client for one BrewPi controller, over TCP or serial.

One reader task owns the stream: it frames and parses every line, keeps the state (temperatures,
settings, device list) and hands replies to the one request in flight. A supervisor task keeps
the link alive after the first successful connect: on EOF, a read/write error or a stale link (no
`T:` for `stale_after` seconds) it closes the stream and reconnects with a doubling backoff.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .framing import ENCODING, LineFramer
from .models import (
    PRE_0_1_VERSION,
    ControlConstants,
    ControlSettings,
    ControlVariables,
    DeviceList,
    Firmware,
    LcdText,
    LogMessage,
    MalformedLine,
    Message,
    ProbeNames,
    Temperatures,
    TemperatureUpdate,
    TextLine,
    VersionInfo,
    WifiInfo,
)
from .parser import parse_line
from .temperatures import TemperatureTracker
from .transport import STREAM_ERRORS, Target, describe, open_stream

_CLOSE_ERRORS: tuple[type[Exception], ...] = (*STREAM_ERRORS, TimeoutError)

if TYPE_CHECKING:
    from collections.abc import Callable

_LOGGER = logging.getLogger(__name__)

READ_CHUNK = 1024
LOG_INTERVAL = 60.0
"""At most one warning per kind of problem per this many seconds; the rest go to debug."""
HANDSHAKE_RESEND = 1.0
"""The version request `n` is repeated this often until a valid `N:` arrives."""
INVALID_VERSION = "0.0.0"
SETPOINT_LIMIT = 1000.0
REQUEST_ATTEMPTS = 3
"""How often a request is sent before it fails: a reply lost to line noise is asked for again."""
HELD_LINK = 20.0
"""A link the controller closes (EOF) sooner than this after connecting counts as taken away:
the firmware closes its client when another one connects. A WiFi drop is not a close."""
TAKEN_LINKS = 4
"""After this many links in a row taken away, another program holds the controller."""
CONTENDED_BACKOFF = 300.0
"""How long to wait between connects while another program holds the controller."""
CLOSED_BY_PEER = "connection closed by the controller"
NO_VERSION_COMMAND = "invalid command received by arduino: n"
OLD_SETTING_KEYS = {"beerSet": "beerSetting", "fridgeSet": "fridgeSetting"}
"""The setting names of BrewPi before 0.1."""
"""How BrewPi before 0.1 answers the version request (a plain-text `D:` line)."""


class BrewPiError(Exception):
    """Base class of this client's errors."""


class BrewPiConnectionError(BrewPiError):
    """Cannot connect, the link was lost, or the client is not connected."""


class BrewPiTimeoutError(BrewPiConnectionError):
    """The controller did not answer in time."""


class BrewPiProtocolError(BrewPiError):
    """The peer answers, but not as a BrewPi controller (no valid version in the handshake)."""


class BrewPiReplyError(BrewPiError):
    """The controller answered a request, but its reply did not parse, every time it was sent."""


class BrewPiNotSupportedError(BrewPiError):
    """The controller's firmware has no such command (the device list before 0.2)."""


@dataclass(frozen=True, slots=True)
class ClientStats:
    """Counters since the client was created."""

    lines: int
    discarded_overlong: int
    malformed: int
    log_messages: int
    text_lines: int
    reconnects: int


@dataclass(slots=True, eq=False)
class _Link:
    """One open stream and whether it has been declared dead."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    task: asyncio.Task[None] | None = None
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    lines_seen: int = 0
    bytes_seen: int = 0
    opened_at: float = field(default_factory=time.monotonic)


@dataclass(slots=True)
class _Pending:
    """
    The request waiting for its reply: `match` returns the result for a matching message.

    A line with the reply's `prefix` that does not parse ends the wait at once (`_Unreadable`).
    """

    match: Callable[[Message], Any]
    future: asyncio.Future[Any]
    prefix: str = ""


class _Unreadable(Exception):  # noqa: N818 - internal signal, never raised to callers
    """The reply arrived but did not parse."""


class _LogLimiter:
    """Let one warning per kind through per interval."""

    def __init__(self, interval: float = LOG_INTERVAL) -> None:
        self._interval = interval
        self._next: dict[str, float] = {}

    def warning(self, kind: str, msg: str, *args: object) -> None:
        now = time.monotonic()
        if now >= self._next.get(kind, 0.0):
            self._next[kind] = now + self._interval
            _LOGGER.warning(msg, *args)
        else:
            _LOGGER.debug(msg, *args)


def _format_setpoint(temp: float) -> str:
    """Format a setpoint for `j{...}`: 2 decimals, short for the legacy tokenizer (29 chars)."""
    if not math.isfinite(temp) or abs(temp) >= SETPOINT_LIMIT:
        raise ValueError(f"invalid setpoint {temp!r}")
    return repr(round(float(temp), 2) + 0.0)


def _is_version(message: Message) -> VersionInfo | None:
    if isinstance(message, VersionInfo) and message.version not in {"", INVALID_VERSION}:
        return message
    return None


def _handshake_reply(message: Message) -> VersionInfo | None:
    """A valid version; or BrewPi before 0.1, which answers `n` as an invalid command."""
    if isinstance(message, LogMessage) and message.text.lower().startswith(NO_VERSION_COMMAND):
        return PRE_0_1_VERSION
    return _is_version(message)


def _of_type[T](cls: type[T]) -> Callable[[Message], T | None]:
    def match(message: Message) -> T | None:
        return message if isinstance(message, cls) else None

    return match


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
        self._target = target
        self._name = describe(target)
        self._request_timeout = request_timeout
        self._stale_after = stale_after
        self._handshake_timeout = handshake_timeout
        self._connect_timeout = connect_timeout
        self._reconnect_initial = reconnect_initial
        self._reconnect_max = reconnect_max

        self._framer = LineFramer()
        self._tracker = TemperatureTracker()
        self._lock = asyncio.Lock()
        self._limiter = _LogLimiter()
        self._link: _Link | None = None
        self._dying: set[_Link] = set()
        self._supervisor: asyncio.Task[None] | None = None
        self._pending: _Pending | None = None
        self._connected = False
        self._closing = False
        self._last_temperatures = 0.0
        self._taken_links = 0
        self._contended = False
        self.last_disconnect_reason: str | None = None

        self._version: VersionInfo | None = None
        self._settings: ControlSettings | None = None
        self._constants: ControlConstants | None = None
        self._malformed = 0
        self._text_lines = 0
        self._reconnects = 0
        self._temperature_listeners: list[Callable[[Temperatures], None]] = []
        self._connection_listeners: list[Callable[[bool], None]] = []
        self._contention_listeners: list[Callable[[bool], None]] = []

    # --- state ---------------------------------------------------------------------------

    @property
    def target(self) -> Target:
        """Where the controller is."""
        return self._target

    @property
    def connected(self) -> bool:
        """Whether the link is open and the handshake succeeded."""
        return self._connected

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
        return self._contended

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
        counters = self._framer.counters
        return ClientStats(
            lines=counters.lines,
            discarded_overlong=counters.discarded_overlong,
            malformed=self._malformed,
            log_messages=counters.log_messages,
            text_lines=self._text_lines,
            reconnects=self._reconnects,
        )

    def subscribe_temperatures(
        self, callback: Callable[[Temperatures], None]
    ) -> Callable[[], None]:
        """Call `callback` with every `T:` (solicited or not); returns the unsubscribe function."""
        return self._subscribe(self._temperature_listeners, callback)

    def subscribe_connection(self, callback: Callable[[bool], None]) -> Callable[[], None]:
        """Call `callback(True/False)` when the link comes up or goes down; returns unsubscribe."""
        return self._subscribe(self._connection_listeners, callback)

    def subscribe_contention(self, callback: Callable[[bool], None]) -> Callable[[], None]:
        """Call `callback(contended)` when `contended` changes; returns unsubscribe."""
        return self._subscribe(self._contention_listeners, callback)

    @staticmethod
    def _subscribe[C](listeners: list[C], callback: C) -> Callable[[], None]:
        listeners.append(callback)

        def unsubscribe() -> None:
            if callback in listeners:
                listeners.remove(callback)

        return unsubscribe

    # --- lifecycle -----------------------------------------------------------------------

    async def async_connect(self) -> VersionInfo:
        """
        Connect, do the version handshake, then keep the link up until `async_close`.

        Raises `BrewPiConnectionError` (or `BrewPiTimeoutError`) when the controller cannot be
        reached and `BrewPiProtocolError` when it does not answer as a BrewPi; nothing is left
        open then.
        """
        if self._supervisor is not None or self._link is not None:
            raise BrewPiError("already connected")
        self._closing = False
        try:
            version = await self._open_link()
        except BaseException:
            await self._drop_link()
            raise
        self._supervisor = asyncio.create_task(
            self._supervise(), name=f"brewpi supervisor {self._name}"
        )
        return version

    async def async_close(self) -> None:
        """Stop reconnecting and close the link. Safe to call more than once."""
        self._closing = True
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            await asyncio.wait([supervisor])
        await self._drop_link()
        for link in list(self._dying):
            await self._finish_close(link)

    async def _open_link(self) -> VersionInfo:
        """Open the stream, start the reader and do the handshake."""
        try:
            reader, writer = await open_stream(self._target, self._connect_timeout)
        except TimeoutError as err:
            raise BrewPiTimeoutError(f"timed out connecting to {self._name}") from err
        except (OSError, ValueError) as err:  # ValueError: e.g. a host name IDNA rejects
            raise BrewPiConnectionError(f"cannot connect to {self._name}: {err}") from err
        link = _Link(reader, writer)
        self._link = link
        self._framer.reset()
        self._tracker.reset()
        link.task = asyncio.create_task(self._read_loop(link), name=f"brewpi reader {self._name}")
        version = await self._handshake(link)
        if self._closing:
            raise BrewPiConnectionError("client closed")
        self._version = version
        self._tracker.zero_is_no_reading = version.zero_is_no_reading
        self._connected = True
        self._last_temperatures = time.monotonic()
        _LOGGER.debug("Connected to %s: firmware %s", self._name, version.firmware_version)
        self._notify_connection(connected=True)
        return version

    async def _handshake(self, link: _Link) -> VersionInfo:
        """
        Send `n` every second until the first `N:` with a real version arrives.

        A peer that sent anything but never a version is not a BrewPi (`BrewPiProtocolError`),
        also when it closes the connection (an HTTP server answering `n` with an error page).
        """
        future: asyncio.Future[VersionInfo] = asyncio.get_running_loop().create_future()
        self._pending = _Pending(_handshake_reply, future)
        try:
            async with asyncio.timeout(self._handshake_timeout):
                while not future.done():
                    await self._send(link, "n")
                    await asyncio.wait([future], timeout=HANDSHAKE_RESEND)
                return future.result()
        except TimeoutError as err:
            if link.bytes_seen:
                raise BrewPiProtocolError(
                    f"{self._name} sent no valid version within {self._handshake_timeout} s"
                ) from err
            raise BrewPiTimeoutError(
                f"{self._name} did not answer within {self._handshake_timeout} s"
            ) from err
        except BrewPiConnectionError as err:
            if link.bytes_seen:
                raise BrewPiProtocolError(
                    f"{self._name} answered, but not as a BrewPi controller, and closed the link"
                ) from err
            raise
        finally:
            self._pending = None
            if not future.done():
                future.cancel()

    async def _drop_link(self) -> None:
        """Stop the reader and close the stream, if any."""
        link = self._link
        if link is None:
            return
        self._lose(link, "closed")
        self._link = None
        # Start closing at once; if this task is cancelled meanwhile, async_close finishes it.
        if link.task is not None:
            link.task.cancel()
        link.writer.close()
        self._dying.add(link)
        await self._finish_close(link)

    async def _finish_close(self, link: _Link) -> None:
        """Wait until the reader of a closed link has stopped and the stream is closed."""
        if link.task is not None:
            await asyncio.wait([link.task])
        try:
            async with asyncio.timeout(self._request_timeout):
                await link.writer.wait_closed()
        except _CLOSE_ERRORS as err:
            _LOGGER.debug("Closing %s: %s", self._name, err)
        self._dying.discard(link)

    async def _supervise(self) -> None:
        """
        Watch the link; when it dies, reconnect with a doubling backoff.

        Attempts are logged at debug: whoever shows the link's state (the integration) tells
        the user once when it goes down and once when it is back.
        """
        delay = self._reconnect_initial
        while True:
            link = self._link
            if link is not None:
                await self._watch(link)
            await self._drop_link()
            await asyncio.sleep(CONTENDED_BACKOFF if self._contended else delay)
            delay = min(delay * 2, self._reconnect_max)
            try:
                await self._open_link()
            except BrewPiError as err:
                _LOGGER.debug("Cannot reconnect to %s: %s", self._name, err)
                await self._drop_link()
                continue
            except Exception:
                _LOGGER.exception("Unexpected error reconnecting to %s", self._name)
                await self._drop_link()
                continue
            self._reconnects += 1
            delay = self._reconnect_initial
            _LOGGER.debug("Reconnected to %s", self._name)

    async def _watch(self, link: _Link) -> None:
        """
        Return when the link is lost or has been silent (no `T:`) for `stale_after` s.

        A link that holds for `HELD_LINK` s ends a contention.
        """
        while not link.lost.is_set():
            now = time.monotonic()
            remaining = self._last_temperatures + self._stale_after - now
            if remaining <= 0:
                _LOGGER.debug("No temperatures from %s for %s s", self._name, self._stale_after)
                self._lose(link, f"no temperatures for {self._stale_after:g} s")
                return
            held = link.opened_at + HELD_LINK - now
            if self._taken_links and held <= 0:
                self._taken_links = 0
                self._set_contended(contended=False)
                continue
            try:
                async with asyncio.timeout(
                    min(remaining, held) if self._taken_links else remaining
                ):
                    await link.lost.wait()
            except TimeoutError:
                continue

    def _lose(self, link: _Link, reason: str, *, expected: bool = False) -> None:
        """Declare `link` dead: fail the request in flight and tell listeners."""
        if link.lost.is_set():
            return
        link.lost.set()
        if self._pending is not None and not self._pending.future.done():
            self._pending.future.set_exception(
                BrewPiConnectionError(f"link to {self._name} lost: {reason}")
            )
        if self._connected and link is self._link:
            self._connected = False
            self.last_disconnect_reason = reason
            _LOGGER.debug("Link to %s closed: %s", self._name, reason)
            if not (self._closing or expected):
                self._count_taken(link, reason)
            self._notify_connection(connected=False)

    def _count_taken(self, link: _Link, reason: str) -> None:
        """A controller that closes link after link right after the connect is held elsewhere."""
        if reason != CLOSED_BY_PEER or time.monotonic() - link.opened_at >= HELD_LINK:
            self._taken_links = 0
            return
        self._taken_links += 1
        if self._taken_links >= TAKEN_LINKS:
            self._set_contended(contended=True)

    def _set_contended(self, *, contended: bool) -> None:
        if contended == self._contended:
            return
        self._contended = contended
        for callback in list(self._contention_listeners):
            try:
                callback(contended)
            except Exception:
                _LOGGER.exception("Error in BrewPi contention listener")

    def _notify_connection(self, *, connected: bool) -> None:
        for callback in list(self._connection_listeners):
            try:
                callback(connected)
            except Exception:
                _LOGGER.exception("Error in BrewPi connection listener")

    # --- reading -------------------------------------------------------------------------

    async def _read_loop(self, link: _Link) -> None:
        """Read until EOF or error, handling every complete line."""
        reason = CLOSED_BY_PEER
        try:
            while data := await link.reader.read(READ_CHUNK):
                link.bytes_seen += len(data)
                overlong = self._framer.counters.discarded_overlong
                for line in self._framer.feed(data):
                    link.lines_seen += 1
                    self._handle_line(line)
                if self._framer.counters.discarded_overlong != overlong:
                    self._limiter.warning(
                        "overlong", "Discarded an over-long line from %s", self._name
                    )
        except STREAM_ERRORS as err:
            reason = f"read failed: {err}"
        except Exception:
            _LOGGER.exception("Unexpected error reading from %s", self._name)
            reason = "internal error"
        self._lose(link, reason)

    def _handle_line(self, line: str) -> None:
        """Update the state from one line and complete the matching request."""
        if _LOGGER.isEnabledFor(logging.DEBUG):
            _LOGGER.debug("%s -> %r", self._name, line)
        message = parse_line(line)
        match message:
            case TemperatureUpdate():
                temperatures = self._tracker.update(message)
                self._last_temperatures = time.monotonic()
                self._deliver(temperatures)
            case ControlSettings():
                self._settings = message
                self._tracker.set_mode(message.mode)
            case ControlConstants():
                self._constants = message
            case DeviceList():
                self._tracker.set_devices(message)
            case LogMessage():
                self._log_controller_message(message)
            case TextLine():
                self._text_lines += 1
                self._limiter.warning("text", "%s says: %s", self._name, message.text)
            case MalformedLine():
                self._malformed += 1
                if self._fail_pending(message):
                    _LOGGER.debug("Unreadable reply from %s: %r", self._name, line)
                    return
                self._limiter.warning(
                    "malformed",
                    "Malformed line from %s (%s): %r",
                    self._name,
                    message.reason,
                    line,
                )
            case _:
                pass
        pending = self._pending
        if pending is not None and not pending.future.done():
            result = pending.match(message)
            if result is not None:
                pending.future.set_result(result)

    def _fail_pending(self, message: MalformedLine) -> bool:
        """
        End the wait of a request whose reply this is, so that it asks again at once.

        The request's caller hears of it (and reports it): no warning of our own then.
        """
        pending = self._pending
        if pending is None or pending.future.done() or message.prefix != pending.prefix:
            return False
        pending.future.set_exception(_Unreadable(message.reason))
        return True

    def _log_controller_message(self, message: LogMessage) -> None:
        if message.log_type in {"E", "W"}:
            kind = "error" if message.log_type == "E" else "warning"
            self._limiter.warning(
                f"log-{message.log_type}", "%s reports %s: %s", self._name, kind, message.text
            )
        else:
            _LOGGER.debug("%s reports: %s", self._name, message.text)

    def _deliver(self, temperatures: Temperatures) -> None:
        for callback in list(self._temperature_listeners):
            try:
                callback(temperatures)
            except Exception:
                _LOGGER.exception("Error in BrewPi temperature listener")

    # --- requests ------------------------------------------------------------------------

    async def _send(self, link: _Link, command: str) -> None:
        """Write one command line; a failure kills the link."""
        try:
            link.writer.write(f"{command}\n".encode(ENCODING, errors="replace"))
            async with asyncio.timeout(self._request_timeout):
                await link.writer.drain()
        except _CLOSE_ERRORS as err:
            self._lose(link, f"write failed: {err!r}")
            raise BrewPiConnectionError(f"cannot write to {self._name}: {err!r}") from err

    async def _request[T](
        self, command: str, prefix: str, match: Callable[[Message], T | None]
    ) -> T:
        """
        Send `command` and return what `match` makes of the first matching reply.

        A reply lost on the line (truncated, garbled) is asked for again: up to
        `REQUEST_ATTEMPTS` sends, each waiting `request_timeout` s, or until a line with the
        reply's `prefix` arrives that does not parse. Every command is safe to repeat (reads, and
        writes of absolute settings). Raises `BrewPiTimeoutError` when no reply came and
        `BrewPiReplyError` when the replies did not parse.
        """
        if not self._connected:
            raise BrewPiConnectionError(f"not connected to {self._name}")
        unreadable: _Unreadable | None = None
        async with self._lock:
            for attempt in range(1, REQUEST_ATTEMPTS + 1):
                link = self._link
                if not self._connected or link is None:
                    raise BrewPiConnectionError(f"not connected to {self._name}")
                future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
                self._pending = _Pending(match, future, prefix)
                try:
                    await self._send(link, command)
                    async with asyncio.timeout(self._request_timeout):
                        return await future
                except TimeoutError:
                    _LOGGER.debug("%s: no reply to %r (attempt %d)", self._name, command, attempt)
                except _Unreadable as err:
                    unreadable = err
                finally:
                    self._pending = None
        if unreadable is not None:
            raise BrewPiReplyError(
                f"{self._name} answered {command!r} with a reply that does not parse: {unreadable}"
            )
        raise BrewPiTimeoutError(
            f"{self._name} did not answer {command!r} ({REQUEST_ATTEMPTS} tries of "
            f"{self._request_timeout:g} s)"
        )

    def _current_temperatures(self, message: Message) -> Temperatures | None:
        return self._tracker.current if isinstance(message, TemperatureUpdate) else None

    async def async_get_temperatures(self) -> Temperatures:
        """Ask for temperatures (`t`)."""
        return await self._request("t", "T", self._current_temperatures)

    async def async_get_settings(self) -> ControlSettings:
        """Ask for the control settings (`s`)."""
        return await self._request("s", "S", _of_type(ControlSettings))

    async def async_get_constants(self) -> ControlConstants:
        """Ask for the control constants (`c`): unit and setpoint limits."""
        return await self._request("c", "C", _of_type(ControlConstants))

    async def async_get_variables(self) -> ControlVariables:
        """Ask for the control variables (`v`, PID internals)."""
        return await self._request("v", "V", _of_type(ControlVariables))

    async def async_get_version(self) -> VersionInfo:
        """Ask for the version (`n`)."""
        return await self._request("n", "N", _is_version)

    async def async_get_lcd(self) -> LcdText:
        """Ask for the LCD text (`l`)."""
        return await self._request("l", "L", _of_type(LcdText))

    async def async_get_devices(self) -> DeviceList:
        """
        Ask for the installed devices with their values (`d{v:1}`).

        The list is kept and used to tell a real 0.0 reading from a disconnected probe. Firmware
        before 0.2 has no device manager: `BrewPiNotSupportedError`, nothing is sent (it would
        run every letter of the command as a command of its own).
        """
        if self._version is not None and not self._version.has_device_manager:
            raise BrewPiNotSupportedError(f"{self._name} has no device list (firmware < 0.2)")
        return await self._request("d{v:1}", "d", _of_type(DeviceList))

    async def async_get_wifi(self) -> WifiInfo:
        """Ask for WiFi information (`W`, WiFi builds only)."""
        return await self._request("W", "W", _of_type(WifiInfo))

    async def async_get_probe_names(self) -> ProbeNames:
        """Ask for the probe names (`p`; the reply is an `N:` without a `v` key)."""
        return await self._request("p", "N", _of_type(ProbeNames))

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
        return await self._request(command, "S", _of_type(ControlSettings))

    async def async_set_fridge_constant(self, temp: float) -> ControlSettings:
        """Hold the fridge at `temp`; returns the settings the controller reports back."""
        key = self._setting_key("fridgeSet")
        command = f'j{{mode:"f",{key}:{_format_setpoint(temp)}}}'
        return await self._request(command, "S", _of_type(ControlSettings))

    async def async_set_off(self) -> ControlSettings:
        """Turn temperature control off; returns the settings the controller reports back."""
        return await self._request('j{mode:"o"}', "S", _of_type(ControlSettings))

    async def async_reboot(self) -> None:
        """Reboot the controller (`R`, no reply). The link is dropped and re-established."""
        if not self._connected:
            raise BrewPiConnectionError(f"not connected to {self._name}")
        async with self._lock:
            link = self._link
            if not self._connected or link is None:
                raise BrewPiConnectionError(f"not connected to {self._name}")
            await self._send(link, "R")
            self._lose(link, "reboot requested", expected=True)
