"""The cellar services' config flow and options: every part checked live against local servers."""

from __future__ import annotations

import json
from typing import Any
from unittest.mock import patch

import probatio
from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cellar_brewpi.batches.client import BatchSheet
from custom_components.cellar_brewpi.cellar.runtime import CellarServices
from custom_components.cellar_brewpi.const import (
    CONF_CELLAR_NAME,
    CONF_CLOUDWATCH,
    CONF_INFLUXDB,
    CONF_KIND,
    CONF_MASTER_ALARM_MINUTES,
    CONF_SERVICE_ACCOUNT,
    CONF_SHEET,
    CONF_SHEET_ID,
    CONF_SNS_TOPIC_ARN,
    CONF_TAB,
    DOMAIN,
    KIND_CELLAR_SERVICES,
)
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.stand_ins.google_sheets import KEY_ID, FakeGoogle, api_error
from scripts.victoria_metrics import VictoriaMetrics
from tests.ha import (
    LAST_HEARTBEAT,
    MASTER_ALARM,
    QUEUED,
    SERVICES_TITLE,
    AddServices,
    cloudwatch_options,
    influx_options,
    metric_statistics,
    moto_api,
    sheet_options,
)
from tests.heartbeat.moto_support import MotoServer
from tests.recording.conftest import FakeInflux

ALARM_NAME = "CELLAR/INFO Main master alarm"


async def _create_services(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": KIND_CELLAR_SERVICES}
    )


async def _options_step(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> dict[str, Any]:
    """Open the options menu and choose `step`."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert step in result["menu_options"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step
    return result


async def _submit(hass: HomeAssistant, result: dict[str, Any], values: dict[str, Any]) -> Any:
    result = await hass.config_entries.options.async_configure(result["flow_id"], values)
    await hass.async_block_till_done()
    return result


def _form(options: dict[str, Any]) -> dict[str, Any]:
    """What a user types into a part's form (the Sheet's key as pasted JSON text)."""
    values = dict(options)
    if isinstance(values.get(CONF_SERVICE_ACCOUNT), dict):
        values[CONF_SERVICE_ACCOUNT] = json.dumps(values[CONF_SERVICE_ACCOUNT])
    return values


def _suggested(result: dict[str, Any], key: str) -> Any:
    for marker in result["data_schema"].schema:
        if marker == key:
            return (marker.description or {}).get("suggested_value")
    raise KeyError(key)


async def test_create_the_services_and_only_once(hass: HomeAssistant) -> None:
    result = await _create_services(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == KIND_CELLAR_SERVICES
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CELLAR_NAME: "   "}
    )
    assert result["errors"] == {CONF_CELLAR_NAME: "name_required"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CELLAR_NAME: "  Main "}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == SERVICES_TITLE
    assert result["data"] == {CONF_KIND: KIND_CELLAR_SERVICES, CONF_CELLAR_NAME: "Main"}
    entry = result["result"]
    assert entry.options == {}
    assert entry.state is ConfigEntryState.LOADED
    # No part yet: only the master alarm, no queue or heartbeat sensors.
    assert hass.states.get(MASTER_ALARM) is not None
    assert hass.states.get(QUEUED) is None

    result = await _create_services(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_options_menu_offers_what_applies(
    hass: HomeAssistant, add_services: AddServices
) -> None:
    entry = await add_services()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["menu_options"] == [
        CONF_INFLUXDB,
        CONF_CLOUDWATCH,
        CONF_SHEET,
        "master_alarm_minutes",
    ]
    hass.config_entries.options.async_abort(result["flow_id"])

    hass.config_entries.async_update_entry(
        entry, options={CONF_CLOUDWATCH: cloudwatch_options("http://127.0.0.1:1")}
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["menu_options"] == [
        CONF_INFLUXDB,
        CONF_CLOUDWATCH,
        CONF_SHEET,
        "master_alarm_minutes",
        "create_alarm",
        "remove_parts",
    ]
    hass.config_entries.options.async_abort(result["flow_id"])


async def test_influxdb_errors_then_saved(
    hass: HomeAssistant,
    add_services: AddServices,
    victoria: VictoriaMetrics,
    fake_influx: FakeInflux,
) -> None:
    entry = await add_services()
    result = await _options_step(hass, entry, CONF_INFLUXDB)

    # Nothing listens yet on VictoriaMetrics' port.
    result = await _submit(hass, result, _form(influx_options(victoria.url)))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    # The form keeps what was typed.
    assert _suggested(result, "url") == victoria.url

    async def refuse(_lines: list[str]) -> Any:
        return web.json_response({"code": "unauthorized", "message": "unauthorized"}, status=401)

    fake_influx.respond = refuse
    result = await _submit(hass, result, _form(influx_options(fake_influx.url)))
    assert result["errors"] == {"base": "invalid_auth"}

    async def not_found(_lines: list[str]) -> Any:
        return web.json_response({"code": "not found", "message": "bucket not found"}, status=404)

    fake_influx.respond = not_found
    result = await _submit(hass, result, _form(influx_options(fake_influx.url)))
    assert result["errors"] == {"base": "bucket_not_found"}

    with patch(
        "custom_components.cellar_brewpi.cellar.forms.influx_writer",
        side_effect=RuntimeError("boom"),
    ):
        result = await _submit(hass, result, _form(influx_options(fake_influx.url)))
    assert result["errors"] == {"base": "unknown"}

    await victoria.start()
    result = await _submit(hass, result, _form(influx_options(f" {victoria.url} ")))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_INFLUXDB: influx_options(victoria.url)}
    # Reloaded with the part: the queue is open and its sensors are there.
    assert entry.state is ConfigEntryState.LOADED
    services = entry.runtime_data
    assert isinstance(services, CellarServices)
    assert services.recording is not None
    assert services.recording.queue is not None
    assert hass.states.get(QUEUED).state == "0"

    # Changing it again shows the saved values.
    result = await _options_step(hass, entry, CONF_INFLUXDB)
    assert _suggested(result, "org") == "cellar"
    hass.config_entries.options.async_abort(result["flow_id"])


async def test_cloudwatch_errors_then_saved(
    hass: HomeAssistant, add_services: AddServices, moto: MotoServer
) -> None:
    entry = await add_services()
    result = await _options_step(hass, entry, CONF_CLOUDWATCH)

    result = await _submit(hass, result, cloudwatch_options("not a url"))
    assert result["errors"] == {"base": "cannot_connect"}

    moto_api(moto, "reset-auth", b"0")  # moto checks every signature from now on
    result = await _submit(hass, result, cloudwatch_options(moto.endpoint))
    assert result["errors"] == {"base": "invalid_auth"}
    moto_api(moto, "reset-auth", b"inf")

    form = cloudwatch_options(moto.endpoint)
    del form["namespace"]  # the form's default
    result = await _submit(hass, result, form)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_CLOUDWATCH: cloudwatch_options(moto.endpoint)}
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.heartbeat.running
    assert hass.states.get(LAST_HEARTBEAT).state == "unknown"
    # The live check sent one datapoint of 0: it proves the call works, and adds nothing.
    (datapoint,) = metric_statistics(moto)
    assert (datapoint["SampleCount"], datapoint["Sum"]) == (1.0, 0.0)


async def test_sheet_errors_then_saved(
    hass: HomeAssistant, add_services: AddServices, google: FakeGoogle, account: dict[str, Any]
) -> None:
    entry = await add_services()
    result = await _options_step(hass, entry, CONF_SHEET)

    for pasted in ("not json", json.dumps(["a", "list"]), json.dumps({"client_email": "x"})):
        result = await _submit(
            hass, result, {**_form(sheet_options(account)), CONF_SERVICE_ACCOUNT: pasted}
        )
        assert result["errors"] == {CONF_SERVICE_ACCOUNT: "invalid_service_account"}

    google.revoked_key_ids.add(KEY_ID)
    result = await _submit(hass, result, _form(sheet_options(account)))
    assert result["errors"] == {"base": "invalid_auth"}
    google.revoked_key_ids.clear()

    result = await _submit(hass, result, _form(sheet_options(account, sheet_id="0NoSuchSheet")))
    assert result["errors"] == {"base": "sheet_not_found"}
    result = await _submit(hass, result, _form(sheet_options(account, tab="No such tab")))
    assert result["errors"] == {"base": "sheet_not_found"}

    google.api_answer = api_error(503, "UNAVAILABLE", "The service is currently unavailable.")
    result = await _submit(hass, result, _form(sheet_options(account)))
    assert result["errors"] == {"base": "cannot_connect"}
    google.api_answer = None

    result = await _submit(hass, result, _form(sheet_options(account, sync_interval=5.0)))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_SHEET: sheet_options(account, sync_interval=5)}
    assert entry.state is ConfigEntryState.LOADED
    assert set(entry.runtime_data.sheet.data) == {"FV 10/1", "FV 10/2", "BBT 3"}

    # Changing it again shows the values as saved, but never the key.
    result = await _options_step(hass, entry, CONF_SHEET)
    assert _suggested(result, CONF_SERVICE_ACCOUNT) is None
    assert _suggested(result, CONF_TAB) == sheet_options(account)[CONF_TAB]
    assert _suggested(result, CONF_SHEET_ID) == sheet_options(account)[CONF_SHEET_ID]
    hass.config_entries.options.async_abort(result["flow_id"])


async def test_stored_secrets_never_reach_the_browser(
    hass: HomeAssistant,
    add_services: AddServices,
    victoria: VictoriaMetrics,
    moto: MotoServer,
    google: FakeGoogle,
    account: dict[str, Any],
) -> None:
    """Every options form of every part: no stored secret in what is sent; empty keeps it."""
    await victoria.start()
    options = {
        CONF_INFLUXDB: influx_options(victoria.url),
        CONF_CLOUDWATCH: cloudwatch_options(moto.endpoint),
        CONF_SHEET: sheet_options(account),
    }
    entry = await add_services(**options)
    secrets = [
        options[CONF_INFLUXDB]["token"],
        options[CONF_CLOUDWATCH]["access_key_id"],
        options[CONF_CLOUDWATCH]["secret_access_key"],
        account["private_key"],
        account["client_email"],
    ]
    for part in (CONF_INFLUXDB, CONF_CLOUDWATCH, CONF_SHEET):
        result = await _options_step(hass, entry, part)
        # What the frontend receives: the form serialised as HA's flow view sends it.
        sent = json.dumps(
            probatio.to_field_list(result["data_schema"], custom_serializer=cv.custom_serializer)
        )
        assert not [secret for secret in secrets if secret in sent], part
        # Every value but the secrets submitted again, the secrets left empty: all kept.
        form = {
            marker.schema: (marker.description or {}).get("suggested_value")
            for marker in result["data_schema"].schema
        }
        form = {key: value for key, value in form.items() if value is not None}
        result = await _submit(hass, result, form)
        assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
        assert entry.options[part] == options[part]


async def test_master_alarm_minutes(hass: HomeAssistant, add_services: AddServices) -> None:
    entry = await add_services()
    result = await _options_step(hass, entry, CONF_MASTER_ALARM_MINUTES)
    result = await _submit(hass, result, {CONF_MASTER_ALARM_MINUTES: 12.0})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_MASTER_ALARM_MINUTES: 12}
    assert hass.states.get(MASTER_ALARM).attributes["minutes"] == 12
    result = await _options_step(hass, entry, CONF_MASTER_ALARM_MINUTES)
    schema = result["data_schema"]
    assert schema({}) == {CONF_MASTER_ALARM_MINUTES: 12}
    hass.config_entries.options.async_abort(result["flow_id"])


async def test_create_alarm(
    hass: HomeAssistant, add_services: AddServices, moto: MotoServer
) -> None:
    sns = moto.client("sns")
    topic = sns.create_topic(Name="cellar-alarms")["TopicArn"]
    sns.close()
    entry = await add_services(cloudwatch=cloudwatch_options(moto.endpoint), master_alarm_minutes=7)
    options = dict(entry.options)
    result = await _options_step(hass, entry, "create_alarm")

    moto_api(moto, "reset-auth", b"0")  # the test key is unknown to moto's IAM
    result = await _submit(hass, result, {CONF_SNS_TOPIC_ARN: topic})
    assert result["errors"] == {"base": "invalid_auth"}
    moto_api(moto, "reset-auth", b"inf")

    result = await _submit(hass, result, {CONF_SNS_TOPIC_ARN: f" {topic} "})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == options
    cloudwatch = moto.client("cloudwatch")
    (alarm,) = cloudwatch.describe_alarms(AlarmNames=[ALARM_NAME])["MetricAlarms"]
    cloudwatch.close()
    assert alarm["TreatMissingData"] == "breaching"
    assert alarm["EvaluationPeriods"] == 7
    assert alarm["Dimensions"] == [{"Name": "CELLAR_NAME", "Value": "Main"}]
    assert alarm["AlarmActions"] == [topic]


async def test_create_alarm_cannot_connect(hass: HomeAssistant, add_services: AddServices) -> None:
    entry = await add_services(cloudwatch=cloudwatch_options("not a url"))
    result = await _options_step(hass, entry, "create_alarm")
    result = await _submit(hass, result, {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_remove_parts(
    hass: HomeAssistant, add_services: AddServices, victoria: VictoriaMetrics, moto: MotoServer
) -> None:
    await victoria.start()
    entry = await add_services(
        influxdb=influx_options(victoria.url),
        cloudwatch=cloudwatch_options(moto.endpoint),
        master_alarm_minutes=3,
    )
    assert hass.states.get(QUEUED) is not None
    result = await _options_step(hass, entry, "remove_parts")
    options = result["data_schema"].schema["parts"].config["options"]
    assert options == [CONF_INFLUXDB, CONF_CLOUDWATCH]
    result = await _submit(hass, result, {"parts": [CONF_INFLUXDB]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_CLOUDWATCH: cloudwatch_options(moto.endpoint),
        CONF_MASTER_ALARM_MINUTES: 3,
    }
    assert entry.state is ConfigEntryState.LOADED
    services = entry.runtime_data
    assert services.recording is None
    assert services.heartbeat is not None
    # The removed part's sensors are gone, not left behind unavailable.
    assert hass.states.get(QUEUED) is None
    assert er.async_get(hass).async_get(QUEUED) is None
    assert hass.states.get(LAST_HEARTBEAT) is not None


async def test_a_server_that_is_not_influxdb_is_named_so(
    hass: HomeAssistant,
    add_services: AddServices,
    panel_emulator: AlphaPanelEmulator,
    socket_enabled: None,
) -> None:
    """A web server answering 200 to every path, or the panel's pages: "not InfluxDB"."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", lambda _request: web.Response(text="OK"))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        entry = await add_services()
        for port in (runner.addresses[0][1], panel_emulator.port):
            url = f"http://127.0.0.1:{port}"
            result = await _options_step(hass, entry, CONF_INFLUXDB)
            result = await _submit(hass, result, _form(influx_options(url)))
            assert result["errors"] == {"base": "not_influxdb"}, url
            hass.config_entries.options.async_abort(result["flow_id"])
        assert entry.options == {}
    finally:
        await runner.cleanup()


async def test_reconfigure_renames_the_cellar(
    hass: HomeAssistant, add_services: AddServices
) -> None:
    entry = await add_services()
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure_services"
    assert _suggested(result, CONF_CELLAR_NAME) == "Main"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CELLAR_NAME: "  "}
    )
    assert result["errors"] == {CONF_CELLAR_NAME: "name_required"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CELLAR_NAME: " Back room "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_CELLAR_NAME] == "Back room"
    assert entry.title == "Cellar Back room"
    assert entry.state is ConfigEntryState.LOADED


async def test_the_sheet_check_closes_its_session(
    hass: HomeAssistant, add_services: AddServices, google: FakeGoogle, account: dict[str, Any]
) -> None:
    """The live check is a client of its own: it is closed, passed or failed."""
    entry = await add_services()
    closed: list[BatchSheet] = []
    close = BatchSheet.close

    def spy(sheet: BatchSheet) -> None:
        closed.append(sheet)
        close(sheet)

    with patch.object(BatchSheet, "close", spy):
        result = await _options_step(hass, entry, CONF_SHEET)
        result = await _submit(hass, result, _form(sheet_options(account, tab="No such tab")))
        assert result["errors"] == {"base": "sheet_not_found"}
        assert len(closed) == 1
        result = await _submit(hass, result, _form(sheet_options(account)))
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert len(closed) == 2
