"""Batches without the Sheet: entered in the options or by an action, kept in the batch book."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.cellar_brewpi.const import DOMAIN
from custom_components.cellar_brewpi.fermenters import get_book
from custom_components.cellar_brewpi.fermenters.book import STORE_KEY

CHAMBER = "climate.brewpi_fermenter1"
BEER = "sensor.brewpi_fermenter1_beer"
BATCH = "sensor.brewpi_fermenter1_batch_number"
DAYS = "sensor.brewpi_fermenter1_days_in_vessel"
ATTENUATION = "sensor.brewpi_fermenter1_apparent_attenuation"
ABV = "sensor.brewpi_fermenter1_abv"
TILT = "input_number.tilt_gravity"


def _state(hass: HomeAssistant, entity_id: str) -> str:
    return hass.states.get(entity_id).state


async def open_batch_form(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    """The controller's options menu, then its batch step."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["controller_settings", "batch"]
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "batch"}
    )


async def a_tilt(hass: HomeAssistant, value: float = 1.052, unit: str | None = None) -> None:
    """A gravity sensor of another integration: an input number, as a manual hydrometer."""
    config: dict[str, Any] = {"min": 0.9, "max": 30, "step": 0.001, "initial": value}
    if unit is not None:
        config["unit_of_measurement"] = unit
    assert await async_setup_component(
        hass, "input_number", {"input_number": {"tilt_gravity": config}}
    )
    await hass.async_block_till_done()


async def set_tilt(hass: HomeAssistant, value: float) -> None:
    await hass.services.async_call(
        "input_number", "set_value", {"entity_id": TILT, "value": value}, blocking=True
    )
    await hass.async_block_till_done()


async def test_a_chamber_s_batch_from_the_options(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    assert _state(hass, BEER) == STATE_UNKNOWN
    assert _state(hass, ABV) == STATE_UNKNOWN
    await a_tilt(hass)
    brewed = dt_util.now().date() - timedelta(days=3)
    form = await open_batch_form(hass, loaded_entry)
    assert form["step_id"] == "batch"
    assert form["description_placeholders"]["name"] == "BrewPi fermenter1"
    options_before = dict(loaded_entry.options)
    result = await hass.config_entries.options.async_configure(
        form["flow_id"],
        {
            "beer": " Hazy IPA ",
            "batch_number": "91",
            "date_brewed": brewed.isoformat(),
            "original_gravity": 1.060,
            "volume": "20 L",
            "notes": "dry hop day 3",
            "gravity_sensor": TILT,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    # The entry's options are untouched: nothing reloaded.
    assert dict(loaded_entry.options) == options_before
    beer = hass.states.get(BEER)
    assert beer.state == "Hazy IPA"
    assert beer.attributes["source"] == "entered"
    assert beer.attributes["og"] == "1.060"
    assert beer.attributes["actual_volume"] == "20 L"
    assert beer.attributes["notes"] == "dry hop day 3"
    assert beer.attributes["date_brewed"] == brewed.isoformat()
    assert beer.attributes["sheet_row"] is None
    assert _state(hass, BATCH) == "91"
    assert _state(hass, DAYS) == "3"
    # OG 1.060, the Tilt at 1.052: 13.3 % apparent attenuation, 1.05 % ABV.
    assert float(_state(hass, ATTENUATION)) == pytest.approx(13.3)
    assert float(_state(hass, ABV)) == pytest.approx(1.1)
    assert hass.states.get(ABV).attributes == hass.states.get(ABV).attributes | {
        "original_gravity": pytest.approx(1.06),
        "gravity": pytest.approx(1.052),
        "gravity_sensor": TILT,
        "unit_of_measurement": "%",
    }
    await set_tilt(hass, 1.012)
    assert float(_state(hass, ATTENUATION)) == pytest.approx(80.0)
    assert float(_state(hass, ABV)) == pytest.approx(6.3)
    # Kept in .storage, as it was entered.
    stored = hass_storage[STORE_KEY]["data"]["fermenters"]["fermenter1"]
    assert stored["batch"]["beer"] == "Hazy IPA"
    assert stored["gravity_sensor"] == TILT

    # The form shows the batch again; a correction keeps it the same batch.
    form = await open_batch_form(hass, loaded_entry)
    suggested = {
        key.schema: key.description["suggested_value"]
        for key in form["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested["beer"] == "Hazy IPA"
    assert suggested["original_gravity"] == pytest.approx(1.06)
    assert suggested["gravity_sensor"] == TILT
    await hass.config_entries.options.async_configure(
        form["flow_id"], {**suggested, "volume": "19 L"}
    )
    await hass.async_block_till_done()
    assert hass.states.get(BEER).attributes["actual_volume"] == "19 L"
    assert get_book(hass).past == []


async def test_the_form_wants_a_beer_s_name(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    form = await open_batch_form(hass, loaded_entry)
    result = await hass.config_entries.options.async_configure(
        form["flow_id"], {"beer": "  ", "batch_number": "12"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"beer": "beer_required"}
    # An OG out of range never reaches the book.
    with pytest.raises(Exception, match="original_gravity"):
        await hass.config_entries.options.async_configure(
            form["flow_id"], {"beer": "Pils", "original_gravity": 1.5}
        )
    assert get_book(hass).entered("fermenter1") is None


async def test_a_batch_by_action_then_the_next_one(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    await hass.services.async_call(
        DOMAIN,
        "set_batch",
        {"entity_id": CHAMBER, "beer": "Pils", "batch_number": "7", "date_brewed": "2026-11-20"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert _state(hass, BEER) == "Pils"
    assert _state(hass, DAYS) == str((dt_util.now().date() - date(2026, 11, 20)).days)
    # No OG: no attenuation, whatever the gravity.
    assert _state(hass, ATTENUATION) == STATE_UNKNOWN

    await hass.services.async_call(
        DOMAIN,
        "set_batch",
        {"entity_id": CHAMBER, "beer": "Dunkel", "batch_number": "8"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert _state(hass, BEER) == "Dunkel"
    (past,) = get_book(hass).past
    assert past["fermenter"] == "fermenter1"
    assert past["batch"]["beer"] == "Pils"
    assert past["batch"]["date_brewed"] == "2026-11-20"

    await hass.services.async_call(DOMAIN, "end_batch", {"entity_id": CHAMBER}, blocking=True)
    await hass.async_block_till_done()
    assert _state(hass, BEER) == STATE_UNKNOWN
    assert _state(hass, BATCH) == STATE_UNKNOWN
    assert [p["batch"]["beer"] for p in get_book(hass).past] == ["Pils", "Dunkel"]


async def test_batch_actions_refuse_what_is_not_a_chamber_or_vessel(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    hass.states.async_set("climate.other", "heat")
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN, "set_batch", {"entity_id": "climate.other", "beer": "Pils"}, blocking=True
        )
    assert raised.value.translation_key == "not_a_fermenter"
    assert "climate.other is not a chamber or vessel" in str(raised.value)


async def test_the_batch_and_the_gravity_link_outlive_a_restart(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    await a_tilt(hass, 12.0, "°P")
    await hass.services.async_call(
        DOMAIN,
        "set_batch",
        {"entity_id": CHAMBER, "beer": "Helles", "original_gravity": 1.048},
        blocking=True,
    )
    await hass.services.async_call(
        DOMAIN, "link_gravity_sensor", {"entity_id": CHAMBER, "gravity_sensor": TILT}, blocking=True
    )
    await hass.async_block_till_done()
    # 12 °P is 1.0484: nothing fermented yet.
    assert float(_state(hass, ATTENUATION)) == pytest.approx(-0.9, abs=0.2)
    # A new book on the stored data: what a restart reads.
    book = get_book(hass)
    reread = type(book)(hass)
    await reread.async_load()
    assert reread.entered("fermenter1") == book.entered("fermenter1")
    assert reread.gravity_sensor("fermenter1") == TILT
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert _state(hass, BEER) == "Helles"
    await set_tilt(hass, 3.0)  # °P
    assert float(_state(hass, ATTENUATION)) == pytest.approx(75.6, abs=0.2)
    # Unlinked: the figures go unknown.
    await hass.services.async_call(
        DOMAIN, "link_gravity_sensor", {"entity_id": CHAMBER}, blocking=True
    )
    await hass.async_block_till_done()
    assert _state(hass, ATTENUATION) == STATE_UNKNOWN
    assert hass_storage[STORE_KEY]["data"]["fermenters"]["fermenter1"]["gravity_sensor"] is None


async def test_days_in_vessel_turn_over_at_local_midnight(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    today = dt_util.now().date()
    await hass.services.async_call(
        DOMAIN,
        "set_batch",
        {"entity_id": CHAMBER, "beer": "Pils", "date_brewed": today.isoformat()},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert _state(hass, DAYS) == "0"
    midnight = dt_util.start_of_local_day(today + timedelta(days=1))
    freezer.move_to(midnight + timedelta(seconds=0.5))
    async_fire_time_changed(hass, midnight + timedelta(seconds=0.5))
    await hass.async_block_till_done()
    assert _state(hass, DAYS) == "1"


async def test_a_removed_vessel_s_batch_retires(
    hass: HomeAssistant, loaded_panel: MockConfigEntry
) -> None:
    """A vessel added later in the same slot starts empty; the batch is in the history."""
    await a_tilt(hass)
    for slot in ("climate.fv_10_1", "climate.fv_10_2"):
        await hass.services.async_call(
            DOMAIN, "set_batch", {"entity_id": slot, "beer": f"Beer of {slot}"}, blocking=True
        )
        await hass.services.async_call(
            DOMAIN,
            "link_gravity_sensor",
            {"entity_id": slot, "gravity_sensor": TILT},
            blocking=True,
        )
    result = await hass.config_entries.options.async_init(loaded_panel.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "remove_vessels"}
    )
    await hass.config_entries.options.async_configure(result["flow_id"], {"slots": ["1"]})
    await hass.async_block_till_done()
    book = get_book(hass)
    key = f"{loaded_panel.unique_id}-slot-1"
    assert book.entered(key) is None
    assert book.gravity_sensor(key) is None
    assert [(p["fermenter"], p["batch"]["beer"]) for p in book.past] == [
        (key, "Beer of climate.fv_10_1")
    ]
    assert book.entered(f"{loaded_panel.unique_id}-slot-2").beer == "Beer of climate.fv_10_2"
    # The panel removed: its other batches retire too.
    await hass.config_entries.async_remove(loaded_panel.entry_id)
    await hass.async_block_till_done()
    assert book.entered(f"{loaded_panel.unique_id}-slot-2") is None
    assert len(book.past) == 2
