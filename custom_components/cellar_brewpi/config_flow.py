"""Config flow: a BrewPi controller (network, serial port or discovered) or an Alpha panel."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping
from typing import Any

import probatio as vol
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SerialPortSelector,
    TextSelector,
)
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from .alpha_panel import DEFAULT_SLOTS, AlphaPanelConnectionError, AlphaPanelParseError
from .brewpi.client import BrewPiConnectionError, BrewPiProtocolError
from .brewpi.models import VersionInfo
from .brewpi.transport import SerialTarget, TcpTarget
from .cellar_flow import CellarOptionsFlow, async_check_part, normalize, secrets_schema
from .const import (
    CONF_CELLAR_NAME,
    CONF_CONNECTION_TYPE,
    CONF_KIND,
    CONF_POLL_INTERVAL,
    CONF_SERIAL_PORT,
    CONNECTION_NETWORK,
    CONNECTION_SERIAL,
    DEFAULT_PAGES,
    DEFAULT_PANEL_PORT,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_PORT,
    DOMAIN,
    KIND_ALPHA_PANEL,
    KIND_BREWPI,
    KIND_CELLAR_SERVICES,
)
from .helpers import POLL_SELECTOR, async_handshake, serial_by_id, target_from_data
from .panel_coordinator import make_panel
from .panel_options import DEFAULT_PANEL_OPTIONS, PanelOptionsFlow

_LOGGER = logging.getLogger(__name__)

PORT_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=1, max=65535, step=1, mode=NumberSelectorMode.BOX)
)


def _network_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, "")): TextSelector(),
            vol.Required(CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_PORT)): PORT_SELECTOR,
        }
    )


def _serial_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(
                CONF_SERIAL_PORT, default=defaults.get(CONF_SERIAL_PORT, vol.UNDEFINED)
            ): SerialPortSelector()
        }
    )


RESOLVE_TIMEOUT = 5.0


async def async_addresses(host: str, port: int) -> set[str]:
    """The IP addresses a host name stands for (an IP stands for itself); empty if unresolved."""
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT):
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
    except OSError, TimeoutError, UnicodeError:
        return set()
    return {str(info[4][0]) for info in infos}


def mdns_name(host: str) -> str | None:
    """The device name of a `<name>.local` host, lower case; None for other hosts."""
    host = host.rstrip(".").lower()
    return host.removesuffix(".local") if host.endswith(".local") else None


class BrewPiConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a controller; every path talks to it before the entry is created."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing discovered."""
        self._discovered: dict[str, Any] = {}
        self._part = ""

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """A controller's poll interval, or a panel's vessels, limits and poll interval."""
        kind = config_entry.data.get(CONF_KIND)
        if kind == KIND_CELLAR_SERVICES:
            return CellarOptionsFlow()
        if kind == KIND_ALPHA_PANEL:
            return PanelOptionsFlow()
        return BrewPiOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:  # noqa: ARG002
        """Choose a controller (and how it is connected) or a panel."""
        return self.async_show_menu(
            step_id="user",
            menu_options=[
                CONNECTION_NETWORK,
                CONNECTION_SERIAL,
                KIND_ALPHA_PANEL,
                KIND_CELLAR_SERVICES,
            ],
        )

    async def async_step_network(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A controller on WiFi (raw TCP, port 23)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {
                CONF_KIND: KIND_BREWPI,
                CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
                CONF_HOST: user_input[CONF_HOST].strip(),
                CONF_PORT: int(user_input[CONF_PORT]),
            }
            await self._async_abort_if_address_taken(data)
            if (version := await self._async_try(data, errors)) is not None:
                unique_id = mdns_name(data[CONF_HOST]) or f"{data[CONF_HOST]}:{data[CONF_PORT]}"
                await self.async_set_unique_id(unique_id)
                self._abort_if_unique_id_configured()
                return self._create(data, mdns_name(data[CONF_HOST]) or data[CONF_HOST], version)
        return self.async_show_form(
            step_id="network",
            data_schema=self.add_suggested_values_to_schema(_network_schema({}), user_input),
            errors=errors,
        )

    async def async_step_serial(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """A controller on a USB serial port (57600 8N1)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            port = await self.hass.async_add_executor_job(
                serial_by_id, user_input[CONF_SERIAL_PORT]
            )
            data = {
                CONF_KIND: KIND_BREWPI,
                CONF_CONNECTION_TYPE: CONNECTION_SERIAL,
                CONF_SERIAL_PORT: port,
            }
            await self.async_set_unique_id(port)
            self._abort_if_unique_id_configured()
            await self._async_abort_if_port_taken(port)
            if (version := await self._async_try(data, errors)) is not None:
                return self._create(data, port.rsplit("/", 1)[-1], version)
        return self.async_show_form(step_id="serial", data_schema=_serial_schema({}), errors=errors)

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """A controller announced itself as `_brewpi._tcp`; update a known one's address."""
        name = mdns_name(discovery_info.hostname) or discovery_info.name.split(".", 1)[0].lower()
        host = str(discovery_info.ip_address)
        port = discovery_info.port or DEFAULT_PORT
        await self.async_set_unique_id(name)
        self._abort_if_unique_id_configured(updates={CONF_HOST: host, CONF_PORT: port})
        self._async_abort_entries_match({CONF_HOST: host, CONF_PORT: port})
        self._discovered = {
            CONF_KIND: KIND_BREWPI,
            CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
            CONF_HOST: host,
            CONF_PORT: port,
            "name": name,
        }
        self.context["title_placeholders"] = {"name": name}
        return await self.async_step_zeroconf_confirm()

    async def async_step_zeroconf_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm adding a discovered controller."""
        errors: dict[str, str] = {}
        data = {k: v for k, v in self._discovered.items() if k != "name"}
        if user_input is not None and (version := await self._async_try(data, errors)) is not None:
            return self._create(data, self._discovered["name"], version)
        return self.async_show_form(
            step_id="zeroconf_confirm",
            description_placeholders={"name": self._discovered["name"], "host": data[CONF_HOST]},
            errors=errors,
        )

    async def _async_abort_if_address_taken(
        self, data: Mapping[str, Any], exclude: str | None = None
    ) -> None:
        """
        Refuse a host and port that an entry of the same kind already reaches.

        Another name of the same address counts (`localhost` for `127.0.0.1`): two entries for one
        controller would take its single connection from each other all the time.
        """
        kind, host, port = data.get(CONF_KIND, KIND_BREWPI), data[CONF_HOST], data[CONF_PORT]
        wanted: set[str] | None = None
        for entry in self._async_current_entries(include_ignore=False):
            other = entry.data
            if (
                entry.entry_id == exclude
                or other.get(CONF_KIND, KIND_BREWPI) != kind
                or CONF_HOST not in other
                or other.get(CONF_PORT) != port
            ):
                continue
            if other[CONF_HOST].lower() == host.lower():
                raise AbortFlow("already_configured")
            if wanted is None:
                wanted = await async_addresses(host, port)
            if wanted & await async_addresses(other[CONF_HOST], port):
                raise AbortFlow("already_configured")

    async def _async_abort_if_port_taken(self, port: str, exclude: str | None = None) -> None:
        """Refuse a serial port that another entry opens under another name."""
        device = await self.hass.async_add_executor_job(os.path.realpath, port)
        for entry in self._async_current_entries(include_ignore=False):
            other = entry.data.get(CONF_SERIAL_PORT)
            if other is None or entry.entry_id == exclude:
                continue
            if await self.hass.async_add_executor_job(os.path.realpath, other) == device:
                raise AbortFlow("already_configured")

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Point a controller's entry at a new address or serial port."""
        entry = self._get_reconfigure_entry()
        if entry.data.get(CONF_KIND) == KIND_ALPHA_PANEL:
            return await self.async_step_reconfigure_panel(user_input)
        if entry.data.get(CONF_KIND) == KIND_CELLAR_SERVICES:
            return await self.async_step_reconfigure_services(user_input)
        serial = entry.data[CONF_CONNECTION_TYPE] == CONNECTION_SERIAL
        errors: dict[str, str] = {}
        if user_input is not None:
            if serial:
                port = await self.hass.async_add_executor_job(
                    serial_by_id, user_input[CONF_SERIAL_PORT]
                )
                updates: dict[str, Any] = {CONF_SERIAL_PORT: port}
                await self._async_abort_if_port_taken(port, entry.entry_id)
            else:
                updates = {
                    CONF_HOST: user_input[CONF_HOST].strip(),
                    CONF_PORT: int(user_input[CONF_PORT]),
                }
                await self._async_abort_if_address_taken({**entry.data, **updates}, entry.entry_id)
            if await self._async_try({**entry.data, **updates}, errors) is not None:
                return self.async_update_reload_and_abort(entry, data_updates=updates)
        schema = _serial_schema(entry.data) if serial else _network_schema(entry.data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
        )

    async def async_step_alpha_panel(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """An Alpha glycol cellar panel on the network (its web pages)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {
                CONF_KIND: KIND_ALPHA_PANEL,
                CONF_HOST: user_input[CONF_HOST].strip(),
                CONF_PORT: int(user_input[CONF_PORT]),
            }
            await self.async_set_unique_id(f"alpha_panel-{data[CONF_HOST]}:{data[CONF_PORT]}")
            self._abort_if_unique_id_configured()
            await self._async_abort_if_address_taken(data)
            if await self._async_try_panel(data, errors):
                return self.async_create_entry(
                    title=f"Alpha panel {data[CONF_HOST]}",
                    data=data,
                    options=DEFAULT_PANEL_OPTIONS,
                )
        return self.async_show_form(
            step_id=KIND_ALPHA_PANEL,
            data_schema=self.add_suggested_values_to_schema(
                _network_schema({CONF_PORT: DEFAULT_PANEL_PORT}), user_input
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
            updates = {
                CONF_HOST: user_input[CONF_HOST].strip(),
                CONF_PORT: int(user_input[CONF_PORT]),
            }
            await self._async_abort_if_address_taken({**entry.data, **updates}, entry.entry_id)
            if await self._async_try_panel({**entry.data, **updates}, errors):
                return self.async_update_reload_and_abort(entry, data_updates=updates)
        return self.async_show_form(
            step_id="reconfigure_panel",
            data_schema=self.add_suggested_values_to_schema(
                _network_schema(entry.data), user_input
            ),
            errors=errors,
        )

    async def _async_try_panel(self, data: Mapping[str, Any], errors: dict[str, str]) -> bool:
        """Read the panel's pages once; fill `errors` and return False when that fails."""
        try:
            await make_panel(self.hass, data, DEFAULT_PAGES).async_read(DEFAULT_SLOTS)
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

    async def async_step_cellar_services(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The cellar services (one per Home Assistant); their parts are set in the options."""
        self._async_abort_entries_match({CONF_KIND: KIND_CELLAR_SERVICES})
        errors: dict[str, str] = {}
        if user_input is not None:
            if name := user_input[CONF_CELLAR_NAME].strip():
                return self.async_create_entry(
                    title=f"Cellar {name}",
                    data={CONF_KIND: KIND_CELLAR_SERVICES, CONF_CELLAR_NAME: name},
                )
            errors[CONF_CELLAR_NAME] = "name_required"
        return self.async_show_form(
            step_id=KIND_CELLAR_SERVICES,
            data_schema=vol.Schema({vol.Required(CONF_CELLAR_NAME): TextSelector()}),
            errors=errors,
        )

    async def async_step_reconfigure_services(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Rename the cellar (its CloudWatch dimension and its device)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            if name := user_input[CONF_CELLAR_NAME].strip():
                return self.async_update_reload_and_abort(
                    entry, title=f"Cellar {name}", data_updates={CONF_CELLAR_NAME: name}
                )
            errors[CONF_CELLAR_NAME] = "name_required"
        return self.async_show_form(
            step_id="reconfigure_services",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_CELLAR_NAME): TextSelector()}),
                user_input or entry.data,
            ),
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

    async def _async_try(
        self, data: Mapping[str, Any], errors: dict[str, str]
    ) -> VersionInfo | None:
        """Handshake with the controller; fill `errors` and return None when that fails."""
        target: TcpTarget | SerialTarget = target_from_data(data)
        try:
            return await async_handshake(target)
        except BrewPiProtocolError:
            errors["base"] = "not_brewpi"
        except BrewPiConnectionError:
            errors["base"] = "cannot_connect"
        except Exception:
            _LOGGER.exception("Unexpected error talking to %s", target)
            errors["base"] = "unknown"
        return None

    def _create(self, data: dict[str, Any], name: str, version: VersionInfo) -> ConfigFlowResult:
        return self.async_create_entry(
            title=f"BrewPi {name}",
            data=data,
            description_placeholders={"board": version.board_name},
        )


class BrewPiOptionsFlow(OptionsFlowWithReload):
    """How often the controller is polled."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Edit the poll interval."""
        if user_input is not None:
            return self.async_create_entry(
                data={CONF_POLL_INTERVAL: int(user_input[CONF_POLL_INTERVAL])}
            )
        current = self.config_entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)
        schema = vol.Schema({vol.Required(CONF_POLL_INTERVAL, default=current): POLL_SELECTOR})
        return self.async_show_form(step_id="init", data_schema=schema)
