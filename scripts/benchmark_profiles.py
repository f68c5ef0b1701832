"""
The profile rows of the benchmark (`scripts.benchmark` runs them after the panel's).

* event-loop CPU of one profile tick per thermostat: 50 runs of one 14-day profile on the
  benchmark's thermostats (the controllers' chambers and the panel's vessels), started at
  points spread over the profile (holds and ramps); `time.thread_time_ns()` of the loop's thread
  around the runner's tick (what its 30 s timer runs) + `hass.async_block_till_done()`, the run
  clocks 30 s further on at each tick, divided by the runs. The writes it caused are counted by
  the emulators;
* writes sent to the devices over a 14-day profile: one run on a chamber and one on a vessel,
  ticked every 30 s of simulated time from the start to past the end, the writes counted by the
  emulators, beside the changes of the target rounded to each thermostat's step, computed by the
  profile library on the same times.
"""

from __future__ import annotations

import math
import statistics
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from custom_components.cellar_brewpi.const import CONF_KIND, DOMAIN, KIND_PROFILES
from custom_components.cellar_brewpi.fermentation.runner import get_runner
from custom_components.cellar_brewpi.profiles import Unit, plain, position, text
from scripts.benchmark_recording import Figure

if TYPE_CHECKING:
    from scripts.benchmark import Bench, EmulatorProcess

RUNS = 50
TICK = timedelta(seconds=30)
PROFILE = text.read(
    "Lager, 14 days",
    """
    hold 10 C for 7d
    ramp to 14 C over 2d
    hold 14 C for 3d
    ramp to 2 C over 2d
    """,
)
SPAN = PROFILE.planned_duration()


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


async def _start(hass: HomeAssistant, entity_id: str, elapsed: timedelta) -> None:
    await hass.services.async_call(
        DOMAIN,
        "start_profile",
        {"entity_id": entity_id, "profile": PROFILE.name, "elapsed": elapsed},
        blocking=True,
    )


async def _stop(hass: HomeAssistant, entity_id: str) -> None:
    await hass.services.async_call(DOMAIN, "stop_profile", {"entity_id": entity_id}, blocking=True)


def _thermostats(bench: Bench) -> tuple[list[str], list[str]]:
    chambers = [
        bench.climate_entity(index)
        for index, entry in enumerate(bench.entries)
        if str(entry.unique_id).startswith("bench")
    ]
    panel = next(e for e in bench.entries if str(e.unique_id).startswith("alpha_panel"))
    vessels = [
        bench.vessel_climate_entity(panel, option["number"]) for option in panel.options["vessels"]
    ]
    return chambers, vessels


def _changes(unit: Unit, step: float, until: timedelta) -> int:
    """How often the target rounded to `step` changes, ticked every 30 s (the first counts)."""
    changes, last, at = 0, object(), timedelta(0)
    while at <= until:
        target = position(PROFILE, at, unit).target
        rounded = None if target is None else round(math.floor(target / step + 0.5) * step, 2)
        if rounded != last:
            changes, last = changes + 1, rounded
        at += TICK
    return changes


async def bench_profiles(bench: Bench, emulators: EmulatorProcess, ticks: int) -> list[Figure]:
    """The profile tick's CPU per thermostat with 50 runs; the writes over a 14-day profile."""
    hass = bench.hass
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Fermentation profiles",
        data={CONF_KIND: KIND_PROFILES},
        subentries_data=[
            {
                "data": plain.to_dict(PROFILE),
                "subentry_type": "profile",
                "title": PROFILE.name,
                "unique_id": None,
            }
        ],
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    runner = get_runner(hass)
    chambers, vessels = _thermostats(bench)
    thermostats = (chambers + vessels)[:RUNS]
    for index, entity_id in enumerate(thermostats):
        await _start(hass, entity_id, SPAN * index / len(thermostats))
    await hass.async_block_till_done()

    now = dt_util.utcnow()
    before = await emulators.counts()
    samples: list[float] = []
    for tick in range(5 + ticks):
        cpu = time.thread_time_ns()
        await runner.async_tick(now + TICK * (tick + 1))
        await hass.async_block_till_done()
        if tick >= 5:
            samples.append((time.thread_time_ns() - cpu) / 1e6 / len(thermostats))
    during = (await emulators.counts()) - before
    ramps = sum(1 for a in runner.runs.values() if a.position and a.position.step in (1, 3))
    rows = [
        Figure(
            "Event-loop CPU of a profile tick per thermostat (50 running)",
            "<= 0.2 ms",
            f"{statistics.median(samples):.3f} / {_p95(samples):.3f} ms",
            f"median / p95 over {ticks} ticks (5 warm-up) of thread_time around the runner's "
            f"tick (what its 30 s timer runs) + block_till_done, / {len(thermostats)} runs of "
            f"one 14-day profile ({len(chambers[:RUNS])} BrewPi chambers, "
            f"{len(thermostats) - len(chambers[:RUNS])} panel vessels) started at points spread "
            f"over it ({ramps} in a ramp at the end), the run clocks 30 s on at each tick; each "
            f"tick works out every target, updates the profile entities (select, 4 sensors) "
            f"that changed and writes a changed target: {during.commands.get('j', 0)} chamber "
            f"and {during.panel_writes} vessel writes in the timed ticks, counted by the "
            f"emulators",
        )
    ]
    for entity_id in thermostats:
        await _stop(hass, entity_id)
    rows.append(await _fourteen_days(hass, emulators, chambers[0], vessels[0]))
    await hass.config_entries.async_unload(entry.entry_id)
    return rows


async def _fourteen_days(
    hass: HomeAssistant, emulators: EmulatorProcess, chamber: str, vessel: str
) -> Figure:
    runner = get_runner(hass)
    before = await emulators.counts()
    first = position(PROFILE, timedelta(0), Unit.FAHRENHEIT).target
    state = hass.states.get(vessel)
    had = state is not None and state.attributes.get("temperature") == round(first or 0)
    started = dt_util.utcnow()
    for entity_id in (chamber, vessel):
        await _start(hass, entity_id, timedelta(0))
    end = SPAN + TICK * 2
    at = TICK
    shortest: dict[str, timedelta] = {}
    last: dict[str, datetime] = {}
    while at <= end:
        await runner.async_tick(started + at)
        await hass.async_block_till_done()
        for entity_id, active in runner.runs.items():
            if active.applied_at is not None:
                if entity_id in last and active.applied_at != last[entity_id]:
                    gap = active.applied_at - last[entity_id]
                    shortest[entity_id] = min(shortest.get(entity_id, gap), gap)
                last[entity_id] = active.applied_at
        at += TICK
    counts = (await emulators.counts()) - before
    chamber_writes = counts.commands.get("j", 0)
    chamber_changes = _changes(Unit.CELSIUS, 0.1, SPAN)
    vessel_changes = _changes(Unit.FAHRENHEIT, 1.0, SPAN)
    gaps = ", ".join(f"{g.total_seconds():.0f} s" for g in shortest.values()) or "-"
    left = len(runner.runs)
    return Figure(
        "Writes sent to the devices over a 14-day profile",
        "only on change",
        f"chamber {chamber_writes} writes for {chamber_changes} target changes (+1 to end in "
        f"beer constant); vessel {counts.panel_writes} writes for {vessel_changes} changes"
        + (f" (its first target, {first:g} °F, it had already)" if had else ""),
        f"one run of the 14-day profile (hold 10 °C 7 d, ramp to 14 °C over 2 d, hold 3 d, ramp "
        f"to 2 °C over 2 d) on a BrewPi chamber (°C, step 0.1) and one on a panel vessel (°F, "
        f"step 1), ticked every 30 s of simulated time from the start to 1 minute past the end "
        f"({int(end / TICK)} ticks); writes counted by the emulators (the chamber's `j` "
        f"commands, the panel's submits), target changes (rounded to the step, the first "
        f"target included) computed by the profile library on the same times. Shortest time "
        f"between two writes to one thermostat: {gaps}; runs left at the end: {left}",
    )
