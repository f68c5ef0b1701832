"""Fixtures for profiles in Home Assistant: the profiles entry with a few profiles."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.cellar_brewpi.const import CONF_KIND, DOMAIN, KIND_PROFILES
from custom_components.cellar_brewpi.profiles import plain, text
from tests.ha import *  # noqa: F403

ALE = text.read(
    "Ale",
    """
    hold 18 C for 3d
    ramp to 21 C over 2d
    hold 21 C for 2d
    ramp to 2 C over 12h
    """,
)
LAGER = text.read(
    "Lager",
    """
    hold 10 C for 7d
    ramp to 14 C over 2d
    hold 14 C for 3d
    ramp to 1 C over 2d
    """,
)
GRAVITY = text.read(
    "Gravity ale",
    """
    hold 18 C for 10d or gravity 1.012
    hold 21 C for 2d and stable 1@24
    hold 2 C for 1d
    """,
)


async def settle(hass: HomeAssistant) -> None:
    """Let socket I/O in the client's own tasks run, then everything Home Assistant started."""
    for _ in range(20):
        await asyncio.sleep(0)
    await hass.async_block_till_done(wait_background_tasks=True)


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Move the clock on; a jump longer than the link's watchdog (180 s) drops and remakes a
    controller's link, as a host that slept would see."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await settle(hass)


async def start_profile(hass: HomeAssistant, entity_id: str, profile: str, **options: Any) -> None:
    """`cellar_brewpi.start_profile` on a thermostat, and what it set going."""
    await hass.services.async_call(
        DOMAIN,
        "start_profile",
        {"entity_id": entity_id, "profile": profile, **options},
        blocking=True,
    )
    await settle(hass)


def profile_subentry(profile: Any) -> dict[str, Any]:
    """A profile as the subentry the UI makes."""
    return {
        "data": plain.to_dict(profile),
        "subentry_type": "profile",
        "title": profile.name,
        "unique_id": None,
    }


@pytest.fixture
def profiles_entry() -> MockConfigEntry:
    """The profiles entry, with the ale, the lager and the gravity ale."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Fermentation profiles",
        data={CONF_KIND: KIND_PROFILES},
        subentries_data=[profile_subentry(p) for p in (ALE, LAGER, GRAVITY)],
    )


@pytest.fixture
async def loaded_profiles(hass: HomeAssistant, profiles_entry: MockConfigEntry) -> MockConfigEntry:
    """The profiles entry, set up."""
    profiles_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(profiles_entry.entry_id)
    await hass.async_block_till_done()
    return profiles_entry


ESP_CHAMBER = "climate.esp_chamber"
HEATER = "input_boolean.heater"
CHAMBER_SENSOR = "sensor.chamber_temperature"


@pytest.fixture
async def generic_thermostat(hass: HomeAssistant) -> str:
    """Another integration's thermostat: Home Assistant's own generic_thermostat, heating with an
    input_boolean on a sensor's reading, 0 to 30 °C in steps of 0.1."""
    assert await async_setup_component(hass, "homeassistant", {})  # it switches with turn_on/off
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": {"heater": {}}})
    hass.states.async_set(CHAMBER_SENSOR, "19.0", {"unit_of_measurement": "°C"})
    assert await async_setup_component(
        hass,
        "climate",
        {
            "climate": [
                {
                    "platform": "generic_thermostat",
                    "name": "ESP chamber",
                    "heater": HEATER,
                    "target_sensor": CHAMBER_SENSOR,
                    "min_temp": 0,
                    "max_temp": 30,
                    "target_temp": 20,
                    "initial_hvac_mode": "heat",
                    "precision": 0.1,
                    "target_temp_step": 0.1,
                }
            ]
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get(ESP_CHAMBER).attributes["temperature"] == 20
    return ESP_CHAMBER
