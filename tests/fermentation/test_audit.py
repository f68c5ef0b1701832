"""A profile's writes in the audit trail: the runner's context and the profile's name."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.cellar_brewpi.audit import EVENT_SETPOINT_CHANGED
from custom_components.cellar_brewpi.fermentation.runner import get_runner
from custom_components.cellar_brewpi.logbook import describe_setpoint_change
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.emulators.brewpi import BrewPiEmulator

from .conftest import start_profile

CHAMBER = "climate.brewpi_fermenter1"
VESSEL = "climate.fv_10_1"


async def test_a_profile_write_on_the_chamber(
    hass: HomeAssistant,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
) -> None:
    before = brewpi_emulator.beer_set
    assert before != 18.0
    events = async_capture_events(hass, EVENT_SETPOINT_CHANGED)
    await start_profile(hass, CHAMBER, "Ale")
    assert brewpi_emulator.beer_set == 18.0
    # One event: the runner's (the chamber's own handlers fire only for service calls).
    assert [e.data for e in events] == [
        {"entity_id": CHAMBER, "from": before, "to": 18.0, "unit": "°C", "profile": "Ale"}
    ]
    assert events[0].context.id == get_runner(hass).context.id
    assert (
        describe_setpoint_change(events[0].data) == f"setpoint {before:g} °C → 18 °C by profile Ale"
    )


async def test_a_profile_write_on_a_vessel(
    hass: HomeAssistant,
    panel_emulator: AlphaPanelEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_panel: MockConfigEntry,
) -> None:
    before = panel_emulator.vessels[1].set_point
    events = async_capture_events(hass, EVENT_SETPOINT_CHANGED)
    await start_profile(hass, VESSEL, "Ale")  # 18 °C: 64.4 °F, 64 in the vessel's whole degrees
    assert panel_emulator.vessels[1].set_point == 64
    assert [e.data for e in events] == [
        {"entity_id": VESSEL, "from": before, "to": 64, "unit": "°F", "profile": "Ale"}
    ]
    assert events[0].context.id == get_runner(hass).context.id
