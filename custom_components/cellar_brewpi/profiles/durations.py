"""Durations as Fermentrack writes them: `3d4h`, `45m`, `0s` (and `y` = 365 d, `w` = 7 d)."""

from __future__ import annotations

import re
from datetime import timedelta

from .errors import ProfileError

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([ywdhms])")
_WHOLE = re.compile(r"(?:\s*\d+(?:\.\d+)?\s*[ywdhms])+\s*")
_SECONDS = {"y": 365 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str, line: int | None = None) -> timedelta:
    """`3d4h`, `2w`, `1.5d`, `45m`, `0s` as a duration; a `ProfileError` for anything else."""
    if not _WHOLE.fullmatch(text):
        raise ProfileError(f"{text.strip()!r} is not a duration (like 3d, 12h, 3d4h, 45m)", line)
    seconds = sum(float(n) * _SECONDS[unit] for n, unit in _PART.findall(text))
    try:
        return timedelta(seconds=round(seconds))
    except OverflowError:  # beyond timedelta's days (or an infinite float)
        raise ProfileError(f"{text.strip()!r} is too long a duration", line) from None


def format_duration(duration: timedelta) -> str:
    """Fermentrack's short form: days, hours, minutes, seconds, only those not zero (`0s`)."""
    seconds = int(duration.total_seconds())
    parts = []
    for unit in "dhms":
        amount, seconds = divmod(seconds, _SECONDS[unit])
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts) or "0s"


def describe_duration(duration: timedelta) -> str:
    """In words for a brewer: `3 days`, `1 day 12 hours`, `45 minutes`."""
    seconds = int(duration.total_seconds())
    parts = []
    for unit, word in (("d", "day"), ("h", "hour"), ("m", "minute")):
        amount, seconds = divmod(seconds, _SECONDS[unit])
        if amount:
            parts.append(f"{amount} {word}{'' if amount == 1 else 's'}")
    if seconds or not parts:
        parts.append(f"{seconds} second{'' if seconds == 1 else 's'}")
    return " ".join(parts)
