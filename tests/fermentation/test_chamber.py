"""A profile on a BrewPi chamber, driven by the clock, against the emulator over TCP."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.const import DOMAIN
from scripts.emulators.brewpi import BrewPiEmulator
from tests.ha import Advance

from .conftest import tick

CLIMATE = "climate.brewpi_fermenter1"
SELECT = "select.brewpi_fermenter1_profile"
TARGET = "sensor.brewpi_fermenter1_profile_target"
STEP = "sensor.brewpi_fermenter1_profile_step"


def _target(hass: HomeAssistant) -> float | None:
    state = hass.states.get(CLIMATE)
    return state.attributes.get("temperature") if state else None


def _writes(emulator: BrewPiEmulator) -> list[str]:
    return [c for c in emulator.commands_received if c.startswith("j")]


async def test_a_profile_moves_the_chamber(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
    advance: Advance,
) -> None:
    assert hass.states.get(SELECT).attributes["options"] == ["none", "Ale", "Gravity ale", "Lager"]
    await hass.services.async_call(
        DOMAIN, "start_profile", {"entity_id": CLIMATE, "profile": "Ale"}, blocking=True
    )
    await hass.async_block_till_done()
    assert brewpi_emulator.mode == "p"
    assert hass.states.get(CLIMATE).attributes["preset_mode"] == "beer_profile"
    assert hass.states.get(CLIMATE).attributes["temperature"] == 18.0
    assert hass.states.get(SELECT).state == "Ale"
    assert float(hass.states.get(TARGET).state) == 18.0
    assert hass.states.get(STEP).state == "Hold 18 °C for 3 days"
    writes = len(_writes(brewpi_emulator))

    # Six hours of holding, a minute at a time (the link stays up): no write.
    for _ in range(6 * 60):
        await tick(hass, freezer, timedelta(minutes=1))
    assert len(_writes(brewpi_emulator)) == writes

    # Half way up the ramp (day 4): 19.5.
    await tick(hass, freezer, timedelta(days=3, hours=18))
    await advance(lambda: _target(hass) == 19.5)
    assert hass.states.get(STEP).state == "Heat to 21 °C over the next 2 days"
    assert brewpi_emulator.mode == "p"

    # After the end: beer constant at 2 °C, the run forgotten.
    await tick(hass, freezer, timedelta(days=4))
    await advance(lambda: _target(hass) == 2.0)
    assert brewpi_emulator.mode == "b"
    assert hass.states.get(SELECT).state == "none"
