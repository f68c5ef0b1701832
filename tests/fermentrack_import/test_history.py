"""An installation older than backups, with the recorder: the history graphs show the old beer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from homeassistant.components.recorder import get_instance
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.cellar_brewpi.const import DOMAIN
from custom_components.cellar_brewpi.fermenters import get_book
from scripts.emulators.brewpi import BrewPiEmulator
from scripts.fermentrack_backups import write_database
from tests.fermentrack_import.test_import import (
    ROWS,
    START,
    installation,
    run_import,
    start_flow,
    upload,
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Any, enable_custom_integrations: None, socket_enabled: None
) -> None:
    """The recorder set up before Home Assistant, as its tests need."""


async def test_an_installation_older_than_backups(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    brewpi_emulator: BrewPiEmulator,
    tmp_path: Path,
) -> None:
    """db.sqlite3 and a zip of data/; no InfluxDB here: batches and the history graphs."""
    await async_setup_component(hass, "http", {})
    inst = installation(brewpi_emulator.port)
    db, data = write_database(inst, tmp_path)
    flow = await start_flow(hass)
    files = {
        "backup": await upload(hass, hass_client, db),
        "data_folder": await upload(hass, hass_client, data),
    }
    found, done = await run_import(hass, flow, files, {"controllers": [str(1)]})
    assert found["description_placeholders"]["version"] == "database"
    summary = done["description_placeholders"]["summary"]
    assert "the logs of Hazy IPA, Old Stout: no InfluxDB recording" in summary
    entry = next(
        e for e in hass.config_entries.async_entries(DOMAIN) if e.title == "BrewPi fermenter1"
    )
    # The garage was not picked: its beer waits for it; the deleted controller's has no chamber.
    assert (
        "beer Lager unit change: its controller garage is not in Home Assistant: add it" in summary
    )
    past = {p["batch"]["beer"]: p for p in get_book(hass).past}
    assert past.keys() == {"Old Stout"}
    assert past["Old Stout"]["fermenter"] is None

    # The beer and fridge temperatures are in the chamber sensors' long-term statistics.
    await async_wait_recording_done(hass)
    registry = er.async_get(hass)
    sensor = registry.async_get_entity_id("sensor", DOMAIN, f"{entry.unique_id}-beer_temperature")
    assert sensor is not None
    stats = await get_instance(hass).async_add_executor_job(
        statistics_during_period, hass, START, None, {sensor}, "hour", None, {"mean", "min", "max"}
    )
    hours = stats[sensor]
    assert len(hours) == ROWS * 30 // 3600 + 1
    assert 16 < hours[0]["mean"] < 20.5
    assert hours[0]["min"] <= hours[0]["mean"] <= hours[0]["max"]
    assert f"{len(hours):,} hours of {sensor} into its history" in summary
