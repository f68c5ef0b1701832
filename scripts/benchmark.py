"""
Benchmarks against emulated BrewPi controllers and an Alpha panel; prints a Markdown table.

    scripts/benchmark [--controllers 10] [--cycles 100] [--setpoints 50] [--memory-controllers 10]
                      [--panel-slots 32] [--panel-cycles 50] [--panel-setpoints 20]
                      [--backlog-cycles 1440] [--enqueue-cycles 200] [--no-recording]

Home Assistant runs in-process on its own event loop (`homeassistant.runner.create_event_loop`),
built by the test plugin's `async_test_home_assistant` with a temporary config directory. The
emulated controllers and the emulated Alpha panel run in a child process (this module with
`--serve-emulators N --panel-slots S`), so the CPU time and the memory measured here belong to Home
Assistant and the integration alone; the child ends when its stdin closes.

Measured:

* event-loop CPU per poll and controller: `time.thread_time_ns()` of the loop's thread around
  `coordinator.async_refresh()` plus `hass.async_block_till_done()`; waiting on sockets costs
  no CPU, so what remains is framing, parsing, the coordinator and the state writes;
* setpoint round trip: `climate.set_temperature` (blocking) until the entity's state shows the
  new target, which it takes from the controller's `S:` reply;
* parser throughput: a generated stream of modern and legacy BrewPi lines through `LineFramer`,
  `parse_line` and `TemperatureTracker` in `READ_CHUNK` pieces, as the client's reader does;
* memory per controller: `tracemalloc` around setting up more entries once the first ones (and so
  the integration's modules and caches) are loaded;
* event-loop CPU per panel poll: as for the controllers, for one Alpha panel entry with a vessel
  per slot, read over HTTP from the panel emulator's pages; `PANEL_PAGE_PAUSE` is patched to 0 for
  this, as the pause between pages is a sleep and costs no CPU;
* panel setpoint round trip: `climate.set_temperature` (blocking) on a vessel until its state
  shows the setpoint the panel confirmed by being read back, once with `PANEL_PAGE_PAUSE` at 0 and
  once at its real value; the panel client's sleeps (the pause between pages, the interval before
  each verification read) are logged by wrapping its `asyncio.sleep`, so the time they took can
  be told apart from the rest. Home Assistant uses US customary units from here on, as the panel
  works in °F;
* recording (`scripts/benchmark_recording.py`, in a Home Assistant of its own, VictoriaMetrics on
  loopback as the InfluxDB 2 write endpoint): the event-loop and executor cost of putting one poll
  cycle's readings in the durable queue, the drain of a 24 h backlog after an outage, and Home
  Assistant's own `influxdb` integration through the same outage.

These are figures, not tests: nothing here checks them against the targets.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import inspect
import json
import logging
import math
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, override
from unittest import mock

from aiohttp.resolver import AsyncResolver
from homeassistant import const as ha_const
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.climate import SERVICE_SET_TEMPERATURE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE, CONF_HOST, CONF_PORT
from homeassistant.core import DOMAIN as HA_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import frame
from homeassistant.helpers import translation as translation_helper
from homeassistant.loader import DATA_CUSTOM_COMPONENTS
from homeassistant.runner import create_event_loop
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.cellar_brewpi import const
from custom_components.cellar_brewpi.alpha_panel import client as panel_client
from custom_components.cellar_brewpi.alpha_panel import make_slot
from custom_components.cellar_brewpi.brewpi import (
    ControlSettings,
    DeviceList,
    LineFramer,
    TemperatureTracker,
    TemperatureUpdate,
    parse_line,
)
from custom_components.cellar_brewpi.brewpi.client import READ_CHUNK
from custom_components.cellar_brewpi.const import (
    CONF_CONNECTION_TYPE,
    CONF_KIND,
    CONF_PAGES,
    CONF_POLL_INTERVAL,
    CONF_VESSELS,
    CONNECTION_NETWORK,
    DOMAIN,
    KIND_ALPHA_PANEL,
    MAX_POLL_INTERVAL,
)
from custom_components.cellar_brewpi.coordinator import BrewPiCoordinator
from custom_components.cellar_brewpi.panel_coordinator import PanelCoordinator, slot_to_option
from custom_components.cellar_brewpi.panel_options import DEFAULT_PANEL_OPTIONS
from scripts.benchmark_recording import bench_recording
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.emulators.brewpi import BrewPiEmulator

PORTS_PREFIX = "EMULATOR PORTS"
PANEL_PREFIX = "PANEL PORT"
PANEL_PAGES = 2
"""Pages the panel emulator splits its slots over, as the integration's "pages" option default."""
PANEL_SETPOINTS = (40.0, 41.0)
PANEL_VESSEL = 1
"""The slot whose vessel thermostat takes the setpoint writes."""
SETPOINTS = (18.5, 19.5)
PARSER_BLOCKS = 8000
PARSER_RUNS = 3
POLL_WARMUP = 5
STATE_TIMEOUT = 5.0

_LOGGER = logging.getLogger("scripts.benchmark")


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the result table."""

    metric: str
    target: str
    measured: str
    how: str


@dataclass(frozen=True, slots=True)
class Config:
    """What to run, from the command line."""

    controllers: int
    cycles: int
    setpoints: int
    memory_controllers: int
    panel_slots: int
    panel_cycles: int
    panel_setpoints: int
    backlog_cycles: int = 1440
    enqueue_cycles: int = 200
    recording: bool = True


# --- statistics ------------------------------------------------------------------------------


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (inclusive method; the maximum for fewer than two values)."""
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def median_p95(values: Sequence[float], unit: str, digits: int) -> str:
    """`median / p95 unit` of the values."""
    return f"{statistics.median(values):.{digits}f} / {p95(values):.{digits}f} {unit}"


# --- the emulators, in a child process --------------------------------------------------------


def panel_pages(slots: int) -> int:
    """How many pages the panel emulator serves `slots` slots on (as its own even split)."""
    return math.ceil(slots / math.ceil(slots / PANEL_PAGES))


async def serve_emulators(count: int, panel_slots: int) -> None:
    """Run `count` controllers and a panel on loopback, print their ports, stop at stdin's end."""
    emulators = [BrewPiEmulator(speedup=0.0, seed=1 + index) for index in range(count)]
    ports = [await emulator.start_tcp() for emulator in emulators]
    # Every slot a live vessel (no unused sentinel slot), the model standing still as above.
    panel = AlphaPanelEmulator(
        panel_slots, speedup=0.0, seed=1, pages=PANEL_PAGES, sentinel_slots=frozenset()
    )
    panel_port = await panel.start()
    print(PORTS_PREFIX, *ports, flush=True)
    print(PANEL_PREFIX, panel_port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
    for emulator in emulators:
        await emulator.stop()
    await panel.stop()


class EmulatorProcess:
    """The child process that serves the emulated controllers and the emulated panel."""

    def __init__(
        self, process: asyncio.subprocess.Process, ports: list[int], panel_port: int
    ) -> None:
        """Wrap a started child, the controller ports and the panel port it listens on."""
        self.process = process
        self.ports = ports
        self.panel_port = panel_port

    @classmethod
    async def start(cls, count: int, panel_slots: int) -> EmulatorProcess:
        """Start the child and wait for its port lines."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "scripts.benchmark",
            "--serve-emulators",
            str(count),
            "--panel-slots",
            str(panel_slots),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        if process.stdout is None:
            raise RuntimeError("no stdout pipe")
        lines: list[str] = []
        for prefix in (PORTS_PREFIX, PANEL_PREFIX):
            line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
            lines.append(line.decode().strip())
            if not lines[-1].startswith(prefix):
                process.kill()
                await process.wait()
                raise RuntimeError(f"emulator process did not start: {lines!r}")
        ports = [int(port) for port in lines[0].removeprefix(PORTS_PREFIX).split()]
        return cls(process, ports, int(lines[1].removeprefix(PANEL_PREFIX)))

    async def stop(self) -> None:
        """Close the child's stdin and wait for it to end."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), timeout=10)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


# --- parser throughput -----------------------------------------------------------------------

_CONSTANTS = (
    '{"tempFormat":"C","tempSetMin":1,"tempSetMax":30,"pidMax":10,"Kp":5,"Ki":0.25,"Kd":-1.5,'
    '"iMaxErr":0.5,"idleRangeH":1,"idleRangeL":-1,"heatTargetH":0.3,"heatTargetL":-0.2,'
    '"coolTargetH":0.2,"coolTargetL":-0.3,"maxHeatTimeForEst":600,"maxCoolTimeForEst":1200,'
    '"fridgeFastFilt":1,"fridgeSlowFilt":4,"fridgeSlopeFilt":3,"beerFastFilt":3,'
    '"beerSlowFilt":4,"beerSlopeFilt":4,"lah":0,"hs":0}'
)
_DEVICES = (
    '[{"c":1,"b":0,"f":2,"h":1,"p":16,"x":true,"d":false,"r":"Heat","v":"0","i":0},'
    '{"c":1,"b":0,"f":3,"h":1,"p":14,"x":true,"d":false,"r":"Cool","v":"0","i":1},'
    '{"c":1,"b":1,"f":9,"h":2,"p":12,"x":false,"d":false,"a":"28FF3A4B1C160451","j":"0.000",'
    '"v":"20.500","i":2},{"c":1,"b":0,"f":5,"h":2,"p":12,"x":false,"d":false,'
    '"a":"28FF7C2D1D1603B2","j":"0.000","v":"19.000","i":3},{"c":1,"b":0,"f":6,"h":2,"p":12,'
    '"x":false,"d":false,"a":"28FF9E5F1A16042C","j":"0.000","v":"21.000","i":4}]'
)


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _block(index: int) -> list[bytes]:
    """
    One stretch of controller output, shaped like the emulator's (modern and legacy firmware).

    Modern: a poll's `T:`, `S:`, `C:` and `L:` (degree sign as byte 0xB0), a pushed `T:` with an
    annotation, a `D:` log message, and every tenth block the device list. Legacy: a full and a
    compact (partial) `T:`, a `T:` interrupted by a `D:` message mid-line, and an `S:`.
    """
    beer = 18.0 + (index % 40) / 10
    fridge = 16.0 + (index % 60) / 10
    state = index % 3
    temps = {"BeerTemp": beer, "BeerSet": 20, "BeerAnn": None, "FridgeTemp": fridge}
    temps |= {"FridgeSet": 20, "FridgeAnn": None, "RoomTemp": 21, "State": state}
    pushed = temps | {"BeerAnn": "Beer temp set to 20.00 in web interface", "State": 1}
    lcd = (
        f'L:["Mode   Beer Const.  ","Beer  {beer:5.1f}  20.0 \xb0C",'
        f'"Fridge{fridge:5.1f}  20.0 \xb0C","Idling for      {index % 60}m00"]'
    ).encode("latin-1")
    lines = [
        f"T:{_dumps(temps)}".encode(),
        b'S:{"mode":"b","beerSet":20,"fridgeSet":20,"heatEst":0.2,"coolEst":5}',
        f"C:{_CONSTANTS}".encode(),
        lcd,
        f"T:{_dumps(pushed)}".encode(),
        b'D:{"logType":"I","logID":14,"V":[]}',
        (
            f'T:{{"bt":{beer:.2f},"bs":20.00,"ba":null,"ft":{fridge:.2f},"fs":20.00,'
            f'"fa":null,"rt":21.00,"s":{state}}}'
        ).encode(),
        f'T:{{"bt":{beer + 0.01:.2f},"s":{state}}}'.encode(),
        b'T:{"bs":null,D:{"logType":"I","logID":11,"V":[0]}\r\n"fs":null,"s":1}',
        b'S:{"mode":"o","beerSet":0.00,"fridgeSet":0.00,"heatEst":0.200,"coolEst":5.000}',
    ]
    if index % 10 == 0:
        lines.append(f"d:{_DEVICES}".encode())
    return lines


def parser_corpus(blocks: int) -> bytes:
    """The whole stream: CR LF terminated lines."""
    return b"".join(line + b"\r\n" for index in range(blocks) for line in _block(index))


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _frame_only(data: bytes) -> int:
    framer = LineFramer()
    count = 0
    for chunk in _chunks(data, READ_CHUNK):
        count += len(framer.feed(chunk))
    return count


def _parse_only(lines: list[str]) -> int:
    for line in lines:
        parse_line(line)
    return len(lines)


def _full_pipeline(data: bytes) -> int:
    """What the client's reader does per line, without the asyncio and logging parts."""
    framer = LineFramer()
    tracker = TemperatureTracker()
    count = 0
    for chunk in _chunks(data, READ_CHUNK):
        for line in framer.feed(chunk):
            count += 1
            message = parse_line(line)
            if isinstance(message, TemperatureUpdate):
                tracker.update(message)
            elif isinstance(message, ControlSettings):
                tracker.set_mode(message.mode)
            elif isinstance(message, DeviceList):
                tracker.set_devices(message)
    return count


def _rate(run: Callable[[], int]) -> tuple[float, int]:
    """Median lines per second over PARSER_RUNS runs, and the line count."""
    rates: list[float] = []
    count = 0
    for _ in range(PARSER_RUNS):
        gc.collect()
        start = time.perf_counter()
        count = run()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates), count


def bench_parser() -> list[Row]:
    """Throughput of the framer, the parser and both with the temperature tracker."""
    data = parser_corpus(PARSER_BLOCKS)
    lines = LineFramer().feed(data)
    size = f"{len(data) / 1e6:.1f} MB"
    framed, count = _rate(lambda: _frame_only(data))
    parsed, _ = _rate(lambda: _parse_only(lines))
    full, _ = _rate(lambda: _full_pipeline(data))
    how = f"{count:,} lines ({size}) fed in {READ_CHUNK} B chunks, median of {PARSER_RUNS} runs"
    return [
        Row("Parser throughput: framer + parser + tracker", "-", f"{full:,.0f} lines/s", how),
        Row("Parser throughput: framer only", "-", f"{framed:,.0f} lines/s", how),
        Row("Parser throughput: parse_line only", "-", f"{parsed:,.0f} lines/s", "same lines"),
    ]


# --- Home Assistant --------------------------------------------------------------------------


class Bench:
    """One Home Assistant with BrewPi entries against the emulators."""

    def __init__(self, hass: HomeAssistant, ports: list[int]) -> None:
        """Use `hass`; each entry takes the next emulator port."""
        self.hass = hass
        self._ports = iter(ports)
        self.entries: list[Any] = []
        self.failed_setups = 0

    async def add_controllers(self, count: int) -> list[BrewPiCoordinator]:
        """Set up `count` more entries, one after another; return their coordinators."""
        coordinators: list[BrewPiCoordinator] = []
        for _ in range(count):
            number = len(self.entries) + 1
            entry = MockConfigEntry(
                domain=DOMAIN,
                title=f"BrewPi bench{number}",
                unique_id=f"bench{number}",
                data={
                    CONF_CONNECTION_TYPE: CONNECTION_NETWORK,
                    CONF_HOST: "127.0.0.1",
                    CONF_PORT: next(self._ports),
                },
            )
            entry.add_to_hass(self.hass)
            self.entries.append(entry)
            if not await self.hass.config_entries.async_setup(entry.entry_id):
                self.failed_setups += 1
                continue
            await self.hass.async_block_till_done()
            coordinators.append(entry.runtime_data)
        return coordinators

    async def add_panel(self, port: int, slots: int) -> Any:
        """Set up an Alpha panel entry with a vessel on each of `slots` slots; return the entry."""
        vessels = [
            slot_to_option(make_slot(number, f"FV {number}")) for number in range(1, slots + 1)
        ]
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Alpha panel bench",
            unique_id=f"alpha_panel-127.0.0.1:{port}",
            data={CONF_KIND: KIND_ALPHA_PANEL, CONF_HOST: "127.0.0.1", CONF_PORT: port},
            options={
                **DEFAULT_PANEL_OPTIONS,
                CONF_VESSELS: vessels,
                CONF_PAGES: panel_pages(slots),
                # Only the benchmark polls: no timed refresh may land in the middle of a sample.
                CONF_POLL_INTERVAL: MAX_POLL_INTERVAL,
            },
        )
        entry.add_to_hass(self.hass)
        self.entries.append(entry)
        if not await self.hass.config_entries.async_setup(entry.entry_id):
            raise RuntimeError("the panel entry did not set up")
        await self.hass.async_block_till_done()
        return entry

    def climate_entity(self, index: int) -> str:
        """The thermostat's entity id of the `index`th entry."""
        return self._entity_id(f"{self.entries[index].unique_id}-chamber")

    def vessel_climate_entity(self, entry: Any, number: int) -> str:
        """The thermostat's entity id of the vessel in slot `number` of a panel entry."""
        return self._entity_id(f"{entry.unique_id}-slot-{number}-vessel")

    def _entity_id(self, unique_id: str) -> str:
        entity_id = er.async_get(self.hass).async_get_entity_id(CLIMATE_DOMAIN, DOMAIN, unique_id)
        if entity_id is None:
            raise RuntimeError(f"no thermostat for {unique_id}")
        return entity_id

    async def unload(self) -> None:
        """Unload every loaded entry."""
        for entry in self.entries:
            if entry.state is ConfigEntryState.LOADED:
                await self.hass.config_entries.async_unload(entry.entry_id)
        await self.hass.async_block_till_done()


async def _refresh(hass: HomeAssistant, coordinators: Sequence[BrewPiCoordinator]) -> int:
    """Poll the coordinators at once; return how many polls failed."""
    await asyncio.gather(*(coordinator.async_refresh() for coordinator in coordinators))
    await hass.async_block_till_done()
    return sum(not coordinator.last_update_success for coordinator in coordinators)


async def bench_polls(
    hass: HomeAssistant, coordinators: list[BrewPiCoordinator], cycles: int
) -> list[Row]:
    """Event-loop CPU per poll: each controller alone, and all of them at once."""
    failures = 0
    for _ in range(POLL_WARMUP):
        failures += await _refresh(hass, coordinators)
    gc.collect()
    single_cpu: list[float] = []
    single_wall: list[float] = []
    for _ in range(cycles):
        for coordinator in coordinators:
            cpu, wall = time.thread_time_ns(), time.perf_counter_ns()
            failures += await _refresh(hass, [coordinator])
            single_cpu.append((time.thread_time_ns() - cpu) / 1e6)
            single_wall.append((time.perf_counter_ns() - wall) / 1e6)
    batch_cpu: list[float] = []
    batch_wall: list[float] = []
    count = len(coordinators)
    for _ in range(cycles):
        cpu, wall = time.thread_time_ns(), time.perf_counter_ns()
        failures += await _refresh(hass, coordinators)
        batch_cpu.append((time.thread_time_ns() - cpu) / 1e6 / count)
        batch_wall.append((time.perf_counter_ns() - wall) / 1e6)
    polls = f"{cycles} cycles x {count} controllers, {failures} failed polls"
    return [
        Row(
            "Event-loop CPU per poll cycle per controller (polled one at a time)",
            "<= 1 ms",
            median_p95(single_cpu, "ms", 3),
            f"median / p95 of thread_time around async_refresh (t, s, c, l) + block_till_done; "
            f"{polls}; wall {median_p95(single_wall, 'ms', 2)}",
        ),
        Row(
            f"Event-loop CPU per poll cycle per controller (all {count} polled at once)",
            "<= 1 ms",
            median_p95(batch_cpu, "ms", 3),
            f"thread_time of a cycle of {count} concurrent refreshes / {count}; "
            f"cycle wall {median_p95(batch_wall, 'ms', 2)}",
        ),
    ]


async def _wait_for_target(hass: HomeAssistant, entity_id: str, value: float) -> bool:
    """Wait until the thermostat shows `value` as its target; False after STATE_TIMEOUT."""
    deadline = time.perf_counter() + STATE_TIMEOUT
    while time.perf_counter() < deadline:
        state = hass.states.get(entity_id)
        if state is not None and state.attributes.get(ATTR_TEMPERATURE) == value:
            return True
        await asyncio.sleep(0.001)
    return False


async def bench_setpoints(hass: HomeAssistant, entity_id: str, count: int) -> list[Row]:
    """Wall time from `climate.set_temperature` to the state showing the controller's reply."""
    times: list[float] = []
    cpu_times: list[float] = []
    missed = 0
    for index in range(count):
        value = SETPOINTS[index % len(SETPOINTS)]
        cpu, start = time.thread_time_ns(), time.perf_counter_ns()
        await hass.services.async_call(
            CLIMATE_DOMAIN,
            SERVICE_SET_TEMPERATURE,
            {ATTR_ENTITY_ID: entity_id, ATTR_TEMPERATURE: value},
            blocking=True,
        )
        shown = await _wait_for_target(hass, entity_id, value)
        times.append((time.perf_counter_ns() - start) / 1e6)
        cpu_times.append((time.thread_time_ns() - cpu) / 1e6)
        missed += not shown
    return [
        Row(
            "Setpoint round trip",
            "<= 250 ms",
            median_p95(times, "ms", 2),
            f"median / p95 wall of {count} climate.set_temperature calls ({SETPOINTS[0]} and "
            f"{SETPOINTS[1]} alternating, blocking) until the state shows the reply, loopback "
            f"TCP; loop CPU {median_p95(cpu_times, 'ms', 2)}; {missed} not shown",
        )
    ]


async def bench_memory(bench: Bench, count: int) -> list[Row]:
    """tracemalloc growth when `count` more controllers are set up."""
    entities_before = len(bench.hass.states.async_all())
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        await bench.add_controllers(count)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    entities = (len(bench.hass.states.async_all()) - entities_before) / count
    return [
        Row(
            "Memory per controller",
            "-",
            f"{(after - before) / 1024 / count:.0f} KiB",
            f"tracemalloc growth over setting up {count} more entries after the first ones "
            f"(client, coordinator, {entities:.0f} states, registries), after gc",
        )
    ]


# --- the Alpha panel --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sleep:
    """One sleep of the panel client."""

    caller: str
    requested: float
    slept: float


class SleepLog:
    """
    Stands in for the panel client module's `asyncio`: logs each `sleep`, passes all else on.

    The client sleeps in two places: `_read_values` between two pages (the page pause) and
    `_verify` before each read back of a write (its write verify interval).
    """

    def __init__(self) -> None:
        """Nothing logged yet."""
        self.sleeps: list[Sleep] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    def sleep(self, delay: float) -> Coroutine[Any, Any, None]:
        """`asyncio.sleep(delay)`, logged with the name of the function that called it."""
        frame = inspect.currentframe()
        caller = frame.f_back.f_code.co_name if frame and frame.f_back else "?"
        return self._sleep(caller, delay)

    async def _sleep(self, caller: str, delay: float) -> None:
        start = time.perf_counter()
        await asyncio.sleep(delay)
        self.sleeps.append(Sleep(caller, delay, time.perf_counter() - start))


PAGE_PAUSE_CALLER = "_read_values"
VERIFY_CALLER = "_verify"


def _panel_entities(hass: HomeAssistant, entry: Any) -> int:
    return len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id))


async def bench_panel_polls(hass: HomeAssistant, entry: Any, slots: int, cycles: int) -> list[Row]:
    """Event-loop CPU per poll of the panel (set up with the page pause patched to 0)."""
    coordinator: PanelCoordinator = entry.runtime_data
    failures = 0
    for _ in range(POLL_WARMUP):
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        failures += not coordinator.last_update_success
    gc.collect()
    cpu_times: list[float] = []
    wall_times: list[float] = []
    for _ in range(cycles):
        cpu, wall = time.thread_time_ns(), time.perf_counter_ns()
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        cpu_times.append((time.thread_time_ns() - cpu) / 1e6)
        wall_times.append((time.perf_counter_ns() - wall) / 1e6)
        failures += not coordinator.last_update_success
    pages = panel_pages(slots)
    return [
        Row(
            f"Event-loop CPU per panel poll cycle, {slots} slots",
            "<= 2 ms",
            median_p95(cpu_times, "ms", 3),
            f"median / p95 of thread_time around async_refresh ({pages} pages over HTTP, "
            f"{slots} vessels parsed) + block_till_done, {_panel_entities(hass, entry)} entities; "
            f"{cycles} cycles after {POLL_WARMUP} warm-up, {failures} failed polls; "
            f"PANEL_PAGE_PAUSE patched to 0 (a sleep, no CPU); emulator ({slots} slots, "
            f"{math.ceil(slots / pages)} a page, model standing still) in the child process; "
            f"wall {median_p95(wall_times, 'ms', 2)}",
        )
    ]


@dataclass(slots=True)
class RoundTrips:
    """Samples of the panel setpoint round trip, in ms."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    page_pauses: list[float] = field(default_factory=list)
    """Time slept in page pauses during each call."""
    verify_sleeps: list[float] = field(default_factory=list)
    """Time slept before verification reads during each call."""
    pause_counts: list[int] = field(default_factory=list)
    verify_counts: list[int] = field(default_factory=list)
    failed: int = 0

    def minus(self, *parts: list[float]) -> list[float]:
        """The wall times less the given per-call parts."""
        return [w - sum(p[i] for p in parts) for i, w in enumerate(self.wall)]


async def _panel_round_trips(
    hass: HomeAssistant, entity_id: str, count: int, log: SleepLog
) -> RoundTrips:
    """`count` setpoint writes to a vessel, alternating PANEL_SETPOINTS."""
    samples = RoundTrips()
    for index in range(count):
        value = PANEL_SETPOINTS[index % len(PANEL_SETPOINTS)]
        logged = len(log.sleeps)
        cpu, start = time.thread_time_ns(), time.perf_counter_ns()
        try:
            await hass.services.async_call(
                CLIMATE_DOMAIN,
                SERVICE_SET_TEMPERATURE,
                {ATTR_ENTITY_ID: entity_id, ATTR_TEMPERATURE: value},
                blocking=True,
            )
            shown = await _wait_for_target(hass, entity_id, value)
        except HomeAssistantError:
            _LOGGER.exception("Panel setpoint %s failed", value)
            shown = False
        samples.wall.append((time.perf_counter_ns() - start) / 1e6)
        samples.cpu.append((time.thread_time_ns() - cpu) / 1e6)
        samples.failed += not shown
        sleeps = log.sleeps[logged:]
        pauses = [s.slept * 1e3 for s in sleeps if s.caller == PAGE_PAUSE_CALLER]
        verifies = [s.slept * 1e3 for s in sleeps if s.caller == VERIFY_CALLER]
        samples.page_pauses.append(sum(pauses))
        samples.verify_sleeps.append(sum(verifies))
        samples.pause_counts.append(len(pauses))
        samples.verify_counts.append(len(verifies))
    return samples


def _counts(values: list[int]) -> str:
    """`1` when every call had the same count, else `min-max (total)`."""
    if min(values) == max(values):
        return f"{values[0]}"
    return f"{min(values)}-{max(values)} ({sum(values)} in all)"


def _requested(log: SleepLog, caller: str) -> str:
    delays = sorted({s.requested for s in log.sleeps if s.caller == caller})
    return "/".join(f"{d:g}" for d in delays) or "-"


def _round_trip_row(
    metric: str, target: str, samples: RoundTrips, log: SleepLog, *, pause: float
) -> Row:
    minus_pauses = samples.minus(samples.page_pauses)
    minus_sleeps = samples.minus(samples.page_pauses, samples.verify_sleeps)
    if pause:
        measured = (
            f"{median_p95(samples.wall, 'ms', 0)} wall; "
            f"{median_p95(minus_pauses, 'ms', 1)} minus the page pauses"
        )
    else:
        measured = f"{median_p95(samples.wall, 'ms', 1)} wall"
    return Row(
        metric,
        target,
        measured,
        f"median / p95 of {len(samples.wall)} climate.set_temperature calls on vessel "
        f"{PANEL_VESSEL} ({PANEL_SETPOINTS[0]:g} / {PANEL_SETPOINTS[1]:g} °F alternating, "
        f"blocking) until its state shows the setpoint the panel confirmed (submit, then both "
        f"pages read back until they show it), PANEL_PAGE_PAUSE {pause:g} s. Sleeps per call, "
        f"logged by wrapping the client's asyncio.sleep: {_counts(samples.pause_counts)} page "
        f"pause(s), {median_p95(samples.page_pauses, 'ms', 1)} slept; "
        f"{_counts(samples.verify_counts)} write verify interval(s) of "
        f"{_requested(log, VERIFY_CALLER)} s before the read back, "
        f"{median_p95(samples.verify_sleeps, 'ms', 1)} slept. Wall minus all sleeps "
        f"{median_p95(minus_sleeps, 'ms', 2)}; loop CPU {median_p95(samples.cpu, 'ms', 2)}; "
        f"{samples.failed} not shown",
    )


async def bench_panel(bench: Bench, port: int, config: Config) -> list[Row]:
    """The panel's poll CPU and setpoint round trips; leaves Home Assistant in US units."""
    hass = bench.hass
    hass.config.units = US_CUSTOMARY_SYSTEM
    fast_log, real_log = SleepLog(), SleepLog()
    with (
        mock.patch.object(panel_client, "asyncio", fast_log),
        mock.patch.object(const, "PANEL_PAGE_PAUSE", 0.0),
    ):
        entry = await bench.add_panel(port, config.panel_slots)
        rows = await bench_panel_polls(hass, entry, config.panel_slots, config.panel_cycles)
        entity_id = bench.vessel_climate_entity(entry, PANEL_VESSEL)
        fast = await _panel_round_trips(hass, entity_id, config.panel_setpoints, fast_log)
    with mock.patch.object(panel_client, "asyncio", real_log):
        # The panel client takes its pause when it is made: a reload makes one with the real one.
        if not await hass.config_entries.async_reload(entry.entry_id):
            raise RuntimeError("the panel entry did not reload")
        await hass.async_block_till_done()
        real_log.sleeps.clear()
        real = await _panel_round_trips(hass, entity_id, config.panel_setpoints, real_log)
    return [
        *rows,
        _round_trip_row(
            "Panel setpoint round trip",
            "panel pause + <= 100 ms",
            real,
            real_log,
            pause=const.PANEL_PAGE_PAUSE,
        ),
        _round_trip_row(
            "Panel setpoint round trip, PANEL_PAGE_PAUSE patched to 0",
            "panel pause (0) + <= 100 ms",
            fast,
            fast_log,
            pause=0.0,
        ),
    ]


class _Resolver(AsyncResolver):
    """aiohttp's resolver, closed as HA's own: not by the sessions, by `real_close` at the stop."""

    async def real_close(self) -> None:
        """Close the resolver."""
        await super().close()

    @override
    async def close(self) -> None:
        """Left open for `real_close`."""


async def bench_home_assistant(config: Config) -> tuple[list[Row], int]:
    """Every Home Assistant benchmark; returns the rows and the number of failed setups."""
    emulators = await EmulatorProcess.start(
        config.controllers + config.memory_controllers, config.panel_slots
    )
    try:
        with (
            # As the test plugin's `mock_zeroconf_resolver`: HA's HTTP session (the panel's) would
            # start zeroconf for its resolver; the panel is at an IP address, nothing resolves.
            mock.patch(
                "homeassistant.helpers.aiohttp_client._async_make_resolver",
                return_value=_Resolver(),
            ),
            tempfile.TemporaryDirectory(prefix="cellar-bench-") as config_dir,
        ):
            async with async_test_home_assistant(config_dir=config_dir) as test_hass:
                hass: HomeAssistant = test_hass
                # As the test plugin's `enable_custom_integrations`: find custom_components/.
                hass.data.pop(DATA_CUSTOM_COMPONENTS)
                frame.async_setup(hass)
                await translation_helper.async_load_integrations(hass, {HA_DOMAIN})
                bench = Bench(hass, emulators.ports)
                try:
                    coordinators = await bench.add_controllers(config.controllers)
                    rows = await bench_polls(hass, coordinators, config.cycles)
                    rows += await bench_setpoints(hass, bench.climate_entity(0), config.setpoints)
                    rows += await bench_memory(bench, config.memory_controllers)
                    rows += await bench_panel(bench, emulators.panel_port, config)
                finally:
                    await bench.unload()
                    await hass.async_stop(force=True)
    finally:
        await emulators.stop()
    return rows, bench.failed_setups


# --- output ----------------------------------------------------------------------------------


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table."""
    lines = ["| metric | target | measured | how |", "|---|---|---|---|"]
    lines += [f"| {r.metric} | {r.target} | {r.measured} | {r.how} |" for r in rows]
    return "\n".join(lines)


def _configure_logging() -> None:
    """Warnings and errors to stderr; HA's warning about custom integrations is left out."""
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("homeassistant.loader").setLevel(logging.ERROR)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--controllers", type=_positive, default=10)
    parser.add_argument("--cycles", type=_positive, default=100, help="poll cycles")
    parser.add_argument("--setpoints", type=_positive, default=50)
    parser.add_argument("--memory-controllers", type=_positive, default=10)
    parser.add_argument("--panel-slots", type=_positive, default=32, help="vessels on the panel")
    parser.add_argument("--panel-cycles", type=_positive, default=50, help="panel poll cycles")
    parser.add_argument("--panel-setpoints", type=_positive, default=20)
    parser.add_argument(
        "--backlog-cycles", type=_positive, default=1440, help="poll cycles in the drained backlog"
    )
    parser.add_argument(
        "--enqueue-cycles", type=_positive, default=200, help="poll cycles timed into the queue"
    )
    parser.add_argument(
        "--no-recording", action="store_true", help="leave out the recording benchmarks"
    )
    parser.add_argument("--serve-emulators", type=_positive, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_emulators:
        asyncio.run(serve_emulators(args.serve_emulators, args.panel_slots))
        return 0
    _configure_logging()
    config = Config(
        args.controllers,
        args.cycles,
        args.setpoints,
        args.memory_controllers,
        args.panel_slots,
        args.panel_cycles,
        args.panel_setpoints,
        args.backlog_cycles,
        args.enqueue_cycles,
        not args.no_recording,
    )

    started = time.perf_counter()
    rows = bench_parser()
    ha_rows, failed_setups = asyncio.run(
        bench_home_assistant(config), loop_factory=create_event_loop
    )
    if config.recording:
        figures = asyncio.run(
            bench_recording(config.backlog_cycles, config.enqueue_cycles),
            loop_factory=create_event_loop,
        )
        ha_rows += [Row(f.metric, f.target, f.measured, f.how) for f in figures]
    rows = ha_rows + rows

    print("# cellar_brewpi benchmark")
    print()
    print(f"- Python {platform.python_version()} ({platform.python_implementation()})")
    print(f"- Home Assistant {ha_const.__version__}")
    print(
        f"- {config.controllers} controllers (+{config.memory_controllers} for memory), "
        f"emulators in a child process on loopback TCP, {failed_setups} failed setups"
    )
    print(
        f"- 1 Alpha panel with {config.panel_slots} vessels on {panel_pages(config.panel_slots)} "
        f"pages, its emulator in the same child process, over HTTP on loopback"
    )
    if config.recording:
        print(
            "- recording: VictoriaMetrics on loopback (InfluxDB 2 write API), queue files on "
            "disk, in a second Home Assistant"
        )
    print()
    print(table(rows))
    print()
    print(f"Total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
