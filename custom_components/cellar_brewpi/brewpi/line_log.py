"""
What the controller's stream says about its own health: counted, and logged without flooding.

Lines that are not the replies and pushes the client acts on (controller log messages, plain
text, malformed lines, over-long lines) are counted for `ClientStats` and logged: at most one
warning per kind per `LOG_INTERVAL` seconds, the rest at debug.
"""

from __future__ import annotations

import logging
import time

from .models import LogMessage, MalformedLine, Message, TextLine

_LOGGER = logging.getLogger(__name__)

LOG_INTERVAL = 60.0
"""At most one warning per kind of problem per this many seconds; the rest go to debug."""


class LogLimiter:
    """Let one warning per kind through per interval; the others go to debug."""

    def __init__(self, interval: float = LOG_INTERVAL, logger: logging.Logger = _LOGGER) -> None:
        """Limit warnings of `logger` to one per kind per `interval` seconds."""
        self._interval = interval
        self._logger = logger
        self._next: dict[str, float] = {}

    def warning(self, kind: str, msg: str, *args: object) -> None:
        """Log a warning of `kind`, at debug when one of its kind was logged recently."""
        now = time.monotonic()
        if now >= self._next.get(kind, 0.0):
            self._next[kind] = now + self._interval
            self._logger.warning(msg, *args)
        else:
            self._logger.debug(msg, *args)


class LineLog:
    """Counts and logs the stream's log messages, text and malformed lines of one controller."""

    __slots__ = ("_limiter", "_name", "malformed", "text_lines")

    def __init__(self, name: str) -> None:
        """Log for the controller called `name` in messages."""
        self._name = name
        self._limiter = LogLimiter()
        self.malformed = 0
        self.text_lines = 0

    def note(self, message: Message, line: str) -> None:
        """Count and log `message` (parsed from `line`) if it is one of the kinds kept here."""
        match message:
            case LogMessage(log_type="E" | "W" as log_type):
                kind = "error" if log_type == "E" else "warning"
                self._limiter.warning(
                    f"log-{log_type}", "%s reports %s: %s", self._name, kind, message.text
                )
            case LogMessage():
                _LOGGER.debug("%s reports: %s", self._name, message.text)
            case TextLine():
                self.text_lines += 1
                self._limiter.warning("text", "%s says: %s", self._name, message.text)
            case MalformedLine():
                self.malformed += 1
                self._limiter.warning(
                    "malformed",
                    "Malformed line from %s (%s): %r",
                    self._name,
                    message.reason,
                    line,
                )
            case _:
                pass

    def unreadable_reply(self, line: str) -> None:
        """Count a malformed reply to a request; its caller asks again and reports it."""
        self.malformed += 1
        _LOGGER.debug("Unreadable reply from %s: %r", self._name, line)

    def overlong(self) -> None:
        """Log that an over-long line was discarded (the framer counts them)."""
        self._limiter.warning("overlong", "Discarded an over-long line from %s", self._name)
