"""The vessels' thermostats: what they show, and setpoint writes, against the panel emulator."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import (
    ATTR_CURRENT_TEMPERATURE,
    ATTR_HVAC_ACTION,
    ATTR_HVAC_MODE,
    ATTR_MAX_TEMP,
    ATTR_MIN_TEMP,
    ATTR_TARGET_TEMP_STEP,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_TEMPERATURE,
    HVACAction,
    HVACMode,
)
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_TEMPERATURE,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util.unit_system import METRIC_SYSTEM
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from scripts.emulators.alpha_panel import AlphaPanelEmulator
from tests.ha import SENTINEL, VESSELS


async def _call(hass: HomeAssistant, entity_id: str, service: str, **data: object) -> None:
    await hass.services.async_call(
        CLIMATE_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def test_thermostats_show_the_panel(
    hass: HomeAssistant, loaded_panel: MockConfigEntry, panel_emulator: AlphaPanelEmulator
) -> None:
    for number, name in VESSELS.items():
        vessel = panel_emulator.vessels[number]
        state = hass.states.get(f"climate.{name}")
        assert state.state == HVACMode.COOL
        assert state.attributes[ATTR_CURRENT_TEMPERATURE] == round(vessel.temperature, 1)
        assert state.attributes[ATTR_TEMPERATURE] == vessel.set_point
        assert state.attributes[ATTR_HVAC_ACTION] == HVACAction.IDLE
        assert state.attributes[ATTR_MIN_TEMP] == 34
        assert state.attributes[ATTR_MAX_TEMP] == 100
        assert state.attributes[ATTR_TARGET_TEMP_STEP] == 1
    # The unused slot shows 1000 °F / 0 °F: its thermostat is unavailable and cannot be set.
    state = hass.states.get(f"climate.{SENTINEL}")
    assert state.state == STATE_UNAVAILABLE
    assert ATTR_CURRENT_TEMPERATURE not in state.attributes
    assert ATTR_TEMPERATURE not in state.attributes
    writes = len(panel_emulator.writes)
    # Home Assistant skips an unavailable entity: nothing is written.
    await _call(hass, f"climate.{SENTINEL}", SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 40})
    assert len(panel_emulator.writes) == writes
    # Its sensors say unknown (the valve reads 0: closed), never a number.
    assert hass.states.get(f"sensor.{SENTINEL}_temperature").state == STATE_UNKNOWN


async def test_open_valve_is_cooling(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    panel_emulator.vessels[2].valve_open = True
    panel_emulator.vessels[8].valve_open = True
    freezer.tick(timedelta(seconds=60))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    for number, name in VESSELS.items():
        is_open = number in {2, 8}
        action = HVACAction.COOLING if is_open else HVACAction.IDLE
        assert hass.states.get(f"climate.{name}").attributes[ATTR_HVAC_ACTION] == action
        valve = hass.states.get(f"binary_sensor.{name}_glycol_valve").state
        assert valve == (STATE_ON if is_open else STATE_OFF)


@pytest.mark.parametrize(
    ("number", "set_point", "param"),
    [(1, 40, "o3a117t2v400"), (8, 38.5, "o3a124t2v385"), (7, 100, "o3a123t2v1000")],
)
async def test_set_temperature(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    number: int,
    set_point: float,
    param: str,
) -> None:
    name = VESSELS[number]
    await _call(hass, f"climate.{name}", SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: set_point})
    assert len(panel_emulator.writes) == 1
    assert re.fullmatch(rf"\d{{13}}{param}", panel_emulator.writes[0])
    assert panel_emulator.vessels[number].set_point == set_point
    # Shown as the panel confirmed it when read back, without waiting for the next poll.
    assert panel_emulator.requests[-1] != "/submit.html"
    assert hass.states.get(f"climate.{name}").attributes[ATTR_TEMPERATURE] == set_point
    assert float(hass.states.get(f"sensor.{name}_setpoint").state) == set_point


async def test_set_temperature_in_celsius(
    hass: HomeAssistant, panel_entry: MockConfigEntry, panel_emulator: AlphaPanelEmulator
) -> None:
    """With a metric Home Assistant the thermostat takes °C; the panel still gets °F."""
    hass.config.units = METRIC_SYSTEM
    panel_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(panel_entry.entry_id)
    await hass.async_block_till_done()
    await _call(hass, "climate.fv_10_1", SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 4.5})
    assert panel_emulator.writes[0].endswith("o3a117t2v401")
    assert panel_emulator.vessels[1].set_point == 40.1
    assert hass.states.get("climate.fv_10_1").attributes[ATTR_TEMPERATURE] == 4.5


@pytest.mark.parametrize("set_point", [33, 100.5, 212])
async def test_out_of_range_is_refused(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    set_point: float,
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "climate.fv_10_1", SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: set_point}
        )
    assert err.value.translation_key == "temp_out_of_range"
    assert panel_emulator.writes == []
    assert panel_emulator.vessels[1].set_point == 55


@pytest.mark.parametrize("set_point", ["nan", float("nan")])
async def test_a_set_point_that_is_not_a_number_is_refused(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    set_point: str | float,
) -> None:
    """NaN passes HA's range check; it gets a message, not HTTP 500 with a traceback."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "climate.fv_10_1", SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: set_point}
        )
    assert err.value.translation_key == "not_a_temperature"
    assert panel_emulator.writes == []


async def test_set_point_not_applied(
    hass: HomeAssistant, loaded_panel: MockConfigEntry, panel_emulator: AlphaPanelEmulator
) -> None:
    """The panel takes the write (HTTP 200) but keeps its setpoint."""
    panel_emulator.faults.ignore_writes = True
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "climate.fv_10_1", SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 40})
    assert err.value.translation_domain == "cellar_brewpi"
    assert err.value.translation_key == "set_point_not_applied"
    assert err.value.translation_placeholders["vessel"] == "FV 10/1"
    assert "did not show set point 40 °F" in err.value.translation_placeholders["error"]
    assert len(panel_emulator.writes) == 1
    # The thermostat still shows the panel's setpoint.
    assert hass.states.get("climate.fv_10_1").attributes[ATTR_TEMPERATURE] == 55
    assert hass.states.get("sensor.fv_10_1_setpoint").state == "55.0"


async def test_cool_is_the_only_mode(
    hass: HomeAssistant, loaded_panel: MockConfigEntry, panel_emulator: AlphaPanelEmulator
) -> None:
    state = hass.states.get("climate.fv_10_1")
    assert state.attributes["hvac_modes"] == [HVACMode.COOL]
    await _call(hass, "climate.fv_10_1", SERVICE_SET_HVAC_MODE, **{ATTR_HVAC_MODE: HVACMode.COOL})
    assert panel_emulator.writes == []
    assert hass.states.get("climate.fv_10_1").state == HVACMode.COOL
