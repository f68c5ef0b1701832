"""
Split the controller's byte stream into text lines.

The controller sends CR LF terminated lines in cp437. Legacy firmware can put a whole `D:{...}`
log message (with its own line end) in the middle of another line; brewpi-script removes every
`D:{...}` + optional CR + LF before splitting, which joins the interrupted line back together.
This framer does the same, one complete physical line at a time, so the result never depends on
how the stream was chunked.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LINE = 4096
"""The longest line kept, in bytes without the line end. Longer lines are dropped and counted."""

ENCODING = "cp437"
"""brewpi-script's encoding in both directions. Byte 0xB0 is shown as the degree sign."""

_LOG_START = b"D:{"
_DEGREE = str.maketrans({"\u2591": "\u00b0"})
"""cp437 0xB0 is a shade block; the firmware means the (Latin-1) degree sign there."""


@dataclass(slots=True)
class FramerCounters:
    """What the framer has seen since it was created."""

    lines: int = 0
    discarded_overlong: int = 0
    log_messages: int = 0


class LineFramer:
    """
    Turn chunks of bytes into complete, decoded lines.

    `feed` returns the lines completed by the chunk, in order, without line ends and without empty
    lines. A `D:{...}` log message found inside another line is returned as a line of its own (at
    the point where it ended), and the interrupted line continues with the bytes after it.

    Memory is bounded: a line longer than `max_line` bytes is discarded up to its next newline.
    """

    __slots__ = ("_buffer", "_discarding", "counters", "max_line")

    def __init__(self, max_line: int = MAX_LINE) -> None:
        """Create an empty framer."""
        self.max_line = max_line
        self.counters = FramerCounters()
        self._buffer = bytearray()
        self._discarding = False

    @property
    def buffered(self) -> int:
        """How many bytes of an incomplete line are held."""
        return len(self._buffer)

    def reset(self) -> None:
        """Forget any partial line (after a reconnect); the counters are kept."""
        self._buffer.clear()
        self._discarding = False

    def feed(self, data: bytes) -> list[str]:
        """Add received bytes; return the lines they complete."""
        lines: list[str] = []
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                self._keep_partial(data[start:])
                return lines
            self._complete_line(data[start:end], lines)
            start = end + 1

    def _keep_partial(self, piece: bytes) -> None:
        """Hold the start of a line that has no newline yet, unless it is already too long."""
        if self._discarding or not piece:
            return
        self._buffer += piece
        if len(self._buffer) > self.max_line:
            self._buffer.clear()
            self._discarding = True
            self.counters.discarded_overlong += 1

    def _complete_line(self, piece: bytes, lines: list[str]) -> None:
        """Handle the bytes up to a newline: the held start of the line plus `piece`."""
        if self._discarding:
            self._discarding = False
            return
        self._buffer += piece
        if len(self._buffer) > self.max_line:
            self._buffer.clear()
            self.counters.discarded_overlong += 1
            return
        raw = bytes(self._buffer)
        self._buffer.clear()
        log_at = raw.find(_LOG_START)
        if log_at >= 0 and raw.endswith((b"}", b"}\r")):
            # `D:{...}\r?\n` inside (or as) this line: emit it, keep what came before it.
            self.counters.log_messages += 1
            self._emit(raw[log_at:], lines)
            self._buffer += raw[:log_at]
            return
        self._emit(raw, lines)

    def _emit(self, raw: bytes, lines: list[str]) -> None:
        text = raw.decode(ENCODING).translate(_DEGREE).rstrip("\r")
        if text:
            self.counters.lines += 1
            lines.append(text)
