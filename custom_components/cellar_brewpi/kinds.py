"""
The kinds of entry this integration serves, and what each brings.

A BrewPi controller, an Alpha panel and the cellar services are config entries of one domain.
Each kind is a package (`controller/`, `panel/`, `cellar/`) that describes itself with a `Kind`:
how its entry is set up, which entities it adds to each platform, its options flow and its
diagnostics. The platform modules and the set-up ask the registry below; nothing else needs to
know which kinds exist. A new kind is a new package and one line here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry, OptionsFlow
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_KIND, KIND_BREWPI

type Entities = Callable[[Any], Iterable[Entity]]
"""A platform's entities of an entry, made from its `runtime_data`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Kind:
    """One kind of entry."""

    key: str  # what `entry.data["kind"]` says
    async_setup_entry: Callable[[HomeAssistant, ConfigEntry], Awaitable[None]]
    """Connect, read once (raising `ConfigEntryNotReady` when that fails), set `runtime_data`."""
    platforms: Mapping[Platform, Entities]
    """Its entities on each platform it has any on."""
    options_flow: Callable[[], OptionsFlow]
    async_get_diagnostics: Callable[[HomeAssistant, ConfigEntry], Awaitable[dict[str, Any]]]
    reconfigure_step: str
    """The config flow step that reconfigures an entry of this kind."""


def _registry() -> dict[str, Kind]:
    # Imported here, not at the top: the packages import this module for `Kind`.
    from .cellar import KIND as CELLAR  # noqa: PLC0415
    from .controller import KIND as CONTROLLER  # noqa: PLC0415
    from .panel import KIND as PANEL  # noqa: PLC0415

    return {kind.key: kind for kind in (CONTROLLER, PANEL, CELLAR)}


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
        if (entities := kind_of(entry).platforms.get(platform)) is not None:
            async_add_entities(entities(entry.runtime_data))

    return async_setup_entry
