"""
Fermentrack installations written by Fermentrack's own rules, for the tests and the benchmark.

`write_backup` writes a backup `.tar.xz` of format 2.0.0 (`fermentrack_data.json` an object with
uuids, the logs as `data/{uuid}_{base,full}_csv.csv`) or 1.0.0 (a `dumpdata` list with integer keys,
the `data/` folder under its own names, `Device {id} - B{id} - {name}_graph.csv`); `write_database`
writes an old installation's `db.sqlite3` and a zip of its `data/` folder. The logs are written as
`BeerLogPoint.data_point` writes them: a header row, CRLF, UTC `%Y/%m/%d %H:%M:%SZ`, a missing value
as `0`. The records follow `to_dict` (2.0.0), Django's serializer (1.0.0: durations `3 04:00:00`)
and Django's SQLite columns (durations in microseconds), as thorrak/fermentrack's
`backups/models.py` and `app/models.py` write them.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sqlite3
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

# Fermentrack's headers, written here from its sources, not taken from the reader under test.
GRAPH = ["log_time", "beer_temp", "beer_set", "fridge_temp", "fridge_set", "room_temp"]
FULL = [
    "log_time",
    "beer_temp",
    "beer_set",
    "beer_ann",
    "fridge_temp",
    "fridge_set",
    "fridge_ann",
    "room_temp",
    "state",
    "temp_format",
    "associated_beer_id",
]


@dataclass(frozen=True)
class Row:
    """One log point as Fermentrack holds it (None: no reading, written as 0)."""

    at: datetime
    beer_temp: float | None
    beer_set: float | None
    fridge_temp: float | None
    fridge_set: float | None
    room_temp: float | None
    state: int
    temp_format: str
    gravity: float | None = None


@dataclass
class Controller:
    id: int
    uuid: str
    name: str
    connection: str = "wifi"
    host: str = "None"
    host_ip: str = ""
    port: int = 23
    serial_port: str = "auto"
    udev_serial_number: str = ""
    temp_format: str = "C"
    active_beer: int | None = None


@dataclass
class Profile:
    id: int
    uuid: str
    name: str
    points: list[tuple[timedelta, str, str]]  # time, "18.00", unit
    profile_type: str = "Standard Profile"
    status: int = 1


@dataclass
class Beer:
    id: int
    uuid: str
    name: str
    controller: int | None  # the controller's id (its uuid is looked up)
    temp_format: str = "C"
    gravity_enabled: bool = False
    model_version: int = 2
    rows: Iterable[Row] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # lines written in the middle of the log


@dataclass
class GravitySensor:
    id: int
    uuid: str
    name: str
    controller: int | None
    sensor_type: str = "tilt"


@dataclass
class Installation:
    controllers: list[Controller] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    beers: list[Beer] = field(default_factory=list)
    gravity_sensors: list[GravitySensor] = field(default_factory=list)

    def controller(self, id_: int | None) -> Controller | None:
        return next((c for c in self.controllers if c.id == id_), None)


def _n(value: float | None) -> str:
    return "0" if value is None else f"{value:g}"  # Fermentrack's `or 0`


def _write_logs(beer: Beer, graph: Path, full: Path) -> int:
    """Write a beer's `_graph.csv` and `_full.csv`; the rows written."""
    graph_header = GRAPH + (["gravity", "grav_temp"] if beer.gravity_enabled else [])
    graph_header += ["state"] if beer.model_version > 1 else []
    full_header = FULL + (["gravity", "grav_temp"] if beer.gravity_enabled else [])
    count = 0
    with graph.open("w", newline="") as g, full.open("w", newline="") as f:
        gw, fw = csv.writer(g), csv.writer(f)
        gw.writerow(graph_header)
        fw.writerow(full_header)
        broken = list(beer.broken)
        for row in beer.rows:
            time = row.at.astimezone(UTC).strftime("%Y/%m/%d %H:%M:%SZ")
            temps = [_n(row.beer_temp), _n(row.beer_set), _n(row.fridge_temp), _n(row.fridge_set)]
            gravity = [_n(row.gravity), _n(row.beer_temp)] if beer.gravity_enabled else []
            gw.writerow(
                [time, *temps, _n(row.room_temp), *gravity]
                + ([row.state] if beer.model_version > 1 else [])
            )
            fw.writerow(
                [
                    time,
                    temps[0],
                    temps[1],
                    None,
                    temps[2],
                    temps[3],
                    None,
                    _n(row.room_temp),
                    row.state,
                    row.temp_format,
                    beer.id,
                    *gravity,
                ]
            )
            count += 1
            if broken and count % 1000 == 0:
                line = broken.pop()
                g.write(line + "\r\n")
                f.write(line + "\r\n")
    return count


def _ttl_text(ttl: timedelta) -> str:
    """`FermentationProfilePoint.ttl_to_string()`: `3 days, 4 hours`, `0 seconds`."""
    rest = int(ttl.total_seconds())
    days, rest = divmod(rest, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        f"{v} {u}"
        for v, u in ((days, "days"), (hours, "hours"), (minutes, "minutes"), (seconds, "seconds"))
        if v
    ]
    return ", ".join(parts) or "0 seconds"


def _ttl_django(ttl: timedelta) -> str:
    """Django's `duration_string`: `3 04:00:00`, `12:00:00`."""
    seconds = int(ttl.total_seconds())
    days, seconds = divmod(seconds, 86400)
    text = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{days} {text}" if days else text


def _device_dict(c: Controller, beers: dict[int, Beer]) -> dict[str, object]:
    active = beers.get(c.active_beer) if c.active_beer else None
    return {
        "device_name": c.name,
        "temp_format": c.temp_format,
        "data_point_log_interval": 30,
        "useInetSocket": False,
        "socketPort": 2222,
        "socketHost": "localhost",
        "logging_status": "active",
        "serial_port": c.serial_port,
        "serial_alt_port": "None",
        "udev_serial_number": c.udev_serial_number,
        "prefer_connecting_via_udev": True,
        "board_type": "esp8266" if c.connection == "wifi" else "uno",
        "status": "active",
        "socket_name": "BEERSOCKET",
        "connection_type": c.connection,
        "wifi_host": c.host,
        "wifi_host_ip": c.host_ip,
        "wifi_port": c.port,
        "active_beer_uuid": active.uuid if active else "None",
        "active_profile_uuid": "None",
        "time_profile_started": None,
        "uuid": c.uuid,
    }


def write_backup(
    installation: Installation,
    path: Path,
    version: str = "2.0.0",
    preset: Literal[1, 6] = 6,
) -> Path:
    """Write a Fermentrack backup of `version` (2.0.0 or 1.0.0) to `path`; return it.

    `preset` is the xz level (6 is Fermentrack's, the default; 1 writes a big one fast).
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        logs: list[tuple[Path, str]] = []
        for beer in installation.beers:
            graph, full = folder / f"{beer.id}_graph.csv", folder / f"{beer.id}_full.csv"
            _write_logs(beer, graph, full)
            if version == "2.0.0":
                logs += [
                    (graph, f"data/{beer.uuid}_base_csv.csv"),
                    (full, f"data/{beer.uuid}_full_csv.csv"),
                ]
            else:
                base = f"data/Device {beer.controller} - B{beer.id} - {beer.name}"
                logs += [(graph, f"{base}_graph.csv"), (full, f"{base}_full.csv")]
        data = _backup_2(installation) if version == "2.0.0" else _backup_1(installation)
        dump = folder / "fermentrack_data.json"
        dump.write_text(json.dumps(data) if version == "2.0.0" else json.dumps(data, indent="  "))
        with tarfile.open(path, mode="w:xz", preset=preset) as archive:
            archive.add(dump, arcname="fermentrack_data.json")
            for source, name in logs:
                archive.add(source, arcname=name)
    return path


def _backup_2(inst: Installation) -> dict[str, object]:
    beers = {b.id: b for b in inst.beers}
    devices = {c.id: c for c in inst.controllers}
    return {
        "file_version": "2.0.0",
        "fermentrack_options": {"TEMPERATURE_FORMAT": "C", "PREFERRED_TIMEZONE": "UTC"},
        "brewpi_devices": [_device_dict(c, beers) for c in inst.controllers],
        "beers": [
            {
                "name": b.name,
                "device_uuid": devices[b.controller].uuid if b.controller in devices else "None",
                "model_version": b.model_version,
                "gravity_enabled": b.gravity_enabled,
                "uuid": b.uuid,
                "temp_format": b.temp_format,
            }
            for b in inst.beers
        ],
        "profiles": [
            {
                "name": p.name,
                "profile_type": p.profile_type,
                "status": p.status,
                "notes": "",
                "uuid": p.uuid,
                "points": [
                    {
                        "temperature_setting": t,
                        "temp_format": u,
                        "ttl": _ttl_text(d),
                        "profile_uuid": p.uuid,
                    }
                    for d, t, u in reversed(p.points)
                ],
            }
            for p in inst.profiles
        ],
        "gravity_sensors": [
            {
                "id": s.id,
                "name": s.name,
                "sensor_type": s.sensor_type,
                "temp_format": "C",
                "active_log": None,
                "assigned_brewpi_device": _device_dict(devices[s.controller], beers)
                if s.controller in devices
                else None,
                "log_gravity": True,
                "log_temp": True,
                "uuid": s.uuid,
            }
            for s in inst.gravity_sensors
        ],
        "gravity_logs": [],
        "tiltbridges": [],
        "tilts": [],
        "tilt_temp_calibration_points": [],
        "tilt_gravity_calibration_points": [],
        "ispindels": [],
        "ispindel_gravity_calibration_points": [],
    }


def _backup_1(inst: Installation) -> list[dict[str, object]]:
    records: list[dict[str, object]] = [
        {"model": "auth.user", "pk": 1, "fields": {"username": "brewer", "password": "pbkdf2…"}}
    ]
    for c in inst.controllers:
        fields = _device_dict(c, {})
        for key in ("uuid", "active_beer_uuid", "active_profile_uuid"):
            fields.pop(key)
        fields |= {"active_beer": c.active_beer, "active_profile": None}
        records.append({"model": "app.brewpidevice", "pk": c.id, "fields": fields})
    for p in inst.profiles:
        records.append(
            {
                "model": "app.fermentationprofile",
                "pk": p.id,
                "fields": {
                    "name": p.name,
                    "status": p.status,
                    "profile_type": p.profile_type,
                    "notes": "",
                },
            }
        )
        for number, (ttl, temp, unit) in enumerate(p.points):
            records.append(
                {
                    "model": "app.fermentationprofilepoint",
                    "pk": p.id * 100 + number,
                    "fields": {
                        "profile": p.id,
                        "ttl": _ttl_django(ttl),
                        "temperature_setting": temp,
                        "temp_format": unit,
                    },
                }
            )
    for b in inst.beers:
        records.append(  # noqa: PERF401
            {
                "model": "app.beer",
                "pk": b.id,
                "fields": {
                    "name": b.name,
                    "device": b.controller,
                    "created": "2024-01-01T00:00:00.000Z",
                    "format": b.temp_format,
                    "model_version": b.model_version,
                    "gravity_enabled": b.gravity_enabled,
                },
            }
        )
    for s in inst.gravity_sensors:
        records.append(  # noqa: PERF401
            {
                "model": "gravity.gravitysensor",
                "pk": s.id,
                "fields": {
                    "name": s.name,
                    "temp_format": "C",
                    "sensor_type": s.sensor_type,
                    "status": "active",
                    "active_log": None,
                    "assigned_brewpi_device": s.controller,
                },
            }
        )
    return records


def write_database(inst: Installation, folder: Path) -> tuple[Path, Path]:
    """An old installation: its `db.sqlite3` and a zip of its `data/` folder, in `folder`."""
    db_path, zip_path = folder / "db.sqlite3", folder / "data.zip"
    db = sqlite3.connect(db_path)
    db.executescript(
        """
        CREATE TABLE app_brewpidevice (id integer primary key, device_name varchar, temp_format
          varchar, data_point_log_interval integer, connection_type varchar, serial_port varchar,
          udev_serial_number varchar, wifi_host varchar, wifi_host_ip varchar, wifi_port integer,
          board_type varchar, status varchar, active_beer_id integer, active_profile_id integer,
          time_profile_started datetime);
        CREATE TABLE app_fermentationprofile (id integer primary key, name varchar, status integer,
          profile_type varchar);
        CREATE TABLE app_fermentationprofilepoint (id integer primary key, profile_id integer,
          ttl bigint, temperature_setting decimal, temp_format varchar);
        CREATE TABLE app_beer (id integer primary key, name varchar, device_id integer,
          created datetime, format varchar, model_version integer, gravity_enabled bool);
        """
    )
    for c in inst.controllers:
        db.execute(
            "INSERT INTO app_brewpidevice VALUES "
            "(?,?,?,30,?,?,?,?,?,?,'esp8266','active',?,NULL,NULL)",
            (
                c.id,
                c.name,
                c.temp_format,
                c.connection,
                c.serial_port,
                c.udev_serial_number,
                c.host,
                c.host_ip,
                c.port,
                c.active_beer,
            ),
        )
    for p in inst.profiles:
        db.execute(
            "INSERT INTO app_fermentationprofile VALUES (?,?,?,?)",
            (p.id, p.name, p.status, p.profile_type),
        )
        for n, (ttl, temp, unit) in enumerate(p.points):
            micro = int(ttl.total_seconds()) * 1_000_000
            db.execute(
                "INSERT INTO app_fermentationprofilepoint VALUES (?,?,?,?,?)",
                (p.id * 100 + n, p.id, micro, temp, unit),
            )
    for b in inst.beers:
        db.execute(
            "INSERT INTO app_beer VALUES (?,?,?,'2024-01-01 00:00:00',?,?,?)",
            (b.id, b.name, b.controller, b.temp_format, b.model_version, b.gravity_enabled),
        )
    db.commit()
    db.close()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(zip_path, "w") as archive:
        for b in inst.beers:
            base = f"Device {b.controller} - B{b.id} - {b.name}"
            graph, full = Path(tmp) / "g.csv", Path(tmp) / "f.csv"
            _write_logs(b, graph, full)
            archive.write(graph, f"data/{base}_graph.csv")
            archive.write(full, f"data/{base}_full.csv")
    return db_path, zip_path


def fermentation(
    start: datetime,
    count: int,
    *,
    interval: int = 30,
    unit: str = "C",
    gravity: bool = False,
    switch_unit_at: int | None = None,
) -> Iterator[Row]:
    """A fermentation's log: the beer at 18-20 °C, the fridge swinging, the room 21; every 97th
    row without a room reading; with `switch_unit_at`, °F from that row on (the unit changed)."""
    for n in range(count):
        row_unit = "F" if switch_unit_at is not None and n >= switch_unit_at else unit
        hours = n * interval / 3600
        beer = 18 + 2 * math.sin(hours / 48)
        fridge = beer - 1.5 + math.sin(hours)
        values = [beer, 19.0, fridge, 17.5, 21.0]
        if row_unit == "F":
            values = [v * 9 / 5 + 32 for v in values]
        room = None if n % 97 == 0 else round(values[4], 2)
        sg = round(1.050 - 0.040 * min(1.0, hours / 240), 4) if gravity else None
        yield Row(
            start + timedelta(seconds=n * interval),
            round(values[0], 2),
            round(values[1], 2),
            round(values[2], 2),
            round(values[3], 2),
            room,
            4 if n % 3 else 0,
            row_unit,
            sg,
        )


def sample(start: datetime, rows: int = 2880) -> Installation:
    """Controllers of both kinds, a profile of mixed units, a beer whose controller was deleted,
    a beer whose unit changed in the middle, broken rows."""
    wifi = Controller(
        1,
        "7d3f5b2a-0000-4000-8000-000000000001",
        "fermenter1",
        host="fermenter1.local",
        host_ip="127.0.0.1",
        active_beer=10,
    )
    serial = Controller(
        2,
        "7d3f5b2a-0000-4000-8000-000000000002",
        "garage",
        connection="serial",
        serial_port="/dev/ttyUSB0",
        udev_serial_number="A9XYZ",
        temp_format="F",
    )
    return Installation(
        controllers=[wifi, serial],
        profiles=[
            Profile(
                1,
                "5a1e0000-0000-4000-8000-000000000001",
                "Ale mixed units",
                [
                    (timedelta(0), "18.00", "C"),
                    (timedelta(days=3), "64.40", "F"),
                    (timedelta(days=5, hours=12), "21.00", "C"),
                ],
            ),
            Profile(
                2,
                "5a1e0000-0000-4000-8000-000000000002",
                "Smart one",
                [(timedelta(0), "18.00", "C")],
                profile_type="Smart Profile",
            ),
        ],
        beers=[
            Beer(
                10,
                "be000000-0000-4000-8000-000000000010",
                "Hazy IPA",
                1,
                gravity_enabled=True,
                rows=list(fermentation(start, rows, gravity=True)),
                broken=["2024/13/45 99:99:99Z,x,y", "garbage", "2024/01/02 00:00:00Z,1,2"],
            ),
            Beer(
                11,
                "be000000-0000-4000-8000-000000000011",
                "Old Stout",
                7,
                rows=list(fermentation(start - timedelta(days=60), rows // 2)),
            ),
            Beer(
                12,
                "be000000-0000-4000-8000-000000000012",
                "Lager unit change",
                2,
                temp_format="F",
                rows=list(fermentation(start - timedelta(days=30), rows, switch_unit_at=rows // 2)),
            ),
        ],
        gravity_sensors=[GravitySensor(5, "9a000000-0000-4000-8000-000000000005", "Red Tilt", 1)],
    )


def main() -> None:
    """`--sample PATH --port N`: write the sample backup, its WiFi controller at 127.0.0.1:N."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--sample", type=Path, required=True)
    parser.add_argument("--port", type=int, default=23)
    args = parser.parse_args()
    installation = sample(datetime.now(UTC) - timedelta(days=21), 3 * 2880)
    installation.controllers[0].host_ip = "127.0.0.1"
    installation.controllers[0].port = args.port
    print(write_backup(installation, args.sample))


if __name__ == "__main__":
    main()
