"""
Adding the profiles entry, and its subentries: profiles, and thermostats of other integrations.

A profile is written in the step language, imported (Fermentrack's table, BrewPi Remix's CSV,
YAML or JSON), or copied from another; editing it shows its steps in the step language. A run
keeps its own copy, so editing or deleting a profile never changes a batch under way.
"""

from __future__ import annotations

from typing import Any, ClassVar

import probatio as vol
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.config_entries import (
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
)

from ..const import (
    CONF_KIND,
    CONF_PROFILE,
    CONF_SOURCE,
    CONF_STEPS,
    CONF_THERMOSTAT,
    CONF_UNIT,
    KIND_PROFILES,
    SUBENTRY_PROFILE,
)
from ..profiles import Profile, ProfileError, Unit, plain, read_any, text
from .actions import profiles_by_name

CONF_NAME = "name"
TITLE = "Fermentation profiles"
_MULTILINE = TextSelector(TextSelectorConfig(multiline=True))
WRITE_SCHEMA = vol.Schema(
    {vol.Required(CONF_NAME): TextSelector(), vol.Required(CONF_STEPS): _MULTILINE}
)


class ProfilesFlow(ConfigFlow):
    """The config flow's step for the profiles entry (one per Home Assistant)."""

    MENU: ClassVar[tuple[str, ...]] = (KIND_PROFILES,)

    async def async_step_fermentation_profiles(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add the entry that holds the profiles."""
        self._async_abort_entries_match({CONF_KIND: KIND_PROFILES})
        if user_input is None:
            return self.async_show_form(step_id=KIND_PROFILES, data_schema=vol.Schema({}))
        return self.async_create_entry(title=TITLE, data={CONF_KIND: KIND_PROFILES})


class ProfileSubentryFlow(ConfigSubentryFlow):
    """Write, import, copy or edit a profile."""

    def _names(self) -> set[str]:
        skip = self._get_reconfigure_subentry().title if self.source == "reconfigure" else None
        return {name for name in profiles_by_name(self.hass) if name != skip}

    def _save(self, profile: Profile, errors: dict[str, str]) -> SubentryFlowResult | None:
        if profile.name in self._names():
            errors[CONF_NAME] = "name_taken"
            return None
        if self.source == "reconfigure":
            return self.async_update_and_abort(
                self._get_entry(),
                self._get_reconfigure_subentry(),
                title=profile.name,
                data=plain.to_dict(profile),
            )
        return self.async_create_entry(title=profile.name, data=plain.to_dict(profile))

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:  # noqa: ARG002
        """Write one, import one, or copy one."""
        options = ["write", "import"]
        if profiles_by_name(self.hass):
            options.append("copy")
        return self.async_show_menu(step_id="user", menu_options=options)

    async def async_step_write(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Name the profile and type its steps, one a line."""
        return self._steps_form("write", user_input, user_input or {})

    def _steps_form(
        self, step_id: str, user_input: dict[str, Any] | None, suggested: dict[str, Any]
    ) -> SubentryFlowResult:
        """The name-and-steps form of `step_id`: saved when the steps read, else why not."""
        errors: dict[str, str] = {}
        problem = ""
        if user_input is not None:
            try:
                profile = text.read(user_input[CONF_NAME], user_input[CONF_STEPS])
            except ProfileError as err:
                errors["base"], problem = "invalid_profile", str(err)
            else:
                if (done := self._save(profile, errors)) is not None:
                    return done
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(WRITE_SCHEMA, suggested),
            errors=errors,
            description_placeholders={"problem": problem},
        )

    async def async_step_import(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Paste a Fermentrack export, a BrewPi Remix CSV, YAML or JSON."""
        errors: dict[str, str] = {}
        problem = ""
        default_unit = self.hass.config.units.temperature_unit.removeprefix("°")
        schema = vol.Schema(
            {
                vol.Required(CONF_SOURCE): _MULTILINE,
                vol.Optional(CONF_NAME): TextSelector(),
                vol.Required(CONF_UNIT, default=default_unit): SelectSelector(
                    SelectSelectorConfig(options=["C", "F"], translation_key=CONF_UNIT)
                ),
            }
        )
        if user_input is not None:
            try:
                profile = read_any(
                    user_input[CONF_SOURCE],
                    Unit(user_input[CONF_UNIT]),
                    (user_input.get(CONF_NAME) or "").strip() or None,
                )
            except ProfileError as err:
                errors["base"], problem = "invalid_profile", str(err)
            else:
                if name := (user_input.get(CONF_NAME) or "").strip():
                    profile = Profile(name, profile.steps)
                if (done := self._save(profile, errors)) is not None:
                    return done
        return self.async_show_form(
            step_id="import",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or {}),
            errors=errors,
            description_placeholders={"problem": problem},
        )

    async def async_step_copy(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Copy a profile under a new name."""
        profiles = profiles_by_name(self.hass)
        errors: dict[str, str] = {}
        if user_input is not None:
            source = profiles[user_input[CONF_PROFILE]]
            copy = Profile(user_input[CONF_NAME].strip(), source.steps)
            if not copy.name:
                errors[CONF_NAME] = "name_required"
            elif (done := self._save(copy, errors)) is not None:
                return done
        schema = vol.Schema(
            {
                vol.Required(CONF_PROFILE): SelectSelector(
                    SelectSelectorConfig(options=sorted(profiles))
                ),
                vol.Required(CONF_NAME): TextSelector(),
            }
        )
        return self.async_show_form(
            step_id="copy",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or {}),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Edit the profile's name and steps (runs under way keep their own copy)."""
        current = plain.from_dict(self._get_reconfigure_subentry().data)
        suggested = user_input or {CONF_NAME: current.name, CONF_STEPS: text.write(current)}
        return self._steps_form("reconfigure", user_input, suggested)


class ThermostatSubentryFlow(ConfigSubentryFlow):
    """Give a thermostat of another integration its profile entities."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Pick the climate entity."""
        if user_input is not None:
            entity_id = user_input[CONF_THERMOSTAT]
            for subentry in self._get_entry().subentries.values():
                if subentry.unique_id == entity_id:
                    return self.async_abort(reason="already_configured")
            state = self.hass.states.get(entity_id)
            return self.async_create_entry(
                title=state.name if state else entity_id,
                data={CONF_THERMOSTAT: entity_id},
                unique_id=entity_id,
            )
        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_THERMOSTAT): EntitySelector(
                        EntitySelectorConfig(domain=CLIMATE_DOMAIN)
                    )
                }
            ),
        )


SUBENTRY_FLOWS: dict[str, type[ConfigSubentryFlow]] = {
    SUBENTRY_PROFILE: ProfileSubentryFlow,
    "thermostat": ThermostatSubentryFlow,
}
