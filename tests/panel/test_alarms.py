"""A vessel's problem sensors against the panel emulator over HTTP, driven by the clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.cellar_brewpi.alarms import Action
from custom_components.cellar_brewpi.alpha_panel import SlotReading, make_slot
from custom_components.cellar_brewpi.const import CONF_ALARMS
from custom_components.cellar_brewpi.panel.alarms import vessel_sample
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from tests.ha import SENTINEL, VESSELS

RULES = ("wrong_direction", "off_target", "cooling_failure", "probe_lost")
TANK = "fv_10_1"


def alarm(vessel: str, rule: str) -> str:
    return f"binary_sensor.{vessel}_{rule}"


async def minutes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    emulator: AlphaPanelEmulator,
    count: int,
) -> None:
    """Let `count` minutes pass for the panel's model and Home Assistant's clock (a poll each)."""
    for _ in range(count):
        emulator.advance(60)
        freezer.tick(timedelta(minutes=1))
        async_fire_time_changed(hass)
        for _ in range(5):
            await asyncio.sleep(0)
        await hass.async_block_till_done(wait_background_tasks=True)


def state(hass: HomeAssistant, vessel: str, rule: str) -> str:
    return hass.states.get(alarm(vessel, rule)).state


async def test_every_vessel_but_the_sentinel_has_the_four_alarms(
    hass: HomeAssistant, loaded_panel: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    for vessel in VESSELS.values():
        for rule in RULES:
            entry = entity_registry.async_get(alarm(vessel, rule))
            assert entry is not None
            assert entry.original_device_class == "problem"
            assert entry.translation_key == rule
            assert hass.states.get(alarm(vessel, rule)).state == STATE_OFF
        device = entity_registry.async_get(f"climate.{vessel}").device_id
        assert entity_registry.async_get(alarm(vessel, "off_target")).device_id == device
    assert not [e for e in entity_registry.entities if e.startswith(f"binary_sensor.{SENTINEL}_")][
        1:
    ]  # the sentinel keeps only its glycol valve
    assert entity_registry.async_get(f"binary_sensor.{SENTINEL}_glycol_valve") is not None


async def test_a_tank_that_warms_with_its_valve_open(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
) -> None:
    """Fermentation outruns the glycol: cooling failure and wrong direction, the rest quiet."""
    tank = panel_emulator.vessels[1]
    tank.set_point, tank.temperature, tank.valve_open = 50.0, 53.0, True
    tank.heat_rate, tank.age_hours = 12.0, 0.0  # far more heat than the glycol takes away
    await minutes(hass, freezer, panel_emulator, 40)
    assert state(hass, TANK, "cooling_failure") == STATE_OFF
    assert state(hass, TANK, "wrong_direction") == STATE_OFF  # 3/4 of the window not yet read
    await minutes(hass, freezer, panel_emulator, 25)
    assert state(hass, TANK, "cooling_failure") == STATE_ON
    assert state(hass, TANK, "wrong_direction") == STATE_ON
    direction = hass.states.get(alarm(TANK, "wrong_direction")).attributes
    assert direction["action"] == "cooling"
    assert direction["slope"] > 2
    assert direction["target"] == 50.0
    assert direction["temperature"] > 55
    assert direction["window_minutes"] == 60
    cooling = hass.states.get(alarm(TANK, "cooling_failure")).attributes
    assert cooling["temperature"] > cooling["temperature_before"]
    assert cooling["minutes"] == 60
    assert isinstance(cooling["cooling_since"], datetime)
    assert state(hass, TANK, "off_target") == STATE_OFF  # settling: 24 h after a new target
    assert state(hass, TANK, "probe_lost") == STATE_OFF
    # The other vessels run the model as usual: nothing of theirs fired.
    for vessel in VESSELS.values():
        if vessel != TANK:
            assert {state(hass, vessel, rule) for rule in RULES} == {STATE_OFF}, vessel

    # Quiet across a restart: reloaded, the alarms are on at once, since the same time.
    since = {rule: hass.states.get(alarm(TANK, rule)).attributes.get("since") for rule in RULES}
    assert await hass.config_entries.async_reload(loaded_panel.entry_id)
    await hass.async_block_till_done()
    for rule in ("cooling_failure", "wrong_direction"):
        assert state(hass, TANK, rule) == STATE_ON
        assert hass.states.get(alarm(TANK, rule)).attributes["since"] == since[rule]
    await minutes(hass, freezer, panel_emulator, 3)
    for rule in ("cooling_failure", "wrong_direction"):
        assert hass.states.get(alarm(TANK, rule)).attributes["since"] == since[rule]

    # The glycol catches up: both clear.
    tank.heat_rate = 0.0
    panel_emulator.model.glycol_temperature = -40.0
    await minutes(hass, freezer, panel_emulator, 60)
    assert state(hass, TANK, "cooling_failure") == STATE_OFF
    assert state(hass, TANK, "wrong_direction") == STATE_OFF


async def test_a_quiet_vessel_writes_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
) -> None:
    before = hass.states.get(alarm(TANK, "cooling_failure")).last_reported
    await minutes(hass, freezer, panel_emulator, 5)
    assert hass.states.get(alarm(TANK, "cooling_failure")).last_reported == before


async def test_a_drifting_probe_and_a_lost_one(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    panel_entry: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
) -> None:
    panel_entry.add_to_hass(hass)
    alarms = {"settle_hours": 0, "off_target_minutes": 10}
    hass.config_entries.async_update_entry(
        panel_entry, options={**panel_entry.options, CONF_ALARMS: alarms}
    )
    assert await hass.config_entries.async_setup(panel_entry.entry_id)
    await hass.async_block_till_done()
    tank = panel_emulator.vessels[1]
    tank.heat_rate = 0.0
    panel_emulator.model.room_coefficient = 0.0
    tank.valve_open, tank.set_point, tank.temperature = False, 50.0, 50.0
    await minutes(hass, freezer, panel_emulator, 2)
    tank.temperature = 55.0  # the probe drifts 5 °F off; nothing moves it back
    panel_emulator.model.deadband = 100.0
    await minutes(hass, freezer, panel_emulator, 9)
    assert state(hass, TANK, "off_target") == STATE_OFF
    await minutes(hass, freezer, panel_emulator, 2)
    assert state(hass, TANK, "off_target") == STATE_ON
    attributes = hass.states.get(alarm(TANK, "off_target")).attributes
    assert attributes["difference"] == 5.0
    assert attributes["target"] == 50.0
    assert attributes["temperature"] == 55.0

    tank.temperature = float("nan")  # the panel shows "nan": no reading
    await minutes(hass, freezer, panel_emulator, 1)
    assert state(hass, TANK, "probe_lost") == STATE_ON
    assert hass.states.get(alarm(TANK, "probe_lost")).attributes["probes"] == ["temperature"]
    assert state(hass, TANK, "off_target") == STATE_ON  # no reading: it cannot tell, it keeps
    tank.temperature = 50.0
    await minutes(hass, freezer, panel_emulator, 1)
    assert state(hass, TANK, "probe_lost") == STATE_OFF
    assert state(hass, TANK, "off_target") == STATE_OFF


async def test_the_alarm_options(
    hass: HomeAssistant, loaded_panel: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    result = await hass.config_entries.options.async_init(loaded_panel.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "alarms"}
    )
    assert result["step_id"] == "alarms"
    suggested = {
        str(marker): marker.description["suggested_value"]
        for marker in result["data_schema"].schema
    }
    # °F defaults
    assert suggested["off_target_degrees"] == 3.5
    assert suggested["direction_margin"] == 2.0
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**suggested, "cooling_drop": 4.0}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"cooling_drop": "alarm_drop_too_large"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**suggested, "cooling_minutes": 30}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_panel.options[CONF_ALARMS] == {**suggested, "cooling_minutes": 30.0}
    assert len(loaded_panel.options["vessels"]) == 9  # the rest of the options kept
    sensor = next(
        e
        for e in hass.data["entity_components"]["binary_sensor"].entities
        if e.entity_id == alarm(TANK, "cooling_failure")
    )
    assert sensor.rule.settings.cooling_minutes == 30.0


def test_what_a_vessel_sample_reads() -> None:
    slot = make_slot(1)
    now = dt_util.utcnow()
    open_valve = vessel_sample(SlotReading(slot, 52.0, 50.0, True), read_at=now, ramping=False)
    assert open_valve is not None
    assert (open_valve.temperature, open_valve.target, open_valve.action) == (
        52.0,
        50.0,
        Action.COOLING,
    )
    assert open_valve.probes == {"temperature": 52.0}
    unknown = vessel_sample(SlotReading(slot, 52.0, 50.0, None), read_at=now, ramping=True)
    assert unknown is not None
    assert unknown.action is None
    assert unknown.ramping
    assert (
        vessel_sample(SlotReading(slot, None, None, False, unused=True), read_at=now, ramping=False)
        is None
    )


async def test_a_slot_missing_from_a_read_judges_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
) -> None:
    """The last page comes short: the walk-in's valve is gone, its alarms keep their state."""
    panel_emulator.faults.short_values = True
    await minutes(hass, freezer, panel_emulator, 2)
    assert {state(hass, "walk_in", rule) for rule in RULES} == {STATE_OFF}
