"""Every config, discovery, reconfigure and options flow step, against the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from ipaddress import ip_address
from pathlib import Path
from unittest.mock import patch

import pytest
from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, SOURCE_ZEROCONF, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.const import (
    CONF_CONNECTION_TYPE,
    CONF_KIND,
    CONF_POLL_INTERVAL,
    CONF_SERIAL_PORT,
    CONNECTION_NETWORK,
    CONNECTION_SERIAL,
    DOMAIN,
    KIND_ALPHA_PANEL,
    KIND_BREWPI,
)
from custom_components.cellar_brewpi.controller.flow import mdns_name
from custom_components.cellar_brewpi.controller.link import serial_by_id
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.emulators.brewpi import BrewPiEmulator
from scripts.victoria_metrics import free_port

ALARM_DEFAULTS = {
    "direction_minutes": 60.0,
    "direction_margin": 1.0,
    "direction_slope": 0.2,
    "off_target_degrees": 2.0,
    "off_target_minutes": 60.0,
    "settle_hours": 24.0,
    "cooling_minutes": 60.0,
    "cooling_drop": 0.3,
}


@pytest.fixture(autouse=True)
def fast_handshake() -> Iterator[None]:
    """Keep failing handshakes short (the real timeout is 10 s, as brewpi-script uses)."""
    with patch("custom_components.cellar_brewpi.controller.link.HANDSHAKE_TIMEOUT", 1.0):
        yield


async def _start_network_flow(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == [
        CONNECTION_NETWORK,
        CONNECTION_SERIAL,
        KIND_ALPHA_PANEL,
        "cellar_services",
        "fermentation_profiles",
        "fermentrack",
    ]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": CONNECTION_NETWORK}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == CONNECTION_NETWORK
    return result["flow_id"]


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A TCP server that answers every line with text that is not BrewPi."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await reader.readline():
            writer.write(b"hello from a printer\r\n")
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


async def test_network_flow_creates_entry(
    hass: HomeAssistant, brewpi_emulator: BrewPiEmulator
) -> None:
    flow_id = await _start_network_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: " 127.0.0.1 ", CONF_PORT: brewpi_emulator.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "BrewPi 127.0.0.1"
    assert result["data"] == {
        CONF_KIND: KIND_BREWPI,
        CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
        CONF_HOST: "127.0.0.1",
        CONF_PORT: brewpi_emulator.port,
    }
    assert result["result"].unique_id == f"127.0.0.1:{brewpi_emulator.port}"
    # The flow talked to the controller: it asked for the version.
    assert any(command.startswith("n") for command in brewpi_emulator.commands_received)


async def test_network_flow_errors_then_recovers(
    hass: HomeAssistant, brewpi_emulator: BrewPiEmulator, silent_server: int
) -> None:
    flow_id = await _start_network_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: free_port()}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: silent_server}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "not_brewpi"}

    with patch(
        "custom_components.cellar_brewpi.controller.flow.async_handshake",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: brewpi_emulator.port}
        )
    assert result["errors"] == {"base": "unknown"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: brewpi_emulator.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_network_flow_rejects_duplicates(
    hass: HomeAssistant, brewpi_emulator: BrewPiEmulator
) -> None:
    MockConfigEntry(
        domain=DOMAIN,
        unique_id="fermenter1",
        data={
            CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: brewpi_emulator.port,
        },
    ).add_to_hass(hass)
    flow_id = await _start_network_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: brewpi_emulator.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_another_name_of_the_same_address_is_refused(
    hass: HomeAssistant, brewpi_emulator: BrewPiEmulator
) -> None:
    """`localhost` and `127.0.0.1` are one controller: a second entry would steal its link."""
    MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"127.0.0.1:{brewpi_emulator.port}",
        data={
            CONF_KIND: KIND_BREWPI,
            CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: brewpi_emulator.port,
        },
    ).add_to_hass(hass)
    for host in ("localhost", " 127.0.0.1"):
        flow_id = await _start_network_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            flow_id, {CONF_HOST: host, CONF_PORT: brewpi_emulator.port}
        )
        assert result["type"] is FlowResultType.ABORT, host
        assert result["reason"] == "already_configured"
    # Nothing was sent: the controller's link stayed with the first entry.
    assert brewpi_emulator.commands_received == []
    # Another port on the same host is another controller.
    flow_id = await _start_network_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: free_port()}
    )
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.fixture
async def web_server() -> AsyncIterator[int]:
    """An HTTP server on loopback (it answers the BrewPi's `n` with 400 and closes)."""
    app = web.Application()
    app.router.add_get("/", lambda _request: web.Response(text="hello"))
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert site._server is not None
    yield site._server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    await runner.cleanup()


async def test_a_web_server_is_not_a_brewpi(hass: HomeAssistant, web_server: int) -> None:
    """It answers (an error page) and closes: "not a BrewPi", never "could not reach"."""
    flow_id = await _start_network_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: web_server}
    )
    assert result["errors"] == {"base": "not_brewpi"}


async def test_a_panel_is_not_a_brewpi(
    hass: HomeAssistant, panel_emulator: AlphaPanelEmulator
) -> None:
    flow_id = await _start_network_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: panel_emulator.port}
    )
    assert result["errors"] == {"base": "not_brewpi"}


def test_mdns_name() -> None:
    assert mdns_name("Fermenter1.local.") == "fermenter1"
    assert mdns_name("fermenter1.local") == "fermenter1"
    assert mdns_name("192.168.1.50") is None


async def test_serial_flow_over_pty(hass: HomeAssistant) -> None:
    emulator = BrewPiEmulator(speedup=0.0, seed=3)
    path = await emulator.start_pty()
    try:
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": CONNECTION_SERIAL}
        )
        assert result["step_id"] == CONNECTION_SERIAL
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_SERIAL_PORT: path}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"] == {
            CONF_KIND: KIND_BREWPI,
            CONF_CONNECTION_TYPE: CONNECTION_SERIAL,
            CONF_SERIAL_PORT: path,
        }
        assert result["result"].unique_id == path

        # The same port again is refused before anything is opened.
        result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": CONNECTION_SERIAL}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_SERIAL_PORT: path}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_configured"
    finally:
        await emulator.stop()


async def test_serial_flow_missing_port(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": CONNECTION_SERIAL}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL_PORT: "/dev/ttyNOPE0"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


def test_serial_by_id(tmp_path: Path) -> None:
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    device = tmp_path / "ttyUSB0"
    device.touch()
    (by_id / "usb-Espressif_ESP32-if00").symlink_to(device)
    assert serial_by_id(str(device), by_id) == str(by_id / "usb-Espressif_ESP32-if00")
    assert serial_by_id(str(tmp_path / "ttyUSB1"), by_id) == str(tmp_path / "ttyUSB1")
    assert serial_by_id(str(device), tmp_path / "missing") == str(device)
    assert serial_by_id(str(by_id / "x"), by_id) == str(by_id / "x")


def _zeroconf(port: int, host: str = "127.0.0.1") -> ZeroconfServiceInfo:
    return ZeroconfServiceInfo(
        ip_address=ip_address(host),
        ip_addresses=[ip_address(host)],
        hostname="fermenter1.local.",
        name="fermenter1._brewpi._tcp.local.",
        port=port,
        type="_brewpi._tcp.local.",
        properties={"board": "ESP32", "branch": "legacy", "version": "0.2.4", "revision": "0.15"},
    )


async def test_zeroconf_discovery_confirm(
    hass: HomeAssistant, brewpi_emulator: BrewPiEmulator
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(brewpi_emulator.port)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "zeroconf_confirm"
    assert result["description_placeholders"] == {"name": "fermenter1", "host": "127.0.0.1"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "BrewPi fermenter1"
    assert result["result"].unique_id == "fermenter1"


async def test_zeroconf_confirm_error(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(free_port())
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_zeroconf_updates_known_controller(
    hass: HomeAssistant, brewpi_emulator: BrewPiEmulator
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="fermenter1",
        data={CONF_CONNECTION_TYPE: CONNECTION_NETWORK, CONF_HOST: "10.0.0.99", CONF_PORT: 23},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(brewpi_emulator.port)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "127.0.0.1"
    assert entry.data[CONF_PORT] == brewpi_emulator.port


async def test_reconfigure_network(hass: HomeAssistant, brewpi_emulator: BrewPiEmulator) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="fermenter1",
        data={
            CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: free_port(),
        },
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure_controller"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: free_port()}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: brewpi_emulator.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_PORT] == brewpi_emulator.port
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_serial(hass: HomeAssistant) -> None:
    emulator = BrewPiEmulator(speedup=0.0, seed=3)
    path = await emulator.start_pty()
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="/dev/serial/by-id/old",
        data={CONF_CONNECTION_TYPE: CONNECTION_SERIAL, CONF_SERIAL_PORT: "/dev/ttyNOPE9"},
    )
    entry.add_to_hass(hass)
    try:
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_SERIAL_PORT: path}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert entry.data[CONF_SERIAL_PORT] == path
        await hass.async_block_till_done()
        await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await emulator.stop()


async def _settings(hass: HomeAssistant, entry: MockConfigEntry) -> ConfigFlowResult:
    """The options menu, then the controller's settings."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "controller_settings"}
    )


async def test_options_flow(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    result = await _settings(hass, loaded_entry)
    assert result["type"] is FlowResultType.FORM
    # The alarm thresholds suggested are the defaults of the controller's unit (°C).
    suggested = {
        str(marker): marker.description["suggested_value"]
        for marker in result["data_schema"].schema
    }
    assert suggested == {CONF_POLL_INTERVAL: 60, "area": "Cellar", **ALARM_DEFAULTS}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**suggested, CONF_POLL_INTERVAL: 30, "off_target_degrees": 3}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.options == {
        CONF_POLL_INTERVAL: 30,
        "area": "Cellar",
        "alarms": {**ALARM_DEFAULTS, "off_target_degrees": 3.0},
    }
    assert loaded_entry.runtime_data.update_interval is not None
    assert loaded_entry.runtime_data.update_interval.total_seconds() == 30
    # The reloaded chamber's alarms take the thresholds.
    alarm = next(
        e
        for e in hass.data["entity_components"]["binary_sensor"].entities
        if e.entity_id == "binary_sensor.brewpi_fermenter1_off_target"
    )
    assert alarm.rule.settings.off_target_degrees == 3.0


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {CONF_POLL_INTERVAL: 120, "direction_minutes": 10},
            {"direction_minutes": "alarm_window_too_short"},
        ),
        (
            {CONF_POLL_INTERVAL: 600, "direction_minutes": 30, "cooling_minutes": 15},
            {
                "direction_minutes": "alarm_window_too_short",
                "cooling_minutes": "alarm_period_too_short",
            },
        ),
        ({"cooling_drop": 2.0}, {"cooling_drop": "alarm_drop_too_large"}),
    ],
)
async def test_options_flow_refuses_alarm_thresholds_that_cannot_work(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    changes: dict[str, float],
    errors: dict[str, str],
) -> None:
    result = await _settings(hass, loaded_entry)
    user_input = {CONF_POLL_INTERVAL: 60, **ALARM_DEFAULTS, **changes}
    result = await hass.config_entries.options.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert loaded_entry.options == {}
