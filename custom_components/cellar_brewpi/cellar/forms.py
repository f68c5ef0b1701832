"""
The forms of the cellar services' parts and their live checks.

Each part (InfluxDB, CloudWatch, the production Sheet) is checked live before it is saved; a stored
secret is never sent back to the browser. The same forms serve the reauth flow.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import probatio as vol
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType

from ..batches import SheetAuthError, SheetError, SheetNotFoundError
from ..const import (
    CONF_ACCESS_KEY_ID,
    CONF_BUCKET,
    CONF_CLOUDWATCH,
    CONF_ENDPOINT_URL,
    CONF_INFLUXDB,
    CONF_MASTER_ALARM_MINUTES,
    CONF_NAMESPACE,
    CONF_ORG,
    CONF_QUEUE_LIMIT_MB,
    CONF_REGION,
    CONF_SECRET_ACCESS_KEY,
    CONF_SERVICE_ACCOUNT,
    CONF_SHEET,
    CONF_SHEET_ID,
    CONF_SYNC_INTERVAL,
    CONF_TAB,
    CONF_TOKEN,
    CONF_URL,
    DEFAULT_MASTER_ALARM_MINUTES,
    DEFAULT_QUEUE_LIMIT_MB,
    DEFAULT_SYNC_INTERVAL,
)
from ..heartbeat import DEFAULT_NAMESPACE, HeartbeatAuthError, HeartbeatError
from ..recording import InfluxAuthError, InfluxError, InfluxNotFoundError, InfluxWrongServerError
from ..selectors import number_box
from .clients import async_heartbeat_client, async_sheet_client, influx_writer

_LOGGER = logging.getLogger(__name__)

PARTS = (CONF_INFLUXDB, CONF_CLOUDWATCH, CONF_SHEET)
PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
MULTILINE = TextSelector(TextSelectorConfig(multiline=True))
URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
MINUTES = number_box(1, 1440, unit="min")
# The secrets of each part: what a reauth asks for again.
SECRETS = {
    CONF_INFLUXDB: (CONF_TOKEN,),
    CONF_CLOUDWATCH: (CONF_ACCESS_KEY_ID, CONF_SECRET_ACCESS_KEY),
    CONF_SHEET: (CONF_SERVICE_ACCOUNT,),
}


def part_schema(part: str, stored: Mapping[str, Any] | None = None) -> vol.Schema:
    """
    The form of a part; `stored` is the part's saved options when it is being changed.

    A secret already stored is never sent back to the browser: its field is optional and empty,
    and leaving it empty keeps the stored value (see `normalize`).
    """
    stored = stored or {}

    def secret(key: str) -> vol.Marker:
        return vol.Optional(key) if stored.get(key) else vol.Required(key)

    fields: dict[Any, Any]
    if part == CONF_INFLUXDB:
        fields = {
            vol.Required(CONF_URL): URL,
            secret(CONF_TOKEN): PASSWORD,
            vol.Required(CONF_ORG): TextSelector(),
            vol.Required(CONF_BUCKET): TextSelector(),
            vol.Required(CONF_QUEUE_LIMIT_MB, default=DEFAULT_QUEUE_LIMIT_MB): number_box(
                10, 100_000, unit="MB"
            ),
        }
    elif part == CONF_CLOUDWATCH:
        fields = {
            vol.Required(CONF_REGION): TextSelector(),
            secret(CONF_ACCESS_KEY_ID): PASSWORD,
            secret(CONF_SECRET_ACCESS_KEY): PASSWORD,
            vol.Required(CONF_NAMESPACE, default=DEFAULT_NAMESPACE): TextSelector(),
            vol.Optional(CONF_ENDPOINT_URL): URL,
        }
    else:
        fields = {
            secret(CONF_SERVICE_ACCOUNT): MULTILINE,
            vol.Required(CONF_SHEET_ID): TextSelector(),
            vol.Required(CONF_TAB): TextSelector(),
            vol.Required(CONF_SYNC_INTERVAL, default=DEFAULT_SYNC_INTERVAL): MINUTES,
        }
    return vol.Schema(fields)


def without_secrets(part: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A part's values as a form may show them: every secret left out."""
    return {key: value for key, value in values.items() if key not in SECRETS[part]}


def secrets_schema(part: str) -> vol.Schema:
    """The reauth form of a part: its secrets only."""
    return vol.Schema(
        {
            vol.Required(key): MULTILINE if key == CONF_SERVICE_ACCOUNT else PASSWORD
            for key in SECRETS[part]
        }
    )


def normalize(
    part: str, user_input: dict[str, Any], stored: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """
    The part's options from a form (types fixed), or the field errors.

    A secret left empty keeps its `stored` value.
    """
    values = {k: v.strip() if isinstance(v, str) else v for k, v in user_input.items()}
    for key in SECRETS[part]:
        if not values.get(key) and stored and stored.get(key):
            values[key] = stored[key]
    for key in (CONF_QUEUE_LIMIT_MB, CONF_SYNC_INTERVAL):
        if key in values:
            values[key] = int(values[key])
    if part == CONF_SHEET and isinstance(values.get(CONF_SERVICE_ACCOUNT), str):
        try:
            account = json.loads(values[CONF_SERVICE_ACCOUNT])
        except ValueError:
            account = None
        if not isinstance(account, dict) or not {"client_email", "private_key"} <= account.keys():
            return values, {CONF_SERVICE_ACCOUNT: "invalid_service_account"}
        values[CONF_SERVICE_ACCOUNT] = account
    return values, {}


# What a live check's failure tells the user, most specific first.
CHECK_ERRORS: tuple[tuple[tuple[type[Exception], ...], str], ...] = (
    ((InfluxAuthError, HeartbeatAuthError, SheetAuthError), "invalid_auth"),
    ((InfluxWrongServerError,), "not_influxdb"),
    ((InfluxNotFoundError,), "bucket_not_found"),
    ((SheetNotFoundError,), "sheet_not_found"),
    ((InfluxError, HeartbeatError, SheetError, ValueError), "cannot_connect"),
)


async def async_check_part(
    hass: HomeAssistant, part: str, options: dict[str, Any], cellar_name: str
) -> str | None:
    """Check a part live; the error key, or None when it works."""
    try:
        if part == CONF_INFLUXDB:
            await influx_writer(hass, options).check()
        elif part == CONF_CLOUDWATCH:
            heartbeat = await async_heartbeat_client(hass, options, cellar_name)
            try:
                await hass.async_add_executor_job(heartbeat.check)
            finally:
                await hass.async_add_executor_job(heartbeat.close)
        else:
            sheet = await async_sheet_client(hass, options)
            try:
                await hass.async_add_executor_job(sheet.check)
            finally:
                await hass.async_add_executor_job(sheet.close)
    except Exception as err:
        for errors, key in CHECK_ERRORS:
            if isinstance(err, errors):
                return key
        _LOGGER.exception("Unexpected error checking %s", part)
        return "unknown"
    return None


async def async_create_alarm(
    hass: HomeAssistant, options: Any, cellar_name: str, sns_topic_arn: str | None
) -> str | None:
    """Create the master alarm in CloudWatch; the error key, or None when it was created."""
    heartbeat = await async_heartbeat_client(hass, options[CONF_CLOUDWATCH], cellar_name)
    minutes = options.get(CONF_MASTER_ALARM_MINUTES, DEFAULT_MASTER_ALARM_MINUTES)
    try:
        await hass.async_add_executor_job(
            lambda: heartbeat.create_alarm(minutes=minutes, sns_topic_arn=sns_topic_arn)
        )
    except HeartbeatAuthError:
        return "invalid_auth"
    except HeartbeatError:
        return "cannot_connect"
    finally:
        await hass.async_add_executor_job(heartbeat.close)
    return None
