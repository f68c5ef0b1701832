"""The cellar services' options: add, change or remove a part; the master alarm; its alarm."""

from __future__ import annotations

from typing import Any

import probatio as vol
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from ..const import (
    CONF_CELLAR_NAME,
    CONF_CLOUDWATCH,
    CONF_INFLUXDB,
    CONF_MASTER_ALARM_MINUTES,
    CONF_SHEET,
    CONF_SNS_TOPIC_ARN,
    DEFAULT_MASTER_ALARM_MINUTES,
)
from .forms import (
    MINUTES,
    PARTS,
    async_check_part,
    async_create_alarm,
    normalize,
    part_schema,
    without_secrets,
)


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
        schema = vol.Schema({vol.Required(CONF_MASTER_ALARM_MINUTES, default=current): MINUTES})
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
