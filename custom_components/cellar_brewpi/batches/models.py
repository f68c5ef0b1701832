"""
Sheet settings, batch rows and the parsing of the production sheet's values.

Row 1 of the tab is the header; columns are found by name (trimmed, case-insensitive), so their
order does not matter and extra columns are ignored. A data row belongs to the vessel named in its
`Vessel` cell; the first such row, top-down, wins (later rows are older batches in that vessel).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .errors import SheetFormatError
from .gravity import parse_gravity

COL_BATCH_NUMBER = "Batch #"
COL_SPLIT = "Split"
COL_BEER = "Beer"
COL_DATE_BREWED = "Date Brewed"
COL_BATCH_SIZE = "Batch Size"
COL_VESSEL = "Vessel"
COL_ACTUAL_VOLUME = "Actual Volume"
COL_OG = "OG"
COL_FG = "FG"
COL_NOTES = "Notes"

COLUMNS = (
    COL_BATCH_NUMBER,
    COL_SPLIT,
    COL_BEER,
    COL_DATE_BREWED,
    COL_BATCH_SIZE,
    COL_VESSEL,
    COL_ACTUAL_VOLUME,
    COL_OG,
    COL_FG,
    COL_NOTES,
)
"""The headers the library reads (columns A..J of the production sheet)."""

_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass(frozen=True)
class SheetSettings:
    """Where the batches live: a service account (its JSON key, parsed), a spreadsheet and a tab."""

    service_account: dict[str, Any] = field(repr=False, compare=False, hash=False)
    sheet_id: str
    tab: str

    def __repr__(self) -> str:
        """Name the sheet, the tab and the account's e-mail; never the key."""
        email = self.service_account.get("client_email")
        return (
            f"SheetSettings(sheet_id={self.sheet_id!r}, tab={self.tab!r}, client_email={email!r})"
        )


@dataclass(frozen=True)
class Batch:
    """
    A batch in a vessel: one data row of the production sheet, or one a brewer entered.

    Text cells are trimmed; empty cells are `None`.
    """

    vessel: str
    beer: str | None
    batch_number: str | None
    date_brewed: date | None
    og: str | None
    fg: str | None
    actual_volume: str | None
    batch_size: str | None
    notes: str | None
    split: str | None
    row: int | None = None
    """The sheet row number (1 is the header); `None` for a batch that is not from the sheet."""

    @property
    def original_gravity(self) -> float | None:
        """The OG as specific gravity (the sheet may write it in °Plato); `None` if unreadable."""
        return parse_gravity(self.og)

    def to_dict(self) -> dict[str, Any]:
        """The batch as JSON-ready values (`from_dict` reads them back)."""
        return {
            "vessel": self.vessel,
            "beer": self.beer,
            "batch_number": self.batch_number,
            "date_brewed": self.date_brewed.isoformat() if self.date_brewed else None,
            "og": self.og,
            "fg": self.fg,
            "actual_volume": self.actual_volume,
            "batch_size": self.batch_size,
            "notes": self.notes,
            "split": self.split,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Batch:
        """A batch from `to_dict`'s values; unknown keys are ignored, missing ones are `None`."""

        def text(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value).strip() or None

        brewed = text("date_brewed")
        return cls(
            vessel=text("vessel") or "",
            beer=text("beer"),
            batch_number=text("batch_number"),
            date_brewed=None if brewed is None else parse_date(brewed),
            og=text("og"),
            fg=text("fg"),
            actual_volume=text("actual_volume"),
            batch_size=text("batch_size"),
            notes=text("notes"),
            split=text("split"),
        )

    def days_in_vessel(self, today: date) -> int | None:
        """Whole days from `date_brewed` to `today` (negative if it is later); `None` if no date."""
        if self.date_brewed is None:
            return None
        return (today - self.date_brewed).days


def parse_date(text: str) -> date | None:
    """
    Parse a `Date Brewed` cell.

    Accepts `M/D/YYYY` (the sheet's format), `M/D/YY` (20YY) and ISO `YYYY-MM-DD`, ignoring
    surrounding blanks. Returns `None` for anything else, including an impossible date such as
    `2/30/2024`.
    """
    text = text.strip()
    if match := _US_DATE.fullmatch(text):
        month, day, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:  # noqa: PLR2004 - a two-digit year
            year += 2000
    elif match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _normalize_header(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _column_indexes(header: list[str]) -> dict[str, int]:
    """Map each known column to its index in `header` (first occurrence wins)."""
    wanted = {_normalize_header(name): name for name in COLUMNS}
    indexes: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = wanted.get(_normalize_header(cell))
        if name is not None and name not in indexes:
            indexes[name] = index
    return indexes


def batches_from_rows(rows: list[list[str]]) -> tuple[dict[str, Batch], list[int]]:
    """
    Turn the tab's values (row 1 the header) into batches by vessel label.

    Returns the batches keyed by the trimmed `Vessel` cell, the first row top-down winning, and
    the row numbers of malformed rows: rows whose `Date Brewed` cell is not empty and does not
    parse (their batch is still returned, with no date). Blank rows, short rows, rows without a
    vessel and extra columns are fine. Raises `SheetFormatError` when there is no `Vessel` header.
    """
    header = rows[0] if rows else []
    columns = _column_indexes(header)
    if COL_VESSEL not in columns:
        raise SheetFormatError(f"the sheet's header row has no {COL_VESSEL!r} column")

    def cell(row: list[str], name: str) -> str | None:
        index = columns.get(name)
        if index is None or index >= len(row):
            return None
        return str(row[index]).strip() or None

    batches: dict[str, Batch] = {}
    malformed: list[int] = []
    for number, row in enumerate(rows[1:], start=2):
        date_text = cell(row, COL_DATE_BREWED)
        date_brewed = None if date_text is None else parse_date(date_text)
        if date_text is not None and date_brewed is None:
            malformed.append(number)
        vessel = cell(row, COL_VESSEL)
        if vessel is None or vessel in batches:
            continue
        batches[vessel] = Batch(
            vessel=vessel,
            beer=cell(row, COL_BEER),
            batch_number=cell(row, COL_BATCH_NUMBER),
            date_brewed=date_brewed,
            og=cell(row, COL_OG),
            fg=cell(row, COL_FG),
            actual_volume=cell(row, COL_ACTUAL_VOLUME),
            batch_size=cell(row, COL_BATCH_SIZE),
            notes=cell(row, COL_NOTES),
            split=cell(row, COL_SPLIT),
            row=number,
        )
    return batches, malformed
