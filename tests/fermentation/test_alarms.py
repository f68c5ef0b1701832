"""A chamber's off-target alarm asks the profile runner: quiet while the profile ramps."""

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
OFF_TARGET = "binary_sensor.brewpi_fermenter1_off_target"


def _quiet(hass: HomeAssistant) -> str | None:
    return hass.states.get(OFF_TARGET).attributes.get("quiet")


async def test_off_target_is_quiet_while_a_profile_ramps(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    brewpi_emulator: BrewPiEmulator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
    advance: Advance,
) -> None:
    await hass.services.async_call(
        DOMAIN, "start_profile", {"entity_id": CLIMATE, "profile": "Ale"}, blocking=True
    )
    await hass.async_block_till_done()
    assert _quiet(hass) == "settling"  # holding 18, a new target
    # Day 4: on the ramp to 21 (the beer, frozen at 20.5, is not far off anyway).
    await tick(hass, freezer, timedelta(days=3, hours=18))
    await advance(lambda: _quiet(hass) == "ramping")
    # Paused, the target stands still: no longer ramping.
    await hass.services.async_call(DOMAIN, "pause_profile", {"entity_id": CLIMATE}, blocking=True)
    await tick(hass, freezer, timedelta(minutes=1))
    await advance(lambda: _quiet(hass) != "ramping")
    assert hass.states.get(OFF_TARGET).state == "off"
