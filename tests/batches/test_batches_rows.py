"""Parsing the production sheet's values: dates, header mapping, vessel matching, bad rows."""

from __future__ import annotations

from datetime import date

import pytest

from custom_components.cellar_brewpi.batches import (
    COLUMNS,
    Batch,
    SheetFormatError,
    SheetSettings,
    batches_from_rows,
    parse_date,
)
from scripts.stand_ins.google_sheets import HEADER

RHINO = ["88", "", "Rhino", "9/30/2020", "10 bbl", "FV 10/1", "12", "12.6", "3.3", "dry hop d3"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9/30/2020", date(2020, 9, 30)),
        ("09/03/2020", date(2020, 9, 3)),
        ("  9/30/2020 ", date(2020, 9, 30)),
        ("9/30/20", date(2020, 9, 30)),
        ("1/2/07", date(2007, 1, 2)),
        ("2020-09-30", date(2020, 9, 30)),
        ("2024-2-29", date(2024, 2, 29)),
        ("", None),
        ("   ", None),
        ("TBD", None),
        ("13/01/2020", None),
        ("2/30/2024", None),
        ("2023-02-29", None),
        ("9/30/202", None),
        ("9-30-2020", None),
        ("30.9.2020", None),
        ("9/30/2020 10:00", None),
        ("Sep 30, 2020", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_typical_row() -> None:
    batches, malformed = batches_from_rows([HEADER, RHINO])
    assert malformed == []
    assert batches == {
        "FV 10/1": Batch(
            vessel="FV 10/1",
            beer="Rhino",
            batch_number="88",
            date_brewed=date(2020, 9, 30),
            og="12.6",
            fg="3.3",
            actual_volume="12",
            batch_size="10 bbl",
            notes="dry hop d3",
            split=None,
            row=2,
        )
    }


def test_first_row_wins_and_labels_are_trimmed() -> None:
    rows = [
        HEADER,
        ["90", "", "Newest", "10/20/2020", "", "  FV 10/1 "],
        ["89", "", "Older", "10/01/2020", "", "FV 10/1"],
        ["88", "", "Oldest", "9/30/2020", "", "FV 10/1"],
        ["87", "", "Other", "9/01/2020", "", "BBT 3"],
    ]
    batches, malformed = batches_from_rows(rows)
    assert malformed == []
    assert set(batches) == {"FV 10/1", "BBT 3"}
    assert batches["FV 10/1"].beer == "Newest"
    assert batches["FV 10/1"].batch_number == "90"
    assert batches["FV 10/1"].row == 2
    assert batches["BBT 3"].row == 5


def test_matching_is_exact_after_trimming() -> None:
    rows = [HEADER, ["1", "", "A", "", "", "fv 10/1"], ["2", "", "B", "", "", "FV 10/1"]]
    batches, _ = batches_from_rows(rows)
    assert batches["fv 10/1"].beer == "A"
    assert batches["FV 10/1"].beer == "B"


def test_short_blank_and_vesselless_rows() -> None:
    rows = [
        HEADER,
        [],  # a blank row in the middle of the sheet
        ["", "", "", "", "", "", ""],
        ["91", "", "Planned", "11/01/2020"],  # shorter than the Vessel column (old KeyError)
        ["92", "", "No vessel", "11/02/2020", "", "   "],
        ["93", "", "Short", "11/03/2020", "", "FV 4"],  # ends at Vessel: OG, FG... absent
    ]
    batches, malformed = batches_from_rows(rows)
    assert malformed == []
    assert list(batches) == ["FV 4"]
    short = batches["FV 4"]
    assert short.row == 6
    assert (short.og, short.fg, short.notes, short.actual_volume) == (None, None, None, None)
    assert short.date_brewed == date(2020, 11, 3)


def test_header_by_name_extra_and_reordered_columns() -> None:
    rows = [
        ["Extra", "  vessel ", "BEER", "date   brewed", "Batch #", "og", "Unknown", "Notes"],
        ["x", "FV 1", "Pils", "2020-09-30", "7", "11.5", "y", "  ", "beyond the header"],
    ]
    batches, malformed = batches_from_rows(rows)
    assert malformed == []
    batch = batches["FV 1"]
    assert batch.beer == "Pils"
    assert batch.batch_number == "7"
    assert batch.og == "11.5"
    assert batch.date_brewed == date(2020, 9, 30)
    assert batch.notes is None  # blank cell
    assert (batch.fg, batch.split, batch.batch_size, batch.actual_volume) == (None,) * 4


def test_duplicate_header_first_column_wins() -> None:
    rows = [["Vessel", "Beer", "Beer"], ["FV 1", "first", "second"]]
    batches, _ = batches_from_rows(rows)
    assert batches["FV 1"].beer == "first"


def test_only_vessel_column() -> None:
    batches, malformed = batches_from_rows([["Vessel"], ["FV 2"]])
    assert malformed == []
    assert batches["FV 2"] == Batch("FV 2", None, None, None, None, None, None, None, None, None, 2)


def test_header_only_and_trailing_blank_rows() -> None:
    assert batches_from_rows([HEADER]) == ({}, [])
    assert batches_from_rows([HEADER, [], []]) == ({}, [])


def test_malformed_dates_reported_by_row_number() -> None:
    rows = [
        HEADER,
        ["1", "", "Good", "9/30/2020", "", "FV 1"],
        ["2", "", "Typo", "9/31/2020", "", "FV 2"],
        ["3", "", "Text", "soon", "", ""],  # no vessel, still a malformed date
        [],
        ["4", "", "Older", "garbage", "", "FV 1"],  # an older batch: reported, not used
        ["5", "", "Blank date", "", "", "FV 3"],  # an empty date is not malformed
    ]
    batches, malformed = batches_from_rows(rows)
    assert malformed == [3, 4, 6]
    assert batches["FV 2"].date_brewed is None
    assert batches["FV 2"].beer == "Typo"
    assert batches["FV 1"].beer == "Good"
    assert batches["FV 3"].date_brewed is None


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [[]],
        [["Batch #", "Beer", "Date Brewed"], ["1", "x", "9/30/2020", "FV 1"]],
        [["Batch #", "Beer", "Vessels"]],
    ],
)
def test_missing_vessel_column(rows: list[list[str]]) -> None:
    with pytest.raises(SheetFormatError, match="'Vessel'"):
        batches_from_rows(rows)


def test_days_in_vessel() -> None:
    batch, _ = batches_from_rows([HEADER, RHINO])
    rhino = batch["FV 10/1"]
    assert rhino.days_in_vessel(date(2020, 9, 30)) == 0
    assert rhino.days_in_vessel(date(2020, 10, 1)) == 1
    assert rhino.days_in_vessel(date(2021, 9, 30)) == 365
    assert rhino.days_in_vessel(date(2020, 9, 28)) == -2
    undated, _ = batches_from_rows([["Vessel", "Date Brewed"], ["FV 1", ""]])
    assert undated["FV 1"].days_in_vessel(date(2020, 10, 1)) is None


def test_columns_are_the_documented_headers() -> None:
    assert list(COLUMNS) == HEADER[:10]


def test_settings_repr_hides_the_key() -> None:
    settings = SheetSettings(
        service_account={"client_email": "a@b.iam", "private_key": "-----BEGIN SECRET"},
        sheet_id="sheet",
        tab="Main",
    )
    assert "SECRET" not in repr(settings)
    assert "SECRET" not in str(settings)
    assert repr(settings) == "SheetSettings(sheet_id='sheet', tab='Main', client_email='a@b.iam')"
    other = SheetSettings(service_account={}, sheet_id="sheet", tab="Main")
    assert settings == other  # the key does not take part in comparisons or hashing
    assert hash(settings) == hash(other)
