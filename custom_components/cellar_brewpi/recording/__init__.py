"""
Lossless recording of readings to InfluxDB (no Home Assistant imports).

Readings become line protocol (`points`), are stored in a durable SQLite queue in the same poll
cycle (`queue`), and a drainer sends them to InfluxDB's `/api/v2/write`, deleting them only after
the server accepted them (`writer`).
"""

from .points import (
    CONTROLLER_MEASUREMENT,
    PANEL_MEASUREMENT,
    Reading,
    controller_readings,
    panel_readings,
    to_line,
)
from .queue import DurableQueue, QueueStats
from .writer import (
    Drainer,
    DrainResult,
    InfluxAuthError,
    InfluxError,
    InfluxNotFoundError,
    InfluxRejectedError,
    InfluxRetryableError,
    InfluxWriter,
    InfluxWrongServerError,
    RunBlocking,
)

__all__ = [
    "CONTROLLER_MEASUREMENT",
    "PANEL_MEASUREMENT",
    "DrainResult",
    "Drainer",
    "DurableQueue",
    "InfluxAuthError",
    "InfluxError",
    "InfluxNotFoundError",
    "InfluxRejectedError",
    "InfluxRetryableError",
    "InfluxWriter",
    "InfluxWrongServerError",
    "QueueStats",
    "Reading",
    "RunBlocking",
    "controller_readings",
    "panel_readings",
    "to_line",
]
