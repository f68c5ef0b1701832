"""
Lossless recording of readings to InfluxDB (no Home Assistant imports).

Readings (points the caller builds) become line protocol (`points`), are stored in a durable
SQLite queue in the same poll cycle (`queue`, its file in `queue_file`, its memory backlog in
`queue_memory`), and a drainer
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
from .points import FieldValue, Reading, time_ns, to_line
from .queue import DurableQueue, QueueStats
from .writer import InfluxWriter

__all__ = [
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
    "time_ns",
    "to_line",
]
