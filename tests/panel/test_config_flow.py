"""The Alpha panel's config, reconfigure and options flows, against the panel emulator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.alpha_panel import AlphaPanel
from custom_components.cellar_brewpi.const import (
    CONF_ADDRESS,
    CONF_KIND,
    CONF_LABEL,
    CONF_MAX_SET_POINT,
    CONF_MIN_SET_POINT,
    CONF_NUMBER,
    CONF_PAGES,
    CONF_POLL_INTERVAL,
    CONF_POSITION,
    CONF_SET_POINT_STEP,
    CONF_VESSELS,
    DOMAIN,
    KIND_ALPHA_PANEL,
)
from custom_components.cellar_brewpi.panel.options import CONF_SLOTS, DEFAULT_PANEL_OPTIONS
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.emulators.brewpi import BrewPiEmulator
from scripts.victoria_metrics import free_port
from tests.ha import PANEL_UNIQUE_ID

NEW_VESSEL = {CONF_NUMBER: 10, CONF_LABEL: "FV 30/1", CONF_ADDRESS: 126, CONF_POSITION: 27}


def _suggested(result: dict[str, Any]) -> dict[str, Any]:
    """The values a form suggests, by field."""
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


def _device(
    registry: dr.DeviceRegistry, entry: MockConfigEntry, suffix: str
) -> dr.DeviceEntry | None:
    """The panel's device (suffix "") or a vessel's ("-slot-N")."""
    return registry.async_get_device_by_identifier(
        (DOMAIN, f"{PANEL_UNIQUE_ID}{suffix}"), entry.entry_id
    )


@pytest.fixture
async def not_a_panel() -> AsyncIterator[int]:
    """A web server on loopback whose pages have scripts but no values array."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(
            text="<HTML><Script>var Pg = 1;</Script><BODY><Script>var X = 2;</Script></BODY>",
            content_type="text/html",
        )

    app = web.Application()
    app.router.add_get("/{name}", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield int(runner.addresses[0][1])
    await runner.cleanup()


async def _start_panel_flow(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert KIND_ALPHA_PANEL in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": KIND_ALPHA_PANEL}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == KIND_ALPHA_PANEL
    # The panel's web server is on port 80 unless told otherwise.
    assert result["data_schema"]({CONF_HOST: "10.1.10.105"})[CONF_PORT] == 80
    return result["flow_id"]


async def test_panel_flow_creates_entry(
    hass: HomeAssistant, panel_emulator: AlphaPanelEmulator
) -> None:
    flow_id = await _start_panel_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: " 127.0.0.1 ", CONF_PORT: panel_emulator.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Alpha panel 127.0.0.1"
    assert result["data"] == {
        CONF_KIND: KIND_ALPHA_PANEL,
        CONF_HOST: "127.0.0.1",
        CONF_PORT: panel_emulator.port,
    }
    assert result["options"] == DEFAULT_PANEL_OPTIONS
    assert [v[CONF_LABEL] for v in result["options"][CONF_VESSELS]] == [
        "FV 10/1",
        "FV 10/2",
        "FV 10/3",
        "FV 10/4",
        "FV 10/5",
        "FV 10/6",
        "FV 20/1",
        "Walk-In",
        "BT 10/1",
    ]
    assert result["result"].unique_id == f"alpha_panel-127.0.0.1:{panel_emulator.port}"
    # The flow read both pages of the panel.
    assert panel_emulator.requests[:2] == ["/001.html", "/002.html"]
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_panel_flow_errors_then_recovers(
    hass: HomeAssistant, panel_emulator: AlphaPanelEmulator, not_a_panel: int
) -> None:
    flow_id = await _start_panel_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: free_port()}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "panel_cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: not_a_panel}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "not_a_panel"}

    with patch.object(AlphaPanel, "async_read", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: panel_emulator.port}
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    # What was typed is kept in the form.
    assert _suggested(result) == {CONF_HOST: "127.0.0.1", CONF_PORT: panel_emulator.port}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: panel_emulator.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()


async def test_panel_form_names_what_answered(
    hass: HomeAssistant, brewpi_emulator: BrewPiEmulator, socket_enabled: None
) -> None:
    """A controller's port, or a web server without the panel's pages, is "not a panel"."""
    app = web.Application()
    app.router.add_get("/", lambda _request: web.Response(text="a web server"))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    web_port = int(runner.addresses[0][1])
    try:
        for port in (brewpi_emulator.port, web_port):
            flow_id = await _start_panel_flow(hass)
            result = await hass.config_entries.flow.async_configure(
                flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: port}
            )
            assert result["errors"] == {"base": "not_a_panel"}
    finally:
        await runner.cleanup()


def test_panel_errors_speak_of_the_panel() -> None:
    """The panel's form has its own wording, not the controller's (Fermentrack, port 23)."""
    errors = json.loads(
        (
            Path(__file__).parents[2] / "custom_components/cellar_brewpi/translations/en.json"
        ).read_text()
    )["config"]["error"]
    for key in ("panel_cannot_connect", "not_a_panel"):
        assert "panel" in errors[key]
        assert "Fermentrack" not in errors[key]
        assert "BrewPi" not in errors[key]
    assert "controller" in errors["cannot_connect"]


async def test_panel_flow_rejects_duplicates(
    hass: HomeAssistant, panel_emulator: AlphaPanelEmulator
) -> None:
    MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"alpha_panel-127.0.0.1:{panel_emulator.port}",
        data={CONF_KIND: KIND_ALPHA_PANEL, CONF_HOST: "127.0.0.1", CONF_PORT: panel_emulator.port},
    ).add_to_hass(hass)
    flow_id = await _start_panel_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: panel_emulator.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    # Refused before the panel was asked anything.
    assert panel_emulator.requests == []


async def test_reconfigure_panel(hass: HomeAssistant, panel_emulator: AlphaPanelEmulator) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Alpha panel 127.0.0.1",
        unique_id=PANEL_UNIQUE_ID,
        data={CONF_KIND: KIND_ALPHA_PANEL, CONF_HOST: "127.0.0.1", CONF_PORT: free_port()},
        options=DEFAULT_PANEL_OPTIONS,
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure_panel"
    # The form starts from the entry's address.
    assert result["data_schema"]({}) == {CONF_HOST: "127.0.0.1", CONF_PORT: entry.data[CONF_PORT]}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: free_port()}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "panel_cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: " 127.0.0.1", CONF_PORT: panel_emulator.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {
        CONF_KIND: KIND_ALPHA_PANEL,
        CONF_HOST: "127.0.0.1",
        CONF_PORT: panel_emulator.port,
    }
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)


# --- options ------------------------------------------------------------------------------------


async def _options_step(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


async def test_options_menu(hass: HomeAssistant, loaded_panel: MockConfigEntry) -> None:
    result = await hass.config_entries.options.async_init(loaded_panel.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "init"
    assert result["menu_options"] == [
        "settings",
        "alarms",
        "add_vessel",
        "edit_vessel",
        "remove_vessels",
        "batch_vessel",
    ]


async def test_options_settings(hass: HomeAssistant, loaded_panel: MockConfigEntry) -> None:
    result = await _options_step(hass, loaded_panel, "settings")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "settings"
    assert _suggested(result) == {
        CONF_MIN_SET_POINT: 34.0,
        CONF_MAX_SET_POINT: 100.0,
        CONF_SET_POINT_STEP: "1",
        CONF_POLL_INTERVAL: 60,
        CONF_PAGES: 2,
        "area": "Cellar",
    }
    settings = {
        CONF_MIN_SET_POINT: 50,
        CONF_MAX_SET_POINT: 40,
        CONF_SET_POINT_STEP: "0.5",
        CONF_POLL_INTERVAL: 30,
        CONF_PAGES: 2,
        "area": "Brewhouse",
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], settings)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_MAX_SET_POINT: "limits_inverted"}
    assert _suggested(result) == settings
    # The panel takes no setpoint below 0 °F, so no limit may go there.
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {**settings, CONF_MIN_SET_POINT: -5}
        )

    old = loaded_panel.runtime_data
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**settings, CONF_MIN_SET_POINT: 40, CONF_MAX_SET_POINT: 80}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_panel.options == {
        **DEFAULT_PANEL_OPTIONS,
        CONF_MIN_SET_POINT: 40.0,
        CONF_MAX_SET_POINT: 80.0,
        CONF_SET_POINT_STEP: 0.5,
        CONF_POLL_INTERVAL: 30,
        CONF_PAGES: 2,
        "area": "Brewhouse",
    }
    # The entry was reloaded with the new settings.
    assert loaded_panel.state is ConfigEntryState.LOADED
    assert loaded_panel.runtime_data is not old
    assert loaded_panel.runtime_data.update_interval.total_seconds() == 30
    attributes = hass.states.get("climate.fv_10_1").attributes
    assert attributes["min_temp"] == 40
    assert attributes["max_temp"] == 80
    assert attributes["target_temp_step"] == 0.5


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({CONF_LABEL: "  "}, {CONF_LABEL: "label_required"}),
        ({CONF_LABEL: "FV 10/1"}, {CONF_LABEL: "label_taken"}),
        ({CONF_NUMBER: 1}, {CONF_NUMBER: "slot_taken"}),
        ({CONF_ADDRESS: 117}, {CONF_ADDRESS: "address_taken"}),
        ({CONF_POSITION: 25}, {CONF_POSITION: "position_overlaps"}),
        (
            {CONF_NUMBER: 9, CONF_LABEL: "BT 10/1", CONF_ADDRESS: 125, CONF_POSITION: 24},
            {
                CONF_NUMBER: "slot_taken",
                CONF_LABEL: "label_taken",
                CONF_ADDRESS: "address_taken",
                CONF_POSITION: "position_overlaps",
            },
        ),
    ],
)
async def test_options_add_vessel_errors(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    change: dict[str, Any],
    errors: dict[str, str],
) -> None:
    result = await _options_step(hass, loaded_panel, "add_vessel")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "add_vessel"
    # The next free slot, with the default panel's address and position.
    assert _suggested(result) == {**NEW_VESSEL, CONF_LABEL: ""}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**NEW_VESSEL, **change}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert _suggested(result) == {**NEW_VESSEL, **change}
    assert len(loaded_panel.options[CONF_VESSELS]) == 9


@pytest.mark.parametrize("panel_slots", [10])
async def test_options_add_vessel(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    assert hass.states.get("climate.fv_30_1") is None
    result = await _options_step(hass, loaded_panel, "add_vessel")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**NEW_VESSEL, CONF_NUMBER: 10.0, CONF_LABEL: " FV 30/1 "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_panel.options[CONF_VESSELS][-1] == NEW_VESSEL

    # The new vessel's device and entities are there after the reload, no restart needed.
    device = _device(device_registry, loaded_panel, "-slot-10")
    assert device is not None
    assert device.name == "FV 30/1"
    panel = _device(device_registry, loaded_panel, "")
    assert device.via_device_id == panel.id
    assert sorted(e.entity_id for e in er.async_entries_for_device(entity_registry, device.id)) == [
        "binary_sensor.fv_30_1_cooling_failure",
        "binary_sensor.fv_30_1_glycol_valve",
        "binary_sensor.fv_30_1_off_target",
        "binary_sensor.fv_30_1_probe_lost",
        "binary_sensor.fv_30_1_wrong_direction",
        "climate.fv_30_1",
        "select.fv_30_1_profile",
        "sensor.fv_30_1_abv",
        "sensor.fv_30_1_apparent_attenuation",
        "sensor.fv_30_1_batch_number",
        "sensor.fv_30_1_beer",
        "sensor.fv_30_1_days_in_vessel",
        "sensor.fv_30_1_profile_next_change",
        "sensor.fv_30_1_profile_progress",
        "sensor.fv_30_1_profile_step",
        "sensor.fv_30_1_profile_target",
        "sensor.fv_30_1_setpoint",
        "sensor.fv_30_1_temperature",
    ]
    vessel = panel_emulator.vessels[10]
    state = hass.states.get("climate.fv_30_1")
    assert state.attributes["current_temperature"] == round(vessel.temperature, 1)
    assert state.attributes["temperature"] == vessel.set_point
    assert float(hass.states.get("sensor.fv_30_1_temperature").state) == round(
        vessel.temperature, 1
    )


async def test_options_edit_vessel(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    result = await _options_step(hass, loaded_panel, "edit_vessel")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "edit_vessel"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_NUMBER: "3"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "vessel"
    assert result["description_placeholders"] == {"label": "FV 10/3"}
    assert _suggested(result) == {CONF_LABEL: "FV 10/3", CONF_ADDRESS: 119, CONF_POSITION: 6}

    # Its own address and position are not taken; another vessel's label is.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LABEL: "FV 10/1", CONF_ADDRESS: 119, CONF_POSITION: 6}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_LABEL: "label_taken"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_LABEL: "Brite 3", CONF_ADDRESS: 119, CONF_POSITION: 6}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_panel.options[CONF_VESSELS][2] == {
        CONF_NUMBER: 3,
        CONF_LABEL: "Brite 3",
        CONF_ADDRESS: 119,
        CONF_POSITION: 6,
    }
    # The vessel's device is renamed; its entities keep their ids and follow the name.
    device = _device(device_registry, loaded_panel, "-slot-3")
    assert device.name == "Brite 3"
    assert hass.states.get("climate.fv_10_3").attributes["friendly_name"] == "Brite 3"
    assert hass.states.get("sensor.fv_10_3_temperature").attributes["friendly_name"] == (
        "Brite 3 Temperature"
    )


@pytest.mark.parametrize(
    ("removed", "kept"),
    [
        (["8", "9"], ["fv_10_1", "fv_10_2", "fv_10_3", "fv_10_4", "fv_10_5", "fv_10_6", "fv_20_1"]),
        ([str(n) for n in range(1, 10)], []),
    ],
    ids=["two", "all"],
)
async def test_options_remove_vessels(
    hass: HomeAssistant,
    loaded_panel: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    removed: list[str],
    kept: list[str],
) -> None:
    result = await _options_step(hass, loaded_panel, "remove_vessels")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "remove_vessels"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_SLOTS: removed}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_panel.state is ConfigEntryState.LOADED

    # Only the panel's device and the kept vessels' devices are left, with their entities.
    devices = dr.async_entries_for_config_entry(device_registry, loaded_panel.entry_id)
    assert sorted(d.name for d in devices) == sorted(
        ["Alpha panel 127.0.0.1", *(v[CONF_LABEL] for v in loaded_panel.options[CONF_VESSELS])]
    )
    for number in removed:
        assert _device(device_registry, loaded_panel, f"-slot-{number}") is None
    entities = er.async_entries_for_config_entry(entity_registry, loaded_panel.entry_id)
    assert sorted(e.entity_id for e in entities if e.domain == "climate") == [
        f"climate.{name}" for name in kept
    ]
    # The link, and per vessel: thermostat, temperature, setpoint, valve, beer, batch, days,
    # the profile's five and the four alarms (the sentinel, slot 9, is removed in both).
    assert len(entities) == 1 + 18 * len(kept)  # as in test_a_panel_has_no_buttons
    for entity_id in (
        "climate.walk_in",
        "sensor.bt_10_1_temperature",
        "binary_sensor.walk_in_glycol_valve",
    ):
        assert entity_registry.async_get(entity_id) is None
        assert hass.states.get(entity_id) is None

    # With no vessels left there is nothing to edit or remove.
    result = await hass.config_entries.options.async_init(loaded_panel.entry_id)
    expected = ["settings", "alarms", "add_vessel"]
    expected += ["edit_vessel", "remove_vessels", "batch_vessel"] if kept else []
    assert result["menu_options"] == expected
