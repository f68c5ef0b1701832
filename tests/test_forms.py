"""Every form's number fields say their allowed range in words (the frontend hides the limits)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import NumberSelector
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.const import DOMAIN
from tests.ha import *  # noqa: F403 - the Home Assistant fixtures
from tests.ha import AddServices

TRANSLATIONS = json.loads(
    (Path(__file__).parents[1] / "custom_components/cellar_brewpi/translations/en.json").read_text()
)


def _number(value: float) -> str:
    return f"{value:g}"


def _check(result: dict[str, Any], section: str) -> int:
    """Assert each number field's description names its limits; return how many were checked."""
    descriptions = TRANSLATIONS[section]["step"][result["step_id"]].get("data_description", {})
    checked = 0
    for marker, selector in result["data_schema"].schema.items():
        if not isinstance(selector, NumberSelector):
            continue
        text = descriptions.get(str(marker), "")
        low, high = _number(selector.config["min"]), _number(selector.config["max"])
        assert low in text, (result["step_id"], str(marker), text)
        assert high in text, (result["step_id"], str(marker), text)
        checked += 1
    return checked


async def _config_form(hass: HomeAssistant, step: str) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    return await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": step})


async def _options_form(
    hass: HomeAssistant, entry: MockConfigEntry, *steps: dict[str, Any]
) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    for step in steps:
        result = await hass.config_entries.options.async_configure(result["flow_id"], step)
    return result


async def test_every_number_field_says_its_range(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    loaded_panel: MockConfigEntry,
    add_services: AddServices,
) -> None:
    checked = 0
    for step in ("network", "alpha_panel"):
        checked += _check(await _config_form(hass, step), "config")
    checked += _check(await loaded_entry.start_reconfigure_flow(hass), "config")
    checked += _check(await loaded_panel.start_reconfigure_flow(hass), "config")
    for step in ("controller_settings", "batch"):
        result = await _options_form(hass, loaded_entry, {"next_step_id": step})
        checked += _check(result, "options")
    for steps in (
        [{"next_step_id": "settings"}],
        [{"next_step_id": "alarms"}],
        [{"next_step_id": "add_vessel"}],
        [{"next_step_id": "edit_vessel"}, {"number": "1"}],
        [{"next_step_id": "batch_vessel"}, {"number": "1"}],
    ):
        checked += _check(await _options_form(hass, loaded_panel, *steps), "options")
    services = await add_services()
    for step in ("influxdb", "sheet", "master_alarm_minutes"):
        result = await _options_form(hass, services, {"next_step_id": step})
        checked += _check(result, "options")
    # The alarms' thresholds (a controller's, a panel's); the OG (a chamber's, a vessel's).
    assert checked == 17 + 8 + 8 + 2
