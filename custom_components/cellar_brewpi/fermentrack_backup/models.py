"""What a Fermentrack installation holds, as read from a backup or its database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..profiles import Temperature

WIFI = "wifi"
SERIAL = "serial"


def reference(value: object) -> str | None:
    """A key as Fermentrack writes a reference (`"None"`, `None` and `""` are none)."""
    if value is None:
        return None
    text = str(value).strip()
    return None if text in {"", "None", "null"} else text


@dataclass(frozen=True, slots=True)
class Controller:
    """A `BrewPiDevice`: how Fermentrack reached it."""

    key: str  # its uuid (2.0.0) or primary key (1.0.0, the database)
    name: str
    temp_format: str
    connection: str  # `wifi` or `serial`
    host: str | None = None
    host_ip: str | None = None  # the cached address
    port: int = 23
    serial_port: str | None = None
    udev_serial_number: str | None = None
    active_beer: str | None = None

    @property
    def how(self) -> str:
        """How it connects, in words: `WiFi fermenter1.local:23`, `serial A9XYZ`."""
        if self.connection == WIFI:
            return f"WiFi {self.host or self.host_ip}:{self.port}"
        return f"serial {self.udev_serial_number or self.serial_port}"


@dataclass(frozen=True, slots=True)
class ProfileRecord:
    """A `FermentationProfile` and its points, as stored (a point: time, temperature)."""

    key: str
    name: str
    points: tuple[tuple[timedelta, Temperature], ...]
    profile_type: str = "Standard Profile"
    status: int = 1


@dataclass(frozen=True, slots=True)
class Beer:
    """A `Beer`: its name, its controller (gone: `None`) and its log files."""

    key: str
    name: str
    controller: str | None
    temp_format: str
    model_version: int = 1
    gravity_enabled: bool = False
    full_log: str | None = None  # the member (or file) name of its `_full.csv`
    graph_log: str | None = None
    created: datetime | None = None


@dataclass(frozen=True, slots=True)
class GravitySensor:
    """A gravity sensor, and the controller it is assigned to (its readings are in its beers')."""

    key: str
    name: str
    sensor_type: str
    controller: str | None


@dataclass(slots=True)
class Inventory:
    """Everything found, and what was left out with the reason."""

    version: str  # `1.0.0`, `2.0.0` or `database`
    controllers: list[Controller] = field(default_factory=list)
    profiles: list[ProfileRecord] = field(default_factory=list)
    beers: list[Beer] = field(default_factory=list)
    gravity_sensors: list[GravitySensor] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """What could not be read: (what, why)."""

    def controller(self, key: str | None) -> Controller | None:
        """The controller of `key`, if the installation still has it."""
        return next((c for c in self.controllers if c.key == key), None)
