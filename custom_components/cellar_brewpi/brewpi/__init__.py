"""
BrewPi line protocol: framing, typed messages and an asyncio client.

`BrewPiClient` (`client`) keeps the state and makes the requests; its `BrewPiConnection`
(`connection`) owns the stream, the reader, reconnecting and contention. Every error derives
from `BrewPiError` (`errors`). Nothing here imports Home Assistant.
"""

from .client import BrewPiClient, ClientStats
from .connection import READ_CHUNK, BrewPiConnection
from .errors import (
    BrewPiConnectionError,
    BrewPiError,
    BrewPiNotSupportedError,
    BrewPiProtocolError,
    BrewPiReplyError,
    BrewPiTimeoutError,
)
from .framing import MAX_LINE, LineFramer
from .listeners import Listeners
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
from .replies import LostReply, PollReplies
from .temperatures import TemperatureTracker
from .transport import SerialTarget, Target, TcpTarget, describe, open_stream

__all__ = [
    "BOARD_NAMES",
    "MAX_LINE",
    "READ_CHUNK",
    "BrewPiClient",
    "BrewPiConnection",
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
    "Listeners",
    "LogMessage",
    "LostReply",
    "MalformedLine",
    "Message",
    "PollReplies",
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
