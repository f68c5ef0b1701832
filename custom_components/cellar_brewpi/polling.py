"""One clock for every poll of the integration: a poll falls on a multiple of its interval."""

from __future__ import annotations

from typing import override

from homeassistant.core import callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

EARLY = 1.0
"""Seconds before a multiple of the interval that count as at it."""


class GridCoordinator[T](DataUpdateCoordinator[T]):
    """
    A coordinator that polls at the multiples of its interval on the event loop's clock.

    Home Assistant schedules each coordinator's next poll an interval after its last refresh
    (`int(loop.time()) + self._microsecond + interval`), and a pushed reading
    (`async_set_updated_data`) starts the interval again: the controllers and panels of one
    installation drift apart, and each poll wakes the process on its own, its caches gone cold
    since the last one. On the grid, every coordinator with the same interval (or a multiple of
    it) is polled in the same wake-up: with ten controllers, a third of the CPU per poll; and a
    pushed reading does not move the next poll. Only the offset Home Assistant adds is chosen,
    so pausing polling and shutdown work as for any coordinator, and an `UpdateFailed` with
    `retry_after` polls again that many seconds from now.
    """

    @override
    @callback
    def _schedule_refresh(self) -> None:
        now = self.hass.loop.time()
        if self._retry_after is not None:
            self._microsecond = now - int(now)
        elif interval := self._update_interval_seconds:
            # A timer may fire a little before its time: within EARLY of a multiple counts as
            # at it, or the poll would run again at that multiple.
            self._microsecond = (now + EARLY) // interval * interval - int(now)
        super()._schedule_refresh()
