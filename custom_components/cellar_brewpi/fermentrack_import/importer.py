"""
Importing what the brewer picked of a Fermentrack installation.

- A controller becomes an entry through the config flow's `import` step, as if added by hand:
  checked live first (a WiFi controller at its host, else its cached address; a serial one at the
  `/dev/serial/by-id` port with its USB serial number). One not reachable now is listed, not
  created. Nothing starts controlling: the entry shows what the controller does.
- A profile becomes a subentry of the profiles entry (added if missing), unit per point kept.
- A beer becomes a batch on its chamber (its controller's entry, imported now or before; the
  controller's active beer as the chamber's batch, the others in its past batches), or a past
  batch without a chamber when Fermentrack deleted its controller. Its log goes into InfluxDB
  through the durable queue, original timestamps, in the `brewpi` measurement the live readings
  use, and its beer and fridge temperatures into the long-term statistics of the chamber's sensors.
- The batch book notes each import by the beer's key: importing again creates nothing twice and
  queues no point twice.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_IMPORT, ConfigEntry, ConfigSubentry
from homeassistant.const import CONF_HOST, CONF_PORT, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from ..batches import Batch
from ..const import (
    CONF_CONNECTION_TYPE,
    CONF_KIND,
    CONF_SERIAL_PORT,
    CONNECTION_NETWORK,
    CONNECTION_SERIAL,
    DOMAIN,
    KIND_BREWPI,
    KIND_CELLAR_SERVICES,
    KIND_PROFILES,
    SUBENTRY_PROFILE,
)
from ..controller.link import port_of_serial_number
from ..fermentation.actions import profiles_entry
from ..fermenters import Fermenter, get_book
from ..fermenters.book import fermenter_key
from ..fermentrack_backup import WIFI, Beer, Controller, ProfileRecord
from ..hub import device_tag
from ..profiles import Profile, ProfileError, plain
from ..profiles.points import steps_from_points
from .history import STATISTICS, LogImport, LogJob, import_logs

if TYPE_CHECKING:
    from ..cellar.recording import Recording
    from .survey import Survey

_LOGGER = logging.getLogger(__name__)
SENSORS = {"beer_temp": "beer_temperature", "fridge_temp": "fridge_temperature"}
MB = 1_000_000
POINT_BYTES = 200
"""A log row's point in the queue, at most (its line protocol and the row's overhead)."""


@dataclass
class Upload:
    """The uploaded files, kept while the flow lasts."""

    backup: Path
    data_zip: Path | None = None


@dataclass
class Choice:
    """The keys of what the brewer picked."""

    controllers: set[str] = field(default_factory=set)
    profiles: set[str] = field(default_factory=set)
    beers: set[str] = field(default_factory=set)


@dataclass
class Summary:
    """What was imported and what was skipped, with why."""

    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def text(self) -> str:
        """The summary as a Markdown list."""
        lines = [f"- {what}" for what in self.imported] or ["- nothing new"]
        if self.skipped:
            lines += ["", "Skipped:"] + [f"- {what}: {why}" for what, why in self.skipped]
        return "\n".join(lines)


def import_id(beer: Beer) -> str:
    """The batch book's id of an imported beer."""
    return f"fermentrack:{beer.key}"


class FermentrackImport:
    """One import of a surveyed installation."""

    def __init__(self, hass: HomeAssistant, upload: Upload, survey: Survey) -> None:
        """Nothing imported yet."""
        self.hass = hass
        self.upload = upload
        self.survey = survey
        self.summary = Summary()
        self.entries: dict[str, ConfigEntry] = {}  # Fermentrack's controller key -> its entry
        self.unrecorded: list[str] = []  # the beers whose logs found no InfluxDB recording
        self._pending: list[tuple[Beer, ConfigEntry | None, int]] = []  # logs to import

    async def async_run(self, choice: Choice) -> Summary:
        """Import the choice; every item imported or skipped with its reason."""
        # A flow runs before any entry set the integration up: the batch book must be loaded.
        await async_setup_component(self.hass, DOMAIN, {})
        inventory = self.survey.inventory
        for controller in inventory.controllers:
            wanted = controller.key in choice.controllers
            await self._async_guarded(
                f"controller {controller.name}", self._async_controller(controller, wanted=wanted)
            )
        for profile in inventory.profiles:
            if profile.key in choice.profiles:
                await self._async_guarded(f"profile {profile.name}", self._async_profile(profile))
        for beer in inventory.beers:
            if beer.key in choice.beers:
                await self._async_guarded(f"beer {beer.name}", self._async_beer(beer))
        if self._pending:
            await self._async_guarded("the beers' logs", self._async_logs(self._pending))
        if self.unrecorded:
            self.summary.skipped.append(
                (
                    f"the logs of {', '.join(self.unrecorded)}",
                    "no InfluxDB recording: add the cellar services with InfluxDB, import again",
                )
            )
        self.summary.skipped += inventory.skipped
        _LOGGER.info("Fermentrack import:\n%s", self.summary.text())
        return self.summary

    async def _async_guarded(self, what: str, work: Coroutine[Any, Any, None]) -> None:
        """One item: whatever goes wrong with it is its skip, never the end of the import."""
        try:
            await work
        except Exception as err:
            _LOGGER.exception("Importing %s from Fermentrack failed", what)
            self.summary.skipped.append((what, f"unexpected error: {err or type(err).__name__}"))

    # Controllers

    async def _async_controller(self, controller: Controller, *, wanted: bool) -> None:
        """Import (or, not wanted, only find) the controller's entry."""
        existing = self._existing(controller)
        if existing is not None:
            self.entries[controller.key] = existing
            if wanted:
                self.summary.skipped.append(
                    (
                        f"controller {controller.name}",
                        f"already in Home Assistant as {existing.title}",
                    )
                )
            return
        if not wanted:
            return
        what = f"controller {controller.name} ({controller.how})"
        candidates = await self._async_candidates(controller)
        if not candidates:
            reason = (
                "Fermentrack has no address for it"
                if controller.connection == WIFI
                else "no serial port here has its USB serial number"
            )
            self.summary.skipped.append((what, reason))
            return
        reason = ""
        for data in candidates:
            try:
                result = await self.hass.config_entries.flow.async_init(
                    DOMAIN,
                    context={"source": SOURCE_IMPORT},
                    data={**data, "name": controller.name},
                )
            except Exception as err:  # listed, never half-created
                _LOGGER.debug("Importing %s at %s", controller.name, data, exc_info=True)
                reason = str(err) or type(err).__name__
                continue
            if result["type"] is FlowResultType.CREATE_ENTRY:
                self.entries[controller.key] = result["result"]
                at = data.get(CONF_HOST)
                cached = controller.connection == WIFI and at != controller.host
                self.summary.imported.append(f"{what}, reached at {at}" if cached else what)
                return
            placeholders = result.get("description_placeholders") or {}
            reason = str(placeholders.get("error") or result.get("reason"))
        self.summary.skipped.append(
            (what, f"not reachable now ({reason}): add it by hand once it is on")
        )

    async def _async_candidates(self, controller: Controller) -> list[dict[str, Any]]:
        """The entry data to try, in order."""
        if controller.connection == WIFI:
            hosts = dict.fromkeys(h for h in (controller.host, controller.host_ip) if h)
            return [
                {
                    CONF_KIND: KIND_BREWPI,
                    CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
                    CONF_HOST: host,
                    CONF_PORT: controller.port,
                }
                for host in hosts
            ]
        port = await self.hass.async_add_executor_job(
            port_of_serial_number, controller.udev_serial_number or ""
        )
        if port is None:
            return []
        return [
            {
                CONF_KIND: KIND_BREWPI,
                CONF_CONNECTION_TYPE: CONNECTION_SERIAL,
                CONF_SERIAL_PORT: port,
            }
        ]

    def _existing(self, controller: Controller) -> ConfigEntry | None:
        """An entry that already reaches the controller (by name, address or serial number)."""
        name = (controller.host or "").removesuffix(".local").lower()
        for entry in self.hass.config_entries.async_entries(DOMAIN, include_ignore=False):
            if entry.data.get(CONF_KIND, KIND_BREWPI) != KIND_BREWPI:
                continue
            data = entry.data
            if (
                (name and entry.unique_id == name)
                or (
                    data.get(CONF_HOST) in {controller.host, controller.host_ip}
                    and data.get(CONF_PORT) == controller.port
                )
                or (
                    controller.udev_serial_number
                    and f"_{controller.udev_serial_number}-" in str(data.get(CONF_SERIAL_PORT))
                )
            ):
                return entry
        return None

    # Profiles

    async def _async_profile(self, record: ProfileRecord) -> None:
        what = f"profile {record.name}"
        try:
            profile = Profile(record.name, steps_from_points(list(record.points))).validate()
        except ProfileError as err:
            self.summary.skipped.append((what, err.reason))
            return
        entry = profiles_entry(self.hass)
        if entry is None:
            await self.hass.config_entries.flow.async_init(
                DOMAIN, context={"source": SOURCE_IMPORT}, data={CONF_KIND: KIND_PROFILES}
            )
            entry = profiles_entry(self.hass)
        if entry is None:  # pragma: no cover - the step above always makes it
            self.summary.skipped.append((what, "the profiles entry could not be added"))
            return
        data = plain.to_dict(profile)
        for subentry in entry.subentries.values():
            if subentry.subentry_type == SUBENTRY_PROFILE and subentry.title == profile.name:
                same = dict(subentry.data) == data
                self.summary.skipped.append(
                    (what, "already here" if same else "a different profile of this name is here")
                )
                return
        self.hass.config_entries.async_add_subentry(
            entry,
            ConfigSubentry(
                data=MappingProxyType(data),
                subentry_type=SUBENTRY_PROFILE,
                title=profile.name,
                unique_id=None,
            ),
        )
        self.summary.imported.append(what)

    # Beers

    async def _async_beer(self, beer: Beer) -> None:
        inventory = self.survey.inventory
        book = get_book(self.hass)
        controller = inventory.controller(beer.controller)
        entry = self.entries.get(beer.controller or "")
        what = f"beer {beer.name}"
        if controller is not None and entry is None:
            # Its log must carry the chamber's tag and its batch sit there: wait for the chamber.
            reason = (
                f"its controller {controller.name} is not in Home Assistant: add it (or "
                "import it once it is on), then import again"
            )
            self.summary.skipped.append((what, reason))
            return
        fermenter = Fermenter(fermenter_key(entry.unique_id), entry.title) if entry else None
        span = self.survey.logs.get(beer.key)
        batch = Batch(
            vessel=entry.title if entry else (controller.name if controller else ""),
            beer=beer.name,
            batch_number=None,
            date_brewed=_local_date(span.first if span else beer.created),
            og=None,
            fg=None,
            actual_volume=None,
            batch_size=None,
            notes="Imported from Fermentrack",
            split=None,
        )
        current = controller is not None and controller.active_beer == beer.key
        if await book.async_import_batch(import_id(beer), fermenter, batch, current=current):
            placed = fermenter is not None and book.entered(fermenter.key) == batch
            where = (
                f"as the batch in {entry.title}"
                if placed and entry
                else f"into the batch history of {entry.title}"
                if entry
                else "as a batch without a chamber (its controller was deleted in Fermentrack)"
            )
            self.summary.imported.append(f"{what}, {where}")
        if span is None:
            self.summary.skipped.append((f"log of {what}", "the backup has no log for it"))
            return
        if (points := book.imported.get(import_id(beer), {}).get("points")) is not None:
            self.summary.skipped.append((f"log of {what}", f"imported before ({points:,} points)"))
            return
        self._pending.append((beer, entry, span.rows))

    async def _async_logs(self, pending: list[tuple[Beer, ConfigEntry | None, int]]) -> None:
        """The logs of the imported beers, in one pass over the archive."""
        recording = _recording(self.hass)
        queue = recording.queue if recording else None
        room = await self.hass.async_add_executor_job(getattr, queue, "room_bytes") if queue else 0
        jobs: list[LogJob] = []
        for beer, entry, rows in pending:
            queued = queue is not None and room >= rows * POINT_BYTES
            if queue is None:
                self.unrecorded.append(beer.name)
            elif not queued:
                reason = (
                    f"the recording queue has room for {room // MB} MB, the log needs about "
                    f"{rows * POINT_BYTES // MB} MB: raise its limit in the services' options"
                )
                self.summary.skipped.append((f"log of beer {beer.name}", reason))
            else:
                room -= rows * POINT_BYTES
                # Noted before a point is queued: a read cut short is not queued again.
                await get_book(self.hass).async_note_import(import_id(beer), points=0)
            device = device_tag(entry) if entry else "fermentrack"  # a deleted controller's
            unit = _unit(self.hass, entry) or beer.temp_format
            jobs.append(LogJob(beer.key, device, unit, queued))
        read = partial(import_logs, self.upload.backup, self.upload.data_zip, jobs)
        if recording is not None and any(job.queue for job in jobs):
            results = await recording.async_import(read)
        else:
            results = await self.hass.async_add_executor_job(read, None)
        for (beer, entry, _), job in zip(pending, jobs, strict=True):
            await self._async_logged(beer, entry, job, results[beer.key])

    async def _async_logged(
        self, beer: Beer, entry: ConfigEntry | None, job: LogJob, result: LogImport | str
    ) -> None:
        what = f"log of beer {beer.name}"
        if isinstance(result, str):
            self.summary.skipped.append((what, f"cannot be read: {result}"))
            return
        if job.queue:
            await get_book(self.hass).async_note_import(import_id(beer), points=result.points)
            self.summary.imported.append(
                f"{what}: {result.rows:,} rows, {result.points:,} points queued for InfluxDB"
                + _span(result)
            )
        if result.skipped.count:
            lines = ", ".join(str(n) for n, _ in result.skipped.examples)
            rows_of = f"{result.skipped.count:,} rows of the {what}"
            self.summary.skipped.append((rows_of, f"they do not parse (lines {lines})"))
        if entry is not None:
            self._statistics(entry, job.unit, result)

    def _statistics(self, entry: ConfigEntry, unit: str, result: LogImport) -> None:
        if "recorder" not in self.hass.config.components:
            skip = ("the history graphs", "the recorder is not running")
            if skip not in self.summary.skipped:
                self.summary.skipped.append(skip)
            return
        from homeassistant.components.recorder.models import StatisticMeanType  # noqa: PLC0415
        from homeassistant.components.recorder.statistics import (  # noqa: PLC0415
            async_import_statistics,
        )

        registry = er.async_get(self.hass)
        for series in STATISTICS:
            entity_id = registry.async_get_entity_id(
                "sensor", DOMAIN, f"{entry.unique_id}-{SENSORS[series]}"
            )
            statistics = result.statistics(series)
            if entity_id is None or not statistics:
                continue
            async_import_statistics(
                self.hass,
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
            self.summary.imported.append(
                f"{len(statistics):,} hours of {entity_id} into its history"
            )


def _span(result: LogImport) -> str:
    if result.first is None or result.last is None:
        return ""
    return f", {result.first.date()} to {result.last.date()}"


def _local_date(at: datetime | None) -> Any:
    return dt_util.as_local(at).date() if at else None


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
