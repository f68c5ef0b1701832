"""
Alpha glycol cellar panel: page parsing and an asyncio HTTP client (no Home Assistant imports).

The panel serves numbered pages (`001.html`, `002.html`, ...) whose JavaScript values array holds
one `[temperature, set point, valve]` triple per control slot, in °F, and takes set point writes at
`submit.html`. See `AlphaPanel` for the client, `parse_values` for the page format.
"""

from .client import AlphaPanel, page_path, write_param
from .errors import (
    AlphaPanelConnectionError,
    AlphaPanelError,
    AlphaPanelParseError,
    AlphaPanelWriteError,
)
from .models import (
    ADDRESS_BASE,
    DEFAULT_LABELS,
    DEFAULT_PAGES,
    DEFAULT_SLOTS,
    UI_SET_POINT_MAX_F,
    UI_SET_POINT_MIN_F,
    PanelReading,
    Slot,
    SlotReading,
    build_slots,
    make_slot,
)
from .parser import (
    SENTINEL_TEMPERATURE,
    parse_number,
    parse_slot,
    parse_slots,
    parse_values,
    parse_valve,
)

__all__ = [
    "ADDRESS_BASE",
    "DEFAULT_LABELS",
    "DEFAULT_PAGES",
    "DEFAULT_SLOTS",
    "SENTINEL_TEMPERATURE",
    "UI_SET_POINT_MAX_F",
    "UI_SET_POINT_MIN_F",
    "AlphaPanel",
    "AlphaPanelConnectionError",
    "AlphaPanelError",
    "AlphaPanelParseError",
    "AlphaPanelWriteError",
    "PanelReading",
    "Slot",
    "SlotReading",
    "build_slots",
    "make_slot",
    "page_path",
    "parse_number",
    "parse_slot",
    "parse_slots",
    "parse_values",
    "parse_valve",
    "write_param",
]
