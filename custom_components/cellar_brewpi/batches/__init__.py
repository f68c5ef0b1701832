"""
Google Sheet batches: which beer is in which vessel, from the brewery's production sheet.

No Home Assistant imports; every call blocks, so the integration runs it in the executor.

`BatchSheet.read()` fetches the whole tab with one values.get through gspread and a service
account (read-only scope); `batches_from_rows` turns the values into `Batch`es by vessel label.
See `models` for the sheet layout and `client` for timeouts and error mapping. Every error derives
from `SheetError` (`errors`); `SheetUnavailableError` is the transient one.

`BatchSheet` is in `client`, which imports gspread; this package does not, so the models and the
errors load without it.
"""

from __future__ import annotations

from .errors import (
    SheetAuthError,
    SheetError,
    SheetFormatError,
    SheetNotFoundError,
    SheetUnavailableError,
)
from .models import COLUMNS, Batch, SheetSettings, batches_from_rows, parse_date

__all__ = [
    "COLUMNS",
    "Batch",
    "SheetAuthError",
    "SheetError",
    "SheetFormatError",
    "SheetNotFoundError",
    "SheetSettings",
    "SheetUnavailableError",
    "batches_from_rows",
    "parse_date",
]
