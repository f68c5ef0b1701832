"""
Recording end to end: a panel, a controller and the cellar services, InfluxDB on VictoriaMetrics.

The clock is real here: the drainer, the queue (executor) and the servers are real I/O. A poll is
driven with `async_fire_time_changed` (which also ends the drainer's backoff sleep), and only while
no write is in flight, so that no request timeout fires early.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from unittest.mock import patch

from aiohttp import web
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.cellar_brewpi.cellar.recording import Recording
from custom_components.cellar_brewpi.cellar.runtime import CellarServices
from custom_components.cellar_brewpi.const import CONF_INFLUXDB, CONF_TOKEN, DOMAIN
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.victoria_metrics import Key, VictoriaMetrics
from tests.ha import (
    DROPPED,
    LAST_WRITE,
    OLDEST_AGE,
    QUEUED,
    REJECTED,
    AddServices,
    add_entry,
    influx_options,
    issue_ids,
    reauth_flows,
    until,
)
from tests.recording.conftest import FakeInflux

PANEL_SAMPLES = 8 * 4 + 2
"""Samples per panel read: slots 1-8 have temp, set_point, valve_open and days_in_vessel; the
unused slot 9 only valve_open and days_in_vessel."""
CONTROLLER_SAMPLES = 7
"""beer_temp, beer_set, fridge_temp, fridge_set, room_temp, state and mode."""
GOOD_TOKEN = "influx-new-token-7d3e"  # noqa: S105 - a fake one
SLOT1 = {"slot": "1", "vessel": "FV 10/1", "batch_number": "0"}


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


async def poll(hass: HomeAssistant, *entries: MockConfigEntry) -> None:
    """Run the polls due within a minute (and end any backoff); wait for these entries' reads."""
    before = [entry.runtime_data.data.read_at for entry in entries]
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=61))
    await until(
        lambda: all(
            entry.runtime_data.data.read_at != read_at
            for entry, read_at in zip(entries, before, strict=True)
        )
    )
    await hass.async_block_till_done()


async def recorded(
    victoria: VictoriaMetrics, total: int | None = None, slot1_at: datetime | None = None
) -> Counter[Key]:
    """VictoriaMetrics' samples once `total` samples, or slot 1's temperature read at `slot1_at`,
    are searchable (an accepted write takes a moment to become so)."""

    def done(samples: Counter[Key]) -> bool:
        if slot1_at is not None:
            return ms(slot1_at) in stamps(samples, "cellar_panel_read_temp", **SLOT1)
        return sum(samples.values()) >= (total or 0)

    async with asyncio.timeout(10):
        while not done(samples := await victoria.samples()):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    return samples


def stamps(samples: Counter[Key], name: str, **labels: str) -> list[int]:
    """The timestamps of one series."""
    wanted = tuple(sorted(labels.items()))
    return sorted(stamp for (metric, tags, stamp) in samples if (metric, tags) == (name, wanted))


def services_of(entry: MockConfigEntry) -> Recording:
    """The entry's recording part."""
    services = entry.runtime_data
    assert isinstance(services, CellarServices)
    assert services.recording is not None
    return services.recording


def state(hass: HomeAssistant, entity_id: str) -> str:
    return hass.states.get(entity_id).state


async def test_every_reading_recorded_once_with_its_read_time(
    hass: HomeAssistant,
    add_services: AddServices,
    victoria: VictoriaMetrics,
    panel_entry: MockConfigEntry,
    config_entry: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
) -> None:
    await victoria.start()
    entry = await add_services(influxdb=influx_options(victoria.url))
    services = services_of(entry)
    panel = await add_entry(hass, panel_entry)
    controller = await add_entry(hass, config_entry)
    panel_reads = [panel.runtime_data.data.read_at]
    controller_reads = [controller.runtime_data.data.read_at]
    await recorded(victoria, PANEL_SAMPLES + CONTROLLER_SAMPLES)
    await until(lambda: services.stats is not None and services.stats.queued == 0)

    # A setpoint write shows the panel's confirmation: not a new read, nothing is recorded.
    await hass.services.async_call(
        "climate",
        "set_temperature",
        {"entity_id": "climate.fv_10_1", "temperature": 48},
        blocking=True,
    )
    assert panel.runtime_data.data.slots[1].set_point == 48
    assert panel.runtime_data.data.read_at == panel_reads[0]
    await hass.async_block_till_done()
    assert services.stats.queued == 0

    await poll(hass, panel, controller)
    panel_reads.append(panel.runtime_data.data.read_at)
    controller_reads.append(controller.runtime_data.data.read_at)
    assert len(set(panel_reads)) == len(set(controller_reads)) == 2
    samples = await recorded(victoria, 2 * (PANEL_SAMPLES + CONTROLLER_SAMPLES))
    await until(lambda: services.stats.queued == 0)

    # Each point exactly once, nothing else.
    assert set(samples.values()) == {1}
    assert sum(samples.values()) == 2 * (PANEL_SAMPLES + CONTROLLER_SAMPLES)
    # The panel's schema, stamped with the time each read was made.
    for field in ("temp", "set_point", "valve_open", "days_in_vessel"):
        assert stamps(samples, f"cellar_panel_read_{field}", **SLOT1) == [
            ms(moment) for moment in panel_reads
        ]
    # The unused slot shows no temperature or setpoint: those fields are left out.
    slot9 = {"slot": "9", "vessel": "BT 10/1", "batch_number": "0"}
    assert stamps(samples, "cellar_panel_read_temp", **slot9) == []
    assert len(stamps(samples, "cellar_panel_read_valve_open", **slot9)) == 2
    series = await victoria.export('{__name__="cellar_panel_read_temp",slot="1"}')
    assert series[0]["values"] == [round(panel_emulator.vessels[1].temperature, 1)] * 2
    series = await victoria.export('{__name__="cellar_panel_read_set_point",slot="1"}')
    assert series[0]["values"][1] == 48
    # The controller's Fermentrack columns.
    # The tag is the controller's identity (its unique id), not a name that can be renamed.
    device = {"device": "fermenter1", "temp_format": "C"}
    for column in ("beer_temp", "beer_set", "fridge_temp", "fridge_set", "room_temp", "state"):
        assert stamps(samples, f"brewpi_{column}", **device) == [
            ms(moment) for moment in controller_reads
        ]
    # The diagnostic sensors.
    assert state(hass, QUEUED) == "0"
    assert state(hass, OLDEST_AGE) == "unknown"
    assert state(hass, DROPPED) == "0"
    assert state(hass, REJECTED) == "0"
    assert dt_util.parse_datetime(state(hass, LAST_WRITE)) is not None
    assert issue_ids(hass) == set()


async def test_points_wait_on_disk_while_influxdb_is_down(
    hass: HomeAssistant,
    add_services: AddServices,
    victoria: VictoriaMetrics,
    panel_entry: MockConfigEntry,
) -> None:
    entry = await add_services(influxdb=influx_options(victoria.url))  # nothing listens yet
    services = services_of(entry)
    panel = await add_entry(hass, panel_entry)
    reads = [panel.runtime_data.data.read_at]
    await until(lambda: services.drainer.consecutive_failures >= 1)
    assert services.stats.queued == 9
    assert state(hass, QUEUED) == "9"
    assert state(hass, LAST_WRITE) == "unknown"

    await asyncio.sleep(1.1)  # the oldest point's age is counted in real seconds
    await poll(hass, panel)
    reads.append(panel.runtime_data.data.read_at)
    await until(lambda: services.stats.queued == 18)
    assert state(hass, QUEUED) == "18"
    assert int(state(hass, OLDEST_AGE)) >= 1
    assert services.stats.oldest_time_ns == int(reads[0].timestamp() * 1e6) * 1000

    # A restart while InfluxDB is down: the points are still on disk.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    services = services_of(entry)
    assert services.stats.queued == 18
    assert state(hass, QUEUED) == "18"

    await victoria.start()
    await until(lambda: services.drainer.consecutive_failures >= 1)
    await poll(hass, panel)  # a new read, and the end of the backoff
    reads.append(panel.runtime_data.data.read_at)
    samples = await recorded(victoria, 3 * PANEL_SAMPLES)
    await until(lambda: services.stats.queued == 0)
    assert set(samples.values()) == {1}
    assert sum(samples.values()) == 3 * PANEL_SAMPLES
    assert stamps(samples, "cellar_panel_read_temp", **SLOT1) == [ms(moment) for moment in reads]
    assert state(hass, QUEUED) == "0"
    assert state(hass, OLDEST_AGE) == "unknown"
    assert dt_util.parse_datetime(state(hass, LAST_WRITE)) is not None
    assert issue_ids(hass) == set()


async def test_a_rejected_point_is_set_aside(
    hass: HomeAssistant,
    add_services: AddServices,
    fake_influx: FakeInflux,
    panel_entry: MockConfigEntry,
) -> None:
    async def respond(lines: list[str]) -> web.Response | None:
        if bad := [line for line in lines if "vessel=FV\\ 10/2" in line]:
            return web.json_response(
                {"code": "invalid", "message": f"unable to parse '{bad[0]}': bad field"}, status=400
            )
        return None

    fake_influx.respond = respond
    entry = await add_services(influxdb=influx_options(fake_influx.url))
    services = services_of(entry)
    await add_entry(hass, panel_entry)
    await until(lambda: services.stats.dead_letters == 1 and services.stats.queued == 0)
    assert len(fake_influx.accepted) == 8
    assert not any("FV\\ 10/2" in line for line in fake_influx.accepted)
    ((line, reason, status, _),) = services.queue.dead_letters()
    assert "vessel=FV\\ 10/2" in line
    assert (status, reason.startswith("unable to parse")) == (400, True)
    assert state(hass, REJECTED) == "1"
    assert state(hass, QUEUED) == "0"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{entry.entry_id}_influxdb_points_rejected")
    assert issue is not None
    assert issue.translation_placeholders == {"cellar": "Main", "count": "1"}
    assert issue.severity is ir.IssueSeverity.WARNING


async def test_a_refused_token_stops_writing_until_reauthenticated(
    hass: HomeAssistant,
    add_services: AddServices,
    fake_influx: FakeInflux,
    panel_entry: MockConfigEntry,
) -> None:
    async def respond(_lines: list[str]) -> web.Response | None:
        if fake_influx.requests[-1]["headers"].get("Authorization") != f"Token {GOOD_TOKEN}":
            return web.json_response(
                {"code": "unauthorized", "message": "unauthorized"}, status=401
            )
        return None

    fake_influx.respond = respond
    entry = await add_services(influxdb=influx_options(fake_influx.url))
    services = services_of(entry)
    panel = await add_entry(hass, panel_entry)
    await until(lambda: bool(reauth_flows(hass, entry)))
    assert f"{entry.entry_id}_influxdb_auth" in issue_ids(hass)
    assert len(fake_influx.requests) == 1
    assert state(hass, QUEUED) == "9"

    # The drainer stopped: new points are queued, nothing is sent (no loop of failing calls).
    for cycle in (2, 3):
        await poll(hass, panel)
        await until(lambda cycle=cycle: services.stats.queued == 9 * cycle)
    await asyncio.sleep(0.1)
    assert len(fake_influx.requests) == 1
    assert entry.state is ConfigEntryState.LOADED

    (flow,) = reauth_flows(hass, entry)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_TOKEN: "nope"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert result["description_placeholders"]["part"] == CONF_INFLUXDB
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_TOKEN: f" {GOOD_TOKEN} "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.options[CONF_INFLUXDB] == influx_options(fake_influx.url, token=GOOD_TOKEN)

    services = services_of(entry)
    await until(lambda: services.stats is not None and services.stats.queued == 0)
    assert len(fake_influx.accepted) == 27
    assert set(Counter(fake_influx.accepted).values()) == {1}
    assert f"{entry.entry_id}_influxdb_auth" not in issue_ids(hass)
    assert reauth_flows(hass, entry) == []


async def test_a_full_queue_drops_the_oldest(
    hass: HomeAssistant,
    add_services: AddServices,
    victoria: VictoriaMetrics,
    panel_entry: MockConfigEntry,
) -> None:
    # The smallest limit the form allows is 10 MB; a "MB" of 200 bytes makes it 2 kB here,
    # about one and a half panel reads.
    with patch("custom_components.cellar_brewpi.cellar.recording.MB", 200):
        entry = await add_services(influxdb=influx_options(victoria.url, queue_limit_mb=10))
    services = services_of(entry)
    panel = await add_entry(hass, panel_entry)
    await until(lambda: services.drainer.consecutive_failures >= 1)
    assert services.stats.dropped == 0
    assert issue_ids(hass) == set()

    await poll(hass, panel)
    await until(lambda: services.stats.dropped > 0)
    stats = services.stats
    assert stats.queued + stats.dropped == 18
    assert stats.size_bytes <= 2000
    assert state(hass, DROPPED) == str(stats.dropped)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{entry.entry_id}_influxdb_queue_full")
    assert issue is not None
    assert issue.translation_placeholders == {"cellar": "Main", "dropped": str(stats.dropped)}
    assert issue.severity is ir.IssueSeverity.ERROR

    # What is left arrives once InfluxDB is back: the newest read whole.
    await victoria.start()
    await poll(hass, panel)
    await until(lambda: services.stats.queued == 0)
    samples = await recorded(victoria, slot1_at=panel.runtime_data.data.read_at)
    assert set(samples.values()) == {1}


async def test_a_missing_bucket_stops_writing_until_fixed(
    hass: HomeAssistant,
    add_services: AddServices,
    fake_influx: FakeInflux,
    panel_entry: MockConfigEntry,
) -> None:
    async def respond(_lines: list[str]) -> web.Response | None:
        if fake_influx.requests[-1]["query"].get("bucket") != "fixed":
            return web.json_response(
                {"code": "not found", "message": 'bucket "readings" not found'}, status=404
            )
        return None

    fake_influx.respond = respond
    entry = await add_services(influxdb=influx_options(fake_influx.url))
    services = services_of(entry)
    panel = await add_entry(hass, panel_entry)
    issue_id = f"{entry.entry_id}_influxdb_not_found"
    await until(lambda: issue_id in issue_ids(hass))
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue.translation_placeholders == {
        "cellar": "Main",
        "error": 'HTTP 404: bucket "readings" not found',
    }
    assert reauth_flows(hass, entry) == []
    await poll(hass, panel)
    await until(lambda: services.stats.queued == 18)
    assert len(fake_influx.requests) == 1

    # The bucket is fixed in the options: checked, saved, and the queue drained.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": CONF_INFLUXDB}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], influx_options(fake_influx.url, bucket="fixed")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    services = services_of(entry)
    await until(lambda: services.stats is not None and services.stats.queued == 0)
    assert len(fake_influx.accepted) == 18
    assert issue_id not in issue_ids(hass)


async def test_a_server_answering_200_deletes_nothing(
    hass: HomeAssistant,
    add_services: AddServices,
    fake_influx: FakeInflux,
    panel_entry: MockConfigEntry,
) -> None:
    """
    A web server that answers 200 to every path stored nothing: the points stay queued, a
    repair issue says so, and *Last InfluxDB write* stays unknown.
    """
    answer_200 = True

    async def respond(_lines: list[str]) -> web.Response | None:
        return web.Response(text="OK") if answer_200 else None

    fake_influx.respond = respond
    entry = await add_services(influxdb=influx_options(fake_influx.url))
    services = services_of(entry)
    panel = await add_entry(hass, panel_entry)
    issue_id = f"{entry.entry_id}_influxdb_wrong_server"
    await until(lambda: issue_id in issue_ids(hass))
    assert services.stats.queued == 9
    assert state(hass, LAST_WRITE) == "unknown"
    assert fake_influx.accepted == []

    answer_200 = False  # the URL now leads to InfluxDB (204)
    await poll(hass, panel)  # a new read, and the end of the backoff
    await until(lambda: services.stats.queued == 0)
    assert len(fake_influx.accepted) == 18
    assert issue_id not in issue_ids(hass)
    assert dt_util.parse_datetime(state(hass, LAST_WRITE)) is not None
