"""
Gravity readings as specific gravity, and the attenuation and ABV they give with the OG.

A hydrometer's reading, and what the batch's original gravity makes of it.

Gravity sensors read in specific gravity (a Tilt, RAPT, most iSpindels) or in degrees Plato or
Brix (some iSpindels, refractometers); brewers write an OG either way.
"""

from __future__ import annotations

import math
import re

SG_RANGE = (0.95, 1.25)
"""What a wort, a beer or water reads; anything else is not a gravity."""

_PLATO_UNITS = frozenset({"p", "plato", "bx", "brix"})
_NUMBER = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*(°?\s*[a-zA-Z]*)\s*")
ABV_FACTOR = 131.25
"""The common homebrew formula: ABV % = (OG - SG) x 131.25."""


def plato_to_sg(plato: float) -> float:
    """Degrees Plato (or Brix, close enough for beer) as specific gravity."""
    return 1 + plato / (258.6 - plato / 258.2 * 227.1)


def specific_gravity(value: float, unit: str | None = None) -> float | None:
    """
    A reading as specific gravity; `None` when it is no gravity.

    The unit decides: `°P`, `°Plato`, `°Bx` are degrees Plato, anything else specific gravity. A
    reading without a unit above 2 is degrees Plato (no beer has a specific gravity of 2).
    """
    if not math.isfinite(value):
        return None
    unit_name = (unit or "").strip().lstrip("°").strip().casefold()
    plato = unit_name in _PLATO_UNITS or (unit_name in {"", "sg"} and value >= 2)  # noqa: PLR2004
    sg = plato_to_sg(value) if plato else value
    return sg if SG_RANGE[0] <= sg <= SG_RANGE[1] else None


def parse_gravity(text: str | None) -> float | None:
    """A gravity as written in a batch record (`1.052`, `1,052`, `12.5`, `12.5 °P`), as SG."""
    if text is None or (match := _NUMBER.fullmatch(text)) is None:
        return None
    return specific_gravity(float(match.group(1).replace(",", ".")), match.group(2) or None)


def apparent_attenuation(original: float, current: float) -> float | None:
    """The share of the original gravity's extract gone, in percent (None without an OG above 1)."""
    if original <= 1:
        return None
    return (original - current) / (original - 1) * 100


def alcohol_by_volume(original: float, current: float) -> float:
    """Alcohol by volume in percent, from the original and the current gravity."""
    return (original - current) * ABV_FACTOR
