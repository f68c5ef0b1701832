"""A panel's setup, unload, absence at start, and unavailability and recovery on the clock."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.cellar_brewpi.panel.options import DEFAULT_PANEL_OPTIONS
from scripts.emulators.alpha_panel import AlphaPanelEmulator

CLIMATE = "climate.fv_10_1"
TEMPERATURE = "sensor.fv_10_1_temperature"
VALVE = "binary_sensor.fv_10_1_glycol_valve"
LINK = "binary_sensor.alpha_panel_127_0_0_1_link"
LOGGER = "custom_components.cellar_brewpi.panel.coordinator"


@pytest.mark.parametrize("options", [DEFAULT_PANEL_OPTIONS, {}], ids=["default", "no_options"])
async def test_setup_and_unload(
    hass: HomeAssistant, panel_entry: MockConfigEntry, options: dict[str, Any]
) -> None:
    # An entry without options (or one made before vessels were configurable) has the 9 slots.
    panel_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(panel_entry, options=options)
    assert await hass.config_entries.async_setup(panel_entry.entry_id)
    await hass.async_block_till_done()
    assert panel_entry.state is ConfigEntryState.LOADED
    assert len(hass.states.async_entity_ids("climate")) == 9
    assert hass.states.get(CLIMATE).state == "cool"
    assert hass.states.get(LINK).state == STATE_ON

    assert await hass.config_entries.async_unload(panel_entry.entry_id)
    await hass.async_block_till_done()
    assert panel_entry.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(CLIMATE).state == STATE_UNAVAILABLE


async def test_panel_absent_at_start(
    hass: HomeAssistant, panel_entry: MockConfigEntry, panel_emulator: AlphaPanelEmulator
) -> None:
    await panel_emulator.stop()
    panel_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(panel_entry.entry_id)
    await hass.async_block_till_done()
    assert panel_entry.state is ConfigEntryState.SETUP_RETRY
    assert "127.0.0.1" in (panel_entry.reason or "")
    assert hass.states.get(CLIMATE) is None


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 60) -> None:
    """Move the clock on by a poll interval; the poll's HTTP requests are real loopback I/O."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _records(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == level]


def _assert_unavailable(hass: HomeAssistant) -> None:
    for entity_id in (CLIMATE, TEMPERATURE, VALVE, "climate.walk_in"):
        assert hass.states.get(entity_id).state == STATE_UNAVAILABLE
    # The link sensor stays available and reports the failure itself.
    assert hass.states.get(LINK).state == STATE_OFF


async def _assert_recovers(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    emulator: AlphaPanelEmulator,
) -> None:
    await _tick(hass, freezer)
    assert hass.states.get(LINK).state == STATE_ON
    state = hass.states.get(CLIMATE)
    assert state.state == "cool"
    assert state.attributes["current_temperature"] == round(emulator.vessels[1].temperature, 1)
    assert _records(caplog, logging.INFO) == ["Fetching Alpha panel 127.0.0.1 data recovered"]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("http_500", "answered HTTP 500"),
        ("truncated", "page 001.html: the <script> block with"),
    ],
    ids=["http_500", "truncated"],
)
async def test_fault_unavailable_and_recovery(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    fault: str,
    error: str,
) -> None:
    caplog.set_level(logging.INFO)
    setattr(panel_emulator.faults, fault, True)
    for _ in range(2):
        await _tick(hass, freezer)
        _assert_unavailable(hass)
    # Two failed polls, logged once, with what went wrong.
    errors = _records(caplog, logging.ERROR)
    assert len(errors) == 1
    assert error in errors[0]

    setattr(panel_emulator.faults, fault, False)
    await _assert_recovers(hass, freezer, caplog, panel_emulator)


async def test_slow_panel_times_out_and_recovers(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The panel answers after 30 s; the request gives up after PANEL_REQUEST_TIMEOUT (0.5 s).

    The frozen clock stops both timers, so the poll is started, the request let reach the
    emulator (real I/O), and only then the clock moved past the request timeout.
    """
    caplog.set_level(logging.INFO)
    panel_emulator.faults.slow_seconds = 30
    asked = len(panel_emulator.requests)
    freezer.tick(timedelta(seconds=60))
    async_fire_time_changed(hass)
    for _ in range(1000):
        if len(panel_emulator.requests) > asked:
            break
        await asyncio.sleep(0)
    assert panel_emulator.requests[asked:] == ["/001.html"]
    await _tick(hass, freezer, 1)
    _assert_unavailable(hass)
    errors = _records(caplog, logging.ERROR)
    assert len(errors) == 1
    assert "did not answer within 0.5 s" in errors[0]

    panel_emulator.faults.slow_seconds = 0
    await _assert_recovers(hass, freezer, caplog, panel_emulator)


async def test_short_values_are_unknown_not_an_error(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The last page lacks its last 4 values: slot 9's three and slot 8's valve."""
    panel_emulator.faults.short_values = True
    await _tick(hass, freezer)
    assert _records(caplog, logging.ERROR) == []
    assert hass.states.get(LINK).state == STATE_ON
    assert hass.states.get("binary_sensor.walk_in_glycol_valve").state == STATE_UNKNOWN
    walk_in = hass.states.get("climate.walk_in")
    assert walk_in.attributes["current_temperature"] == round(
        panel_emulator.vessels[8].temperature, 1
    )
    assert walk_in.attributes.get("hvac_action") is None
    for entity_id in (
        "sensor.bt_10_1_temperature",
        "sensor.bt_10_1_setpoint",
        "binary_sensor.bt_10_1_glycol_valve",
    ):
        assert hass.states.get(entity_id).state == STATE_UNKNOWN
    assert hass.states.get(CLIMATE).attributes["current_temperature"] is not None
