"""
Fermentrack's export, transcribed from its `to_export` and `ttl_to_string` (thorrak/fermentrack,
`app/models.py`), independent of the library: the expected text of the table tests.
"""

from __future__ import annotations

from datetime import timedelta

type RefPoint = tuple[timedelta, float, str]  # ttl, temperature, "C" or "F"


def ttl_to_string(ttl: timedelta) -> str:
    """Fermentrack's short form: the non-zero days, hours, minutes and seconds, `0s` for none."""
    remainder = int(ttl.total_seconds())
    days, remainder = divmod(remainder, 60 * 60 * 24)
    hours, remainder = divmod(remainder, 60 * 60)
    minutes, seconds = divmod(remainder, 60)
    text = ""
    for amount, suffix in ((days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")):
        if amount > 0:
            text += f"{amount}{suffix}"
    return text or "0s"


def to_export(name: str, points: list[RefPoint], profile_type: str = "Standard Profile") -> str:
    """The table Fermentrack exports for a profile with these points (in ttl order)."""
    ttls = [ttl_to_string(ttl) for ttl, _, _ in points]
    max_ttl_string = max(ttls, key=len)
    iw = len(
        max(
            [profile_type, name, max_ttl_string + " | " + "-100.00 C", "=" * 30 + "\r\n"],
            key=len,
        )
    )
    separator = "=" * (iw + 4) + "\r\n"
    text = separator
    text += "| " + name.ljust(iw) + " |\r\n"
    text += "| " + profile_type.ljust(iw) + " |\r\n"
    text += separator
    for ttl, (_, temp, unit) in zip(ttls, points, strict=True):
        cell = ttl.ljust(len(max_ttl_string)) + " | " + f"{temp:.2f}" + " " + unit
        text += "| " + cell.ljust(iw) + " |\r\n"
    text += separator
    return text
