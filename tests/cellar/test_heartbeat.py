"""
The CloudWatch heartbeat against moto_server, the create_master_alarm action, the master alarm.

The clock is frozen and moved by hand (no InfluxDB part here, so no drainer runs and every task
the services start can be waited for).
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.cellar_brewpi.const import (
    CONF_ACCESS_KEY_ID,
    CONF_CLOUDWATCH,
    CONF_SECRET_ACCESS_KEY,
    CONF_SNS_TOPIC_ARN,
    DOMAIN,
)
from custom_components.cellar_brewpi.heartbeat import LEAST_PRIVILEGE_POLICY
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.emulators.brewpi import BrewPiEmulator
from tests.ha import (
    LAST_HEARTBEAT,
    MASTER_ALARM,
    AddServices,
    add_entry,
    cloudwatch_options,
    issue_ids,
    metric_statistics,
    moto_api,
    moto_requests,
    reauth_flows,
)
from tests.heartbeat.moto_support import MotoServer

ALARM_NAME = "CELLAR/INFO Main master alarm"


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 60) -> None:
    """Move the clock on; the polls and heartbeats it starts are real I/O, waited for."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _heartbeats(moto: MotoServer) -> int:
    return int(sum(point["SampleCount"] for point in metric_statistics(moto)))


def _heartbeat_user(moto: MotoServer) -> tuple[str, str]:
    """An IAM user with the README's least-privilege policy; its access key."""
    iam = moto.client("iam")
    iam.create_user(UserName="heartbeat")
    key = iam.create_access_key(UserName="heartbeat")["AccessKey"]
    # moto checks CloudWatch's actions under their endpoint prefix, `monitoring:`.
    policy = json.dumps(LEAST_PRIVILEGE_POLICY).replace('"cloudwatch:Put', '"monitoring:Put')
    iam.put_user_policy(UserName="heartbeat", PolicyName="heartbeat", PolicyDocument=policy)
    iam.close()
    return key["AccessKeyId"], key["SecretAccessKey"]


async def test_one_heartbeat_a_minute_while_readings_arrive(
    hass: HomeAssistant,
    add_services: AddServices,
    moto: MotoServer,
    panel_entry: MockConfigEntry,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = await add_services(cloudwatch=cloudwatch_options(moto.endpoint))
    # Two sources read at once: one heartbeat.
    await add_entry(hass, panel_entry)
    await add_entry(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    (point,) = metric_statistics(moto)
    assert (point["SampleCount"], point["Sum"], point["Unit"]) == (1.0, 1.0, "Count")
    first = dt_util.utcnow()
    assert abs(point["Timestamp"] - first) < timedelta(seconds=1)
    assert dt_util.parse_datetime(hass.states.get(LAST_HEARTBEAT).state) == first.replace(
        microsecond=0
    )

    # A fresh reading 30 s later: no heartbeat (at most one a minute).
    await _tick(hass, freezer, 30)
    await config_entry.runtime_data.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _heartbeats(moto) == 1

    # A minute after the first: the next poll cycle's readings send the next one.
    await _tick(hass, freezer, 30)
    assert _heartbeats(moto) == 2
    assert entry.runtime_data.heartbeat.last_heartbeat == dt_util.utcnow()
    assert issue_ids(hass) == set()

    # Unloaded with a heartbeat in flight: it is cancelled, nothing is left behind.
    freezer.tick(timedelta(seconds=60))
    await panel_entry.runtime_data.async_refresh()
    assert entry.runtime_data.heartbeat._task is not None
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_an_unreachable_cloudwatch_is_tried_again_next_minute(
    hass: HomeAssistant,
    add_services: AddServices,
    panel_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Not a credentials problem: no repair issue, no reauth; the next minute tries again."""
    caplog.set_level(logging.DEBUG, logger="custom_components.cellar_brewpi.cellar.heartbeat")
    entry = await add_services(cloudwatch=cloudwatch_options("not a url"))
    await add_entry(hass, panel_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    for _ in range(3):
        await _tick(hass, freezer)
    # One warning when the heartbeats start failing; every later failure at debug.
    records = [r for r in caplog.records if r.name.endswith(".cellar.heartbeat")]
    assert [r.levelno for r in records] == [logging.WARNING] + [logging.DEBUG] * 3
    assert "CloudWatch heartbeats are failing" in records[0].getMessage()
    assert "Invalid endpoint: not a url" in records[0].getMessage()
    assert issue_ids(hass) == set()
    assert reauth_flows(hass, entry) == []
    assert entry.runtime_data.heartbeat.running
    assert hass.states.get(LAST_HEARTBEAT).state == "unknown"


async def test_refused_credentials_stop_the_heartbeat_until_reauthenticated(
    hass: HomeAssistant,
    add_services: AddServices,
    moto: MotoServer,
    panel_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    key_id, secret = _heartbeat_user(moto)
    moto_api(moto, "reset-auth", b"0")  # the options' key is unknown to moto's IAM
    entry = await add_services(cloudwatch=cloudwatch_options(moto.endpoint))
    await add_entry(hass, panel_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert f"{entry.entry_id}_cloudwatch_auth" in issue_ids(hass)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{entry.entry_id}_cloudwatch_auth")
    assert issue.severity is ir.IssueSeverity.ERROR
    (flow,) = reauth_flows(hass, entry)
    assert not entry.runtime_data.heartbeat.running
    assert hass.states.get(LAST_HEARTBEAT).state == "unknown"

    # Fresh readings go on; no further call is made.
    calls = moto_requests(moto)
    assert calls >= 1
    for _ in range(2):
        await _tick(hass, freezer)
    assert moto_requests(moto) == calls

    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_ACCESS_KEY_ID: "AKIANOTAKEY000000000", CONF_SECRET_ACCESS_KEY: "x"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_ACCESS_KEY_ID: key_id, CONF_SECRET_ACCESS_KEY: secret}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.options[CONF_CLOUDWATCH] == cloudwatch_options(moto.endpoint, key_id, secret)

    await _tick(hass, freezer)
    assert entry.runtime_data.heartbeat.last_heartbeat == dt_util.utcnow()
    assert f"{entry.entry_id}_cloudwatch_auth" not in issue_ids(hass)
    moto_api(moto, "reset-auth", b"inf")  # to read the datapoints back
    # The reauth's check (0), then the heartbeat of the next poll (1).
    points = [(p["SampleCount"], p["Sum"]) for p in metric_statistics(moto)]
    assert points == [(1.0, 0.0), (1.0, 1.0)]


async def test_create_master_alarm_action(
    hass: HomeAssistant, add_services: AddServices, moto: MotoServer
) -> None:
    entry = await add_services()
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(DOMAIN, "create_master_alarm", {}, blocking=True)
    assert caught.value.translation_key == "no_cloudwatch"
    assert str(caught.value) == "Set up CloudWatch in the cellar services' options first"

    hass.config_entries.async_update_entry(
        entry, options={CONF_CLOUDWATCH: cloudwatch_options(moto.endpoint)}
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    moto_api(moto, "reset-auth", b"0")
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(DOMAIN, "create_master_alarm", {}, blocking=True)
    assert caught.value.translation_key == "alarm_not_created"
    assert str(caught.value) == "The CloudWatch alarm was not created: invalid_auth"
    moto_api(moto, "reset-auth", b"inf")

    sns = moto.client("sns")
    topic = sns.create_topic(Name="cellar-alarms")["TopicArn"]
    sns.close()
    await hass.services.async_call(
        DOMAIN, "create_master_alarm", {CONF_SNS_TOPIC_ARN: topic}, blocking=True
    )
    cloudwatch = moto.client("cloudwatch")
    (alarm,) = cloudwatch.describe_alarms(AlarmNames=[ALARM_NAME])["MetricAlarms"]
    cloudwatch.close()
    assert alarm["TreatMissingData"] == "breaching"
    assert (alarm["EvaluationPeriods"], alarm["Period"], alarm["Threshold"]) == (5, 60, 1.0)
    assert alarm["OKActions"] == [topic]


async def test_no_action_without_the_services(
    hass: HomeAssistant, panel_entry: MockConfigEntry
) -> None:
    await add_entry(hass, panel_entry)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(DOMAIN, "create_master_alarm", {}, blocking=True)


async def test_master_alarm(
    hass: HomeAssistant,
    add_services: AddServices,
    panel_entry: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await add_services()
    panel = await add_entry(hass, panel_entry)
    read_at = panel.runtime_data.data.read_at
    state = hass.states.get(MASTER_ALARM)
    assert state.state == STATE_OFF
    assert state.attributes["device_class"] == "problem"
    assert state.attributes["last_fresh_reading"] == read_at.isoformat()
    assert state.attributes["minutes"] == 5

    # The panel stops answering: no fresh reading for more than 5 minutes turns it on.
    panel_emulator.faults.http_500 = True
    for _ in range(5):
        await _tick(hass, freezer)
        assert hass.states.get(MASTER_ALARM).state == STATE_OFF
    await _tick(hass, freezer)
    state = hass.states.get(MASTER_ALARM)
    assert state.state == STATE_ON
    assert state.attributes["last_fresh_reading"] == read_at.isoformat()

    # A fresh reading turns it off at once.
    panel_emulator.faults.http_500 = False
    await _tick(hass, freezer)
    state = hass.states.get(MASTER_ALARM)
    assert state.state == STATE_OFF
    assert state.attributes["last_fresh_reading"] == dt_util.utcnow().isoformat()

    # A panel that is unloaded (but still configured) is silent too: after the minutes, on.
    last = dt_util.utcnow().isoformat()
    assert await hass.config_entries.async_unload(panel.entry_id)
    await _tick(hass, freezer, 30)
    state = hass.states.get(MASTER_ALARM)
    assert (state.state, state.attributes["last_fresh_reading"]) == (STATE_OFF, last)
    for _ in range(5):
        await _tick(hass, freezer)
    state = hass.states.get(MASTER_ALARM)
    assert (state.state, state.attributes["silent"]) == (STATE_ON, ["Alpha panel 127.0.0.1"])
    # Removed, it no longer counts.
    assert await hass.config_entries.async_remove(panel.entry_id)
    await _tick(hass, freezer, 30)
    assert hass.states.get(MASTER_ALARM).attributes["silent"] == []


async def test_a_live_controller_does_not_hide_a_dead_panel(
    hass: HomeAssistant,
    add_services: AddServices,
    moto: MotoServer,
    panel_entry: MockConfigEntry,
    config_entry: MockConfigEntry,
    panel_emulator: AlphaPanelEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """PANEL_READ follows the panel's reads; the master alarm names the silent device."""
    await add_services(cloudwatch=cloudwatch_options(moto.endpoint))
    await add_entry(hass, panel_entry)
    await add_entry(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _heartbeats(moto) == 1
    for _ in range(2):
        await _tick(hass, freezer)
    assert _heartbeats(moto) == 3

    # The panel dies; the controller goes on reading every minute.
    panel_emulator.faults.http_500 = True
    for minute in range(1, 8):
        await _tick(hass, freezer)
        assert config_entry.runtime_data.last_update_success
        state = hass.states.get(MASTER_ALARM)
        if minute <= 5:
            assert state.state == STATE_OFF, minute
        else:
            assert state.state == STATE_ON, minute
            assert state.attributes["silent"] == ["Alpha panel 127.0.0.1"]
    # Not one heartbeat since the panel stopped: the CloudWatch alarm fires too.
    assert _heartbeats(moto) == 3

    # The panel is back: heartbeats and the alarm follow at once.
    panel_emulator.faults.http_500 = False
    await _tick(hass, freezer)
    assert hass.states.get(MASTER_ALARM).state == STATE_OFF
    assert hass.states.get(MASTER_ALARM).attributes["silent"] == []
    assert _heartbeats(moto) == 4


async def test_without_a_panel_the_controllers_drive_the_heartbeat(
    hass: HomeAssistant,
    add_services: AddServices,
    moto: MotoServer,
    config_entry: MockConfigEntry,
    brewpi_emulator: BrewPiEmulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    await add_services(cloudwatch=cloudwatch_options(moto.endpoint))
    await add_entry(hass, config_entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    await _tick(hass, freezer)
    assert _heartbeats(moto) == 2
    await brewpi_emulator.stop()  # a power cut
    for _ in range(7):
        await _tick(hass, freezer)
    state = hass.states.get(MASTER_ALARM)
    assert (state.state, state.attributes["silent"]) == (STATE_ON, ["BrewPi fermenter1"])
    assert _heartbeats(moto) == 2


async def test_master_alarm_minutes_and_no_source(
    hass: HomeAssistant, add_services: AddServices, freezer: FrozenDateTimeFactory
) -> None:
    """Without any controller or panel, the minutes count from the start."""
    await add_services(master_alarm_minutes=2)
    assert hass.states.get(MASTER_ALARM).state == STATE_OFF
    await _tick(hass, freezer, 90)
    assert hass.states.get(MASTER_ALARM).state == STATE_OFF
    await _tick(hass, freezer, 60)
    state = hass.states.get(MASTER_ALARM)
    assert state.state == STATE_ON
    assert state.attributes == state.attributes | {"last_fresh_reading": None, "minutes": 2}
