"""The production Sheet on a stand-in for Google: batch sensors, outages, a revoked key."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.cellar_brewpi.const import CONF_SERVICE_ACCOUNT, CONF_SHEET, DOMAIN
from scripts.stand_ins.google_sheets import KEY_ID, SHEET_ID, TAB, FakeGoogle, api_error
from scripts.victoria_metrics import VictoriaMetrics
from tests.ha import (
    PANEL_UNIQUE_ID,
    AddServices,
    add_entry,
    influx_options,
    issue_ids,
    reauth_flows,
    sheet_options,
    until,
)
from tests.recording.conftest import FakeInflux

BEER = "sensor.fv_10_1_beer"
BATCH = "sensor.fv_10_1_batch_number"
DAYS = "sensor.fv_10_1_days_in_vessel"
HAZY_BREWED = date(2020, 10, 20)


async def _sync(hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: float = 10) -> None:
    """Move the clock on by the sync interval; the Sheet is read (real I/O) and waited for."""
    freezer.tick(timedelta(minutes=minutes))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def json_text(account: dict[str, Any]) -> str:
    """A key as pasted into the form."""
    return json.dumps(account, indent=2)


def _state(hass: HomeAssistant, entity_id: str) -> str:
    return hass.states.get(entity_id).state


async def test_batch_sensors_on_the_vessels(
    hass: HomeAssistant,
    add_services: AddServices,
    google: FakeGoogle,
    account: dict[str, Any],
    panel_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await add_services(sheet=sheet_options(account))
    await add_entry(hass, panel_entry)

    beer = hass.states.get(BEER)
    assert beer.state == "Hazy"
    assert beer.attributes == beer.attributes | {
        "og": "15.1",
        "fg": None,
        "actual_volume": "11",
        "batch_size": "10 bbl",
        "date_brewed": "2020-10-20",
        "notes": "dry hop d3",
        "sheet_row": 2,
    }
    assert _state(hass, BATCH) == "90"
    assert "og" not in hass.states.get(BATCH).attributes
    days = hass.states.get(DAYS)
    assert int(days.state) == (dt_util.now().date() - HAZY_BREWED).days
    assert days.attributes["unit_of_measurement"] == "d"
    assert _state(hass, "sensor.fv_10_2_beer") == "Pils"
    # A vessel no row names has no batch.
    assert _state(hass, "sensor.fv_10_3_beer") == STATE_UNKNOWN
    assert _state(hass, "sensor.fv_10_3_days_in_vessel") == STATE_UNKNOWN
    # The sensors belong to the panel's vessel devices.
    entity = er.async_get(hass).async_get(BEER)
    device = dr.async_get(hass).async_get(entity.device_id)
    assert device.identifiers == {(DOMAIN, f"{PANEL_UNIQUE_ID}-slot-1")}

    # The Sheet is unreachable: the last good batch data stays.
    google.api_answer = api_error(503, "UNAVAILABLE", "The service is currently unavailable.")
    asked = len(google.api_requests)
    await _sync(hass, freezer)
    assert len(google.api_requests) == asked + 1
    assert _state(hass, BEER) == "Hazy"
    assert _state(hass, BATCH) == "90"

    # Back, with a new batch in the vessel: shown at the next sync.
    google.api_answer = None
    rows = google.sheets[SHEET_ID][TAB]
    rows.insert(1, ["91", "", "Lager", "11/2/2020", "10 bbl", "FV 10/1"])
    await _sync(hass, freezer)
    assert _state(hass, BEER) == "Lager"
    assert _state(hass, BATCH) == "91"
    assert int(_state(hass, DAYS)) == (dt_util.now().date() - date(2020, 11, 2)).days


async def test_without_the_sheet_the_batch_sensors_wait_for_a_batch(
    hass: HomeAssistant, add_services: AddServices, panel_entry: MockConfigEntry
) -> None:
    """No Sheet: a vessel's batch is entered here (`tests/fermenters`); none entered, unknown."""
    await add_services()
    await add_entry(hass, panel_entry)
    assert _state(hass, BEER) == STATE_UNKNOWN
    assert _state(hass, "sensor.fv_10_1_temperature") != STATE_UNAVAILABLE


async def test_sheet_down_at_start(
    hass: HomeAssistant,
    add_services: AddServices,
    google: FakeGoogle,
    account: dict[str, Any],
    panel_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The rest of the services start anyway; the batches come when the Sheet answers."""
    google.api_answer = api_error(500, "INTERNAL", "Internal error.")
    entry = await add_services(sheet=sheet_options(account))
    assert entry.state is ConfigEntryState.LOADED
    await add_entry(hass, panel_entry)
    assert _state(hass, BEER) == STATE_UNAVAILABLE

    google.api_answer = None
    await _sync(hass, freezer)
    assert _state(hass, BEER) == "Hazy"


async def test_revoked_key_asks_for_a_new_one(
    hass: HomeAssistant,
    add_services: AddServices,
    google: FakeGoogle,
    account: dict[str, Any],
    panel_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = await add_services(sheet=sheet_options(account))
    await add_entry(hass, panel_entry)
    assert _state(hass, BEER) == "Hazy"

    # The key is deleted in Google's console: its tokens stop working, no new one is granted.
    google.revoked_key_ids.add(KEY_ID)
    google.tokens.clear()
    await _sync(hass, freezer)
    (flow,) = reauth_flows(hass, entry)
    assert flow["step_id"] == "reauth_confirm"
    assert f"{entry.entry_id}_sheet_auth" in issue_ids(hass)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{entry.entry_id}_sheet_auth")
    assert issue.severity is ir.IssueSeverity.ERROR
    # The last good batch data stays, and the Sheet is not asked again and again.
    assert _state(hass, BEER) == "Hazy"
    asked = len(google.seen)
    for _ in range(3):
        await _sync(hass, freezer)
    assert len(google.seen) == asked
    assert entry.state is ConfigEntryState.LOADED

    # Not a key, then the revoked key, then a new key.
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_SERVICE_ACCOUNT: "{not json"}
    )
    assert result["errors"] == {CONF_SERVICE_ACCOUNT: "invalid_service_account"}
    assert result["description_placeholders"]["part"] == CONF_SHEET
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_SERVICE_ACCOUNT: json_text(account)}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    new_key = {**account, "private_key_id": "fedcba9876543210"}
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_SERVICE_ACCOUNT: json_text(new_key)}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.options[CONF_SHEET] == sheet_options(new_key)
    assert _state(hass, BEER) == "Hazy"
    assert f"{entry.entry_id}_sheet_auth" not in issue_ids(hass)
    assert reauth_flows(hass, entry) == []


async def test_panel_points_carry_the_batch(
    hass: HomeAssistant,
    add_services: AddServices,
    google: FakeGoogle,
    account: dict[str, Any],
    victoria: VictoriaMetrics,
    panel_entry: MockConfigEntry,
) -> None:
    await victoria.start()
    await add_services(influxdb=influx_options(victoria.url), sheet=sheet_options(account))
    panel = await add_entry(hass, panel_entry)
    read_at = panel.runtime_data.data.read_at
    days = (dt_util.as_local(read_at).date() - HAZY_BREWED).days  # the local day, as counted

    async def exported() -> list[dict[str, Any]]:
        for _ in range(200):
            series = await victoria.export('{__name__="cellar_panel_read_days_in_vessel"}')
            if len(series) == 9:
                return series
            await asyncio.sleep(0.05)
        raise AssertionError("the points did not arrive")

    series = {s["metric"]["vessel"]: s for s in await exported()}
    assert series["FV 10/1"]["metric"]["batch_number"] == "90"
    assert series["FV 10/1"]["values"] == [days]
    assert series["FV 10/1"]["timestamps"] == [int(read_at.timestamp() * 1000)]
    assert series["FV 10/2"]["metric"]["batch_number"] == "89"
    assert series["FV 10/3"]["metric"]["batch_number"] == "0"
    assert series["FV 10/3"]["values"] == [0]


async def test_days_in_vessel_are_counted_in_local_days(
    hass: HomeAssistant,
    add_services: AddServices,
    google: FakeGoogle,
    account: dict[str, Any],
    fake_influx: FakeInflux,
    panel_entry: MockConfigEntry,
) -> None:
    """
    Where the local day is not UTC's (a US evening), the sensor and the InfluxDB tag agree.

    The clock is real (the drain is real I/O), so the time zone is chosen to make today's local
    date differ from UTC's: 14 hours ahead late in the UTC day, 12 hours behind early in it.
    """
    zone = "Pacific/Kiritimati" if dt_util.utcnow().hour >= 12 else "Etc/GMT+12"
    await hass.config.async_set_time_zone(zone)
    local = dt_util.now().date()
    assert local != dt_util.utcnow().date()
    await add_services(influxdb=influx_options(fake_influx.url), sheet=sheet_options(account))
    await add_entry(hass, panel_entry)
    local_days = (local - HAZY_BREWED).days
    assert int(_state(hass, DAYS)) == local_days
    await until(lambda: any("FV\\ 10/1" in line for line in fake_influx.accepted))
    (line,) = [line for line in fake_influx.accepted if "vessel=FV\\ 10/1" in line]
    assert f"days_in_vessel={local_days}i" in line
