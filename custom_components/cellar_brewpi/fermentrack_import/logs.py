"""
The imported beers' logs: queued for InfluxDB, and their temperatures into the history graphs.

One pass over the archive for every log. A log goes into the durable queue only when the queue has
room for all of it (with its original timestamps, in the `brewpi` measurement the live readings
use); its beer and fridge temperatures go into the long-term statistics of the chamber's sensors.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from ..const import CONF_KIND, DOMAIN, KIND_CELLAR_SERVICES
from ..fermenters import get_book
from ..hub import device_tag
from .history import STATISTICS, LogImport, LogJob, import_logs

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from ..cellar.recording import Recording
    from ..fermentrack_backup import Beer
    from .importer import Summary, Upload

SENSORS = {"beer_temp": "beer_temperature", "fridge_temp": "fridge_temperature"}
MB = 1_000_000
POINT_BYTES = 200
"""A log row's point in the queue, at most (its line protocol and the row's overhead)."""

type PendingLog = tuple[Beer, ConfigEntry | None, int]
"""A beer imported now, its chamber's entry (None: its controller was deleted), its log's rows."""


def import_id(beer: Beer) -> str:
    """The batch book's id of an imported beer."""
    return f"fermentrack:{beer.key}"


async def async_import_logs(
    hass: HomeAssistant, upload: Upload, pending: list[PendingLog], summary: Summary
) -> None:
    """The logs of the imported beers, each imported or skipped in `summary` with its reason."""
    recording = _recording(hass)
    queue = recording.queue if recording else None
    room = await hass.async_add_executor_job(getattr, queue, "room_bytes") if queue else 0
    jobs: list[LogJob] = []
    unrecorded: list[str] = []
    for beer, entry, rows in pending:
        queued = queue is not None and room >= rows * POINT_BYTES
        if queue is None:
            unrecorded.append(beer.name)
        elif not queued:
            reason = (
                f"the recording queue has room for {room // MB} MB, the log needs about "
                f"{rows * POINT_BYTES // MB} MB: raise its limit in the services' options"
            )
            summary.skipped.append((f"log of beer {beer.name}", reason))
        else:
            room -= rows * POINT_BYTES
            # Noted before a point is queued: a read cut short is not queued again.
            await get_book(hass).async_note_import(import_id(beer), points=0)
        device = device_tag(entry) if entry else "fermentrack"  # a deleted controller's
        unit = _unit(hass, entry) or beer.temp_format
        jobs.append(LogJob(beer.key, device, unit, queued))
    if unrecorded:
        summary.skipped.append(
            (
                f"the logs of {', '.join(unrecorded)}",
                "no InfluxDB recording: add the cellar services with InfluxDB, import again",
            )
        )
    read = partial(import_logs, upload.backup, upload.data_zip, jobs)
    if recording is not None and any(job.queue for job in jobs):
        results = await recording.async_import(read)
    else:
        results = await hass.async_add_executor_job(read, None)
    for (beer, entry, _), job in zip(pending, jobs, strict=True):
        await _async_logged(hass, summary, beer, entry=entry, job=job, result=results[beer.key])


async def _async_logged(
    hass: HomeAssistant,
    summary: Summary,
    beer: Beer,
    *,
    entry: ConfigEntry | None,
    job: LogJob,
    result: LogImport | str,
) -> None:
    what = f"log of beer {beer.name}"
    if isinstance(result, str):
        summary.skipped.append((what, f"cannot be read: {result}"))
        return
    if job.queue:
        await get_book(hass).async_note_import(import_id(beer), points=result.points)
        summary.imported.append(
            f"{what}: {result.rows:,} rows, {result.points:,} points queued for InfluxDB"
            + _span(result)
        )
    if result.skipped.count:
        lines = ", ".join(str(n) for n, _ in result.skipped.examples)
        rows_of = f"{result.skipped.count:,} rows of the {what}"
        summary.skipped.append((rows_of, f"they do not parse (lines {lines})"))
    if entry is not None:
        _statistics(hass, summary, entry, job.unit, result)


def _statistics(
    hass: HomeAssistant, summary: Summary, entry: ConfigEntry, unit: str, result: LogImport
) -> None:
    if "recorder" not in hass.config.components:
        skip = ("the history graphs", "the recorder is not running")
        if skip not in summary.skipped:
            summary.skipped.append(skip)
        return
    from homeassistant.components.recorder.models import StatisticMeanType  # noqa: PLC0415
    from homeassistant.components.recorder.statistics import (  # noqa: PLC0415
        async_import_statistics,
    )

    registry = er.async_get(hass)
    for series in STATISTICS:
        entity_id = registry.async_get_entity_id(
            "sensor", DOMAIN, f"{entry.unique_id}-{SENSORS[series]}"
        )
        statistics = result.statistics(series)
        if entity_id is None or not statistics:
            continue
        async_import_statistics(
            hass,
            {
                "mean_type": StatisticMeanType.ARITHMETIC,
                "has_sum": False,
                "name": None,
                "source": "recorder",
                "statistic_id": entity_id,
                "unit_class": "temperature",
                "unit_of_measurement": f"°{unit}",
            },
            statistics,  # type: ignore[arg-type]
        )
        summary.imported.append(f"{len(statistics):,} hours of {entity_id} into its history")


def _span(result: LogImport) -> str:
    if result.first is None or result.last is None:
        return ""
    return f", {result.first.date()} to {result.last.date()}"


def _unit(hass: HomeAssistant, entry: ConfigEntry | None) -> str | None:
    """The chamber's unit, as its beer temperature sensor shows it."""
    if entry is None:
        return None
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{entry.unique_id}-beer_temperature"
    )
    state = hass.states.get(entity_id) if entity_id else None
    unit = state.attributes.get("unit_of_measurement") if state else None
    units: dict[str, str] = {UnitOfTemperature.CELSIUS: "C", UnitOfTemperature.FAHRENHEIT: "F"}
    return units.get(str(unit))


def _recording(hass: HomeAssistant) -> Recording | None:
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.data.get(CONF_KIND) == KIND_CELLAR_SERVICES and hasattr(entry, "runtime_data"):
            recording: Recording | None = entry.runtime_data.recording
            return recording
    return None
