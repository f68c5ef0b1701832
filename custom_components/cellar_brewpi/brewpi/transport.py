"""Where a controller is reached: raw TCP (port 23, no telnet negotiation) or a serial port."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass

import serialx

DEFAULT_TCP_PORT = 23
DEFAULT_BAUDRATE = 57600


@dataclass(frozen=True, slots=True)
class TcpTarget:
    """A WiFi controller's raw TCP server. It serves one client at a time."""

    host: str
    port: int = DEFAULT_TCP_PORT


@dataclass(frozen=True, slots=True)
class SerialTarget:
    """A USB/serial controller (8N1). Opening the port may reset an Arduino."""

    path: str
    baudrate: int = DEFAULT_BAUDRATE


type Target = TcpTarget | SerialTarget

STREAM_ERRORS: tuple[type[Exception], ...] = (OSError, serialx.SerialException)
"""What reading from, writing to or closing an open stream can raise when the link breaks."""


def describe(target: Target) -> str:
    """Return a short name, e.g. `brewpi.local:23` or `/dev/ttyUSB0 @ 57600`."""
    match target:
        case TcpTarget(host=host, port=port):
            shown = f"[{host}]" if ":" in host else host
            return f"{shown}:{port}"
        case SerialTarget(path=path, baudrate=baudrate):
            return f"{path} @ {baudrate}"


async def open_stream(
    target: Target, connect_timeout: float
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """
    Open the byte stream to a controller.

    Raises `OSError` (serial errors included) when it cannot be opened and `TimeoutError` when
    it takes longer than `connect_timeout` seconds.
    """
    async with asyncio.timeout(connect_timeout):
        match target:
            case TcpTarget(host=host, port=port):
                reader, writer = await asyncio.open_connection(host, port)
                _tune_socket(writer)
                return reader, writer
            case SerialTarget(path=path, baudrate=baudrate):
                try:
                    return await serialx.open_serial_connection(path, baudrate=baudrate)
                except serialx.SerialException as err:
                    raise OSError(str(err)) from err


def _tune_socket(writer: asyncio.StreamWriter) -> None:
    """Send small commands at once and let the OS notice a vanished peer."""
    sock = writer.get_extra_info("socket")
    if sock is None:  # pragma: no cover - asyncio always provides it for TCP
        return
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
