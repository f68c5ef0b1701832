"""Where a controller is, as an entry stores it, and the first conversation with it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT

from ..brewpi import BrewPiClient, SerialTarget, TcpTarget, VersionInfo
from ..const import CONF_CONNECTION_TYPE, CONF_SERIAL_PORT, CONNECTION_SERIAL, DEFAULT_PORT

SERIAL_BY_ID = Path("/dev/serial/by-id")
# How long the config flow waits for the version reply (brewpi-script waits 10 s).
HANDSHAKE_TIMEOUT = 10.0
# How long one request waits for its reply before it is sent again (3 tries in all).
REQUEST_TIMEOUT = 2.0


def target_from_data(data: Mapping[str, Any]) -> TcpTarget | SerialTarget:
    """The transport target an entry's data describes."""
    if data[CONF_CONNECTION_TYPE] == CONNECTION_SERIAL:
        return SerialTarget(data[CONF_SERIAL_PORT])
    return TcpTarget(data[CONF_HOST], data.get(CONF_PORT, DEFAULT_PORT))


async def async_handshake(target: TcpTarget | SerialTarget) -> VersionInfo:
    """Talk to the controller once: connect, read its version, disconnect."""
    client = BrewPiClient(target, handshake_timeout=HANDSHAKE_TIMEOUT)
    try:
        return await client.async_connect()
    finally:
        await client.async_close()


def port_of_serial_number(number: str, by_id: Path | None = None) -> str | None:
    """The /dev/serial/by-id/... port whose name holds a USB serial number (blocking I/O)."""
    by_id = by_id or SERIAL_BY_ID
    if not number or not by_id.is_dir():
        return None
    return next((str(link) for link in sorted(by_id.iterdir()) if f"_{number}-" in link.name), None)


def serial_by_id(path: str, by_id: Path = SERIAL_BY_ID) -> str:
    """The stable /dev/serial/by-id/... name of a port, or the path itself (blocking I/O)."""
    if path.startswith(str(by_id)) or not by_id.is_dir():
        return path
    real = os.path.realpath(path)
    for link in sorted(by_id.iterdir()):
        if link.is_symlink() and os.path.realpath(link) == real:
            return str(link)
    return path
