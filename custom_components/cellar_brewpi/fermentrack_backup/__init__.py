"""
A Fermentrack installation, read: its controllers, profiles, beers and their logs.

No Home Assistant imports; every call blocks, so the integration runs it in the executor.
`open_installation` takes a backup (`.tar.xz` of format 1.0.0 or 2.0.0) or an old installation's
`db.sqlite3` (with a zip of its `data/` folder) and gives the `Inventory` of what it holds;
`read_log` reads a beer's log row by row. Every error derives from `BackupError` (`errors`).
"""

from __future__ import annotations

from .archive import Installation, open_installation
from .errors import BackupDamagedError, BackupError, BackupVersionError
from .logs import LogRow, Skipped, read_log
from .models import SERIAL, WIFI, Beer, Controller, GravitySensor, Inventory, ProfileRecord

__all__ = [
    "SERIAL",
    "WIFI",
    "BackupDamagedError",
    "BackupError",
    "BackupVersionError",
    "Beer",
    "Controller",
    "GravitySensor",
    "Installation",
    "Inventory",
    "LogRow",
    "ProfileRecord",
    "Skipped",
    "open_installation",
    "read_log",
]
