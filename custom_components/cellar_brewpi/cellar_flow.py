"""
Forms and live checks of the cellar services' parts, and their options flow.

Each part (InfluxDB, CloudWatch, the production Sheet) is added, changed or removed from the
options, and checked live before it is saved. The same forms serve the reauth flow when a part's
credentials are refused later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import probatio as vol
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .batches import SheetAuthError, SheetError, SheetNotFoundError
from .cellar import heartbeat_client, influx_writer, sheet_client
from .const import (
    CONF_ACCESS_KEY_ID,
    CONF_BUCKET,
    CONF_CELLAR_NAME,
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
    CONF_SNS_TOPIC_ARN,
    CONF_SYNC_INTERVAL,
    CONF_TAB,
    CONF_TOKEN,
    CONF_URL,
    DEFAULT_MASTER_ALARM_MINUTES,
    DEFAULT_NAMESPACE,
    DEFAULT_QUEUE_LIMIT_MB,
    DEFAULT_SYNC_INTERVAL,
)
from .heartbeat import HeartbeatAuthError, HeartbeatError
from .recording import (
    InfluxAuthError,
    InfluxError,
    InfluxNotFoundError,
    InfluxWrongServerError,
)

_LOGGER = logging.getLogger(__name__)

PARTS = (CONF_INFLUXDB, CONF_CLOUDWATCH, CONF_SHEET)
PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
MULTILINE = TextSelector(TextSelectorConfig(multiline=True))
URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
# The secrets of each part: what a reauth asks for again.
SECRETS = {
    CONF_INFLUXDB: (CONF_TOKEN,),
    CONF_CLOUDWATCH: (CONF_ACCESS_KEY_ID, CONF_SECRET_ACCESS_KEY),
    CONF_SHEET: (CONF_SERVICE_ACCOUNT,),
}


def _number(low: int, high: int, unit: str) -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(
            min=low, max=high, step=1, unit_of_measurement=unit, mode=NumberSelectorMode.BOX
        )
    )


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
            vol.Required(CONF_QUEUE_LIMIT_MB, default=DEFAULT_QUEUE_LIMIT_MB): _number(
                10, 100_000, "MB"
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
            vol.Required(CONF_SYNC_INTERVAL, default=DEFAULT_SYNC_INTERVAL): _number(
                1, 1440, "min"
            ),
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
            heartbeat = heartbeat_client(options, cellar_name)
            try:
                await hass.async_add_executor_job(heartbeat.check)
            finally:
                await hass.async_add_executor_job(heartbeat.close)
        else:
            sheet = sheet_client(options)
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


class CellarOptionsFlow(OptionsFlowWithReload):
    """Add, change or remove a part; the master alarm's minutes; create the CloudWatch alarm."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:  # noqa: ARG002
        """Choose what to change."""
        options = [*PARTS, CONF_MASTER_ALARM_MINUTES]
        if CONF_CLOUDWATCH in self.config_entry.options:
            options.append("create_alarm")
        if any(part in self.config_entry.options for part in PARTS):
            options.append("remove_parts")
        return self.async_show_menu(step_id="init", menu_options=options)

    async def async_step_influxdb(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """InfluxDB: where every reading is recorded."""
        return await self._async_part(CONF_INFLUXDB, user_input)

    async def async_step_cloudwatch(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """CloudWatch: the heartbeat behind the master alarm."""
        return await self._async_part(CONF_CLOUDWATCH, user_input)

    async def async_step_sheet(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The production Sheet: each vessel's batch."""
        return await self._async_part(CONF_SHEET, user_input)

    async def _async_part(self, part: str, user_input: dict[str, Any] | None) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        stored: dict[str, Any] = dict(self.config_entry.options.get(part, {}))
        if user_input is not None:
            values, errors = normalize(part, user_input, stored)
            if not errors:
                error = await async_check_part(
                    self.hass, part, values, self.config_entry.data[CONF_CELLAR_NAME]
                )
                if error is None:
                    return self.async_create_entry(data={**self.config_entry.options, part: values})
                errors["base"] = error
        return self.async_show_form(
            step_id=part,
            data_schema=self.add_suggested_values_to_schema(
                part_schema(part, stored), without_secrets(part, user_input or stored)
            ),
            errors=errors,
        )

    async def async_step_master_alarm_minutes(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """After how many minutes without a fresh reading the master alarm turns on."""
        if user_input is not None:
            minutes = int(user_input[CONF_MASTER_ALARM_MINUTES])
            return self.async_create_entry(
                data={**self.config_entry.options, CONF_MASTER_ALARM_MINUTES: minutes}
            )
        current = self.config_entry.options.get(
            CONF_MASTER_ALARM_MINUTES, DEFAULT_MASTER_ALARM_MINUTES
        )
        schema = vol.Schema(
            {vol.Required(CONF_MASTER_ALARM_MINUTES, default=current): _number(1, 1440, "min")}
        )
        return self.async_show_form(step_id=CONF_MASTER_ALARM_MINUTES, data_schema=schema)

    async def async_step_create_alarm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Create the CloudWatch alarm: no heartbeat for the alarm's minutes counts as breaching."""
        errors: dict[str, str] = {}
        if user_input is not None:
            topic = (user_input.get(CONF_SNS_TOPIC_ARN) or "").strip() or None
            error = await async_create_alarm(
                self.hass,
                self.config_entry.options,
                self.config_entry.data[CONF_CELLAR_NAME],
                topic,
            )
            if error is None:
                return self.async_create_entry(data=dict(self.config_entry.options))
            errors["base"] = error
        schema = vol.Schema({vol.Optional(CONF_SNS_TOPIC_ARN): TextSelector()})
        return self.async_show_form(step_id="create_alarm", data_schema=schema, errors=errors)

    async def async_step_remove_parts(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Remove parts (the InfluxDB queue file stays, with anything not yet written)."""
        configured = [part for part in PARTS if part in self.config_entry.options]
        if user_input is not None:
            removed = set(user_input["parts"])
            return self.async_create_entry(
                data={k: v for k, v in self.config_entry.options.items() if k not in removed}
            )
        schema = vol.Schema(
            {
                vol.Required("parts"): SelectSelector(
                    SelectSelectorConfig(
                        options=configured,
                        multiple=True,
                        mode=SelectSelectorMode.LIST,
                        translation_key="parts",
                    )
                )
            }
        )
        return self.async_show_form(step_id="remove_parts", data_schema=schema)


async def async_create_alarm(
    hass: HomeAssistant, options: Any, cellar_name: str, sns_topic_arn: str | None
) -> str | None:
    """Create the master alarm in CloudWatch; the error key, or None when it was created."""
    heartbeat = heartbeat_client(options[CONF_CLOUDWATCH], cellar_name)
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
