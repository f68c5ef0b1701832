"""Every poll of the integration falls on a multiple of its interval: one wake-up for them all."""

from __future__ import annotations

import logging
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import UpdateFailed
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.cellar_brewpi.polling import GridCoordinator

INTERVAL = 30


class Polled:
    """Coordinators that note the loop's time of each of their polls."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.polls: dict[str, list[float]] = {}
        self.failing: set[str] = set()

    def coordinator(self, name: str, interval: float = INTERVAL) -> GridCoordinator[int]:
        polls = self.polls.setdefault(name, [])

        async def update() -> int:
            polls.append(self.hass.loop.time())
            if name in self.failing:
                raise UpdateFailed("no answer", retry_after=7)
            return len(polls)

        coordinator = GridCoordinator[int](
            self.hass,
            logging.getLogger(__name__),
            config_entry=None,
            name=name,
            update_interval=timedelta(seconds=interval),
            update_method=update,
        )
        coordinator.async_add_listener(lambda: None)  # a listener keeps it polling
        return coordinator


async def seconds(hass: HomeAssistant, freezer: FrozenDateTimeFactory, count: int) -> None:
    """Let `count` seconds pass, a second at a time, running every timer that falls due."""
    for _ in range(count):
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


async def test_polls_fall_together_on_the_multiples_of_the_interval(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """
    Two coordinators set up 7 s apart, one given a pushed reading in between, and one of twice
    the interval: each poll after the first is at a multiple of its interval, all in one second.
    """
    polled = Polled(hass)
    first = polled.coordinator("first")
    await first.async_refresh()
    await seconds(hass, freezer, 7)
    second = polled.coordinator("second")
    await second.async_refresh()
    slow = polled.coordinator("slow", 2 * INTERVAL)
    await slow.async_refresh()
    await seconds(hass, freezer, 5)
    first.async_set_updated_data(0)  # a pushed reading: Home Assistant would start over here

    await seconds(hass, freezer, 4 * INTERVAL)
    scheduled = {name: times[1:] for name, times in polled.polls.items()}
    assert len(scheduled["second"]) >= 4
    assert len(scheduled["slow"]) >= 2
    # The second's polls are the first's (which had one more grid instant before it was set up).
    assert scheduled["second"] == scheduled["first"][-len(scheduled["second"]) :]
    assert set(scheduled["slow"]) <= set(scheduled["first"])
    # Each within the second (a step of this test) of its multiple on the loop's clock, and once.
    assert all(off_grid(time, INTERVAL) < 1 for time in scheduled["first"])
    assert all(off_grid(time, 2 * INTERVAL) < 1 for time in scheduled["slow"])
    assert all(
        b - a > INTERVAL - 1
        for a, b in zip(scheduled["first"], scheduled["first"][1:], strict=False)
    )


def off_grid(time: float, interval: float) -> float:
    """How far `time` is from the nearest multiple of `interval`."""
    return min(time % interval, interval - time % interval)


async def test_retry_after_counts_from_now(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A poll that fails asking to be retried in 7 s is retried then, not on the grid."""
    polled = Polled(hass)
    coordinator = polled.coordinator("failing")
    await coordinator.async_refresh()
    await seconds(hass, freezer, INTERVAL)
    polled.failing.add("failing")
    polls = polled.polls["failing"]
    count = len(polls)
    while len(polls) == count:  # the grid's next poll fails
        await seconds(hass, freezer, 1)
    failed_at = polls[-1]
    polled.failing.clear()
    await seconds(hass, freezer, 8)
    assert len(polls) == count + 2
    assert 7 <= polls[-1] - failed_at < 9
