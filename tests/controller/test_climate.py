"""The chamber thermostat: what it shows, and every write, against the emulator."""

from __future__ import annotations

import asyncio

import pytest
from homeassistant.components.climate import (
    ATTR_HVAC_ACTION,
    ATTR_HVAC_MODE,
    ATTR_PRESET_MODE,
    ATTR_PRESET_MODES,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_PRESET_MODE,
    SERVICE_SET_TEMPERATURE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    HVACAction,
    HVACMode,
)
from homeassistant.components.climate import (
    DOMAIN as CLIMATE_DOMAIN,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)

from custom_components.cellar_brewpi.brewpi.models import ControlMode, ControlState
from custom_components.cellar_brewpi.controller.climate import HVAC_ACTIONS
from custom_components.cellar_brewpi.controller.last_control import LastControl
from scripts.emulators.brewpi import BrewPiEmulator

CLIMATE = "climate.brewpi_fermenter1"
BEER_SETTING = "sensor.brewpi_fermenter1_beer_setting"


async def _call(hass: HomeAssistant, service: str, **data: object) -> None:
    await hass.services.async_call(
        CLIMATE_DOMAIN, service, {ATTR_ENTITY_ID: CLIMATE, **data}, blocking=True
    )


async def test_shows_the_controller(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    state = hass.states.get(CLIMATE)
    assert state.state == HVACMode.HEAT_COOL
    assert state.attributes[ATTR_TEMPERATURE] == brewpi_emulator.beer_set
    assert state.attributes["current_temperature"] == round(brewpi_emulator.chamber.beer_temp, 1)
    assert state.attributes[ATTR_PRESET_MODE] == "beer_constant"
    assert state.attributes[ATTR_PRESET_MODES] == ["beer_constant", "fridge_constant"]
    assert state.attributes["min_temp"] == 1
    assert state.attributes["max_temp"] == 30
    assert state.attributes[ATTR_HVAC_ACTION] == HVAC_ACTIONS[ControlState(brewpi_emulator.state)]


async def test_set_temperature_in_beer_constant(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 18.5})
    assert brewpi_emulator.mode == "b"
    assert brewpi_emulator.beer_set == 18.5
    assert hass.states.get(CLIMATE).attributes[ATTR_TEMPERATURE] == 18.5
    assert hass.states.get(BEER_SETTING).state == "18.5"
    assert any(c.startswith('j{mode:"b"') for c in brewpi_emulator.commands_received)


async def test_fridge_constant_and_back(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    await _call(hass, SERVICE_SET_PRESET_MODE, **{ATTR_PRESET_MODE: "fridge_constant"})
    assert brewpi_emulator.mode == "f"
    state = hass.states.get(CLIMATE)
    assert state.attributes[ATTR_PRESET_MODE] == "fridge_constant"
    await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 4.0})
    assert brewpi_emulator.fridge_set == 4.0
    state = hass.states.get(CLIMATE)
    assert state.attributes[ATTR_TEMPERATURE] == 4.0
    assert state.attributes["current_temperature"] == round(brewpi_emulator.chamber.fridge_temp, 1)

    await _call(hass, SERVICE_SET_PRESET_MODE, **{ATTR_PRESET_MODE: "beer_constant"})
    assert brewpi_emulator.mode == "b"
    assert hass.states.get(CLIMATE).attributes[ATTR_PRESET_MODE] == "beer_constant"


async def test_turn_off_and_on_restores(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    await _call(hass, SERVICE_SET_PRESET_MODE, **{ATTR_PRESET_MODE: "fridge_constant"})
    await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 3.5})
    await _call(hass, SERVICE_TURN_OFF)
    assert brewpi_emulator.mode == "o"
    state = hass.states.get(CLIMATE)
    assert state.state == HVACMode.OFF
    assert state.attributes[ATTR_TEMPERATURE] is None
    assert state.attributes[ATTR_HVAC_ACTION] == HVACAction.OFF

    # A setpoint chosen while off is kept for the next turn on; the chamber stays off.
    await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 2.5})
    assert brewpi_emulator.mode == "o"

    await _call(hass, SERVICE_TURN_ON)
    assert brewpi_emulator.mode == "f"
    assert brewpi_emulator.fridge_set == 2.5
    assert hass.states.get(CLIMATE).state == HVACMode.HEAT_COOL

    await _call(hass, SERVICE_SET_HVAC_MODE, **{ATTR_HVAC_MODE: HVACMode.OFF})
    assert brewpi_emulator.mode == "o"
    await _call(hass, SERVICE_SET_HVAC_MODE, **{ATTR_HVAC_MODE: HVACMode.HEAT_COOL})
    assert brewpi_emulator.mode == "f"
    # Turning on what is on changes nothing.
    sent = len(brewpi_emulator.commands_received)
    await _call(hass, SERVICE_TURN_ON)
    assert len(brewpi_emulator.commands_received) == sent
    # set_temperature with hvac_mode off turns it off.
    await _call(
        hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 3.0, ATTR_HVAC_MODE: HVACMode.OFF}
    )
    assert brewpi_emulator.mode == "o"


async def test_turn_on_after_restart_restores_stored_control(
    hass: HomeAssistant, config_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    brewpi_emulator.set_mode("o")
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(CLIMATE, HVACMode.OFF),
                LastControl(ControlMode.FRIDGE_CONSTANT, fridge_set=6.0).as_dict(),
            )
        ],
    )
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(CLIMATE).state == HVACMode.OFF
    await _call(hass, SERVICE_TURN_ON)
    assert brewpi_emulator.mode == "f"
    assert brewpi_emulator.fridge_set == 6.0


async def test_turn_on_without_history_uses_beer_constant(
    hass: HomeAssistant, config_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    brewpi_emulator.set_mode("o")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _call(hass, SERVICE_TURN_ON)
    assert brewpi_emulator.mode == "b"
    assert brewpi_emulator.beer_set == round(brewpi_emulator.chamber.beer_temp, 1)


def test_last_control_from_bad_data() -> None:
    assert LastControl.from_dict({}) is None
    assert LastControl.from_dict({"mode": "x", "set_point": 1}) is None
    assert LastControl.from_dict({"mode": "o", "set_point": 1}) is None
    assert LastControl.from_dict({"mode": "b", "set_point": "warm"}) is None
    assert LastControl.from_dict({"mode": "b", "beer_set": "nan"}) is None
    # What earlier releases stored: the mode and its one setpoint.
    assert LastControl.from_dict({"mode": "b", "set_point": "19"}) == LastControl(
        ControlMode.BEER_CONSTANT, beer_set=19.0
    )
    assert LastControl.from_dict({"mode": "f", "set_point": 4}) == LastControl(
        ControlMode.FRIDGE_CONSTANT, fridge_set=4.0
    )
    stored = LastControl(ControlMode.FRIDGE_CONSTANT, beer_set=18.0, fridge_set=2.0)
    assert LastControl.from_dict(stored.as_dict()) == stored


async def test_out_of_range_is_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 45.0})
    assert err.value.translation_key == "temp_out_of_range"
    assert brewpi_emulator.beer_set == 20.0


async def test_profile_preset_is_shown_but_not_settable(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    brewpi_emulator.set_mode("p")
    await loaded_entry.runtime_data.async_refresh()
    await hass.async_block_till_done()
    state = hass.states.get(CLIMATE)
    assert state.attributes[ATTR_PRESET_MODE] == "beer_profile"
    assert "beer_profile" in state.attributes[ATTR_PRESET_MODES]
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, SERVICE_SET_PRESET_MODE, **{ATTR_PRESET_MODE: "beer_profile"})
    assert err.value.translation_domain == "cellar_brewpi"
    assert err.value.translation_key == "profile_not_settable"


async def test_write_failure_is_a_translated_error(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    brewpi_emulator.faults.stall = True
    loaded_entry.runtime_data.client.request_timeout = 0.2
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 19.0})
    assert err.value.translation_domain == "cellar_brewpi"
    assert err.value.translation_key == "write_failed"
    assert err.value.translation_placeholders["name"] == "BrewPi fermenter1"
    # The thermostat still shows what the controller last reported.
    assert hass.states.get(CLIMATE).attributes[ATTR_TEMPERATURE] == 20.0


async def test_pushed_temperatures_are_shown_at_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    # A state change makes the controller push a T: line without being asked; no poll runs here.
    sent = len(brewpi_emulator.commands_received)
    brewpi_emulator.set_mode("o")
    brewpi_emulator.check_state()
    for _ in range(50):
        if hass.states.get(CLIMATE).attributes[ATTR_HVAC_ACTION] == HVACAction.OFF:
            break
        await asyncio.sleep(0)
    assert len(brewpi_emulator.commands_received) == sent
    assert hass.states.get(CLIMATE).attributes[ATTR_HVAC_ACTION] == HVACAction.OFF


@pytest.mark.parametrize("value", ["nan", "NaN", float("nan")])
async def test_a_temperature_that_is_not_a_number_is_refused(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    value: str | float,
) -> None:
    """NaN passes HA's range check: refused with a message, on and off, and nothing is kept."""
    sent = len(brewpi_emulator.commands_received)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: value})
    assert err.value.translation_key == "not_a_temperature"
    assert str(err.value) == "nan is not a temperature: give a number"
    assert len(brewpi_emulator.commands_received) == sent

    await _call(hass, SERVICE_TURN_OFF)
    with pytest.raises(ServiceValidationError):
        await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: value})
    # Not stored while off: turning on and changing presets still work.
    await _call(hass, SERVICE_TURN_ON)
    assert (brewpi_emulator.mode, brewpi_emulator.beer_set) == ("b", 20.0)
    await _call(hass, SERVICE_SET_PRESET_MODE, **{ATTR_PRESET_MODE: "fridge_constant"})
    assert brewpi_emulator.mode == "f"


async def test_each_preset_keeps_its_own_setpoint(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """Beer constant -> fridge constant -> beer constant: the beer's target, not the fridge's."""
    await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 18.5})
    await _call(hass, SERVICE_SET_PRESET_MODE, **{ATTR_PRESET_MODE: "fridge_constant"})
    await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 4.0})
    await _call(hass, SERVICE_SET_PRESET_MODE, **{ATTR_PRESET_MODE: "beer_constant"})
    assert (brewpi_emulator.mode, brewpi_emulator.beer_set) == ("b", 18.5)
    assert hass.states.get(CLIMATE).attributes[ATTR_TEMPERATURE] == 18.5
    await _call(hass, SERVICE_SET_PRESET_MODE, **{ATTR_PRESET_MODE: "fridge_constant"})
    assert (brewpi_emulator.mode, brewpi_emulator.fridge_set) == ("f", 4.0)
    # Off and on again: the mode and its own setpoint come back.
    await _call(hass, SERVICE_TURN_OFF)
    await _call(hass, SERVICE_TURN_ON)
    assert (brewpi_emulator.mode, brewpi_emulator.fridge_set) == ("f", 4.0)


async def test_a_setting_of_zero_is_a_setting(
    hass: HomeAssistant, config_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """A cold crash at 0 °C: 0 is the setpoint, not "missing"."""
    brewpi_emulator.cc["tempSetMin"] = -8.0
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 0.0})
    assert (brewpi_emulator.mode, brewpi_emulator.beer_set) == ("b", 0.0)
    await _call(hass, SERVICE_SET_PRESET_MODE, **{ATTR_PRESET_MODE: "beer_constant"})
    assert brewpi_emulator.beer_set == 0.0
    assert hass.states.get(BEER_SETTING).state == "0.0"
    await _call(hass, SERVICE_TURN_OFF)
    await _call(hass, SERVICE_TURN_ON)
    assert (brewpi_emulator.mode, brewpi_emulator.beer_set) == ("b", 0.0)


async def test_beer_setting_is_unknown_in_fridge_constant(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """The controller reports its unused beer setting as 0: unknown, not a dip to 0 °C."""
    await _call(hass, SERVICE_SET_PRESET_MODE, **{ATTR_PRESET_MODE: "fridge_constant"})
    await loaded_entry.runtime_data.async_refresh()
    await hass.async_block_till_done()
    assert brewpi_emulator.mode == "f"
    assert hass.states.get(BEER_SETTING).state == "unknown"


async def test_turn_on_without_history_stays_within_the_limits(
    hass: HomeAssistant, config_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """No setpoint known and the beer at 35 °C (limit 30): turning on sets 30, not 35."""
    brewpi_emulator.set_mode("o")
    brewpi_emulator.chamber.beer_temp = 35.0
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _call(hass, SERVICE_TURN_ON)
    assert (brewpi_emulator.mode, brewpi_emulator.beer_set) == ("b", 30.0)


async def test_a_write_the_controller_ignores_is_an_error(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """The controller answers with its old settings: say so, and show what it reports."""
    brewpi_emulator.faults.ignore_writes = True
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, SERVICE_SET_TEMPERATURE, **{ATTR_TEMPERATURE: 17.0})
    assert err.value.translation_key == "not_applied"
    assert str(err.value) == (
        "BrewPi fermenter1 did not apply the change: it was asked for beer constant at 17 and "
        "still reports beer constant at 20. Check that no other program controls it"
    )
    assert hass.states.get(CLIMATE).attributes[ATTR_TEMPERATURE] == 20.0
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, SERVICE_TURN_OFF)
    assert err.value.translation_key == "not_applied"
    assert hass.states.get(CLIMATE).state == HVACMode.HEAT_COOL
