"""
The config flow: add a controller (network, serial port, discovered), a panel or the services.

Each kind brings its own steps (`controller.flow`, `panel.flow`, `cellar.flow`); this class puts
them behind one menu and sends reconfigure and options to the entry's kind.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.core import callback

from .cellar import ServicesFlow
from .const import CONF_KIND, DOMAIN, KIND_PROFILES
from .controller import ControllerFlow
from .fermentation import ProfilesFlow
from .fermentrack_import import FermentrackFlow
from .kinds import kind_of
from .panel import PanelFlow


class CellarBrewPiConfigFlow(
    ControllerFlow, PanelFlow, ServicesFlow, ProfilesFlow, FermentrackFlow, domain=DOMAIN
):
    """Add anything of the integration; every path talks to the device or service first."""

    VERSION = 1

    def __init__(self) -> None:
        """Nothing discovered or chosen yet."""
        self._discovered = {}
        self._part = ""
        self._upload = None
        self._survey = None
        self._choice = None
        self._task = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """The options of the entry's kind."""
        options_flow = kind_of(config_entry).options_flow
        assert options_flow is not None  # noqa: S101 - HA asks only when supported (below)
        return options_flow()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Whether the entry's kind has options."""
        return kind_of(config_entry).options_flow is not None

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """The subentries of the entry's kind (the profiles entry's: profiles, thermostats)."""
        return dict(kind_of(config_entry).subentry_flows)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:  # noqa: ARG002
        """Choose a controller (and how it is connected), a panel, or the cellar services."""
        return self.async_show_menu(
            step_id="user",
            menu_options=[
                *ControllerFlow.MENU,
                *PanelFlow.MENU,
                *ServicesFlow.MENU,
                *ProfilesFlow.MENU,
                *FermentrackFlow.MENU,
            ],
        )

    async def async_step_import(self, import_data: dict[str, Any]) -> ConfigFlowResult:
        """What an import (from Fermentrack) adds: a controller, or the profiles entry."""
        if import_data.get(CONF_KIND) == KIND_PROFILES:
            return await self.async_step_fermentation_profiles({})
        return await self.async_step_import_controller(dict(import_data))

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reconfigure the entry by its kind's own step."""
        step = kind_of(self._get_reconfigure_entry()).reconfigure_step
        if step is None:
            return self.async_abort(reason="nothing_to_reconfigure")
        handler = getattr(self, f"async_step_{step}")
        result: ConfigFlowResult = await handler(user_input)
        return result
