"""Gravity readings and whether a hold's gravity conditions are met by them."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from .models import Gravity

POINT = 0.001  # one gravity point
KEEP = timedelta(hours=96)  # longer than any stability window (BrewPiLess allows 72 h)


@dataclass(frozen=True, slots=True)
class Reading:
    """A specific gravity read at a time."""

    at: datetime
    sg: float


class GravityHistory:
    """The readings of the last `KEEP` hours, oldest first, and the batch's original gravity."""

    def __init__(self, original_gravity: float | None = None) -> None:
        """Start with no readings."""
        self.original_gravity = original_gravity
        self._readings: deque[Reading] = deque()

    def add(self, reading: Reading) -> None:
        """A new reading (one older than the newest is ignored); drop those older than `KEEP`."""
        if self._readings and reading.at < self._readings[-1].at:
            return
        self._readings.append(reading)
        while self._readings[0].at < reading.at - KEEP:
            self._readings.popleft()

    @property
    def latest(self) -> Reading | None:
        """The newest reading."""
        return self._readings[-1] if self._readings else None

    def attenuation(self) -> float | None:
        """The apparent attenuation, in percent of the original gravity, of the newest reading."""
        og, latest = self.original_gravity, self.latest
        if og is None or latest is None or og <= 1:
            return None
        return (og - latest.sg) / (og - 1) * 100

    def met(self, gravity: Gravity, now: datetime) -> bool:
        """Whether every condition of `gravity` holds `now` (there is at least one)."""
        latest = self.latest
        if latest is None or not gravity:
            return False
        if gravity.at_most is not None and latest.sg > gravity.at_most + 1e-9:
            return False
        if gravity.attenuation is not None:
            attenuation = self.attenuation()
            if attenuation is None or attenuation < gravity.attenuation - 1e-9:
                return False
        return gravity.stable_points is None or self._stable(gravity, now)

    def _stable(self, gravity: Gravity, now: datetime) -> bool:
        """
        Whether the gravity moved at most the condition's points over its hours.

        The window starts with the last reading at or before its start (what the gravity was
        then); readings that do not reach back that far, or a sensor silent for the whole
        window, prove nothing.
        """
        since = now - timedelta(hours=gravity.stable_hours or 0)
        before = [r.sg for r in self._readings if r.at <= since][-1:]
        inside = [r.sg for r in self._readings if r.at > since]
        if not before or not inside:
            return False
        window = before + inside
        return max(window) - min(window) <= (gravity.stable_points or 0) * POINT + 1e-9
