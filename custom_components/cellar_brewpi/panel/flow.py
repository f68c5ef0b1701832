"""Adding an Alpha panel and reconfiguring it: its pages are read before anything is saved."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT

from ..addresses import async_abort_if_address_taken
from ..alpha_panel import DEFAULT_SLOTS, AlphaPanelConnectionError, AlphaPanelParseError
from ..const import CONF_KIND, DEFAULT_PANEL_PORT, KIND_ALPHA_PANEL
from ..controller.flow import network_data, network_schema
from .coordinator import make_panel
from .options import DEFAULT_PANEL_OPTIONS

_LOGGER = logging.getLogger(__name__)


class PanelFlow(ConfigFlow):
    """The steps of the config flow that add an Alpha glycol cellar panel."""

    MENU: ClassVar[tuple[str, ...]] = (KIND_ALPHA_PANEL,)

    async def async_step_alpha_panel(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """An Alpha glycol cellar panel on the network (its web pages)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {CONF_KIND: KIND_ALPHA_PANEL, **network_data(user_input)}
            await self.async_set_unique_id(f"alpha_panel-{data[CONF_HOST]}:{data[CONF_PORT]}")
            self._abort_if_unique_id_configured()
            await async_abort_if_address_taken(self, data)
            if await self._async_try_panel(data, errors):
                return self.async_create_entry(
                    title=f"Alpha panel {data[CONF_HOST]}",
                    data=data,
                    options=DEFAULT_PANEL_OPTIONS,
                )
        return self.async_show_form(
            step_id=KIND_ALPHA_PANEL,
            data_schema=self.add_suggested_values_to_schema(
                network_schema({}, DEFAULT_PANEL_PORT), user_input
            ),
            errors=errors,
        )

    async def async_step_reconfigure_panel(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Point a panel's entry at a new address."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            updates = network_data(user_input)
            await async_abort_if_address_taken(self, {**entry.data, **updates}, entry.entry_id)
            if await self._async_try_panel({**entry.data, **updates}, errors):
                return self.async_update_reload_and_abort(entry, data_updates=updates)
        return self.async_show_form(
            step_id="reconfigure_panel",
            data_schema=self.add_suggested_values_to_schema(
                network_schema(entry.data, DEFAULT_PANEL_PORT), user_input
            ),
            errors=errors,
        )

    async def _async_try_panel(self, data: Mapping[str, Any], errors: dict[str, str]) -> bool:
        """Read the panel's pages once; fill `errors` and return False when that fails."""
        try:
            await make_panel(self.hass, data).async_read(DEFAULT_SLOTS)
        except AlphaPanelParseError:
            errors["base"] = "not_a_panel"
        except AlphaPanelConnectionError:
            errors["base"] = "panel_cannot_connect"
        except Exception:
            _LOGGER.exception("Unexpected error reading the panel at %s", data[CONF_HOST])
            errors["base"] = "unknown"
        else:
            return True
        return False
