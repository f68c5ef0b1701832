"""
A Fermentrack installation on disk, opened.

A backup (`.tar.xz`, format 1.0.0 or 2.0.0), or, for installations older than backups, its
`db.sqlite3` with a zip of its `data/` folder.

`open_installation` reads the records (`records`) and finds each beer's log files, then hands out
their lines one by one (`Installation.log_lines`): a log is never read into memory whole. Every
call blocks (the archive is decompressed as it is read); run it in an executor.
"""

from __future__ import annotations

import io
import json
import lzma
import re
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import IO

from .errors import BackupDamagedError, BackupError
from .logs import full_columns, graph_columns
from .models import Beer, Inventory
from .records import from_database, from_json

DATA_FILE = "fermentrack_data.json"
READ_ERRORS = (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError, lzma.LZMAError)
"""What reading a damaged or truncated archive raises."""
_OLD_LOG = re.compile(r"Device (?:\d+|None) - B(?P<beer>\d+) - .*_(?P<kind>full|graph)\.csv")
_NEW_LOG = re.compile(r"(?P<beer>[0-9a-fA-F-]{32,36})_(?P<kind>full|base)_csv\.csv")
SQLITE_MAGIC = b"SQLite format 3\x00"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Installation:
    """What was found, and the open archive its logs are read from."""

    inventory: Inventory
    _open_member: Callable[[str], AbstractContextManager[IO[bytes]]]

    @contextmanager
    def log_lines(self, beer: Beer) -> Iterator[tuple[Iterator[str], tuple[str, ...]]]:
        """The lines of a beer's log (its `_full.csv`, else its `_graph.csv`) and its columns."""
        name, columns = (
            (beer.full_log, full_columns(gravity=beer.gravity_enabled))
            if beer.full_log
            else (
                beer.graph_log,
                graph_columns(gravity=beer.gravity_enabled, model_version=beer.model_version),
            )
        )
        if name is None:
            raise BackupError(f"the beer {beer.name} has no log file")
        with self._open_member(name) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
            yield iter(text), columns


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def _match_logs(inventory: Inventory, names: list[str], *, by_uuid: bool) -> None:
    """Give each beer the log files of its key among `names`."""
    found: dict[str, dict[str, str]] = {}
    for name in names:
        base = PurePosixPath(name).name
        match = (_NEW_LOG if by_uuid else _OLD_LOG).fullmatch(base)
        if match:
            kind = "graph" if match["kind"] in {"graph", "base"} else "full"
            found.setdefault(match["beer"].lower(), {})[kind] = name
    for index, beer in enumerate(inventory.beers):
        files = found.get(beer.key.lower(), {})
        inventory.beers[index] = replace(
            beer, full_log=files.get("full"), graph_log=files.get("graph")
        )


def _sniff(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(16)


@contextmanager
def open_installation(path: Path, data_zip: Path | None = None) -> Iterator[Installation]:
    """
    Open a backup, or a `db.sqlite3` (with the zip of its `data/` folder, if given).

    Raises `BackupError`: not a Fermentrack backup or database, damaged or cut short, or a backup
    format this version does not know.
    """
    head = _sniff(path)
    if head.startswith(SQLITE_MAGIC):
        with _open_database(path, data_zip) as installation:
            yield installation
        return
    if not head.startswith(XZ_MAGIC):
        raise BackupError(
            "not a Fermentrack backup: give the .tar.xz from Manage Backups, or db.sqlite3"
        )
    try:
        archive = tarfile.open(path, mode="r:xz")  # noqa: SIM115 - closed below
    except READ_ERRORS as err:
        raise BackupDamagedError(f"the archive cannot be read: {err}") from err
    with archive:
        try:
            members = {m.name.removeprefix("./"): m for m in archive.getmembers()}
        except READ_ERRORS as err:
            raise BackupDamagedError(f"the archive is damaged or cut short: {err}") from err
        files = {n: m for n, m in members.items() if m.isfile() and _safe(n)}
        data_name = (
            DATA_FILE
            if DATA_FILE in files
            else next((n for n in files if "/" not in n and n.endswith(".json")), None)
        )
        if data_name is None:
            raise BackupError(f"not a Fermentrack backup: the archive has no {DATA_FILE}")
        try:
            with archive.extractfile(files[data_name]) as raw:  # type: ignore[union-attr]
                data = json.load(raw)
        except (*READ_ERRORS, ValueError) as err:
            raise BackupDamagedError(f"its {data_name} cannot be read: {err}") from err
        inventory = from_json(data)
        _match_logs(inventory, list(files), by_uuid=inventory.version == "2.0.0")

        @contextmanager
        def member(name: str) -> Iterator[IO[bytes]]:
            stream = archive.extractfile(files[name])
            if stream is None:
                raise BackupDamagedError(f"{name} is not a file")
            with stream:
                yield stream

        yield Installation(inventory, member)


@contextmanager
def _open_database(path: Path, data_zip: Path | None) -> Iterator[Installation]:
    inventory = from_database(path)
    if data_zip is None:
        _match_logs(inventory, [], by_uuid=False)
        yield Installation(inventory, _no_member)
        return
    if not _sniff(data_zip).startswith(ZIP_MAGIC):
        raise BackupError("the data folder must be a .zip of Fermentrack's data/ folder")
    try:
        archive = zipfile.ZipFile(data_zip)
    except (zipfile.BadZipFile, OSError) as err:
        raise BackupDamagedError(f"the zip of the data folder cannot be read: {err}") from err
    with archive:
        names = [n for n in archive.namelist() if _safe(n) and not n.endswith("/")]
        _match_logs(inventory, names, by_uuid=False)

        @contextmanager
        def member(name: str) -> Iterator[IO[bytes]]:
            with archive.open(name) as stream:
                yield stream

        yield Installation(inventory, member)


def _no_member(name: str) -> AbstractContextManager[IO[bytes]]:
    raise BackupError(f"{name}: no data folder was given")
