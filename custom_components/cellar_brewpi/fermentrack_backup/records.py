"""
The records of a Fermentrack installation, read into an `Inventory`.

From a 2.0.0 backup's JSON object, a 1.0.0 backup's `dumpdata` list, or the tables of a
`db.sqlite3`.

A record that cannot be read is left out with its reason (`Inventory.skipped`); a profile
Fermentrack itself could not run (a Smart Profile, one deleted while in use, one without points)
too.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..profiles import Temperature, Unit
from .errors import BackupDamagedError, BackupError, BackupVersionError
from .models import (
    SERIAL,
    WIFI,
    Beer,
    Controller,
    GravitySensor,
    Inventory,
    ProfileRecord,
    reference,
)

VERSIONS = ("1.0.0", "2.0.0")
STANDARD = "Standard Profile"
_TTL_TEXT = re.compile(r"(\d+)\s*(day|hour|minute|second)s?")
_TTL_DJANGO = re.compile(r"(?:(-?\d+) )?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?")


def ttl(value: object) -> timedelta:
    """A point's time: `3 days, 4 hours` (2.0.0), `3 04:00:00` (1.0.0), microseconds (database)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(microseconds=int(value))
    text = str(value).strip()
    if match := _TTL_DJANGO.fullmatch(text):
        days, hours, minutes, seconds, micro = match.groups()
        return timedelta(
            days=int(days or 0),
            hours=int(hours),
            minutes=int(minutes),
            seconds=int(seconds),
            microseconds=int((micro or "0").ljust(6, "0")),
        )
    parts = _TTL_TEXT.findall(text)
    if not parts or _TTL_TEXT.sub("", text).strip(" ,"):
        raise ValueError(f"{text!r} is not a duration")
    return sum((timedelta(**{f"{unit}s": int(n)}) for n, unit in parts), timedelta())


def _unit(value: object, default: str = "F") -> str:
    text = str(value or default).strip().upper()
    if text not in {"C", "F"}:
        raise ValueError(f"{text!r} is not a temperature unit")
    return text


def _controller(key: str, fields: Mapping[str, Any]) -> Controller:
    connection = str(fields.get("connection_type") or SERIAL).strip().lower()
    if connection not in {WIFI, SERIAL}:
        raise ValueError(f"connection type {connection!r}")
    name = str(fields["device_name"]).strip()
    if not name:
        raise ValueError("no name")
    return Controller(
        key=key,
        name=name,
        temp_format=_unit(fields.get("temp_format")),
        connection=connection,
        host=reference(fields.get("wifi_host")),
        host_ip=reference(fields.get("wifi_host_ip")),
        port=int(fields.get("wifi_port") or 23),
        serial_port=reference(fields.get("serial_port")),
        udev_serial_number=reference(fields.get("udev_serial_number")),
        active_beer=reference(fields.get("active_beer_uuid", fields.get("active_beer"))),
    )


def _profile(
    key: str, fields: Mapping[str, Any], points: Iterable[Mapping[str, Any]]
) -> ProfileRecord:
    read: list[tuple[timedelta, Temperature]] = []
    for point in points:
        setting = point.get("temperature_setting")
        if reference(setting) is None:
            raise ValueError("a point has no temperature")
        try:
            value = float(Decimal(str(setting)))
        except InvalidOperation as err:
            raise ValueError(f"{setting!r} is not a temperature") from err
        read.append((ttl(point["ttl"]), Temperature(value, Unit(_unit(point.get("temp_format"))))))
    read.sort(key=lambda p: p[0])  # Fermentrack does not keep them in order
    return ProfileRecord(
        key=key,
        name=str(fields["name"]).strip(),
        points=tuple(read),
        profile_type=str(fields.get("profile_type") or STANDARD),
        status=int(fields.get("status") or 1),
    )


def _beer(key: str, fields: Mapping[str, Any], controller: object) -> Beer:
    name = str(fields["name"])
    if not name.strip():
        raise ValueError("no name")
    created = fields.get("created")
    return Beer(
        key=key,
        name=name,
        controller=reference(controller),
        temp_format=_unit(fields.get("temp_format", fields.get("format"))),
        model_version=int(fields.get("model_version") or 1),
        gravity_enabled=bool(fields.get("gravity_enabled")),
        created=_datetime(created),
    )


def _datetime(value: object) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _keep(inventory: Inventory, what: str, make: Any, *args: Any) -> Any:
    """`make(*args)`, or None with the reason in `skipped`."""
    try:
        return make(*args)
    except (KeyError, TypeError, ValueError) as err:
        inventory.skipped.append((what, str(err) or type(err).__name__))
        return None


def _check_profiles(inventory: Inventory) -> None:
    for profile in list(inventory.profiles):
        reason = None
        if profile.profile_type != STANDARD:
            reason = f"a {profile.profile_type}, which Fermentrack never ran"
        elif profile.status != 1:
            reason = "deleted in Fermentrack while in use"
        elif not profile.points:
            reason = "it has no points"
        if reason:
            inventory.profiles.remove(profile)
            inventory.skipped.append((f"profile {profile.name}", reason))


def from_json(data: object) -> Inventory:
    """The inventory of a backup's `fermentrack_data.json`, either version."""
    if isinstance(data, list):
        return _from_dumpdata(data)
    if not isinstance(data, dict):
        raise BackupDamagedError("its data file is neither a 1.0.0 nor a 2.0.0 backup")
    version = str(data.get("file_version", "1.0.0"))
    if version not in VERSIONS:
        raise BackupVersionError(
            f"a backup of format {version}, which this version cannot read (it reads "
            f"{' and '.join(VERSIONS)})"
        )
    by_model: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    points: dict[str, list[dict[str, Any]]] = {}
    for model, key in (
        ("app.brewpidevice", "brewpi_devices"),
        ("app.fermentationprofile", "profiles"),
        ("app.beer", "beers"),
        ("gravity.gravitysensor", "gravity_sensors"),
    ):
        for record in data.get(key, []):
            if not isinstance(record, dict):
                continue
            fields = dict(record)
            fields["device"] = record.get("device_uuid")
            assigned = record.get("assigned_brewpi_device")
            fields["assigned_brewpi_device"] = (
                assigned.get("uuid") if isinstance(assigned, dict) else None
            )
            by_model.setdefault(model, []).append((str(record.get("uuid")), fields))
            if model == "app.fermentationprofile":
                points[str(record.get("uuid"))] = list(record.get("points", []))
    inventory = Inventory("2.0.0")
    _collect(inventory, by_model, points)
    return inventory


def _from_dumpdata(records: list[Any]) -> Inventory:
    inventory = Inventory("1.0.0")
    by_model: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("fields"), dict):
            by_model.setdefault(str(record.get("model")), []).append(
                (str(record.get("pk")), record["fields"])
            )
    points: dict[str, list[dict[str, Any]]] = {}
    for _, fields in by_model.get("app.fermentationprofilepoint", []):
        points.setdefault(str(fields.get("profile")), []).append(fields)
    _collect(inventory, by_model, points)
    return inventory


def _collect(
    inventory: Inventory,
    by_model: Mapping[str, list[tuple[str, dict[str, Any]]]],
    points: Mapping[str, list[dict[str, Any]]],
) -> None:
    for pk, fields in by_model.get("app.brewpidevice", []):
        name = fields.get("device_name", "?")
        if c := _keep(inventory, f"controller {name}", _controller, pk, fields):
            inventory.controllers.append(c)
    for pk, fields in by_model.get("app.fermentationprofile", []):
        what = f"profile {fields.get('name', '?')}"
        if p := _keep(inventory, what, _profile, pk, fields, points.get(pk, [])):
            inventory.profiles.append(p)
    for pk, fields in by_model.get("app.beer", []):
        what = f"beer {fields.get('name', '?')}"
        if b := _keep(inventory, what, _beer, pk, fields, fields.get("device")):
            inventory.beers.append(b)
    for pk, fields in by_model.get("gravity.gravitysensor", []):
        inventory.gravity_sensors.append(
            GravitySensor(
                key=pk,
                name=str(fields.get("name", "?")),
                sensor_type=str(fields.get("sensor_type", "?")),
                controller=reference(fields.get("assigned_brewpi_device")),
            )
        )
    _check_profiles(inventory)


_TABLES = {
    "app.brewpidevice": "app_brewpidevice",
    "app.fermentationprofile": "app_fermentationprofile",
    "app.fermentationprofilepoint": "app_fermentationprofilepoint",
    "app.beer": "app_beer",
    "gravity.gravitysensor": "gravity_gravitysensor",
}
_FOREIGN = {
    "device_id": "device",
    "profile_id": "profile",
    "assigned_brewpi_device_id": "assigned_brewpi_device",
    "active_beer_id": "active_beer",
}


def _fields(row: sqlite3.Row) -> dict[str, Any]:
    """A row's columns by field name (a foreign key's `_id` dropped)."""
    return {_FOREIGN.get(k, k): row[k] for k in row.keys()}  # noqa: SIM118 - a sqlite3.Row


def from_database(path: Path) -> Inventory:
    """The inventory of a Fermentrack `db.sqlite3` (columns read by name, whatever its age)."""
    inventory = Inventory("database")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            db.row_factory = sqlite3.Row
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "app_brewpidevice" not in tables:
                raise BackupError("not a Fermentrack database: it has no table app_brewpidevice")
            by_model: dict[str, list[tuple[str, dict[str, Any]]]] = {}
            for model, table in _TABLES.items():
                if table not in tables:
                    continue
                rows = db.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608 - our names
                by_model[model] = [(str(row["id"]), _fields(row)) for row in rows]
    except sqlite3.DatabaseError as err:
        raise BackupDamagedError(f"not a readable SQLite database: {err}") from err
    points: dict[str, list[dict[str, Any]]] = {}
    for _, fields in by_model.get("app.fermentationprofilepoint", []):
        points.setdefault(str(fields.get("profile")), []).append(fields)
    _collect(inventory, by_model, points)
    return inventory
