"""Adding the cellar services (one per Home Assistant), renaming them, and a part's reauth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import probatio as vol
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.helpers.selector import TextSelector

from ..const import CONF_CELLAR_NAME, CONF_KIND, KIND_CELLAR_SERVICES
from .forms import async_check_part, normalize, secrets_schema

NAME_SCHEMA = vol.Schema({vol.Required(CONF_CELLAR_NAME): TextSelector()})


def cellar_name(user_input: dict[str, Any], errors: dict[str, str]) -> str | None:
    """The cellar's name as entered; None, with the form's error set, when it is blank."""
    if not (name := user_input[CONF_CELLAR_NAME].strip()):
        errors[CONF_CELLAR_NAME] = "name_required"
    return name or None


class ServicesFlow(ConfigFlow):
    """The steps of the config flow for the cellar services."""

    MENU: ClassVar[tuple[str, ...]] = (KIND_CELLAR_SERVICES,)

    _part: str

    async def async_step_cellar_services(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The cellar services (one per Home Assistant); their parts are set in the options."""
        self._async_abort_entries_match({CONF_KIND: KIND_CELLAR_SERVICES})
        errors: dict[str, str] = {}
        if user_input is not None and (name := cellar_name(user_input, errors)):
            return self.async_create_entry(
                title=f"Cellar {name}",
                data={CONF_KIND: KIND_CELLAR_SERVICES, CONF_CELLAR_NAME: name},
            )
        return self.async_show_form(
            step_id=KIND_CELLAR_SERVICES, data_schema=NAME_SCHEMA, errors=errors
        )

    async def async_step_reconfigure_services(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Rename the cellar (its CloudWatch dimension and its device)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None and (name := cellar_name(user_input, errors)):
            return self.async_update_reload_and_abort(
                entry, title=f"Cellar {name}", data_updates={CONF_CELLAR_NAME: name}
            )
        return self.async_show_form(
            step_id="reconfigure_services",
            data_schema=self.add_suggested_values_to_schema(NAME_SCHEMA, user_input or entry.data),
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """A part of the cellar services refused its credentials."""
        self._part = entry_data["part"]
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Enter the part's credentials again; they are checked live before they are saved."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            values, errors = normalize(self._part, user_input)
            if not errors:
                part = {**entry.options[self._part], **values}
                error = await async_check_part(
                    self.hass, self._part, part, entry.data[CONF_CELLAR_NAME]
                )
                if error is None:
                    return self.async_update_reload_and_abort(
                        entry, options={**entry.options, self._part: part}
                    )
                errors["base"] = error
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=secrets_schema(self._part),
            description_placeholders={"part": self._part},
            errors=errors,
        )
