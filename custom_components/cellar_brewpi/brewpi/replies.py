"""
How a reply is recognised: the exchange waiting for it and the matchers of the client's requests.

A matcher takes every message the controller sends while a request waits and returns the
request's result, or `None` for a message that is not the reply.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .models import PRE_0_1_VERSION, LogMessage, Message, VersionInfo

if TYPE_CHECKING:
    from collections.abc import Callable

INVALID_VERSION = "0.0.0"
NO_VERSION_COMMAND = "invalid command received by arduino: n"
"""How BrewPi before 0.1 answers the version request (a plain-text `D:` line)."""


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
