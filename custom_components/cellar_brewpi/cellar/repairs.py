"""The cellar services' repair issues: problems the user can act on, scoped to the entry."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..const import CONF_CELLAR_NAME, DOMAIN

ERROR = ir.IssueSeverity.ERROR
WARNING = ir.IssueSeverity.WARNING


class Repairs:
    """Raises and clears the issues of one services entry."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Issues of `entry`, named after its cellar."""
        self._hass = hass
        self._entry = entry

    @callback
    def issue(self, key: str, severity: ir.IssueSeverity, **placeholders: str) -> None:
        """Raise (or update) the issue `key`."""
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            f"{self._entry.entry_id}_{key}",
            is_fixable=False,
            severity=severity,
            translation_key=key,
            translation_placeholders={"cellar": self._entry.data[CONF_CELLAR_NAME], **placeholders},
        )

    @callback
    def resolved(self, *keys: str) -> None:
        """The part works (again): its problems are gone."""
        for key in keys:
            ir.async_delete_issue(self._hass, DOMAIN, f"{self._entry.entry_id}_{key}")

    @callback
    def auth_failed(self, part: str) -> None:
        """Credentials were refused: an issue and a reauth flow for the part; no more calls."""
        self.issue(f"{part}_auth", ERROR)
        self._entry.async_start_reauth(self._hass, data={"part": part})
