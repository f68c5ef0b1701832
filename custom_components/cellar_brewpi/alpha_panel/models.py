"""Typed slots and readings of the Alpha cellar panel (no Home Assistant imports)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

ADDRESS_BASE = 116
"""A slot's write register is `ADDRESS_BASE + slot number` (slot 1 is address 117)."""

VALUES_PER_SLOT = 3
"""Each slot owns three consecutive entries of the combined values array: temp, set point, valve."""

DEFAULT_PAGES: tuple[int, ...] = (1, 2)
"""The pages the panel is read from, in order: `001.html` then `002.html`."""

DEFAULT_LABELS: dict[int, str] = {
    1: "FV 10/1",
    2: "FV 10/2",
    3: "FV 10/3",
    4: "FV 10/4",
    5: "FV 10/5",
    6: "FV 10/6",
    7: "FV 20/1",
    8: "Walk-In",
    9: "BT 10/1",
}
"""The labels of the nine slots the original cellar service used."""

UI_SET_POINT_MIN_F = 34.0
"""The lowest set point the original web UI offered, in °F (the panel's own limit is unknown)."""

UI_SET_POINT_MAX_F = 100.0
"""The highest set point the original web UI offered, in °F (the panel's own limit is unknown)."""


@dataclass(frozen=True)
class Slot:
    """
    One control slot of the panel.

    `position` is the index of the slot's temperature in the combined values array of all pages;
    the set point follows at `position + 1` and the valve state at `position + 2`.
    """

    number: int
    address: int
    label: str
    position: int

    @property
    def set_point_position(self) -> int:
        """Index of the set point in the combined values array."""
        return self.position + 1

    @property
    def valve_position(self) -> int:
        """Index of the valve state in the combined values array."""
        return self.position + 2


def make_slot(number: int, label: str | None = None) -> Slot:
    """Return slot `number` (1-based) with the panel's standard address and array position."""
    if number < 1:
        raise ValueError(f"slot numbers start at 1, got {number}")
    if label is None:
        label = DEFAULT_LABELS.get(number, f"Slot {number}")
    return Slot(
        number=number,
        address=ADDRESS_BASE + number,
        label=label,
        position=VALUES_PER_SLOT * (number - 1),
    )


def build_slots(count: int, labels: Mapping[int, str] | None = None) -> tuple[Slot, ...]:
    """Return slots 1..`count`; `labels` overrides the label of any slot number it names."""
    labels = labels or {}
    return tuple(make_slot(number, labels.get(number)) for number in range(1, count + 1))


DEFAULT_SLOTS: tuple[Slot, ...] = build_slots(len(DEFAULT_LABELS))
"""The nine slots of the reference table (address 116 + slot, position 3 * (slot - 1))."""


@dataclass(frozen=True)
class SlotReading:
    """What the panel showed for one slot; `None` means unknown (sentinel, missing, unparseable)."""

    slot: Slot
    temperature: float | None
    set_point: float | None
    valve_open: bool | None
    unused: bool = False  # the panel shows the sentinel 1000 °F: no sensor, not in use


@dataclass(frozen=True)
class PanelReading:
    """
    One read of all configured pages.

    `read_at` is timezone-aware UTC; `slots` is keyed by slot number; `values` is the raw combined
    values array of all pages, in page order.
    """

    read_at: datetime
    slots: dict[int, SlotReading]
    values: tuple[str, ...]
