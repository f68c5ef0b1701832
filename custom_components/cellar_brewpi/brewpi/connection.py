"""
The link to one BrewPi controller: the stream and everything that keeps it usable.

A reader task frames and parses every line, hands each message to the owner (`on_message`) and
completes the exchange in flight (each reply by the first message matching it). A supervisor
reconnects with a doubling backoff on EOF, a read/write error or a stale link (no `T:` for
`stale_after` s), and notices another program taking the controller (contention).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import BrewPiConnectionError, BrewPiError, BrewPiProtocolError, BrewPiTimeoutError
from .framing import ENCODING, LineFramer
from .line_log import LineLog
from .listeners import Listeners
from .models import MalformedLine, Message, TemperatureUpdate, VersionInfo
from .parser import parse_line
from .replies import (
    PendingReply,
    Request,
    complete,
    fail_all,
    fail_unreadable,
    handshake_reply,
    outcome,
)
from .transport import STREAM_ERRORS, Target, describe, open_stream

_LOGGER = logging.getLogger(__name__)

_CLOSE_ERRORS: tuple[type[Exception], ...] = (*STREAM_ERRORS, TimeoutError)

READ_CHUNK = 1024
HANDSHAKE_RESEND = 1.0
"""The version request `n` is repeated this often until a valid `N:` arrives."""
HELD_LINK = 20.0
"""A link the controller closes (or resets) within this after the connect was taken away: the
firmware drops its client for a new one. A WiFi drop is not a close."""
TAKEN_LINKS = 4
"""After this many links in a row taken away, another program holds the controller."""
CONTENDED_BACKOFF = 300.0
"""How long to wait between connects while another program holds the controller."""
CLOSED_BY_PEER = "connection closed by the controller"


@dataclass(slots=True, eq=False)
class _Link:
    """One open stream and whether it has been declared dead."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    task: asyncio.Task[None] | None = None
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    bytes_seen: int = 0
    opened_at: float = field(default_factory=time.monotonic)


class BrewPiConnection:
    """
    The link to one controller; reconnects by itself once connected.

    The owner gets every parsed message (`on_message`, before the exchange in flight), a call
    when a stream opens (`on_open`) and each handshake's version (`on_version`, before `connected`).
    """

    def __init__(
        self,
        target: Target,
        *,
        on_message: Callable[[Message], None],
        on_open: Callable[[], None],
        on_version: Callable[[VersionInfo], None],
        request_timeout: float,
        stale_after: float,
        handshake_timeout: float,
        connect_timeout: float,
        reconnect_initial: float,
        reconnect_max: float,
    ) -> None:
        """Prepare the connection; nothing is opened before `async_connect`."""
        self.target = target
        self.name = describe(target)
        self.request_timeout = request_timeout
        self._on_message = on_message
        self._on_open = on_open
        self._on_version = on_version
        self._stale_after = stale_after
        self._handshake_timeout = handshake_timeout
        self._connect_timeout = connect_timeout
        self._reconnect_initial = reconnect_initial
        self._reconnect_max = reconnect_max

        self.framer = LineFramer()
        self.line_log = LineLog(self.name)
        self._link: _Link | None = None
        self._dying: set[_Link] = set()
        self._supervisor: asyncio.Task[None] | None = None
        self._pending: list[PendingReply] = []
        self._closing = False
        self._last_temperatures = 0.0
        self._taken_links = 0
        self.connected = False
        """Whether the link is open and the handshake succeeded."""
        self.contended = False
        """Whether another program holds the controller (see `BrewPiClient.contended`)."""
        self.last_disconnect_reason: str | None = None
        self.connection_listeners = Listeners[bool]("BrewPi connection listener", _LOGGER)
        self.contention_listeners = Listeners[bool]("BrewPi contention listener", _LOGGER)
        self.reconnects = 0

    # --- lifecycle -----------------------------------------------------------------------

    async def async_connect(self) -> VersionInfo:
        """Connect, do the version handshake, then keep the link up until `async_close`."""
        if self._supervisor is not None or self._link is not None:
            raise BrewPiError("already connected")
        self._closing = False
        try:
            version = await self._open_link()
        except BaseException:
            await self._drop_link()
            raise
        self._supervisor = asyncio.create_task(
            self._supervise(), name=f"brewpi supervisor {self.name}"
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
            reader, writer = await open_stream(self.target, self._connect_timeout)
        except TimeoutError as err:
            raise BrewPiTimeoutError(f"timed out connecting to {self.name}") from err
        except (OSError, ValueError) as err:  # ValueError: e.g. a host name IDNA rejects
            raise BrewPiConnectionError(f"cannot connect to {self.name}: {err}") from err
        link = _Link(reader, writer)
        self._link = link
        self.framer.reset()
        self._on_open()
        link.task = asyncio.create_task(self._read_loop(link), name=f"brewpi reader {self.name}")
        version = await self._handshake(link)
        if self._closing or link.lost.is_set():  # closed, or dropped right after the version
            raise BrewPiConnectionError("client closed" if self._closing else "link lost")
        self._on_version(version)
        self.connected = True
        self._last_temperatures = time.monotonic()
        _LOGGER.debug("Connected to %s: firmware %s", self.name, version.firmware_version)
        self.connection_listeners.notify(True)  # noqa: FBT003
        return version

    async def _handshake(self, link: _Link) -> VersionInfo:
        """
        Send `n` every second until the first `N:` with a real version arrives.

        A peer that sent anything but never a version is not a BrewPi (`BrewPiProtocolError`),
        also when it closes the connection (an HTTP server answering `n` with an error page).
        """
        future: asyncio.Future[VersionInfo] = asyncio.get_running_loop().create_future()
        self._pending = [PendingReply(handshake_reply, future)]
        try:
            async with asyncio.timeout(self._handshake_timeout):
                while not future.done():
                    await self._send(link, ("n",))
                    await asyncio.wait([future], timeout=HANDSHAKE_RESEND)
                return future.result()
        except TimeoutError as err:
            if link.bytes_seen:
                raise BrewPiProtocolError(
                    f"{self.name} sent no valid version within {self._handshake_timeout} s"
                ) from err
            raise BrewPiTimeoutError(
                f"{self.name} did not answer within {self._handshake_timeout} s"
            ) from err
        except BrewPiConnectionError as err:
            if link.bytes_seen:
                raise BrewPiProtocolError(
                    f"{self.name} answered, but not as a BrewPi controller, and closed the link"
                ) from err
            raise
        finally:
            self._pending = []
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
            async with asyncio.timeout(self.request_timeout):
                await link.writer.wait_closed()
        except _CLOSE_ERRORS as err:
            _LOGGER.debug("Closing %s: %s", self.name, err)
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
            await asyncio.sleep(CONTENDED_BACKOFF if self.contended else delay)
            delay = min(delay * 2, self._reconnect_max)
            try:
                await self._open_link()
            except BrewPiError as err:
                _LOGGER.debug("Cannot reconnect to %s: %s", self.name, err)
            except Exception:
                _LOGGER.exception("Unexpected error reconnecting to %s", self.name)
            else:
                self.reconnects += 1
                delay = self._reconnect_initial
                _LOGGER.debug("Reconnected to %s", self.name)
                continue
            await self._drop_link()

    async def _watch(self, link: _Link) -> None:
        """
        Return when the link is lost or has been silent (no `T:`) for `stale_after` s.

        A link that holds for `HELD_LINK` s ends a contention.
        """
        while not link.lost.is_set():
            now = time.monotonic()
            remaining = self._last_temperatures + self._stale_after - now
            if remaining <= 0:
                _LOGGER.debug("No temperatures from %s for %s s", self.name, self._stale_after)
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
        """Declare `link` dead: fail the exchange in flight and tell listeners."""
        if link.lost.is_set():
            return
        link.lost.set()
        fail_all(self._pending, BrewPiConnectionError(f"link to {self.name} lost: {reason}"))
        if self.connected and link is self._link:
            self.connected = False
            self.last_disconnect_reason = reason
            _LOGGER.debug("Link to %s closed: %s", self.name, reason)
            if not (self._closing or expected):
                self._count_taken(link, reason)
            self.connection_listeners.notify(False)  # noqa: FBT003

    def _count_taken(self, link: _Link, reason: str) -> None:
        """A controller that closes link after link right after the connect is held elsewhere."""
        if reason != CLOSED_BY_PEER or time.monotonic() - link.opened_at >= HELD_LINK:
            self._taken_links = 0
            return
        self._taken_links += 1
        if self._taken_links >= TAKEN_LINKS:
            self._set_contended(contended=True)

    def _set_contended(self, *, contended: bool) -> None:
        if contended != self.contended:
            self.contended = contended
            self.contention_listeners.notify(contended)

    # --- reading -------------------------------------------------------------------------

    async def _read_loop(self, link: _Link) -> None:
        """Read until EOF or error, handling every complete line."""
        reason = CLOSED_BY_PEER
        try:
            while data := await link.reader.read(READ_CHUNK):
                link.bytes_seen += len(data)
                overlong = self.framer.counters.discarded_overlong
                for line in self.framer.feed(data):
                    self._handle_line(line)
                if self.framer.counters.discarded_overlong != overlong:
                    self.line_log.overlong()
        except ConnectionResetError:  # the firmware dropping its client may reset, not close
            reason = CLOSED_BY_PEER
        except STREAM_ERRORS as err:
            reason = f"read failed: {err}"
        except Exception:
            _LOGGER.exception("Unexpected error reading from %s", self.name)
            reason = "internal error"
        self._lose(link, reason)

    def _handle_line(self, line: str) -> None:
        """Hand one line's message to the owner, then complete the first reply it matches."""
        if _LOGGER.isEnabledFor(logging.DEBUG):
            _LOGGER.debug("%s -> %r", self.name, line)
        message = parse_line(line)
        # The wait for the reply this line was meant to be ends, so that it is asked for again;
        # the caller hears of it (and reports it): no warning of our own then.
        if isinstance(message, MalformedLine) and fail_unreadable(self._pending, message):
            self.line_log.unreadable_reply(line)
            return
        if isinstance(message, TemperatureUpdate):
            self._last_temperatures = time.monotonic()
        self.line_log.note(message, line)
        self._on_message(message)
        complete(self._pending, message)

    # --- writing -------------------------------------------------------------------------

    def _current_link(self) -> _Link:
        link = self._link
        if not self.connected or link is None:
            raise BrewPiConnectionError(f"not connected to {self.name}")
        return link

    async def _send(self, link: _Link, commands: Sequence[str]) -> None:
        """Write command lines at once (answered in turn); a failure kills the link. Not timed."""
        try:
            link.writer.write("".join(f"{c}\n" for c in commands).encode(ENCODING, "replace"))
            await link.writer.drain()
        except _CLOSE_ERRORS as err:
            self._lose(link, f"write failed: {err!r}")
            raise BrewPiConnectionError(f"cannot write to {self.name}: {err!r}") from err

    async def async_exchange(self, requests: Sequence[Request[Any]]) -> list[Any]:
        """Send the commands in one write; each result, `TimeoutError` or `UnreadableReply`."""
        link = self._current_link()
        loop = asyncio.get_running_loop()
        pending = [PendingReply(r.match, loop.create_future(), r.prefix) for r in requests]
        self._pending = pending
        sent = False
        try:
            async with asyncio.timeout(self.request_timeout):
                await self._send(link, [r.command for r in requests])
                sent = True
                await asyncio.wait([p.future for p in pending])
        except TimeoutError:
            if not sent:
                raise self._stuck(link) from None
        finally:
            self._pending = []
        outcomes = [outcome(p.future) for p in pending]
        if lost := next((o for o in outcomes if isinstance(o, BrewPiConnectionError)), None):
            raise lost
        return outcomes

    async def async_send_and_drop(self, command: str, reason: str) -> None:
        """Send a command after which the controller goes away (a reboot); reconnect after it."""
        link = self._current_link()
        try:
            async with asyncio.timeout(self.request_timeout):
                await self._send(link, (command,))
        except TimeoutError:
            raise self._stuck(link) from None
        self._lose(link, reason, expected=True)

    def _stuck(self, link: _Link) -> BrewPiConnectionError:  # a write that did not go out
        reason = f"write timed out after {self.request_timeout:g} s"
        self._lose(link, reason)
        return BrewPiConnectionError(f"cannot write to {self.name}: {reason}")
