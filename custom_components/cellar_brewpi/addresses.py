"""One device, one entry: another name of an address already added is the same device."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlow
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.data_entry_flow import AbortFlow

from .const import CONF_KIND, CONF_SERIAL_PORT, KIND_BREWPI

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


async def async_abort_if_address_taken(
    flow: ConfigFlow, data: Mapping[str, Any], exclude: str | None = None
) -> None:
    """
    Refuse a host and port that an entry of the same kind already reaches.

    Another name of the same address counts (`localhost` for `127.0.0.1`): two entries for one
    controller would take its single connection from each other all the time.
    """
    kind, host, port = data.get(CONF_KIND, KIND_BREWPI), data[CONF_HOST], data[CONF_PORT]
    wanted: set[str] | None = None
    for entry in flow.hass.config_entries.async_entries(flow.handler, include_ignore=False):
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


async def async_abort_if_port_taken(
    flow: ConfigFlow, port: str, exclude: str | None = None
) -> None:
    """Refuse a serial port that another entry opens under another name."""
    run = flow.hass.async_add_executor_job
    device = await run(os.path.realpath, port)
    for entry in flow.hass.config_entries.async_entries(flow.handler, include_ignore=False):
        other = entry.data.get(CONF_SERIAL_PORT)
        if (
            other is not None
            and entry.entry_id != exclude
            and await run(os.path.realpath, other) == device
        ):
            raise AbortFlow("already_configured")
