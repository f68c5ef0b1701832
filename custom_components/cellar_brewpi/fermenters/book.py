"""
The batch book: what is in each chamber and vessel, and which gravity sensor floats in it.

A brewer without the production Sheet enters a chamber's or a vessel's batch in the options or
with an action; the book keeps it (in `.storage`), with the gravity sensor linked to that chamber
or vessel, and the batches that were there before. When the Sheet names the vessel, the Sheet's
batch wins: the entered one stays in the book, unused while the Sheet names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..batches import Batch
from ..batches.gravity import specific_gravity
from ..const import DOMAIN
from ..hub import get_hub

DATA_BOOK: HassKey[BatchBook] = HassKey(f"{DOMAIN}_batch_book")
STORE_VERSION = 1
STORE_KEY = f"{DOMAIN}.batches"

type Source = Literal["sheet", "entered"]


def signal_fermenter(key: str) -> str:
    """Sent when a fermenter's entered batch or gravity sensor changed."""
    return f"{DOMAIN}_fermenter_{key}"


def fermenter_key(unique_id: str | None, slot: int | None = None) -> str:
    """A chamber's key (its controller's unique id) or a vessel's (its panel's and its slot)."""
    return str(unique_id) if slot is None else f"{unique_id}-slot-{slot}"


@dataclass(frozen=True, slots=True)
class Fermenter:
    """A chamber or a vessel: where a batch ferments."""

    key: str
    """Its device's identifier (a controller's unique id; a panel's, `-slot-` and the number)."""
    name: str
    """Its name: the vessel's label, the controller's title; the Sheet's `Vessel` column."""
    device: DeviceInfo | None = None


@dataclass(slots=True)
class _Place:
    batch: Batch | None = None
    gravity_sensor: str | None = None


def _same(one: Batch | None, other: Batch | None) -> bool:
    """Whether two records are of the same batch (a correction, not a new batch)."""
    if one is None or other is None:
        return one is other
    return (one.beer, one.batch_number, one.date_brewed) == (
        other.beer,
        other.batch_number,
        other.date_brewed,
    )


class BatchBook:
    """Every chamber's and vessel's entered batch and gravity sensor, and the past batches."""

    def __init__(self, hass: HomeAssistant) -> None:
        """An empty book until `async_load`."""
        self.hass = hass
        self._store: Store[dict[str, Any]] = Store(hass, STORE_VERSION, STORE_KEY)
        self._places: dict[str, _Place] = {}
        self.past: list[dict[str, Any]] = []
        """Batches that left their chamber or vessel: `fermenter`, `ended` and the `batch`."""
        self.imported: dict[str, dict[str, Any]] = {}
        """What an import brought, by its id (`fermentrack:<beer>`): nothing comes twice."""

    async def async_load(self) -> None:
        """Read the book (an empty one the first time)."""
        data = await self._store.async_load() or {}
        for key, place in data.get("fermenters", {}).items():
            batch = place.get("batch")
            self._places[key] = _Place(
                Batch.from_dict(batch) if batch else None, place.get("gravity_sensor")
            )
        self.past = list(data.get("past", []))
        self.imported = dict(data.get("imported", {}))

    def entered(self, key: str) -> Batch | None:
        """The batch entered for a chamber or vessel."""
        place = self._places.get(key)
        return place.batch if place else None

    def gravity_sensor(self, key: str) -> str | None:
        """The entity linked to a chamber or vessel for its gravity."""
        place = self._places.get(key)
        return place.gravity_sensor if place else None

    def sheet_batch(self, name: str) -> Batch | None:
        """The Sheet's batch of a chamber or vessel (its first row naming it)."""
        batches = get_hub(self.hass).batches
        return batches.get(name.strip()) if batches else None

    def batch(self, fermenter: Fermenter) -> tuple[Batch | None, Source | None]:
        """What is in a chamber or vessel, and from where: the Sheet's batch wins."""
        if (batch := self.sheet_batch(fermenter.name)) is not None:
            return batch, "sheet"
        if (batch := self.entered(fermenter.key)) is not None:
            return batch, "entered"
        return None, None

    def contents(
        self, unique_id: str | None, slot: int | None, name: str
    ) -> tuple[Batch | None, float | None]:
        """The batch and the gravity now of an entry's chamber (slot None) or vessel."""
        key = fermenter_key(unique_id, slot)
        return self.batch(Fermenter(key, name))[0], self.gravity(key)

    def waits_for_sheet(self, fermenter: Fermenter) -> bool:
        """Whether the Sheet, not read yet, may name it (and nothing is entered for it)."""
        hub = get_hub(self.hass)
        return hub.sheet_configured and hub.batches is None and self.entered(fermenter.key) is None

    def gravity(self, key: str) -> float | None:
        """The linked sensor's gravity now, as specific gravity (None: none, or not a number)."""
        if (entity_id := self.gravity_sensor(key)) is None:
            return None
        if (state := self.hass.states.get(entity_id)) is None:
            return None
        try:
            value = float(state.state)
        except ValueError:
            return None
        return specific_gravity(value, state.attributes.get(ATTR_UNIT_OF_MEASUREMENT))

    async def async_enter(self, fermenter: Fermenter, batch: Batch | None, now: datetime) -> None:
        """
        Enter a chamber's or vessel's batch (None: the batch left it).

        A batch that replaces another (a different beer, number or brew date) sends the other to
        the past batches; the same batch again is a correction of its record.
        """
        place = self._places.setdefault(fermenter.key, _Place())
        if place.batch is not None and not _same(place.batch, batch):
            self.past.append(
                {
                    "fermenter": fermenter.key,
                    "ended": now.isoformat(),
                    "batch": place.batch.to_dict(),
                }
            )
        place.batch = batch
        await self._async_changed(fermenter.key)

    async def async_import_batch(
        self, import_id: str, fermenter: Fermenter | None, batch: Batch, *, current: bool
    ) -> bool:
        """
        Keep an imported batch; False when it was imported before.

        It goes into its chamber (`current`, when nothing is entered there) or into the past
        batches (`fermenter` None: its chamber is gone).
        """
        if import_id in self.imported:
            return False
        self.imported[import_id] = {"batch": batch.beer}
        if current and fermenter is not None and self.entered(fermenter.key) is None:
            self._places.setdefault(fermenter.key, _Place()).batch = batch
        else:
            self.past.append(
                {
                    "fermenter": fermenter.key if fermenter else None,
                    "ended": None,
                    "batch": batch.to_dict(),
                    "id": import_id,
                }
            )
        await self._async_changed(fermenter.key if fermenter else "")
        return True

    async def async_note_import(self, import_id: str, **what: Any) -> None:
        """Note what else an import brought (its log's points), so that it does not come twice."""
        self.imported.setdefault(import_id, {}).update(what)
        await self._store.async_save(self._data())

    async def async_retire(self, unique_id: str | None, keep: set[int] | None = None) -> None:
        """
        A controller or panel was removed, or a panel's vessels but those in the slots `keep`.

        Their batches go to the past batches and their gravity links go: a vessel added later in
        the same slot starts empty.
        """
        kept = {fermenter_key(unique_id, slot) for slot in keep or ()}
        retired = [
            key
            for key in self._places
            if (key == fermenter_key(unique_id) and keep is None)
            or (key.startswith(f"{unique_id}-slot-") and key not in kept)
        ]
        if not retired:
            return
        now = dt_util.utcnow().isoformat()
        for key in retired:
            if (batch := self._places.pop(key).batch) is not None:
                self.past.append({"fermenter": key, "ended": now, "batch": batch.to_dict()})
        await self._store.async_save(self._data())
        for key in retired:
            async_dispatcher_send(self.hass, signal_fermenter(key))

    async def async_link(self, key: str, entity_id: str | None) -> None:
        """Link a gravity sensor to a chamber or vessel (None: unlink)."""
        self._places.setdefault(key, _Place()).gravity_sensor = entity_id
        await self._async_changed(key)

    async def _async_changed(self, key: str) -> None:
        await self._store.async_save(self._data())
        async_dispatcher_send(self.hass, signal_fermenter(key))

    def _data(self) -> dict[str, Any]:
        return {
            "fermenters": {
                key: {
                    "batch": place.batch.to_dict() if place.batch else None,
                    "gravity_sensor": place.gravity_sensor,
                }
                for key, place in self._places.items()
                if place.batch is not None or place.gravity_sensor is not None
            },
            "past": self.past,
            "imported": self.imported,
        }

    @callback
    def as_diagnostics(self) -> dict[str, Any]:
        """The book as it is stored."""
        return self._data()


def get_book(hass: HomeAssistant) -> BatchBook:
    """The instance's batch book (loaded with the integration)."""
    return hass.data[DATA_BOOK]


async def async_setup_book(hass: HomeAssistant) -> None:
    """Load the batch book."""
    book = hass.data[DATA_BOOK] = BatchBook(hass)
    await book.async_load()
