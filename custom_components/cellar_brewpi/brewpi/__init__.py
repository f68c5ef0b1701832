"""
BrewPi line protocol: framing, typed messages and an asyncio client.

Nothing here imports Home Assistant.
"""

from .client import (
    BrewPiClient,
    BrewPiConnectionError,
    BrewPiError,
    BrewPiNotSupportedError,
    BrewPiProtocolError,
    BrewPiReplyError,
    BrewPiTimeoutError,
    ClientStats,
)
from .framing import MAX_LINE, LineFramer
from .models import (
    BOARD_NAMES,
    ControlConstants,
    ControlMode,
    ControlSettings,
    ControlState,
    ControlVariables,
    DeviceFunction,
    DeviceList,
    Firmware,
    InstalledDevice,
    LcdText,
    LogMessage,
    MalformedLine,
    Message,
    ProbeNames,
    Temperatures,
    TemperatureUpdate,
    TextLine,
    UnknownMessage,
    VersionInfo,
    WifiInfo,
)
from .parser import parse_line
from .temperatures import TemperatureTracker
from .transport import SerialTarget, Target, TcpTarget, describe, open_stream

__all__ = [
    "BOARD_NAMES",
    "MAX_LINE",
    "BrewPiClient",
    "BrewPiConnectionError",
    "BrewPiError",
    "BrewPiNotSupportedError",
    "BrewPiProtocolError",
    "BrewPiReplyError",
    "BrewPiTimeoutError",
    "ClientStats",
    "ControlConstants",
    "ControlMode",
    "ControlSettings",
    "ControlState",
    "ControlVariables",
    "DeviceFunction",
    "DeviceList",
    "Firmware",
    "InstalledDevice",
    "LcdText",
    "LineFramer",
    "LogMessage",
    "MalformedLine",
    "Message",
    "ProbeNames",
    "SerialTarget",
    "Target",
    "TcpTarget",
    "TemperatureTracker",
    "TemperatureUpdate",
    "Temperatures",
    "TextLine",
    "UnknownMessage",
    "VersionInfo",
    "WifiInfo",
    "describe",
    "open_stream",
    "parse_line",
]
