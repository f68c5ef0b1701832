"""
Lossless recording of readings to InfluxDB (no Home Assistant imports).

Readings become line protocol (`points`), are stored in a durable SQLite queue in the same poll
cycle (`queue`, its file in `queue_file`, its memory backlog in `queue_memory`), and a drainer
(`drainer`) sends them to InfluxDB's `/api/v2/write` through the writer (`writer`), deleting them
only after the server accepted them. Every error derives from `RecordingError` (`errors`).
"""

from .drainer import Drainer, DrainResult, RunBlocking
from .errors import (
    CorruptDatabaseError,
    InfluxAuthError,
    InfluxError,
    InfluxNotFoundError,
    InfluxRejectedError,
    InfluxRetryableError,
    InfluxWrongServerError,
    QueueClosedError,
    RecordingError,
)
from .points import (
    CONTROLLER_MEASUREMENT,
    NO_BATCH,
    PANEL_MEASUREMENT,
    FieldValue,
    Reading,
    controller_readings,
    panel_readings,
    time_ns,
    to_line,
)
from .queue import DurableQueue, QueueStats
from .writer import InfluxWriter

__all__ = [
    "CONTROLLER_MEASUREMENT",
    "NO_BATCH",
    "PANEL_MEASUREMENT",
    "CorruptDatabaseError",
    "DrainResult",
    "Drainer",
    "DurableQueue",
    "FieldValue",
    "InfluxAuthError",
    "InfluxError",
    "InfluxNotFoundError",
    "InfluxRejectedError",
    "InfluxRetryableError",
    "InfluxWriter",
    "InfluxWrongServerError",
    "QueueClosedError",
    "QueueStats",
    "Reading",
    "RecordingError",
    "RunBlocking",
    "controller_readings",
    "panel_readings",
    "time_ns",
    "to_line",
]
