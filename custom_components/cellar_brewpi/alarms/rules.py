"""
The four alarm rules of a thermostat, each a small state machine fed one sample at a time.

A rule's judgement of a sample is on, off, or "cannot tell yet" (too few readings in its
window, a period not yet as long as its minutes): then it keeps its state. So a restart, whose
restored history has a hole, neither fires nor clears an alarm until the rule can decide again.
Each rule stores what it needs (`to_dict`), bounded, and reads it back (`restore`).
"""

from __future__ import annotations

import math
from collections import deque
from datetime import UTC, datetime
from typing import Any, ClassVar

from .models import Action, AlarmSettings, Sample
from .slope import theil_sen

MAX_HISTORY = 120
"""At most about this many readings a rule keeps over its window (spaced window / 120 apart)."""
MIN_POINTS = 5
COVERAGE = 0.75  # a window counts once its readings span this share of it
DOMINANT = 0.6  # the share of a window's readings an action needs to be "what it did"
TARGET_EPSILON = 0.01

type Verdict = tuple[bool, dict[str, Any]] | None
"""On or off with the reason's attributes; None: cannot tell, keep the state."""


def _stamp(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _number(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _optional(value: Any) -> float | None:
    return None if value is None else _number(value)


class Rule:
    """What every rule shares: its state, since when it is on, and why."""

    key: ClassVar[str]

    def __init__(self, settings: AlarmSettings) -> None:
        """A rule that has seen nothing: off."""
        self.settings = settings
        self.on = False
        self.since: float | None = None  # when it turned on
        self.reason: dict[str, Any] = {}
        self.last_at: float | None = None  # the last sample's time

    def update(self, sample: Sample) -> None:
        """Judge a sample; a hole in the history since the last one starts the rule's count over."""
        now = sample.at.timestamp()
        if self.last_at is not None and now - self.last_at > self.settings.max_gap_minutes * 60:
            self._forget()
        self.last_at = now
        verdict = self._judge(sample, now)
        if verdict is None:
            return
        on, reason = verdict
        if on and not self.on:
            self.since = now
        elif not on:
            self.since = None
        self.on, self.reason = on, reason

    @property
    def attributes(self) -> dict[str, Any]:
        """Why the rule is on (or why it is quiet), for the entity's attributes."""
        if self.on and self.since is not None:
            return {**self.reason, "since": _stamp(self.since)}
        return dict(self.reason)

    def _judge(self, sample: Sample, now: float) -> Verdict:
        raise NotImplementedError

    def _forget(self) -> None:
        """A hole in the history: forget what spans it (the state stays until judged again)."""

    def to_dict(self) -> dict[str, Any]:
        """The rule's state, for a restart."""
        return {
            "on": self.on,
            "since": self.since,
            "last_at": self.last_at,
            "reason": _plain(self.reason),
            **self._state(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Take back what `to_dict` stored; raises KeyError/TypeError/ValueError if unusable."""
        self._restore(data)
        self.on = bool(data["on"])
        self.since = _optional(data.get("since"))
        self.last_at = _optional(data.get("last_at"))
        self.reason = {
            k: (_stamp(v["at"]) if isinstance(v, dict) else v)
            for k, v in dict(data.get("reason") or {}).items()
        }

    def _state(self) -> dict[str, Any]:
        return {}

    def _restore(self, data: dict[str, Any]) -> None:
        pass


def _plain(reason: dict[str, Any]) -> dict[str, Any]:
    """The reason with its times as `{"at": seconds}` (JSON has no time)."""
    return {k: ({"at": v.timestamp()} if isinstance(v, datetime) else v) for k, v in reason.items()}


class WrongDirection(Rule):
    """
    Moving away from the target against what the thermostat mostly does over the window.

    Rising while cooling (or falling while heating), past the target on that side by more than
    the margin. The slope is Theil-Sen's over the window's readings, in degrees per hour.
    """

    key = "wrong_direction"

    def __init__(self, settings: AlarmSettings) -> None:
        """No readings yet."""
        super().__init__(settings)
        self.window = settings.direction_minutes * 60
        self.history: deque[tuple[float, float, Action | None]] = deque()

    def _judge(self, sample: Sample, now: float) -> Verdict:
        if sample.temperature is None:
            return None
        history = self.history
        if not history or now - history[-1][0] >= self.window / MAX_HISTORY:
            history.append((now, sample.temperature, sample.action))
        while history and history[0][0] < now - self.window:
            history.popleft()
        if sample.target is None or sample.action in {None, Action.OFF}:
            return False, {}
        if len(history) < MIN_POINTS or history[-1][0] - history[0][0] < COVERAGE * self.window:
            return None
        share = {a: sum(1 for h in history if h[2] is a) / len(history) for a in Action}
        away = sample.temperature - sample.target
        margin = self.settings.direction_margin
        if share[Action.COOLING] >= DOMINANT and away > margin:
            sign, action = 1, Action.COOLING
        elif share[Action.HEATING] >= DOMINANT and away < -margin:
            sign, action = -1, Action.HEATING
        else:
            return False, {}
        slope = theil_sen([(at, t) for at, t, _ in history])
        if slope is None or sign * slope * 3600 < self.settings.direction_slope:
            return False, {}
        return True, {
            "slope": round(slope * 3600, 2),
            "window_minutes": round(self.window / 60),
            "action": action.value,
            "temperature": round(sample.temperature, 1),
            "target": round(sample.target, 1),
        }

    def _state(self) -> dict[str, Any]:
        return {"history": [[at, t, a.value if a else None] for at, t, a in self.history]}

    def _restore(self, data: dict[str, Any]) -> None:
        rows = [
            (_number(at), _number(t), None if a is None else Action(a))
            for at, t, a in data.get("history", [])
        ]
        self.history = deque(rows[-2 * MAX_HISTORY :])


class OffTarget(Rule):
    """
    Further from the target than the threshold for the minutes.

    Quiet while a profile ramps and for the settle hours after each new target (the beer is
    still getting there).
    """

    key = "off_target"

    def __init__(self, settings: AlarmSettings) -> None:
        """No target seen yet: the first one counts as new."""
        super().__init__(settings)
        self.target: float | None = None
        self.target_since: float | None = None
        self.off_since: float | None = None

    def _judge(self, sample: Sample, now: float) -> Verdict:
        target = sample.target
        if target is None:
            self.target = self.target_since = self.off_since = None
            return False, {}
        if self.target is None or abs(target - self.target) > TARGET_EPSILON:
            self.target, self.target_since = target, now
        if (quiet := self._quiet(sample, now)) is not None:
            self.off_since = None
            return False, quiet
        if sample.temperature is None:
            return None
        away = sample.temperature - target
        if abs(away) <= self.settings.off_target_degrees:
            self.off_since = None
            return False, {}
        if self.off_since is None:
            self.off_since = now
        if now - self.off_since < self.settings.off_target_minutes * 60:
            return None
        return True, {
            "temperature": round(sample.temperature, 1),
            "target": round(target, 1),
            "difference": round(away, 1),
            "off_since": _stamp(self.off_since),
        }

    def _quiet(self, sample: Sample, now: float) -> dict[str, Any] | None:
        """Why the rule must not fire now (a ramp, a new target), or None."""
        if sample.ramping:
            return {"quiet": "ramping"}
        settled = (self.target_since or now) + self.settings.settle_hours * 3600
        if now < settled:
            return {"quiet": "settling", "settled_at": _stamp(settled)}
        return None

    def _forget(self) -> None:
        self.off_since = None

    def _state(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "target_since": self.target_since,
            "off_since": self.off_since,
        }

    def _restore(self, data: dict[str, Any]) -> None:
        self.target = _optional(data["target"])
        self.target_since = _optional(data["target_since"])
        self.off_since = _optional(data["off_since"])


class CoolingFailure(Rule):
    """
    Cooling without a break for the minutes, and what it cools has not come down by the drop.

    Cooling is a valve open or a cooler on; the drop is over the last of those minutes.
    """

    key = "cooling_failure"

    def __init__(self, settings: AlarmSettings) -> None:
        """Not cooling yet."""
        super().__init__(settings)
        self.period = settings.cooling_minutes * 60
        self.cooling_since: float | None = None
        self.history: deque[tuple[float, float]] = deque()

    def _judge(self, sample: Sample, now: float) -> Verdict:
        if sample.action is None:
            return None
        if sample.action is not Action.COOLING:
            self._forget()
            return False, {}
        cooled = sample.cooled if sample.cooled is not None else sample.temperature
        if cooled is None:
            return None
        if self.cooling_since is None:
            self.cooling_since = now
        history = self.history
        if not history or now - history[-1][0] >= self.period / MAX_HISTORY:
            history.append((now, cooled))
        # Keep the last reading at or before the period's start: the reference of the drop.
        while len(history) > 1 and history[1][0] <= now - self.period:
            history.popleft()
        if now - self.cooling_since < self.period or history[0][0] > now - self.period:
            return None
        reference = history[0][1]
        lowest = min(cooled, *(t for _, t in history))
        if reference - lowest >= self.settings.cooling_drop:
            return False, {}
        return True, {
            "cooling_since": _stamp(self.cooling_since),
            "temperature": round(cooled, 1),
            "temperature_before": round(reference, 1),
            "minutes": round(self.period / 60),
        }

    def _forget(self) -> None:
        self.cooling_since = None
        self.history.clear()

    def _state(self) -> dict[str, Any]:
        return {"cooling_since": self.cooling_since, "history": [list(h) for h in self.history]}

    def _restore(self, data: dict[str, Any]) -> None:
        self.cooling_since = _optional(data["cooling_since"])
        rows = [(_number(at), _number(t)) for at, t in data.get("history", [])]
        self.history = deque(rows[-2 * MAX_HISTORY :])


class ProbeLost(Rule):
    """A probe that gave readings gives none, while the device answers (samples come)."""

    key = "probe_lost"

    def __init__(self, settings: AlarmSettings) -> None:
        """No probe seen yet."""
        super().__init__(settings)
        self.seen: set[str] = set()
        self.lost: dict[str, float] = {}

    def _judge(self, sample: Sample, now: float) -> Verdict:
        for name, value in sample.probes.items():
            if value is not None:
                self.seen.add(name)
                self.lost.pop(name, None)
            elif name in self.seen:
                self.lost.setdefault(name, now)
        if not self.lost:
            return False, {}
        return True, {
            "probes": sorted(self.lost),
            "lost_since": _stamp(min(self.lost.values())),
        }

    def _state(self) -> dict[str, Any]:
        return {"seen": sorted(self.seen), "lost": dict(self.lost)}

    def _restore(self, data: dict[str, Any]) -> None:
        self.seen = {str(name) for name in data["seen"]}
        self.lost = {str(k): _number(v) for k, v in dict(data["lost"]).items()}


RULES: tuple[type[Rule], ...] = (WrongDirection, OffTarget, CoolingFailure, ProbeLost)
"""Every rule, in the order their entities are added."""
