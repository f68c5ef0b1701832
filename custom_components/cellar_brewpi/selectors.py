"""Form fields shared by the kinds' flows."""

from __future__ import annotations

from homeassistant.helpers.selector import NumberSelector, NumberSelectorConfig, NumberSelectorMode

from .const import MAX_POLL_INTERVAL, MIN_POLL_INTERVAL


def number_box(low: float, high: float, step: float = 1, unit: str | None = None) -> NumberSelector:
    """A number typed into a box, between `low` and `high` (its form says the range in words)."""
    config = NumberSelectorConfig(min=low, max=high, step=step, mode=NumberSelectorMode.BOX)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


PORT = number_box(1, 65535)
POLL_INTERVAL = number_box(MIN_POLL_INTERVAL, MAX_POLL_INTERVAL, unit="s")
