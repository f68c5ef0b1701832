"""
The kinds of entry this integration serves, and what each brings.

A BrewPi controller, an Alpha panel, the cellar services and the fermentation profiles are
config entries of one domain. Each kind is a package (`controller/`, `panel/`, `cellar/`,
`fermentation/`) that describes itself with a `Kind`:
how its entry is set up, which entities it adds to each platform, its options flow and its
diagnostics. The platform modules and the set-up ask the registry below; nothing else needs to
know which kinds exist. A new kind is a new package and one line here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentryFlow, OptionsFlow
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_KIND, KIND_BREWPI

type Entities = Callable[[Any], Iterable[Entity]]
"""A platform's entities of an entry, made from its `runtime_data`."""
type SubentryEntities = Callable[[ConfigEntry], Iterable[tuple[str, Iterable[Entity]]]]
"""A platform's entities of an entry's subentries, by subentry id."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Kind:
    """One kind of entry."""

    key: str  # what `entry.data["kind"]` says
    async_setup_entry: Callable[[HomeAssistant, ConfigEntry], Awaitable[None]]
    """Connect, read once (raising `ConfigEntryNotReady` when that fails), set `runtime_data`."""
    platforms: Mapping[Platform, Entities]
    """Its entities on each platform it has any on."""
    options_flow: Callable[[], OptionsFlow] | None
    async_get_diagnostics: Callable[[HomeAssistant, ConfigEntry], Awaitable[dict[str, Any]]]
    reconfigure_step: str | None
    """The config flow step that reconfigures an entry of this kind (None: nothing to change)."""
    subentry_platforms: Mapping[Platform, SubentryEntities] = field(default_factory=dict)
    """Its subentries' entities on each platform."""
    subentry_flows: Mapping[str, type[ConfigSubentryFlow]] = field(default_factory=dict)
    """The flows of its subentry types."""
    in_area: bool = False
    """Whether its devices go into the area of its options (`areas`)."""


def _registry() -> dict[str, Kind]:
    # Imported here, not at the top: the packages import this module for `Kind`.
    from .cellar import KIND as CELLAR  # noqa: PLC0415
    from .controller import KIND as CONTROLLER  # noqa: PLC0415
    from .fermentation import KIND as PROFILES  # noqa: PLC0415
    from .panel import KIND as PANEL  # noqa: PLC0415

    return {kind.key: kind for kind in (CONTROLLER, PANEL, CELLAR, PROFILES)}


_KINDS: dict[str, Kind] = {}


def kinds() -> Mapping[str, Kind]:
    """Every kind, by its key."""
    if not _KINDS:
        _KINDS.update(_registry())
    return _KINDS


def kind_of(entry: ConfigEntry) -> Kind:
    """The kind of an entry (entries made before kinds existed are controllers)."""
    return kinds()[entry.data.get(CONF_KIND, KIND_BREWPI)]


type PlatformSetup = Callable[
    [HomeAssistant, ConfigEntry, AddConfigEntryEntitiesCallback], Coroutine[Any, Any, None]
]


def platform_setup(platform: Platform) -> PlatformSetup:
    """A platform module's `async_setup_entry`: the entry's kind adds its entities, if any."""

    async def async_setup_entry(
        hass: HomeAssistant,  # noqa: ARG001
        entry: ConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        kind = kind_of(entry)
        if (entities := kind.platforms.get(platform)) is not None:
            async_add_entities(entities(entry.runtime_data))
        if (per_subentry := kind.subentry_platforms.get(platform)) is not None:
            for subentry_id, subentry_entities in per_subentry(entry):
                async_add_entities(subentry_entities, config_subentry_id=subentry_id)

    return async_setup_entry
