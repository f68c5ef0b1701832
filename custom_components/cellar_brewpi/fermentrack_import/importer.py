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
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_IMPORT, ConfigEntry, ConfigSubentry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
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
    KIND_PROFILES,
    SUBENTRY_PROFILE,
)
from ..controller.link import port_of_serial_number
from ..fermentation.actions import profiles_entry
from ..fermenters import Fermenter, get_book
from ..fermenters.book import fermenter_key
from ..fermentrack_backup import WIFI, Beer, Controller, ProfileRecord
from ..profiles import Profile, ProfileError, plain
from ..profiles.points import steps_from_points
from .logs import PendingLog, async_import_logs, import_id

if TYPE_CHECKING:
    from .survey import Survey

_LOGGER = logging.getLogger(__name__)


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


class FermentrackImport:
    """One import of a surveyed installation."""

    def __init__(self, hass: HomeAssistant, upload: Upload, survey: Survey) -> None:
        """Nothing imported yet."""
        self.hass = hass
        self.upload = upload
        self.survey = survey
        self.summary = Summary()
        self.entries: dict[str, ConfigEntry] = {}  # Fermentrack's controller key -> its entry
        self._pending: list[PendingLog] = []  # logs to import

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
            logs = async_import_logs(self.hass, self.upload, self._pending, self.summary)
            await self._async_guarded("the beers' logs", logs)
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


def _local_date(at: datetime | None) -> Any:
    return dt_util.as_local(at).date() if at else None
