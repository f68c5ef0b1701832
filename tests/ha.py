"""Fixtures for the Home Assistant side: entries pointing at the emulators and local servers."""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from copy import deepcopy
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import PropertyMock, patch

import aiohttp
import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.cellar_brewpi.const import (
    CONF_ACCESS_KEY_ID,
    CONF_BUCKET,
    CONF_CELLAR_NAME,
    CONF_CONNECTION_TYPE,
    CONF_ENDPOINT_URL,
    CONF_KIND,
    CONF_NAMESPACE,
    CONF_ORG,
    CONF_QUEUE_LIMIT_MB,
    CONF_REGION,
    CONF_SECRET_ACCESS_KEY,
    CONF_SERVICE_ACCOUNT,
    CONF_SHEET_ID,
    CONF_SYNC_INTERVAL,
    CONF_TAB,
    CONF_TOKEN,
    CONF_URL,
    CONNECTION_NETWORK,
    DOMAIN,
    KIND_ALPHA_PANEL,
    KIND_BREWPI,
    KIND_CELLAR_SERVICES,
)
from custom_components.cellar_brewpi.panel.options import DEFAULT_PANEL_OPTIONS
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.emulators.brewpi import BrewPiEmulator
from scripts.stand_ins.google_sheets import (
    ROWS,
    SHEET_ID,
    TAB,
    FakeGoogle,
    FakeGoogleServer,
    ServiceAccount,
    reroute_sheets_api,
)
from scripts.victoria_metrics import VictoriaMetrics
from tests.heartbeat.moto_support import REGION as MOTO_REGION
from tests.heartbeat.moto_support import SECRET as AWS_SECRET
from tests.heartbeat.moto_support import MotoServer, start_moto_server, stop_moto_server


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None, socket_enabled: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


SNAPSHOT_TIME = "2025-03-01T12:00:00+00:00"
"""The clock of the platform snapshots (the alarms' attributes hold times)."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots through HA's extension (ids and timestamps left out)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def enable_all_entities() -> Iterator[None]:
    """Entities that are disabled by default (LCD lines, firmware) are created enabled."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def config_entry(brewpi_emulator: BrewPiEmulator) -> MockConfigEntry:
    """An entry for the emulated controller on loopback."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="BrewPi fermenter1",
        unique_id="fermenter1",
        data={
            CONF_KIND: KIND_BREWPI,
            CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: brewpi_emulator.port,
        },
    )


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The entry, set up against the emulator."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
def fast_requests() -> Iterator[None]:
    """A stalled controller fails a request after 3 tries of 0.3 s instead of 2 s."""
    with patch("custom_components.cellar_brewpi.controller.REQUEST_TIMEOUT", 0.3):
        yield


type Advance = Callable[[Callable[[], bool]], Awaitable[None]]


@pytest.fixture
def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> Advance:
    """Move the clock a second at a time until a condition holds (at most 60 steps).

    The client's reconnects are real socket I/O in its own tasks, so each step also lets the loop
    turn a few times to process ready sockets (the frozen clock stops every loop timer).
    """

    async def run(condition: Callable[[], bool]) -> None:
        for _ in range(60):
            if condition():
                return
            freezer.tick(timedelta(seconds=1))
            async_fire_time_changed(hass)
            for _ in range(20):
                await asyncio.sleep(0)
            await hass.async_block_till_done(wait_background_tasks=True)
        assert condition()

    return run


# --- Alpha glycol cellar panel --------------------------------------------------------------------

PANEL_TITLE = "Alpha panel 127.0.0.1"
# Fixed, so that unique ids (and the snapshots) do not depend on the emulator's free port.
PANEL_UNIQUE_ID = "alpha_panel-127.0.0.1:80"
# The object ids of the vessels in slots 1-8 (the default labels); slot 9 is the unused sentinel.
VESSELS = {
    1: "fv_10_1",
    2: "fv_10_2",
    3: "fv_10_3",
    4: "fv_10_4",
    5: "fv_10_5",
    6: "fv_10_6",
    7: "fv_20_1",
    8: "walk_in",
}
SENTINEL = "bt_10_1"  # shows 1000 °F / 0 °F: no sensor


@pytest.fixture
def fast_panel() -> Iterator[None]:
    """No pause between page reads, short request and write verification timeouts.

    The library re-reads a written slot every 0.5 s (not settable from the integration), so the
    verification timeout must leave room for one re-read.
    """
    with (
        patch("custom_components.cellar_brewpi.panel.coordinator.PANEL_PAGE_PAUSE", 0.0),
        patch("custom_components.cellar_brewpi.panel.coordinator.PANEL_REQUEST_TIMEOUT", 0.5),
        patch("custom_components.cellar_brewpi.panel.coordinator.PANEL_WRITE_VERIFY_TIMEOUT", 1.0),
    ):
        yield


@pytest.fixture
def panel_slots() -> int:
    """How many slots the emulated panel has; a test overrides it with `parametrize`."""
    return 9


@pytest.fixture
async def panel_emulator(
    socket_enabled: None, fast_panel: None, panel_slots: int
) -> AsyncIterator[AlphaPanelEmulator]:
    """An Alpha panel emulator on loopback HTTP, frozen in time (slot 9 is the unused sentinel)."""
    emulator = AlphaPanelEmulator(slots=panel_slots, speedup=0.0, seed=11)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
def fahrenheit(hass: HomeAssistant) -> None:
    """Show °F, the panel's unit, so states carry the panel's own numbers."""
    hass.config.units = US_CUSTOMARY_SYSTEM


@pytest.fixture
def panel_entry(panel_emulator: AlphaPanelEmulator, fahrenheit: None) -> MockConfigEntry:
    """An entry for the emulated panel, with the options the config flow creates."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=PANEL_TITLE,
        unique_id=PANEL_UNIQUE_ID,
        data={CONF_KIND: KIND_ALPHA_PANEL, CONF_HOST: "127.0.0.1", CONF_PORT: panel_emulator.port},
        options=deepcopy(DEFAULT_PANEL_OPTIONS),
    )


@pytest.fixture
async def loaded_panel(hass: HomeAssistant, panel_entry: MockConfigEntry) -> MockConfigEntry:
    """The panel's entry, set up against the emulator."""
    panel_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(panel_entry.entry_id)
    await hass.async_block_till_done()
    return panel_entry


# --- Cellar services: real local servers ---------------------------------------------------------
#
# The sibling packages' fixtures are not visible here: their classes are imported and the fixtures
# the cellar services' tests need are defined below.

CELLAR_NAME = "Main"
SERVICES_TITLE = f"Cellar {CELLAR_NAME}"
INFLUX_TOKEN = "influx-SeCrEt-token-4f9a1c"  # noqa: S105 - a fake one, distinctive for leak checks
AWS_KEY_ID = "AKIACELLARTEST000001"
INFLUX_ORG = "cellar"
INFLUX_BUCKET = "readings"
QUEUED = "sensor.cellar_main_queued_points"
OLDEST_AGE = "sensor.cellar_main_oldest_queued_point_age"
LAST_WRITE = "sensor.cellar_main_last_influxdb_write"
DROPPED = "sensor.cellar_main_dropped_points"
REJECTED = "sensor.cellar_main_rejected_points"
LAST_HEARTBEAT = "sensor.cellar_main_last_heartbeat"
MASTER_ALARM = "binary_sensor.cellar_main_master_alarm"


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """A config directory per test: the InfluxDB queue file lives in it."""
    return hass_tmp_config_dir


def influx_options(url: str, token: str = INFLUX_TOKEN, **changes: Any) -> dict[str, Any]:
    """The InfluxDB part of the options, as the options flow stores it."""
    return {
        CONF_URL: url,
        CONF_TOKEN: token,
        CONF_ORG: INFLUX_ORG,
        CONF_BUCKET: INFLUX_BUCKET,
        CONF_QUEUE_LIMIT_MB: 500,
        **changes,
    }


def cloudwatch_options(
    endpoint: str, access_key_id: str = AWS_KEY_ID, secret: str = AWS_SECRET, **changes: Any
) -> dict[str, Any]:
    """The CloudWatch part of the options, pointed at moto_server."""
    return {
        CONF_REGION: MOTO_REGION,
        CONF_ACCESS_KEY_ID: access_key_id,
        CONF_SECRET_ACCESS_KEY: secret,
        CONF_NAMESPACE: "CELLAR/INFO",
        CONF_ENDPOINT_URL: endpoint,
        **changes,
    }


def sheet_options(account: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The Sheet part of the options."""
    return {
        CONF_SERVICE_ACCOUNT: account,
        CONF_SHEET_ID: SHEET_ID,
        CONF_TAB: TAB,
        CONF_SYNC_INTERVAL: 10,
        **changes,
    }


def services_entry(options: dict[str, Any] | None = None) -> MockConfigEntry:
    """A cellar services entry with these options (parts)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=SERVICES_TITLE,
        data={CONF_KIND: KIND_CELLAR_SERVICES, CONF_CELLAR_NAME: CELLAR_NAME},
        options=options or {},
    )


type AddServices = Callable[..., Awaitable[MockConfigEntry]]


@pytest.fixture
def add_services(hass: HomeAssistant) -> AddServices:
    """Set up a cellar services entry with the given parts (before any controller or panel)."""

    async def add(**options: Any) -> MockConfigEntry:
        entry = services_entry(options)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        return entry

    return add


async def add_entry(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    """Add and set up a controller's or panel's entry (after the services: none of its first
    readings is missed)."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def until(condition: Callable[[], bool], within: float = 10.0) -> None:
    """Wait in real time (short sleeps) until a condition holds; for executor and socket work."""
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def issue_ids(hass: HomeAssistant) -> set[str]:
    """The integration's repair issues."""
    registry = ir.async_get(hass)
    return {issue_id for (domain, issue_id) in registry.issues if domain == DOMAIN}


def reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[Any]:
    """The reauth flows in progress for an entry."""
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"].get("source") == SOURCE_REAUTH
        and flow["context"].get("entry_id") == entry.entry_id
    ]


@pytest.fixture
async def victoria(tmp_path: Path) -> AsyncIterator[VictoriaMetrics]:
    """A VictoriaMetrics on a reserved loopback port, not started (`await victoria.start()`)."""
    async with aiohttp.ClientSession() as session:
        server = VictoriaMetrics(session, tmp_path / "victoria")
        yield server
        server.stop()


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """One moto_server subprocess on loopback for the session."""
    process, server = start_moto_server(tmp_path_factory.mktemp("moto") / "moto_server.log")
    yield server
    stop_moto_server(process)


def moto_api(server: MotoServer, path: str, body: bytes = b"") -> None:
    """POST to moto's own API (`reset`, `reset-auth`)."""
    request = urllib.request.Request(  # noqa: S310 - the loopback moto_server
        f"{server.endpoint}/moto-api/{path}",
        data=body,
        headers={"Content-Type": "text/plain"},  # not a form: moto reads the raw body
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200


@pytest.fixture
def moto(moto_server: MotoServer) -> Iterator[MotoServer]:
    """The moto_server, emptied, with authentication off (as it is left afterwards)."""
    moto_api(moto_server, "reset")
    moto_api(moto_server, "reset-auth", b"inf")
    yield moto_server
    moto_api(moto_server, "reset-auth", b"inf")


@pytest.fixture
def google(service_account: ServiceAccount) -> Iterator[FakeGoogle]:
    """A stand-in for Google's token endpoint and Sheets API; the Sheets API is rerouted to it."""
    fake = FakeGoogle(
        public_key=service_account.public_key,
        sheets={SHEET_ID: {TAB: deepcopy(ROWS), "Other": []}},
    )
    server = FakeGoogleServer.start(fake)
    undo = reroute_sheets_api(lambda: fake.url)
    try:
        yield fake
    finally:
        undo()
        server.stop()


@pytest.fixture
def account(google: FakeGoogle, service_account: ServiceAccount) -> dict[str, Any]:
    """The service account's JSON key, its token endpoint the stand-in's."""
    return {**service_account.info, "token_uri": google.token_uri}


def metric_statistics(server: MotoServer, cellar_name: str = CELLAR_NAME) -> list[dict[str, Any]]:
    """The cellar's PANEL_READ datapoints in moto around now (one per minute)."""
    cloudwatch = server.client("cloudwatch")
    now = dt_util.utcnow()
    response = cloudwatch.get_metric_statistics(
        Namespace="CELLAR/INFO",
        MetricName="PANEL_READ",
        Dimensions=[{"Name": "CELLAR_NAME", "Value": cellar_name}],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(hours=1),
        Period=60,
        Statistics=["Sum", "SampleCount"],
    )
    cloudwatch.close()
    return sorted(response["Datapoints"], key=lambda point: point["Timestamp"])


def moto_requests(server: MotoServer) -> int:
    """How many AWS API calls moto_server has answered (its request log)."""
    return server.log.read_text().count('"POST / HTTP/1.1"')
