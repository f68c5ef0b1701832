"""
How a reply is recognised and asked for again.

The requests, the replies an exchange waits for, the retries, and the matchers of the client's
requests.

A matcher takes every message the controller sends while a request waits and returns the
request's result, or `None` for a message that is not the reply.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .errors import BrewPiReplyError, BrewPiTimeoutError
from .models import (
    PRE_0_1_VERSION,
    ControlConstants,
    ControlSettings,
    LcdText,
    LogMessage,
    MalformedLine,
    Message,
    Temperatures,
    VersionInfo,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

_LOGGER = logging.getLogger(__name__)

REQUEST_ATTEMPTS = 3
"""How often a request is sent before it fails: a reply lost to line noise is asked for again."""

INVALID_VERSION = "0.0.0"
NO_VERSION_COMMAND = "invalid command received by arduino: n"
"""How BrewPi before 0.1 answers the version request (a plain-text `D:` line)."""


@dataclass(frozen=True, slots=True)
class Request[T]:
    """A command and how its reply is recognised: `match` makes the result of a message."""

    command: str
    prefix: str
    match: Callable[[Message], T | None]


@dataclass(slots=True)
class PendingReply:
    """
    The exchange waiting for its reply: `match` returns the result for a matching message.

    A line with the reply's `prefix` that does not parse ends the wait at once (`UnreadableReply`).
    """

    match: Callable[[Message], Any]
    future: asyncio.Future[Any]
    prefix: str = ""


class UnreadableReply(Exception):  # noqa: N818 - internal signal, never raised to callers
    """The reply arrived but did not parse."""


def complete(pending: Sequence[PendingReply], message: Message) -> None:
    """Complete the first reply still awaited that `message` matches."""
    for reply in pending:
        if not reply.future.done() and (result := reply.match(message)) is not None:
            reply.future.set_result(result)
            return


def fail_unreadable(pending: Sequence[PendingReply], message: MalformedLine) -> bool:
    """End the wait for the first reply still awaited with the line's prefix; whether one was."""
    for reply in pending:
        if not reply.future.done() and message.prefix == reply.prefix:
            reply.future.set_exception(UnreadableReply(message.reason))
            return True
    return False


def fail_all(pending: Sequence[PendingReply], error: Exception) -> None:
    """End the wait for every reply still awaited with `error` (the link was lost)."""
    for reply in pending:
        if not reply.future.done():
            reply.future.set_exception(error)


def outcome(future: asyncio.Future[Any]) -> Any:
    """
    A reply's result, or why there is none.

    `TimeoutError` while still awaited (the wait ends), or the error it ended with: an
    `UnreadableReply`, or the lost link's `BrewPiConnectionError`.
    """
    if not future.done():
        future.cancel()
        return TimeoutError()
    if (error := future.exception()) is None:
        return future.result()
    return error


type LostReply = BrewPiTimeoutError | BrewPiReplyError
"""A reply that did not come, or never parsed, after every try."""


@dataclass(frozen=True, slots=True)
class PollReplies:
    """What one poll's exchange brought: each reply, or why it is missing (`LostReply`)."""

    temperatures: Temperatures | LostReply
    settings: ControlSettings | LostReply
    constants: ControlConstants | LostReply | None
    """`None`: not asked for."""
    lcd: LcdText | LostReply | None
    """`None`: not asked for."""


class Exchanging(Protocol):
    """What `ask` sends through: the connection."""

    name: str
    request_timeout: float

    async def async_exchange(self, requests: Sequence[Request[Any]]) -> list[Any]:
        """Send the commands in one write; each result, `TimeoutError` or `UnreadableReply`."""
        ...


async def ask(link: Exchanging, requests: Sequence[Request[Any]]) -> list[Any]:
    """
    Send the requests' commands together; return each one's result or its `LostReply`.

    A reply lost on the line (truncated, garbled) is asked for again, with the others lost in
    the same exchange: up to `REQUEST_ATTEMPTS` sends, each waiting `request_timeout` s, or
    until a line with the reply's `prefix` arrives that does not parse. Every command is safe to
    repeat (reads, and writes of absolute settings). A reply that never came is a
    `BrewPiTimeoutError`, one that never parsed a `BrewPiReplyError`. A lost link raises
    `BrewPiConnectionError`. The caller serialises exchanges.
    """
    results: list[Any] = [None] * len(requests)
    unreadable: dict[int, UnreadableReply] = {}
    waiting = list(range(len(requests)))
    for attempt in range(1, REQUEST_ATTEMPTS + 1):
        outcomes = await link.async_exchange([requests[i] for i in waiting])
        lost = []
        for index, got in zip(waiting, outcomes, strict=True):
            if isinstance(got, UnreadableReply):
                unreadable[index] = got
            elif isinstance(got, TimeoutError):
                command = requests[index].command
                _LOGGER.debug("%s: no reply to %r (attempt %d)", link.name, command, attempt)
            else:
                results[index] = got
                continue
            lost.append(index)
        if not (waiting := lost):
            break
    for index in waiting:
        command = requests[index].command
        if (error := unreadable.get(index)) is not None:
            results[index] = BrewPiReplyError(
                f"{link.name} answered {command!r} with a reply that does not parse: {error}"
            )
        else:
            results[index] = BrewPiTimeoutError(
                f"{link.name} did not answer {command!r} ({REQUEST_ATTEMPTS} tries of "
                f"{link.request_timeout:g} s)"
            )
    return results


def is_version(message: Message) -> VersionInfo | None:
    """The message if it is a real version (`N:` with a version other than 0.0.0)."""
    if isinstance(message, VersionInfo) and message.version not in {"", INVALID_VERSION}:
        return message
    return None


def handshake_reply(message: Message) -> VersionInfo | None:
    """A valid version; or BrewPi before 0.1, which answers `n` as an invalid command."""
    if isinstance(message, LogMessage) and message.text.lower().startswith(NO_VERSION_COMMAND):
        return PRE_0_1_VERSION
    return is_version(message)


def of_type[T](cls: type[T]) -> Callable[[Message], T | None]:
    """A matcher for the first message of type `cls`."""

    def match(message: Message) -> T | None:
        return message if isinstance(message, cls) else None

    return match
