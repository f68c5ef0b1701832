"""The profiles entry's diagnostics: its profiles, thermostats and the runs as stored."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.cellar_brewpi.const import DOMAIN
from custom_components.cellar_brewpi.profiles import Run

CLIMATE = "climate.brewpi_fermenter1"


async def test_diagnostics_show_the_runs(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_profiles: MockConfigEntry,
    loaded_entry: MockConfigEntry,
) -> None:
    await hass.services.async_call(
        DOMAIN,
        "start_profile",
        {"entity_id": CLIMATE, "profile": "Lager", "step": 2},
        blocking=True,
    )
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, loaded_profiles)
    assert diagnostics["profiles"] == ["Ale", "Gravity ale", "Lager"]
    assert diagnostics["thermostats"] == []
    run = Run.from_dict(diagnostics["runs"][CLIMATE])
    assert run.profile.name == "Lager"
    assert len(run.ended) == 1  # started at step 2: the first step counts as ended
