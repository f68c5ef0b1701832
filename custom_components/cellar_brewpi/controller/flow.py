"""Adding a controller (network, serial port, discovered), reconfiguring it, and its options."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar, override

import probatio as vol
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlowWithReload
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.helpers.selector import SerialPortSelector, TextSelector
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from ..addresses import async_abort_if_address_taken, async_abort_if_port_taken
from ..alarm_options import alarm_input, alarm_schema, alarm_suggestions
from ..brewpi import (
    BrewPiConnectionError,
    BrewPiProtocolError,
    VersionInfo,
    describe,
)
from ..const import (
    CONF_ALARMS,
    CONF_AREA,
    CONF_CONNECTION_TYPE,
    CONF_KIND,
    CONF_POLL_INTERVAL,
    CONF_SERIAL_PORT,
    CONNECTION_NETWORK,
    CONNECTION_SERIAL,
    DEFAULT_AREA,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_PORT,
    KIND_BREWPI,
)
from ..fermenters.book import Fermenter, fermenter_key
from ..fermenters.form import BatchOptions
from ..selectors import POLL_INTERVAL, PORT
from .link import async_handshake, serial_by_id, target_from_data

_LOGGER = logging.getLogger(__name__)


def network_schema(defaults: Mapping[str, Any], default_port: int = DEFAULT_PORT) -> vol.Schema:
    """A host and a port."""
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, "")): TextSelector(),
            vol.Required(CONF_PORT, default=defaults.get(CONF_PORT, default_port)): PORT,
        }
    )


def network_data(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The host and port of a network form, cleaned."""
    return {CONF_HOST: str(user_input[CONF_HOST]).strip(), CONF_PORT: int(user_input[CONF_PORT])}


def _serial_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(
                CONF_SERIAL_PORT, default=defaults.get(CONF_SERIAL_PORT, vol.UNDEFINED)
            ): SerialPortSelector()
        }
    )


def mdns_name(host: str) -> str | None:
    """The device name of a `<name>.local` host, lower case; None for other hosts."""
    host = host.rstrip(".").lower()
    return host.removesuffix(".local") if host.endswith(".local") else None


class ControllerFlow(ConfigFlow):
    """The steps of the config flow that add a BrewPi controller; every path talks to it first."""

    MENU: ClassVar[tuple[str, ...]] = (CONNECTION_NETWORK, CONNECTION_SERIAL)

    _discovered: dict[str, Any]

    async def async_step_network(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A controller on WiFi (raw TCP, port 23)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {
                CONF_KIND: KIND_BREWPI,
                CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
                **network_data(user_input),
            }
            await async_abort_if_address_taken(self, data)
            if (version := await self._async_try(data, errors)) is not None:
                host = data[CONF_HOST]
                await self.async_set_unique_id(mdns_name(host) or f"{host}:{data[CONF_PORT]}")
                self._abort_if_unique_id_configured()
                return self._create(data, mdns_name(host) or host, version)
        return self.async_show_form(
            step_id=CONNECTION_NETWORK,
            data_schema=self.add_suggested_values_to_schema(network_schema({}), user_input),
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
            await async_abort_if_port_taken(self, port)
            if (version := await self._async_try(data, errors)) is not None:
                return self._create(data, port.rsplit("/", 1)[-1], version)
        return self.async_show_form(
            step_id=CONNECTION_SERIAL, data_schema=_serial_schema({}), errors=errors
        )

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

    async def async_step_reconfigure_controller(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Point a controller's entry at a new address or serial port."""
        entry = self._get_reconfigure_entry()
        serial = entry.data[CONF_CONNECTION_TYPE] == CONNECTION_SERIAL
        errors: dict[str, str] = {}
        if user_input is not None:
            if serial:
                port = await self.hass.async_add_executor_job(
                    serial_by_id, user_input[CONF_SERIAL_PORT]
                )
                updates: dict[str, Any] = {CONF_SERIAL_PORT: port}
                await async_abort_if_port_taken(self, port, entry.entry_id)
            else:
                updates = network_data(user_input)
                await async_abort_if_address_taken(self, {**entry.data, **updates}, entry.entry_id)
            if await self._async_try({**entry.data, **updates}, errors) is not None:
                return self.async_update_reload_and_abort(entry, data_updates=updates)
        schema = _serial_schema(entry.data) if serial else network_schema(entry.data)
        return self.async_show_form(
            step_id="reconfigure_controller",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
        )

    async def async_step_import_controller(self, data: dict[str, Any]) -> ConfigFlowResult:
        """
        A controller another program knew (a Fermentrack import): checked live, as by hand.

        `data` is the entry's data and the controller's `name`; a controller not reachable now
        aborts with `cannot_connect` and the error, so that the import lists it.
        """
        name = data.pop("name")
        if data[CONF_CONNECTION_TYPE] == CONNECTION_SERIAL:
            await self.async_set_unique_id(data[CONF_SERIAL_PORT], raise_on_progress=False)
            self._abort_if_unique_id_configured()
            await async_abort_if_port_taken(self, data[CONF_SERIAL_PORT])
        else:
            await async_abort_if_address_taken(self, data)
            host = data[CONF_HOST]
            unique_id = mdns_name(host) or f"{host}:{data[CONF_PORT]}"
            await self.async_set_unique_id(unique_id, raise_on_progress=False)
            self._abort_if_unique_id_configured()
        target = target_from_data(data)
        try:
            version = await async_handshake(target)
        except Exception as err:  # noqa: BLE001 - listed by the import, never a flow left open
            return self.async_abort(
                reason="cannot_connect",
                description_placeholders={"target": describe(target), "error": str(err)},
            )
        return self._create(data, name, version)

    async def _async_try(
        self, data: Mapping[str, Any], errors: dict[str, str]
    ) -> VersionInfo | None:
        """Handshake with the controller; fill `errors` and return None when that fails."""
        target = target_from_data(data)
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


class ControllerOptionsFlow(BatchOptions, OptionsFlowWithReload):
    """A menu: the poll interval, area and alarm thresholds; the chamber's batch."""

    @override
    def _fermenter(self) -> Fermenter:
        return Fermenter(fermenter_key(self.config_entry.unique_id), self.config_entry.title)

    def _unit(self) -> str:
        """The controller's unit, as its last reading gave it ("C" before any)."""
        coordinator = getattr(self.config_entry, "runtime_data", None)
        data = getattr(coordinator, "data", None)
        return data.constants.temp_format if data is not None else "C"

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:  # noqa: ARG002
        """Choose what to change."""
        return self.async_show_menu(step_id="init", menu_options=["controller_settings", "batch"])

    async def async_step_controller_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Edit the poll interval and the alarm thresholds (degrees in the controller's unit)."""
        unit = self._unit()
        errors: dict[str, str] = {}
        if user_input is not None:
            poll = int(user_input[CONF_POLL_INTERVAL])
            alarms, errors = alarm_input(user_input, poll)
            if not errors:
                area = str(user_input.get(CONF_AREA, "")).strip()
                return self.async_create_entry(
                    data={CONF_POLL_INTERVAL: poll, CONF_AREA: area, CONF_ALARMS: alarms}
                )
        options = self.config_entry.options
        suggested = {
            CONF_POLL_INTERVAL: options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL),
            CONF_AREA: options.get(CONF_AREA, DEFAULT_AREA),
            **alarm_suggestions(unit, options.get(CONF_ALARMS)),
        }
        schema = vol.Schema(
            {
                vol.Required(CONF_POLL_INTERVAL): POLL_INTERVAL,
                vol.Optional(CONF_AREA): TextSelector(),
                **alarm_schema(unit),
            }
        )
        return self.async_show_form(
            step_id="controller_settings",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or suggested),
            errors=errors,
        )
