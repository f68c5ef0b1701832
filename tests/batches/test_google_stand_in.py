"""The development side of the Google stand-in: its key file and its production tab."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

from custom_components.cellar_brewpi.alpha_panel.models import DEFAULT_LABELS
from custom_components.cellar_brewpi.batches import SheetSettings, batches_from_rows
from custom_components.cellar_brewpi.batches.client import BatchSheet
from scripts.stand_ins.google_sheets import (
    SHEET_ID,
    TAB,
    FakeGoogle,
    load_or_create_key,
    production_rows,
)


def test_production_rows_fill_the_default_vessels() -> None:
    today = date(2026, 3, 1)
    rows = production_rows(DEFAULT_LABELS.values(), today)
    batches, malformed = batches_from_rows(rows)
    assert malformed == []
    assert set(batches) == set(DEFAULT_LABELS.values())
    first = batches["FV 10/1"]
    assert (first.batch_number, first.row) == ("120", 2)  # not the older batch further down
    assert first.days_in_vessel(today) == 2
    assert batches["BT 10/1"].days_in_vessel(today) == 26
    assert batches["FV 20/1"].batch_size == "20 bbl"
    assert production_rows([], today) == rows[:1]


def test_key_file_is_made_once_and_follows_the_port(tmp_path: Path) -> None:
    path = tmp_path / "config" / "key.json"
    here, there = "http://127.0.0.1:8090/token", "http://127.0.0.1:9000/token"
    made = load_or_create_key(path, here)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == made.info
    assert made.info["token_uri"] == here

    again = load_or_create_key(path, here)
    assert again.info == made.info  # the key pasted into Home Assistant stays valid

    moved = load_or_create_key(path, there)
    assert moved.info["private_key"] == made.info["private_key"]
    assert json.loads(path.read_text())["token_uri"] == there

    path.write_text("not a key")
    assert load_or_create_key(path, here).info["private_key"] != made.info["private_key"]


def test_key_file_works_against_the_stand_in(tmp_path: Path, google: FakeGoogle) -> None:
    """As in development: the key from the file, the stand-in checking it, a rerouted read."""
    account = load_or_create_key(tmp_path / "key.json", google.token_uri)
    google.public_key = account.public_key
    google.sheets = {SHEET_ID: {TAB: production_rows(DEFAULT_LABELS.values(), date(2026, 3, 1))}}
    sheet = BatchSheet(SheetSettings(account.info, SHEET_ID, TAB))
    try:
        sheet.check()
        assert set(sheet.read()) == set(DEFAULT_LABELS.values())
    finally:
        sheet.close()
    assert len(google.token_requests) == 1
