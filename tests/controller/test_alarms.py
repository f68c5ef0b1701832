"""A chamber's problem sensors against the BrewPi emulator over TCP, driven by the clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import ATTR_TEMPERATURE, SERVICE_SET_TEMPERATURE
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.cellar_brewpi.alarms import Action
from custom_components.cellar_brewpi.brewpi import (
    ControlConstants,
    ControlMode,
    ControlSettings,
    ControlState,
    Temperatures,
)
from custom_components.cellar_brewpi.const import CONF_ALARMS
from custom_components.cellar_brewpi.controller.alarms import chamber_sample
from custom_components.cellar_brewpi.controller.coordinator import BrewPiData
from scripts.emulators.brewpi import BrewPiEmulator
from tests.ha import Advance, until

CLIMATE = "climate.brewpi_fermenter1"
RULES = ("wrong_direction", "off_target", "cooling_failure", "probe_lost")


def alarm(rule: str) -> str:
    return f"binary_sensor.brewpi_fermenter1_{rule}"


def state(hass: HomeAssistant, rule: str) -> str:
    return hass.states.get(alarm(rule)).state


async def minutes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    emulator: BrewPiEmulator,
    count: int,
    *,
    chamber: bool = True,
) -> None:
    """Let `count` minutes pass on Home Assistant's clock (a poll each), and in the chamber."""
    for _ in range(count):
        if chamber:
            emulator.advance(60)
        freezer.tick(timedelta(minutes=1))
        async_fire_time_changed(hass)
        for _ in range(20):
            await asyncio.sleep(0)
        await hass.async_block_till_done(wait_background_tasks=True)


async def test_the_chamber_has_the_four_alarms_quiet(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
) -> None:
    """Two hours holding its target: nothing fires, nothing is written."""
    before = {rule: hass.states.get(alarm(rule)).last_reported for rule in RULES}
    await minutes(hass, freezer, brewpi_emulator, 120)
    for rule in RULES:
        assert state(hass, rule) == STATE_OFF, rule
    assert hass.states.get(alarm("off_target")).attributes["quiet"] == "settling"
    for rule in ("wrong_direction", "cooling_failure", "probe_lost"):
        assert hass.states.get(alarm(rule)).last_reported == before[rule]


async def test_a_chamber_whose_cooler_does_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
) -> None:
    brewpi_emulator.chamber.cooler_works = False
    await hass.services.async_call(
        "climate",
        SERVICE_SET_TEMPERATURE,
        {ATTR_ENTITY_ID: CLIMATE, ATTR_TEMPERATURE: 15.0},
        blocking=True,
    )
    await minutes(hass, freezer, brewpi_emulator, 30)
    assert hass.states.get(CLIMATE).attributes["hvac_action"] == "cooling"
    assert state(hass, "cooling_failure") == STATE_OFF
    await minutes(hass, freezer, brewpi_emulator, 60)
    assert state(hass, "cooling_failure") == STATE_ON
    attributes = hass.states.get(alarm("cooling_failure")).attributes
    # The air the cooler should cool has warmed instead.
    assert attributes["temperature"] >= attributes["temperature_before"]
    assert attributes["cooling_since"] < attributes["since"]
    assert state(hass, "probe_lost") == STATE_OFF

    # The compressor is fixed: the air drops, the alarm clears.
    brewpi_emulator.chamber.cooler_works = True
    await minutes(hass, freezer, brewpi_emulator, 5)
    assert state(hass, "cooling_failure") == STATE_OFF


async def test_a_drifting_probe_is_off_target_after_the_settle_hours(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    advance: Advance,
) -> None:
    """The beer probe reads 3.5 °C over the target of 20 (the chamber's model stands still)."""
    brewpi_emulator.chamber.beer_temp = 23.5
    await minutes(hass, freezer, brewpi_emulator, 2, chamber=False)
    assert state(hass, "off_target") == STATE_OFF
    assert hass.states.get(alarm("off_target")).attributes["quiet"] == "settling"
    # A day later (the jump drops and remakes the link) it is judged, and an hour on it fires.
    freezer.tick(timedelta(hours=24))
    await advance(lambda: "quiet" not in hass.states.get(alarm("off_target")).attributes)
    await minutes(hass, freezer, brewpi_emulator, 55, chamber=False)
    assert state(hass, "off_target") == STATE_OFF
    await minutes(hass, freezer, brewpi_emulator, 6, chamber=False)
    assert state(hass, "off_target") == STATE_ON
    attributes = hass.states.get(alarm("off_target")).attributes
    assert attributes["temperature"] == 23.5
    assert attributes["target"] == 20.0
    assert attributes["difference"] == 3.5


async def test_a_lost_probe(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
) -> None:
    brewpi_emulator.beer_probe = False
    await minutes(hass, freezer, brewpi_emulator, 1)
    assert state(hass, "probe_lost") == STATE_ON
    attributes = hass.states.get(alarm("probe_lost")).attributes
    assert attributes["probes"] == ["beer"]
    assert attributes["lost_since"] == attributes["since"]
    brewpi_emulator.beer_probe = True
    await minutes(hass, freezer, brewpi_emulator, 1)
    assert state(hass, "probe_lost") == STATE_OFF


async def test_a_dropped_link_loses_no_probe(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """While the controller is away its alarms are unavailable; back, nothing was lost."""
    brewpi_emulator.drop_clients()
    await until(lambda: state(hass, "probe_lost") == STATE_UNAVAILABLE, 5)
    await until(lambda: state(hass, "probe_lost") != STATE_UNAVAILABLE, 10)
    assert state(hass, "probe_lost") == STATE_OFF


async def test_a_restart_keeps_an_alarm_on_since_when_it_fired(
    hass: HomeAssistant, config_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    """Stored before the restart: the beer probe was lost 10 minutes ago, and still is."""
    brewpi_emulator.beer_probe = False
    now = dt_util.utcnow().timestamp()
    lost = now - 600
    stored = {
        "on": True,
        "since": lost,
        "last_at": now - 60,
        "reason": {"probes": ["beer"], "lost_since": {"at": lost}},
        "seen": ["beer", "fridge"],
        "lost": {"beer": lost},
    }
    mock_restore_cache_with_extra_data(hass, [(State(alarm("probe_lost"), STATE_ON), stored)])
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    restored = hass.states.get(alarm("probe_lost"))
    assert restored.state == STATE_ON
    assert restored.attributes["since"].timestamp() == lost
    assert restored.attributes["probes"] == ["beer"]


async def test_unusable_stored_state_starts_afresh(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    mock_restore_cache_with_extra_data(
        hass, [(State(alarm("cooling_failure"), STATE_ON), {"on": True, "history": 3})]
    )
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, "cooling_failure") == STATE_OFF


async def test_the_thresholds_come_from_the_options(
    hass: HomeAssistant, config_entry: MockConfigEntry, brewpi_emulator: BrewPiEmulator
) -> None:
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, options={CONF_ALARMS: {"settle_hours": 0, "off_target_minutes": 1}}
    )
    brewpi_emulator.chamber.beer_temp = 17.0
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert "quiet" not in hass.states.get(alarm("off_target")).attributes


def _data(mode: ControlMode, state: ControlState | None) -> BrewPiData:
    return BrewPiData(
        Temperatures(beer_temp=18.0, fridge_temp=12.0, state=state),
        ControlSettings(mode, beer_set=18.5, fridge_set=11.0),
        ControlConstants("C", 1.0, 30.0),
        None,
        dt_util.utcnow(),
    )


def test_what_a_chamber_sample_reads_in_each_mode() -> None:
    fridge = chamber_sample(
        _data(ControlMode.FRIDGE_CONSTANT, ControlState.COOLING_MIN_TIME), ramping=False
    )
    assert (fridge.temperature, fridge.target, fridge.action) == (12.0, 11.0, Action.COOLING)
    assert fridge.cooled == 12.0
    beer = chamber_sample(_data(ControlMode.BEER_PROFILE, ControlState.HEATING), ramping=True)
    assert (beer.temperature, beer.target, beer.action, beer.ramping) == (
        18.0,
        18.5,
        Action.HEATING,
        True,
    )
    assert beer.probes == {"beer": 18.0, "fridge": 12.0}
    off = chamber_sample(_data(ControlMode.OFF, ControlState.OFF), ramping=False)
    assert (off.target, off.action) == (None, Action.OFF)
    waiting = chamber_sample(
        _data(ControlMode.BEER_CONSTANT, ControlState.WAITING_TO_COOL), ramping=False
    )
    assert waiting.action is Action.IDLE
    unknown = chamber_sample(_data(ControlMode.TEST, None), ramping=False)
    assert (unknown.target, unknown.action) == (None, None)
