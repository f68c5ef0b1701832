"""The audit trail: a setpoint or preset change fires an event with who made it; its words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.climate import (
    ATTR_PRESET_MODE,
    SERVICE_SET_PRESET_MODE,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.logbook import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE
from homeassistant.core import Context, Event, HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_capture_events,
)

from custom_components.cellar_brewpi.audit import EVENT_SETPOINT_CHANGED
from custom_components.cellar_brewpi.const import DOMAIN
from custom_components.cellar_brewpi.logbook import async_describe_events, describe_setpoint_change
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.emulators.brewpi import BrewPiEmulator
from tests.ha import *  # noqa: F403

CHAMBER = "climate.brewpi_fermenter1"
VESSEL = "climate.fv_10_1"


async def _call(
    hass: HomeAssistant, entity_id: str, service: str, context: Context, **data: object
) -> None:
    await hass.services.async_call(
        CLIMATE_DOMAIN,
        service,
        {ATTR_ENTITY_ID: entity_id, **data},
        blocking=True,
        context=context,
    )


async def test_a_chamber_setpoint_by_a_user(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    hass_admin_user: MockUser,
) -> None:
    events = async_capture_events(hass, EVENT_SETPOINT_CHANGED)
    before = brewpi_emulator.beer_set
    context = Context(user_id=hass_admin_user.id)
    await _call(hass, CHAMBER, SERVICE_SET_TEMPERATURE, context, **{ATTR_TEMPERATURE: 18.5})
    await hass.async_block_till_done()
    assert [e.data for e in events] == [
        {
            "entity_id": CHAMBER,
            "from": before,
            "to": 18.5,
            "unit": "°C",
            "mode": "beer_constant",
            "from_mode": "beer_constant",
        }
    ]
    assert events[0].context.id == context.id
    assert events[0].context.user_id == hass_admin_user.id

    # The same setpoint again changes nothing: no event.
    await _call(hass, CHAMBER, SERVICE_SET_TEMPERATURE, context, **{ATTR_TEMPERATURE: 18.5})
    await hass.async_block_till_done()
    assert len(events) == 1


async def test_a_chamber_preset_by_an_automation(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """An automation's context (no user) goes with the event: the logbook names the automation."""
    events = async_capture_events(hass, EVENT_SETPOINT_CHANGED)
    automation = Context()
    await _call(
        hass, CHAMBER, SERVICE_SET_PRESET_MODE, automation, **{ATTR_PRESET_MODE: "fridge_constant"}
    )
    await hass.async_block_till_done()
    assert brewpi_emulator.mode == "f"
    assert len(events) == 1
    data = events[0].data
    assert (data["mode"], data["from_mode"], data["to"]) == (
        "fridge_constant",
        "beer_constant",
        brewpi_emulator.fridge_set,
    )
    assert events[0].context.id == automation.id
    assert events[0].context.user_id is None
    assert describe_setpoint_change(data).startswith("preset fridge constant")


async def test_a_vessel_setpoint_by_a_user(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    hass_admin_user: MockUser,
) -> None:
    events = async_capture_events(hass, EVENT_SETPOINT_CHANGED)
    before = panel_emulator.vessels[1].set_point
    assert before != 38
    context = Context(user_id=hass_admin_user.id)
    await _call(hass, VESSEL, SERVICE_SET_TEMPERATURE, context, **{ATTR_TEMPERATURE: 38})
    await hass.async_block_till_done()
    assert [e.data for e in events] == [
        {"entity_id": VESSEL, "from": before, "to": 38, "unit": "°F"}
    ]
    assert events[0].context.user_id == hass_admin_user.id


def _describer(hass: HomeAssistant) -> Callable[[Event], dict[str, Any]]:
    described: dict[str, Callable[[Event], dict[str, Any]]] = {}

    def collect(domain: str, event_type: str, describe: Callable[[Event], dict[str, Any]]) -> None:
        assert domain == DOMAIN
        described[event_type] = describe

    async_describe_events(hass, collect)
    return described[EVENT_SETPOINT_CHANGED]


async def test_the_logbook_words(hass: HomeAssistant) -> None:
    hass.states.async_set(VESSEL, "cool", {"friendly_name": "FV 10.1"})
    describe = _describer(hass)
    vessel = {"entity_id": VESSEL, "from": 40, "to": 38, "unit": "°F"}
    assert describe(Event(EVENT_SETPOINT_CHANGED, vessel)) == {
        LOGBOOK_ENTRY_NAME: "FV 10.1",
        LOGBOOK_ENTRY_MESSAGE: "setpoint 40 °F → 38 °F",
        LOGBOOK_ENTRY_ENTITY_ID: VESSEL,
    }
    by_profile = {**vessel, "from": 64, "to": 65, "profile": "Ale"}
    assert describe(Event(EVENT_SETPOINT_CHANGED, by_profile))[LOGBOOK_ENTRY_MESSAGE] == (
        "setpoint 64 °F → 65 °F by profile Ale"
    )
    # A thermostat Home Assistant does not know (any more): its entity id.
    gone = {**vessel, "entity_id": "climate.gone"}
    assert describe(Event(EVENT_SETPOINT_CHANGED, gone))[LOGBOOK_ENTRY_NAME] == "climate.gone"


def test_the_words_of_modes() -> None:
    chamber = {"entity_id": CHAMBER, "unit": "°C"}
    preset = {**chamber, "from": 18.5, "to": 18.5, "mode": "beer_constant", "from_mode": "off"}
    assert describe_setpoint_change(preset) == "preset beer constant"
    both = {**preset, "to": 19.0, "mode": "fridge_constant", "from_mode": "beer_constant"}
    assert describe_setpoint_change(both) == "preset fridge constant, setpoint 18.5 °C → 19 °C"
    remembered = {**chamber, "from": 18.0, "to": 17.0, "mode": "off", "from_mode": "off"}
    assert describe_setpoint_change(remembered) == "setpoint 18 °C → 17 °C"
    off_by_profile = {**chamber, "from": 2.0, "to": None, "profile": "Lager"}
    assert describe_setpoint_change(off_by_profile) == "setpoint 2 °C → off by profile Lager"
    unchanged = {**chamber, "from": 2.0, "to": 2.0}
    assert describe_setpoint_change(unchanged) == "setpoint 2 °C"
