"""
Parsing of the panel's pages: the `var V = ...` values array and the values in it.

Each numbered page (`001.html`, ...) renders itself from a JavaScript array of strings, e.g.
`var V = new Array("36.8","34","1",...);` inside a `<Script>` block. The original service took the
second `<Script>` block and the line starting with `var V =`; this parser is more tolerant: it looks
at every script block (the second first), ignores tag case and whitespace, and lets the statement
span lines. A value it cannot read becomes `None`; it never makes up a number.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from .errors import AlphaPanelParseError
from .models import SlotReading

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from .models import Slot

SENTINEL_TEMPERATURE = 1000.0
"""The value an unused, sensorless slot shows as its temperature (°F)."""

UNUSED_SET_POINT = 0.0
"""The set point an unused slot shows together with the sentinel temperature."""

_SCRIPT_OPEN = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.IGNORECASE)
_VAR_V = re.compile(r"\bvar\s+V\s*=")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_QUOTES = "\"'"
_OPENERS = "(["
_CLOSERS = ")]"

MISSING_VALUES_BLOCK = 'no <script> block with "var V ="'
UNCLOSED_VALUES_BLOCK = (
    'the <script> block with "var V =" has no closing </script> (truncated page?)'
)
UNCLOSED_VALUES_ARRAY = 'the "var V =" array is not closed (truncated page?)'
UNCLOSED_VALUE = 'a quoted value in the "var V =" array is not closed (truncated page?)'


def _script_blocks(page_text: str) -> Iterator[tuple[str, bool]]:
    """Yield the body of each `<script>` block and whether it has its closing tag."""
    pos = 0
    while (opening := _SCRIPT_OPEN.search(page_text, pos)) is not None:
        closing = _SCRIPT_CLOSE.search(page_text, opening.end())
        if closing is None:
            yield page_text[opening.end() :], False
            return
        yield page_text[opening.end() : closing.start()], True
        pos = closing.end()


def _scan_array(body: str, start: int) -> list[str]:
    """
    Return the quoted strings of the statement starting at `start`, up to its end.

    The statement ends at the bracket closing the array, at a `;`, or at the end of a line when no
    bracket is open (line breaks right after the `=` are skipped).
    """
    values: list[str] = []
    depth = 0
    started = False  # a line break before the first token does not end the statement
    index = start
    while index < len(body):
        char = body[index]
        if not started and not char.isspace():
            started = True
        if char in _QUOTES:
            end = body.find(char, index + 1)
            if end < 0:
                raise AlphaPanelParseError(UNCLOSED_VALUE)
            values.append(body[index + 1 : end])
            index = end + 1
            continue
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
            if depth <= 0:
                return values
        elif char == ";" or (char == "\n" and depth == 0 and started):
            break
        index += 1
    if depth > 0:
        raise AlphaPanelParseError(UNCLOSED_VALUES_ARRAY)
    return values


def parse_values(page_text: str) -> list[str]:
    """
    Return the strings of the page's `var V =` array, in order.

    Raises `AlphaPanelParseError` naming what is missing when no script block holds the array, when
    that block or the array is cut off, or when a quoted value is not closed.
    """
    blocks = list(_script_blocks(page_text))
    # The panel puts the array in the second block; look there first, then everywhere else.
    for body, closed in [*blocks[1:2], *blocks[:1], *blocks[2:]]:
        match = _VAR_V.search(body)
        if match is None:
            continue
        if not closed:
            raise AlphaPanelParseError(UNCLOSED_VALUES_BLOCK)
        return _scan_array(body, match.end())
    raise AlphaPanelParseError(MISSING_VALUES_BLOCK)


def _plain_number(text: str) -> float | None:
    """Return the finite decimal number `text` spells (whitespace around it allowed), or `None`."""
    stripped = text.strip()
    if _NUMBER.fullmatch(stripped) is None:
        return None
    value = float(stripped)
    return value if math.isfinite(value) else None


def parse_number(text: str) -> float | None:
    """
    Return the temperature or set point `text` shows, in °F.

    `None` for anything but a plain decimal number (no exponents, NaN, infinities or separators)
    and for the sentinel 1000 °F.
    """
    value = _plain_number(text)
    if value is None or value == SENTINEL_TEMPERATURE:
        return None
    return value


def parse_valve(text: str) -> bool | None:
    """Return `True` for `'1'`, `False` for `'0'` (whitespace allowed), `None` otherwise."""
    match text.strip():
        case "1":
            return True
        case "0":
            return False
        case _:
            return None


def _value_at(values: Sequence[str], index: int) -> str | None:
    """Return `values[index]`, or `None` when the array is too short."""
    return values[index] if 0 <= index < len(values) else None


def parse_slot(values: Sequence[str], slot: Slot) -> SlotReading:
    """
    Return the reading of `slot` from the combined values array of all pages.

    Values missing from a short array are `None`. A slot showing the sentinel temperature has no
    temperature, and its set point of 0 (the unused-slot marker) is unknown too.
    """
    raw_temperature = _value_at(values, slot.position)
    raw_set_point = _value_at(values, slot.set_point_position)
    raw_valve = _value_at(values, slot.valve_position)

    temperature = None if raw_temperature is None else parse_number(raw_temperature)
    set_point = None if raw_set_point is None else parse_number(raw_set_point)
    unused = raw_temperature is not None and _plain_number(raw_temperature) == SENTINEL_TEMPERATURE
    if unused and set_point == UNUSED_SET_POINT:
        set_point = None
    return SlotReading(
        slot=slot,
        temperature=temperature,
        set_point=set_point,
        valve_open=None if raw_valve is None else parse_valve(raw_valve),
        unused=unused,
    )


def parse_slots(values: Sequence[str], slots: Sequence[Slot]) -> dict[int, SlotReading]:
    """Return the readings of `slots`, keyed by slot number."""
    return {slot.number: parse_slot(values, slot) for slot in slots}
