"""
The config flow: add a controller (network, serial port, discovered), a panel or the services.

Each kind brings its own steps (`controller.flow`, `panel.flow`, `cellar.flow`); this class puts
them behind one menu and sends reconfigure and options to the entry's kind.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .cellar import ServicesFlow
from .const import DOMAIN
from .controller import ControllerFlow
from .kinds import kind_of
from .panel import PanelFlow


class CellarBrewPiConfigFlow(ControllerFlow, PanelFlow, ServicesFlow, domain=DOMAIN):
    """Add anything of the integration; every path talks to the device or service first."""

    VERSION = 1

    def __init__(self) -> None:
        """Nothing discovered or chosen yet."""
        self._discovered = {}
        self._part = ""

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """The options of the entry's kind."""
        return kind_of(config_entry).options_flow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:  # noqa: ARG002
        """Choose a controller (and how it is connected), a panel, or the cellar services."""
        return self.async_show_menu(
            step_id="user",
            menu_options=[*ControllerFlow.MENU, *PanelFlow.MENU, *ServicesFlow.MENU],
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reconfigure the entry by its kind's own step."""
        step = kind_of(self._get_reconfigure_entry()).reconfigure_step
        handler = getattr(self, f"async_step_{step}")
        result: ConfigFlowResult = await handler(user_input)
        return result
