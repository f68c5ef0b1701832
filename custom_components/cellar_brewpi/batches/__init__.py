"""
Google Sheet batches: which beer is in which vessel, from the brewery's production sheet.

No Home Assistant imports; every call blocks, so the integration runs it in the executor.

`BatchSheet.read()` fetches the whole tab with one values.get through gspread and a service
account (read-only scope); `batches_from_rows` turns the values into `Batch`es by vessel label.
See `models` for the sheet layout and `client` for timeouts and error mapping. Every error derives
from `SheetError` (`errors`); `SheetUnavailableError` is the transient one.

The client (and gspread with it) is imported on first use of its names: the models and the errors
load without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    SheetAuthError,
    SheetError,
    SheetFormatError,
    SheetNotFoundError,
    SheetUnavailableError,
)
from .models import COLUMNS, Batch, SheetSettings, batches_from_rows, parse_date

if TYPE_CHECKING:
    from .client import DEFAULT_TIMEOUT, SCOPES, BatchSheet

_CLIENT = frozenset({"DEFAULT_TIMEOUT", "SCOPES", "BatchSheet"})


def __getattr__(name: str) -> Any:
    """The client's names, imported when first asked for."""
    if name in _CLIENT:
        return getattr(importlib.import_module(f"{__name__}.client"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "COLUMNS",
    "DEFAULT_TIMEOUT",
    "SCOPES",
    "Batch",
    "BatchSheet",
    "SheetAuthError",
    "SheetError",
    "SheetFormatError",
    "SheetNotFoundError",
    "SheetSettings",
    "SheetUnavailableError",
    "batches_from_rows",
    "parse_date",
]
