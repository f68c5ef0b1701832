"""
Expand `D:` log messages to words, from the firmware's LogMessages.h (version 3).

The controller sends only ids and values (`D:{"logType":"W","logID":2,"V":[0,"28..."]}`); hosts
keep a copy of the message table. Ids are enum positions per log type.
"""

from __future__ import annotations

import re
from typing import Any

LOG_MESSAGES_VERSION = 3

_ERRORS = (
    "Not enough SRAM for temp sensor %s",
    "Cannot find address for sensor on pin %d",
    "*** OUT OF MEMORY for device f=%d",
    "Device definition update specification is invalid",
    "Invalid chamber id %d",
    "Invalid beer id %d",
    "Invalid device function id %d",
    "Invalid config for device owner type %d beer=%d chamber=%d",
    "Cannot assign device type %d to hardware %d",
    "Device is onewire but pin %d is not configured as a onewire bus",
    "Expected { got %c",
    "OneWire initialization failed",
    "This hardware device is already installed at slot %d. Uninstall it first.",
    "This device function is already installed at slot %d. Uninstall it first.",
)

_WARNINGS = (
    "Could not process setting",
    "Invalid command received by Arduino: %c",
    "Temperature sensor disconnected pin %d, address %s",
    "EEPROM Settings not available. Starting in safe mode.",
    "Falling back on backup sensor.",
)

_INFOS = (
    "Temp sensor connected on pin %d, address %s",
    "Temp sensor disconnected on pin %d, address %s",
    "Sensor initialized: pin %d %s %s",
    "uninstalling temperature sensor with function %d",
    "uninstalling actuator with function %d",
    "uninstalling switch sensor with function %d",
    "installing temperature sensor with function %d",
    "installing actuator with function %d",
    "installing switch sensor with function %d",
    "Installing device f=%d",
    "Matching device at slot %d",
    "Setting actuator value %d",
    "Received new setting: %s = %s",
    "Default constants loaded.",
    "Default settings loaded.",
    "EEPROM initialized",
    "EEPROM zapped!",
    (
        "Positive peak detected: %s, estimated: %s. "
        "Previous heat estimator: %s, New heat estimator: %s."
    ),
    (
        "Negative peak detected: %s, estimated: %s. "
        "Previous cool estimator: %s, New cool estimator: %s."
    ),
    (
        "No peak detected. Drifting up after heating, current temp: %s, estimated peak: %s. "
        "Previous heat estimator: %s, New heat estimator: %s."
    ),
    (
        "No peak detected. Drifting down after cooling, current temp: %s, estimated peak: %s. "
        "Previous cool estimator: %s, New cool estimator: %s."
    ),
    "Back on main sensor instead of backup sensor.",
    "",  # DS2413_CONNECTED, no longer used
    "Incomplete EEPROM reset command (missing JSON confirmation)",
)

_TABLES: dict[str, tuple[str, ...]] = {"E": _ERRORS, "W": _WARNINGS, "I": _INFOS}
_PLACEHOLDER = re.compile(r"%[dsc]")


def expand_log_message(log_type: str, log_id: int, values: tuple[Any, ...]) -> str:
    """Return the message in words, or "log id N: values" when the id is not in the table."""
    table = _TABLES.get(log_type, ())
    if not 0 <= log_id < len(table) and log_type in {"E", "W"}:
        # The firmware logs some info ids (e.g. the unconfirmed EEPROM reset) as errors.
        table = _INFOS
    template = table[log_id] if 0 <= log_id < len(table) else ""
    if not template:
        shown = ", ".join(str(value) for value in values)
        return f"log id {log_id}: {shown}" if values else f"log id {log_id}"
    remaining = list(values)

    def fill(_match: re.Match[str]) -> str:
        return str(remaining.pop(0)) if remaining else "?"

    text = _PLACEHOLDER.sub(fill, template)
    if remaining:
        text += " (" + ", ".join(str(value) for value in remaining) + ")"
    return text
