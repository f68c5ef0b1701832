"""The blueprints: HA's blueprint integration loads them, and automations made from them notify."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.components.automation.helpers import async_get_blueprints
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.cellar_brewpi.const import DOMAIN
from tests.ha import *  # noqa: F403
from tests.ha import MASTER_ALARM, AddServices, add_entry, until

BLUEPRINTS = Path(__file__).parent.parent / "blueprints" / "automation" / DOMAIN
CHAMBER = "climate.brewpi_fermenter1"
VESSEL = "climate.fv_10_1"
PHONE = "mobile_app_brewer_phone"
CRITICAL = {
    "priority": "high",
    "ttl": 0,
    "channel": "cellar_alarms",
    "push": {
        "interruption-level": "critical",
        "sound": {"name": "default", "critical": 1, "volume": 1.0},
    },
}


@pytest.fixture
def blueprints_installed(hass: HomeAssistant) -> None:
    """The repository's blueprints where HA keeps imported ones."""
    shutil.copytree(BLUEPRINTS, Path(hass.config.path("blueprints", "automation", DOMAIN)))


@pytest.fixture
def phone(hass: HomeAssistant) -> str:
    """A phone with the Companion app (its device); its notify action is a stand-in."""
    entry = MockConfigEntry(domain="mobile_app", title="Brewer phone")
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={("mobile_app", "brewer-phone")},
        name="Brewer phone",
    )
    return device.id


async def _automation(hass: HomeAssistant, blueprint: str, inputs: dict[str, Any]) -> None:
    config = {"automation": {"use_blueprint": {"path": f"{DOMAIN}/{blueprint}", "input": inputs}}}
    assert await async_setup_component(hass, "automation", config)
    await hass.async_block_till_done()
    [automation] = hass.states.async_all("automation")
    assert automation.state == "on"  # set up from the blueprint, not refused


@pytest.mark.parametrize("name", ["master_alarm.yaml", "vessel_alarm.yaml"])
async def test_the_blueprint_integration_loads_them(
    hass: HomeAssistant, blueprints_installed: None, name: str
) -> None:
    blueprint = await async_get_blueprints(hass).async_get_blueprint(f"{DOMAIN}/{name}")
    assert blueprint.validate() is None
    assert blueprint.domain == "automation"
    assert set(blueprint.inputs) == {
        "master_alarm" if name == "master_alarm.yaml" else "alarms",
        "phone",
        "escalation_action",
        "escalation_delay",
    }
    assert blueprint.metadata["source_url"].endswith(f"/blueprints/automation/{DOMAIN}/{name}")


async def test_the_master_alarm_reaches_the_phone(
    hass: HomeAssistant,
    blueprints_installed: None,
    phone: str,
    add_services: AddServices,
    config_entry: MockConfigEntry,
) -> None:
    await add_services()
    await add_entry(hass, config_entry)
    calls = async_mock_service(hass, "notify", PHONE)
    await _automation(hass, "master_alarm.yaml", {"master_alarm": MASTER_ALARM, "phone": phone})
    chamber = hass.states.get(CHAMBER)
    assert hass.states.get(MASTER_ALARM).state == "off"

    hass.states.async_set(
        MASTER_ALARM,
        "on",
        {
            "friendly_name": "Cellar Main Master alarm",
            "silent": ["BrewPi fermenter1"],
            "minutes": 15,
        },
    )
    await hass.async_block_till_done()

    device = er.async_get(hass).async_get(MASTER_ALARM).device_id
    [call] = calls
    assert call.data == {
        "title": "Cellar Main Master alarm",
        "message": (
            "No fresh reading from BrewPi fermenter1 for 15 minutes. BrewPi fermenter1 at "
            f"{chamber.attributes['current_temperature']} °C, target "
            f"{chamber.attributes['temperature']} °C."
        ),
        "data": {
            "tag": MASTER_ALARM,
            "url": f"/config/devices/device/{device}",
            "clickAction": f"/config/devices/device/{device}",
            **CRITICAL,
        },
    }


async def test_a_vessel_alarm_reaches_the_phone_then_escalates(
    hass: HomeAssistant,
    blueprints_installed: None,
    phone: str,
    loaded_panel: MockConfigEntry,
) -> None:
    """Two vessels' problem sensors (stand-ins: the real ones follow the panel): one goes off
    again before the delay, one escalates."""
    registry = er.async_get(hass)
    alarms, names = [], []
    for vessel in ("fv_10_1", "fv_10_2"):
        device = registry.async_get(f"climate.{vessel}").device_id
        names.append(dr.async_get(hass).async_get(device).name)
        entry = registry.async_get_or_create(
            "binary_sensor",
            DOMAIN,
            f"test-{vessel}-stand-in",
            config_entry=loaded_panel,
            device_id=device,
            suggested_object_id=f"{vessel}_stand_in_alarm",
            original_device_class="problem",
        )
        alarms.append(entry.entity_id)
        hass.states.async_set(entry.entity_id, "off")
    assert alarms == [
        "binary_sensor.fv_10_1_stand_in_alarm",
        "binary_sensor.fv_10_2_stand_in_alarm",
    ]
    calls = async_mock_service(hass, "notify", PHONE)
    on_call: list[ServiceCall] = async_mock_service(hass, "notify", "on_call")
    await _automation(
        hass,
        "vessel_alarm.yaml",
        {
            "alarms": alarms,
            "phone": phone,
            "escalation_action": "notify.on_call",
            "escalation_delay": {"minutes": 10},
        },
    )
    vessel = hass.states.get(VESSEL)
    assert names == ["FV 10/1", "FV 10/2"]  # the panel's labels
    for alarm, name in zip(alarms, names, strict=True):
        hass.states.async_set(alarm, "on", {"friendly_name": f"{name} Off target"})
    # The runs wait in their delay: not done until then.
    await until(lambda: len(calls) == 2)

    device = registry.async_get(VESSEL).device_id
    assert len(calls) == 2
    first = calls[0].data
    message = (
        f"FV 10/1 is at {vessel.attributes['current_temperature']} °F, "
        f"target {vessel.attributes['temperature']} °F."
    )
    assert first == {
        "title": "FV 10/1: off target",
        "message": message,
        "data": {
            "tag": alarms[0],
            "url": f"/config/devices/device/{device}",
            "clickAction": f"/config/devices/device/{device}",
            **CRITICAL,
        },
    }
    assert calls[1].data["title"] == "FV 10/2: off target"
    assert on_call == []

    hass.states.async_set(alarms[1], "off")
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=11))
    await until(lambda: len(on_call) == 1)
    await hass.async_block_till_done()
    [escalated] = on_call
    assert escalated.data == {"title": "FV 10/1: off target", "message": f"{message} Still on."}
    assert len(calls) == 2
