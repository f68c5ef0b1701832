"""The cellar services' diagnostics, and no secret in them or in the log of a whole run."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.cellar_brewpi.const import CONF_INFLUXDB, CONF_TOKEN
from scripts.stand_ins.google_sheets import SHEET_ID, FakeGoogle, ServiceAccount, api_error
from scripts.victoria_metrics import VictoriaMetrics
from tests.ha import (
    AWS_KEY_ID,
    AWS_SECRET,
    INFLUX_TOKEN,
    AddServices,
    add_entry,
    cloudwatch_options,
    influx_options,
    sheet_options,
    until,
)
from tests.heartbeat.moto_support import MotoServer

REDACTED = "**REDACTED**"


async def test_no_secret_in_diagnostics_or_logs(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    add_services: AddServices,
    victoria: VictoriaMetrics,
    moto: MotoServer,
    google: FakeGoogle,
    account: dict[str, Any],
    service_account: ServiceAccount,
    panel_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await victoria.start()
    entry = await add_services(
        influxdb=influx_options(victoria.url),
        cloudwatch=cloudwatch_options(moto.endpoint),
        sheet=sheet_options(account),
    )
    services = entry.runtime_data
    await add_entry(hass, panel_entry)
    await until(
        lambda: (
            services.heartbeat.last_heartbeat is not None
            and services.recording.drainer.last_success is not None
            and services.recording.stats.queued == 0
        )
    )
    # Failures are logged too: the Sheet answering 500, InfluxDB refusing a token in a flow.
    google.api_answer = api_error(500, "INTERNAL", "Internal error.")
    await services.sheet.async_refresh()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": CONF_INFLUXDB}
    )
    await hass.config_entries.options.async_configure(
        result["flow_id"], influx_options("http://127.0.0.1:1", token=INFLUX_TOKEN)
    )

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    options = diagnostics["entry"]["options"]
    assert options["influxdb"][CONF_TOKEN] == REDACTED
    assert options["influxdb"]["url"] == REDACTED
    assert options["influxdb"]["bucket"] == "readings"
    assert options["cloudwatch"]["secret_access_key"] == REDACTED
    assert options["cloudwatch"]["access_key_id"] == REDACTED
    assert options["cloudwatch"]["endpoint_url"] == REDACTED
    assert options["sheet"]["service_account"] == REDACTED
    assert options["sheet"]["sheet_id"] == REDACTED
    assert options["sheet"]["tab"] == "Production 2020"
    assert diagnostics["queue"]["queued"] == 0
    assert diagnostics["last_write"] is not None
    assert diagnostics["last_heartbeat"] is not None
    assert diagnostics["master_alarm"] is False
    assert diagnostics["vessels_with_batch"] == ["BBT 3", "FV 10/1", "FV 10/2"]

    text = json.dumps(diagnostics)
    for secret in [INFLUX_TOKEN, AWS_SECRET, SHEET_ID, AWS_KEY_ID, *service_account.pem_lines]:
        assert secret not in text
    logged = caplog.text + "".join(repr(record.args) for record in caplog.records)
    assert "Cellar Main" in logged  # the log was captured
    for secret in [INFLUX_TOKEN, AWS_SECRET, *service_account.pem_lines]:
        assert secret not in logged
    # The spreadsheet id is in the Sheets API's URLs, which only urllib3's own request log (at
    # DEBUG) shows; no other logger names it.
    for record in caplog.records:
        if not record.name.startswith("urllib3."):
            assert SHEET_ID not in record.getMessage()
            assert SHEET_ID not in (record.exc_text or "")
