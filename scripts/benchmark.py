"""
Benchmarks against emulated BrewPi controllers and an Alpha panel; prints a Markdown table.

    scripts/benchmark [--controllers 10] [--cycles 100] [--setpoints 50] [--memory-controllers 10]
                      [--panel-slots 32] [--panel-cycles 50] [--panel-setpoints 20]
                      [--cpu-controllers 10] [--cpu-window 180]
                      [--backlog-cycles 1440] [--enqueue-cycles 200] [--no-recording]

Home Assistant runs in-process on its own event loop (`homeassistant.runner.create_event_loop`),
built by the test plugin's `async_test_home_assistant` with a temporary config directory. The
emulated controllers and the emulated Alpha panel run in a child process (this module with
`--serve-emulators N --panel-slots S`), so the CPU time and the memory measured here belong to Home
Assistant and the integration alone; the child ends when its stdin closes. Its chamber models
have no clock of their own (speedup 0): each poll moves its controller's model on by 30 s of
simulated time, so that every poll sees what a real one at a 30 s interval would (a temperature
or two changed, as the integration writes only what changed), the same in every run; the panel's
vessels stand still. The CPU per controller-hour has a child of its own that runs the models in
real time (`--emulator-speedup 1`).

The benchmark knows the integration through Home Assistant: config entries with the data and
options its config flow stores, `entry.runtime_data` as a `DataUpdateCoordinator` (its
`async_refresh()`, its `data` as an opaque value), entity objects found by entity id, states,
events and services. Its few imports of the integration's own modules are in one block at the top.

Measured:

* event-loop CPU per poll and controller: `time.thread_time_ns()` of the loop's thread around
  `coordinator.async_refresh()` plus `hass.async_block_till_done()`; waiting on sockets costs
  no CPU, so what remains is framing, parsing, the coordinator and the state writes;
* the state writes of one poll, done alone (the floor Home Assistant sets): which states one poll
  of a controller writes is counted, with listeners on `state_changed` and `state_reported`
  during one `async_refresh()` + `async_block_till_done()`; then exactly those writes are timed
  alone, as the poll is: `async_write_ha_state()` on the same entity objects (from the entity
  components in `hass.data["entity_components"]`), in the same order, + `async_block_till_done()`,
  with the coordinator's `data` set before each sample to that of one of two consecutive polls,
  alternating, so that every state changes, or stays and is only reported, as in a poll (checked:
  the same events). No I/O, no parsing, no coordinator run; the entities still compute their
  state as in any write. Reported beside the poll's own median / p95 of the same run, with the
  ratios: the integration's overhead over Home Assistant's floor;
* CPU per controller per hour at a 30 s poll interval, to compare with the figures the issue
  reports for Fermentrack's per-controller `brewpi.py` (3.5 s) and this integration (0.28 s),
  and its goal (<= 0.12 s): in a Home Assistant of its own, first `--cpu-window` s of real time
  with the integration set up but no entries (Home Assistant idling), then `--cpu-controllers`
  entries with the `poll_interval` option at 30 s, against emulators that run in real time and so
  also push their unsolicited `T:` lines on state changes, and from half an interval after their
  setup another window as long. The whole process's CPU (`time.process_time()`: user + system,
  every thread) of the second window minus that of the first, divided by the entries, scaled to
  an hour. Fermentrack's figure is not re-measured: its code is not available here;
* setpoint round trip: `climate.set_temperature` (blocking) until the entity's state shows the
  new target, which it takes from the controller's `S:` reply;
* parser throughput: a generated stream of modern and legacy BrewPi lines through `LineFramer`,
  `parse_line` and `TemperatureTracker` in `READ_CHUNK` pieces, as the client's reader does;
* memory per controller: `tracemalloc` around setting up more entries once the first ones (and so
  the integration's modules and caches) are loaded;
* event-loop CPU per panel poll: as for the controllers, for one Alpha panel entry with a vessel
  per slot, read over HTTP from the panel emulator's pages; the pause between pages is cut to 0
  for this (by the stand-in for the panel client's `asyncio`, below), as it is a sleep and costs
  no CPU;
* panel setpoint round trip: `climate.set_temperature` (blocking) on a vessel until its state
  shows the setpoint the panel confirmed by being read back, once with the page pause cut to 0
  and once at the integration's own; the panel client's sleeps (the pause between pages, the
  interval before each verification read) are logged by standing in for its `asyncio`, so the
  time they took can be told apart from the rest. Home Assistant uses US customary units from
  here on, as the panel works in °F;
* recording (`scripts/benchmark_recording.py`, in a Home Assistant of its own, VictoriaMetrics on
  loopback as the InfluxDB 2 write endpoint): the event-loop and executor cost of putting one poll
  cycle's readings in the durable queue, the drain of a 24 h backlog after an outage, and Home
  Assistant's own `influxdb` integration through the same outage.

These are figures, not tests: nothing here checks them against the targets.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import inspect
import json
import logging
import math
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, override
from unittest import mock

from aiohttp.resolver import AsyncResolver
from homeassistant import const as ha_const
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.climate import SERVICE_SET_TEMPERATURE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_TEMPERATURE,
    CONF_HOST,
    CONF_PORT,
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
)
from homeassistant.core import DOMAIN as HA_DOMAIN
from homeassistant.core import (
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    callback,
    split_entity_id,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import frame
from homeassistant.helpers import translation as translation_helper
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_component import DATA_INSTANCES as ENTITY_COMPONENTS
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.loader import DATA_CUSTOM_COMPONENTS
from homeassistant.runner import create_event_loop
from homeassistant.setup import async_setup_component
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
)

# The integration's own modules, all in this one block (its modules move while it is restructured):
# everything else goes through Home Assistant (config entries, `entry.runtime_data` as a
# DataUpdateCoordinator, the entity objects of the entity components, states, services). `const`
# gives the keys of the entries' data and options; `alpha_panel` the panel client module whose
# `asyncio` is stood in for (sleeps logged, page pauses cut) and the panel's standard slots;
# `brewpi` the framer and the parser of the parser rows.
from custom_components.cellar_brewpi.alpha_panel import client as panel_client
from custom_components.cellar_brewpi.alpha_panel import make_slot
from custom_components.cellar_brewpi.brewpi import (
    READ_CHUNK,
    ControlSettings,
    DeviceList,
    LineFramer,
    TemperatureTracker,
    TemperatureUpdate,
    parse_line,
)
from custom_components.cellar_brewpi.const import (
    CONF_ADDRESS,
    CONF_CONNECTION_TYPE,
    CONF_KIND,
    CONF_LABEL,
    CONF_MAX_SET_POINT,
    CONF_MIN_SET_POINT,
    CONF_NUMBER,
    CONF_PAGES,
    CONF_POLL_INTERVAL,
    CONF_POSITION,
    CONF_SET_POINT_STEP,
    CONF_VESSELS,
    CONNECTION_NETWORK,
    DOMAIN,
    KIND_ALPHA_PANEL,
    MAX_POLL_INTERVAL,
)
from scripts.benchmark_fermentrack import YEAR_ROWS, bench_fermentrack
from scripts.benchmark_profiles import bench_profiles
from scripts.benchmark_recording import bench_recording
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.emulators.brewpi import BrewPiEmulator

PORTS_PREFIX = "EMULATOR PORTS"
PANEL_PREFIX = "PANEL PORT"
COUNTS_PREFIX = "COUNTS"
COUNTS_REQUEST = b"counts"
POLL_STEP = 30.0
"""Seconds of simulated time a controller's model moves on by at each poll (speedup 0)."""
EMULATOR_WARM_UP = 3600.0
"""Simulated seconds a running chamber model is advanced by before its controller serves."""
EMULATOR_PHASE_STEP = 60.0
"""And this much more for each next controller, to spread their control cycles (~10 min)."""
PANEL_PAGES = 2
"""Pages the panel emulator splits its slots over, as the integration's "pages" option default."""
PANEL_SETPOINTS = (40.0, 41.0)
PANEL_LIMITS = (34.0, 100.0)
"""The panel entry's setpoint limits option (°F), those of the panel's own web page."""
PANEL_STEP = 1.0
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
    cpu_controllers: int = 10
    cpu_window: int = 180
    profile_ticks: int = 100
    """Seconds of each of the two real-time windows of the CPU per controller-hour; 0: not run."""


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


@dataclass(frozen=True, slots=True)
class EmulatorCounts:
    """What the emulated controllers have seen and sent so far, summed over all of them."""

    commands: dict[str, int]
    """Commands received, by command letter."""
    pushes: int
    """Control state changes, each announced with an unsolicited `T:` (BrewPi-ESP firmware)."""
    panel_writes: int = 0
    """Setpoint writes the panel received."""

    @property
    def polls(self) -> int:
        """`t` commands received: one a poll."""
        return self.commands.get("t", 0)

    def per_poll(self) -> str:
        """The commands of a poll, as `t, s` (with how many a poll when not one each)."""
        polls = self.polls
        if not polls:
            return "-"
        return ", ".join(
            letter if count == polls else f"{letter} x{count / polls:.2g}"
            for letter, count in sorted(
                self.commands.items(), key=lambda item: (item[0] != "t", -item[1], item[0])
            )
            if count
        )

    def __sub__(self, other: EmulatorCounts) -> EmulatorCounts:
        commands = {k: v - other.commands.get(k, 0) for k, v in self.commands.items()}
        return EmulatorCounts(
            commands, self.pushes - other.pushes, self.panel_writes - other.panel_writes
        )


def _emulator_counts(
    emulators: Sequence[BrewPiEmulator], panel: AlphaPanelEmulator | None
) -> EmulatorCounts:
    commands: dict[str, int] = {}
    for emulator in emulators:
        for command in emulator.commands_received:
            commands[command[:1]] = commands.get(command[:1], 0) + 1
    pushes = sum(len(e.state_history) for e in emulators)
    return EmulatorCounts(commands, pushes, len(panel.writes) if panel else 0)


async def serve_emulators(count: int, panel_slots: int, speedup: float) -> None:
    """
    Run `count` controllers and a panel on loopback, print their ports, stop at stdin's end.

    `speedup` 1 runs the chamber models in real time, as real chambers, so that the
    controllers also push `T:` on state changes; 0 stops their clocks, and each `t` request
    moves its controller's model on by POLL_STEP s instead, so that every poll sees what that
    much time changes in a fermenting chamber (a temperature or two), the same in every run.
    Either way the models are warmed up first by EMULATOR_WARM_UP s, and EMULATOR_PHASE_STEP s
    more for each next one. The panel's model runs at `speedup` too (0: it stands still). No
    panel with `panel_slots` 0 (its port line says 0). A `counts` line on stdin is answered with
    a COUNTS line (EmulatorCounts as JSON).
    """
    emulators = [BrewPiEmulator(speedup=speedup, seed=1 + index) for index in range(count)]
    # Past the start-up wait (the first state change after a boot comes after 10 minutes),
    # each controller at another point of its control cycle, as in a cellar running for a while.
    for index, emulator in enumerate(emulators):
        emulator.advance(EMULATOR_WARM_UP + index * EMULATOR_PHASE_STEP)
        if not speedup:
            _step_on_each_poll(emulator)
    ports = [await emulator.start_tcp() for emulator in emulators]
    # Every slot a live vessel (no unused sentinel slot), its model at the same speed.
    panel = (
        AlphaPanelEmulator(
            panel_slots, speedup=speedup, seed=1, pages=PANEL_PAGES, sentinel_slots=frozenset()
        )
        if panel_slots
        else None
    )
    panel_port = await panel.start() if panel else 0
    print(PORTS_PREFIX, *ports, flush=True)
    print(PANEL_PREFIX, panel_port, flush=True)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.buffer.readline):
        if line.strip() == COUNTS_REQUEST:
            counts = _emulator_counts(emulators, panel)
            print(COUNTS_PREFIX, json.dumps(asdict(counts)), flush=True)
    for emulator in emulators:
        await emulator.stop()
    if panel:
        await panel.stop()


def _step_on_each_poll(emulator: BrewPiEmulator) -> None:
    """Move the emulator's model on by POLL_STEP s of simulated time on each `t` it receives."""
    receive = emulator.receive

    def stepped(link: Any, data: bytes) -> None:
        if data.startswith(b"t"):
            emulator.advance(POLL_STEP)
        receive(link, data)

    emulator.receive = stepped  # type: ignore[method-assign]


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
    async def start(cls, count: int, panel_slots: int, speedup: float = 0.0) -> EmulatorProcess:
        """Start the child and wait for its port lines."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "scripts.benchmark",
            "--serve-emulators",
            str(count),
            *(("--panel-slots", str(panel_slots)) if panel_slots else ("--no-panel",)),
            "--emulator-speedup",
            f"{speedup:g}",
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
                with contextlib.suppress(ProcessLookupError):  # it may have ended already
                    process.kill()
                await process.wait()
                raise RuntimeError(f"emulator process did not start: {lines!r}")
        ports = [int(port) for port in lines[0].removeprefix(PORTS_PREFIX).split()]
        return cls(process, ports, int(lines[1].removeprefix(PANEL_PREFIX)))

    async def counts(self) -> EmulatorCounts:
        """Ask the child what its controllers have seen and sent so far."""
        if self.process.stdin is None or self.process.stdout is None:
            raise RuntimeError("no pipes")
        self.process.stdin.write(COUNTS_REQUEST + b"\n")
        await self.process.stdin.drain()
        line = (await asyncio.wait_for(self.process.stdout.readline(), timeout=10)).decode()
        if not line.startswith(COUNTS_PREFIX):
            raise RuntimeError(f"no counts from the emulator process: {line!r}")
        return EmulatorCounts(**json.loads(line.removeprefix(COUNTS_PREFIX)))

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


type Coordinator = DataUpdateCoordinator[Any]
"""What `entry.runtime_data` of a controller or a panel entry is; its data is not looked into."""


def vessel_option(number: int, label: str) -> dict[str, Any]:
    """A panel entry's option for a vessel on slot `number` (the panel's standard address)."""
    slot = make_slot(number, label)
    return {
        CONF_NUMBER: slot.number,
        CONF_LABEL: slot.label,
        CONF_ADDRESS: slot.address,
        CONF_POSITION: slot.position,
    }


class Bench:
    """One Home Assistant with BrewPi entries against the emulators."""

    def __init__(self, hass: HomeAssistant, ports: list[int]) -> None:
        """Use `hass`; each entry takes the next emulator port."""
        self.hass = hass
        self._ports = iter(ports)
        self.entries: list[Any] = []
        self.failed_setups = 0

    async def add_controllers(
        self, count: int, poll_interval: int = MAX_POLL_INTERVAL
    ) -> list[Coordinator]:
        """
        Set up `count` more entries, one after another; return their coordinators.

        By default they poll only once an hour by themselves, so that no timed refresh lands in
        the middle of a sample: only the benchmark polls.
        """
        coordinators: list[Coordinator] = []
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
                options={CONF_POLL_INTERVAL: poll_interval},
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
        vessels = [vessel_option(number, f"FV {number}") for number in range(1, slots + 1)]
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Alpha panel bench",
            unique_id=f"alpha_panel-127.0.0.1:{port}",
            data={CONF_KIND: KIND_ALPHA_PANEL, CONF_HOST: "127.0.0.1", CONF_PORT: port},
            options={
                CONF_VESSELS: vessels,
                CONF_MIN_SET_POINT: PANEL_LIMITS[0],
                CONF_MAX_SET_POINT: PANEL_LIMITS[1],
                CONF_SET_POINT_STEP: PANEL_STEP,
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


async def _refresh(hass: HomeAssistant, coordinators: Sequence[Coordinator]) -> int:
    """Poll the coordinators at once; return how many polls failed."""
    await asyncio.gather(*(coordinator.async_refresh() for coordinator in coordinators))
    await hass.async_block_till_done()
    return sum(not coordinator.last_update_success for coordinator in coordinators)


@dataclass(frozen=True, slots=True)
class Polls:
    """The poll rows and the samples of the controllers polled one at a time."""

    rows: list[Row]
    single_cpu: list[float]
    """Event-loop CPU (ms) of each poll of one controller, in the first row."""


async def bench_polls(
    hass: HomeAssistant,
    coordinators: list[Coordinator],
    cycles: int,
    emulators: EmulatorProcess,
) -> Polls:
    """Event-loop CPU per poll: each controller alone, and all of them at once."""
    failures = 0
    for _ in range(POLL_WARMUP):
        failures += await _refresh(hass, coordinators)
    before = await emulators.counts()
    gc.collect()
    single_cpu: list[float] = []
    single_wall: list[float] = []
    for _ in range(cycles):
        for coordinator in coordinators:
            cpu, wall = time.thread_time_ns(), time.perf_counter_ns()
            failures += await _refresh(hass, [coordinator])
            single_cpu.append((time.thread_time_ns() - cpu) / 1e6)
            single_wall.append((time.perf_counter_ns() - wall) / 1e6)
    seen = await emulators.counts() - before
    batch_cpu: list[float] = []
    batch_wall: list[float] = []
    count = len(coordinators)
    for _ in range(cycles):
        cpu, wall = time.thread_time_ns(), time.perf_counter_ns()
        failures += await _refresh(hass, coordinators)
        batch_cpu.append((time.thread_time_ns() - cpu) / 1e6 / count)
        batch_wall.append((time.perf_counter_ns() - wall) / 1e6)
    polls = f"{cycles} cycles x {count} controllers, {failures} failed polls"
    rows = [
        Row(
            "Event-loop CPU per poll cycle per controller (polled one at a time)",
            "<= 1 ms",
            median_p95(single_cpu, "ms", 3),
            f"median / p95 of thread_time around async_refresh ({seen.per_poll()}: the "
            f"commands a poll sent, as the emulators counted them) + block_till_done, each "
            f"poll seeing its chamber model {POLL_STEP:g} s further on; {polls}; "
            f"wall {median_p95(single_wall, 'ms', 2)}",
        ),
        Row(
            f"Event-loop CPU per poll cycle per controller (all {count} polled at once)",
            "<= 1 ms",
            median_p95(batch_cpu, "ms", 3),
            f"thread_time of a cycle of {count} concurrent refreshes / {count}; "
            f"cycle wall {median_p95(batch_wall, 'ms', 2)}",
        ),
    ]
    return Polls(rows, single_cpu)


# --- Home Assistant's floor: the state writes of a poll, done alone ---------------------------

FLOOR_METRIC = "State writes of one poll, done alone"
CHANGED = "changed"
REPORTED = "reported"


@callback
def _never(_event: Event[Any]) -> None:
    """The listener behind a recording event filter; the filter never lets an event through."""


class StateWrites:
    """
    The state writes Home Assistant announces while it listens, in order: (entity id, kind).

    A write that changes the state or its attributes fires `state_changed`, one that leaves
    both as they were `state_reported`. They are recorded by the listeners' event filters, which
    let no event through, so that listening costs next to nothing.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        """Start listening."""
        self.writes: list[tuple[str, str]] = []
        self._unsubscribe = [
            hass.bus.async_listen(EVENT_STATE_CHANGED, _never, event_filter=self._changed),
            hass.bus.async_listen(EVENT_STATE_REPORTED, _never, event_filter=self._reported),
        ]

    @callback
    def _changed(self, data: EventStateChangedData) -> bool:
        self.writes.append((data["entity_id"], CHANGED))
        return False

    @callback
    def _reported(self, data: EventStateReportedData) -> bool:
        self.writes.append((data["entity_id"], REPORTED))
        return False

    def count(self, kind: str) -> int:
        """How many writes of `kind` (CHANGED or REPORTED)."""
        return sum(1 for _, k in self.writes if k == kind)

    def close(self) -> None:
        """Stop listening."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()


@contextlib.contextmanager
def state_writes(hass: HomeAssistant) -> Iterator[StateWrites]:
    """Record the state writes of the block."""
    writes = StateWrites(hass)
    try:
        yield writes
    finally:
        writes.close()


def entity_object(hass: HomeAssistant, entity_id: str) -> Entity:
    """The entity object behind `entity_id`, from its domain's entity component."""
    component = hass.data[ENTITY_COMPONENTS].get(split_entity_id(entity_id)[0])
    entity = component.get_entity(entity_id) if component else None
    if entity is None:
        raise RuntimeError(f"no entity object for {entity_id}")
    return entity


@dataclass(frozen=True, slots=True)
class PollWrites:
    """What one poll of one controller writes, and the data of two consecutive polls."""

    coordinator: Coordinator
    writes: list[tuple[str, str]]
    """The poll's state writes in order: (entity id, CHANGED or REPORTED)."""
    entities: list[Entity]
    """The entity object of each write, in the same order."""
    data: tuple[Any, Any]
    """`coordinator.data` after two consecutive polls, the second one being `writes`."""
    same_twice: bool
    """Whether the first of the two polls wrote the same states, of the same kinds."""


async def _poll_writes(hass: HomeAssistant, coordinator: Coordinator) -> PollWrites:
    """Poll twice, recording the state writes; the second poll's are the ones kept."""
    seen: list[list[tuple[str, str]]] = []
    data: list[Any] = []
    for _ in range(2):
        with state_writes(hass) as writes:
            await coordinator.async_refresh()
            await hass.async_block_till_done()
        seen.append(writes.writes)
        data.append(coordinator.data)
    entities = [entity_object(hass, entity_id) for entity_id, _ in seen[1]]
    return PollWrites(
        coordinator, seen[1], entities, (data[0], data[1]), sorted(seen[0]) == sorted(seen[1])
    )


async def _write_alone(hass: HomeAssistant, poll: PollWrites, data: Any) -> None:
    """
    Write the poll's states again with the coordinator's data set to `data`, no I/O, no parsing.

    Setting the data of one of two consecutive polls (alternating) makes every state change or
    stay as in a poll: the entities compute their state from it as after a poll.
    """
    poll.coordinator.data = data
    for entity in poll.entities:
        entity.async_write_ha_state()
    await hass.async_block_till_done()


def _ratio(poll: float, floor: float) -> str:
    return f"{poll / floor:.1f}x" if floor > 0 else "-"


def _write_counts(polls: Sequence[PollWrites]) -> str:
    """`N states: C changed, R reported` of the polls, as a range when they differ."""

    def spread(values: list[int]) -> str:
        low, high = min(values), max(values)
        return f"{low}" if low == high else f"{low}-{high}"

    totals = [len(p.writes) for p in polls]
    changed = [sum(1 for _, kind in p.writes if kind == CHANGED) for p in polls]
    reported = [sum(1 for _, kind in p.writes if kind == REPORTED) for p in polls]
    entities = [len({entity_id for entity_id, _ in p.writes}) for p in polls]
    return (
        f"{spread(totals)} state writes of {spread(entities)} entities "
        f"({spread(changed)} state_changed, {spread(reported)} state_reported)"
    )


async def bench_state_writes(
    hass: HomeAssistant, coordinators: list[Coordinator], cycles: int, poll_cpu: list[float]
) -> list[Row]:
    """
    Event-loop CPU of exactly the state writes of one poll, done alone: HA's own floor.

    `poll_cpu` are the samples of the poll row (one controller polled at a time) of this run.
    """
    polls = [await _poll_writes(hass, coordinator) for coordinator in coordinators]
    turns = [0] * len(polls)  # which of the two data each controller's next writes take

    async def write(index: int) -> None:
        poll = polls[index]
        await _write_alone(hass, poll, poll.data[turns[index] % 2])
        turns[index] += 1

    for _ in range(POLL_WARMUP):
        for index in range(len(polls)):
            await write(index)
    gc.collect()
    floor_cpu: list[float] = []
    for _ in range(cycles):
        for index in range(len(polls)):
            cpu = time.thread_time_ns()
            await write(index)
            floor_cpu.append((time.thread_time_ns() - cpu) / 1e6)
    # The same writes as the polls'? One more round, recorded (twice: both data).
    same = 0
    for index, poll in enumerate(polls):
        kinds: list[list[tuple[str, str]]] = []
        for _ in range(2):
            with state_writes(hass) as writes:
                await write(index)
            kinds.append(sorted(writes.writes))
        same += kinds[0] == kinds[1] == sorted(poll.writes)
    await _refresh(hass, coordinators)  # the states of real polls again
    floor_med, floor_p95 = statistics.median(floor_cpu), p95(floor_cpu)
    poll_med, poll_p95 = statistics.median(poll_cpu), p95(poll_cpu)
    count = len(polls)
    stable = sum(p.same_twice for p in polls)
    return [
        Row(
            FLOOR_METRIC,
            "- (HA's floor)",
            f"{floor_med:.3f} / {floor_p95:.3f} ms; the poll {poll_med:.3f} / {poll_p95:.3f} "
            f"ms: {_ratio(poll_med, floor_med)} / {_ratio(poll_p95, floor_p95)} the floor",
            f"the integration's overhead over the floor HA sets. Which states one poll writes, "
            f"counted with listeners on state_changed and state_reported during one "
            f"async_refresh + block_till_done of each controller: {_write_counts(polls)}, the "
            f"same in two polls in a row for {stable} of {count} controllers. Then exactly those "
            f"writes alone, timed as the poll is: median / p95 of thread_time around "
            f"async_write_ha_state() on the same entity objects (found by entity id in "
            f"hass.data['entity_components']), in the poll's order, + block_till_done; before "
            f"each sample the coordinator's data set to that of one of two consecutive polls, "
            f"alternating, so that each state changes, or stays and is only reported, as in a "
            f"poll (checked: the same events for {same} of {count} controllers). No I/O, no "
            f"parsing, no coordinator run or listeners; the entities compute their state as in "
            f"any write. {cycles} cycles x {count} controllers after {POLL_WARMUP} warm-up. "
            f"Beside it the median / p95 of the first poll row (polled one at a time) of this "
            f"run and the ratios poll / floor; the integration's own work (link, framing, "
            f"parsing, coordinator, listeners) is the difference, "
            f"{poll_med - floor_med:.3f} ms at the median",
        )
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
    `_verify` before each read back of a write (its write verify interval). With `page_pause`
    set, a page pause sleeps that long instead of the pause the client asked for (which is
    logged): the pause is a sleep and costs no CPU, so cutting it to 0 leaves the CPU as it is.
    """

    def __init__(self, page_pause: float | None = None) -> None:
        """Nothing logged yet; page pauses of `page_pause` s, or as asked when None."""
        self.sleeps: list[Sleep] = []
        self.page_pause = page_pause

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    def sleep(self, delay: float) -> Coroutine[Any, Any, None]:
        """`asyncio.sleep(delay)`, logged with the name of the function that called it."""
        frame = inspect.currentframe()
        caller = frame.f_back.f_code.co_name if frame and frame.f_back else "?"
        return self._sleep(caller, delay)

    async def _sleep(self, caller: str, delay: float) -> None:
        slept = delay
        if caller == PAGE_PAUSE_CALLER and self.page_pause is not None:
            slept = self.page_pause
        start = time.perf_counter()
        await asyncio.sleep(slept)
        self.sleeps.append(Sleep(caller, delay, time.perf_counter() - start))


PAGE_PAUSE_CALLER = "_read_values"
VERIFY_CALLER = "_verify"


def _panel_entities(hass: HomeAssistant, entry: Any) -> int:
    return len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id))


async def bench_panel_polls(
    hass: HomeAssistant, entry: Any, slots: int, cycles: int, log: SleepLog
) -> list[Row]:
    """Event-loop CPU per poll of the panel (its page pauses cut to 0 by `log`)."""
    coordinator: Coordinator = entry.runtime_data
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
            f"{_page_pause(log)} (a sleep, no CPU); emulator ({slots} slots, "
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


def _page_pause(log: SleepLog) -> str:
    """The page pause the client asked for, and what it was cut to."""
    asked = _requested(log, PAGE_PAUSE_CALLER)
    if log.page_pause is None:
        return f"page pause {asked} s (the integration's)"
    return f"page pause (the integration's {asked} s) cut to {log.page_pause:g} s"


def _round_trip_row(metric: str, target: str, samples: RoundTrips, log: SleepLog) -> Row:
    minus_pauses = samples.minus(samples.page_pauses)
    minus_sleeps = samples.minus(samples.page_pauses, samples.verify_sleeps)
    if log.page_pause is None:
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
        f"pages read back until they show it), {_page_pause(log)}. Sleeps per call, logged "
        f"by wrapping the client's asyncio.sleep: {_counts(samples.pause_counts)} page "
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
    fast_log, real_log = SleepLog(page_pause=0.0), SleepLog()
    with mock.patch.object(panel_client, "asyncio", fast_log):
        entry = await bench.add_panel(port, config.panel_slots)
        rows = await bench_panel_polls(
            hass, entry, config.panel_slots, config.panel_cycles, fast_log
        )
        entity_id = bench.vessel_climate_entity(entry, PANEL_VESSEL)
        fast_log.sleeps.clear()
        fast = await _panel_round_trips(hass, entity_id, config.panel_setpoints, fast_log)
    with mock.patch.object(panel_client, "asyncio", real_log):
        real = await _panel_round_trips(hass, entity_id, config.panel_setpoints, real_log)
    return [
        *rows,
        _round_trip_row("Panel setpoint round trip", "panel pause + <= 100 ms", real, real_log),
        _round_trip_row(
            "Panel setpoint round trip, page pause cut to 0",
            "panel pause (0) + <= 100 ms",
            fast,
            fast_log,
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


@contextlib.asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """A Home Assistant of the test plugin, that finds custom_components/, stopped at the end."""
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
            try:
                yield hass
            finally:
                await hass.async_stop(force=True)


@dataclass(frozen=True, slots=True)
class HomeAssistantRows:
    """The rows of the Home Assistant benchmarks, in table order, and the failed setups."""

    rows: list[Row]
    failed_setups: int


async def bench_home_assistant(config: Config) -> HomeAssistantRows:
    """Every Home Assistant benchmark but the CPU per controller-hour (see bench_cpu_per_hour)."""
    emulators = await EmulatorProcess.start(
        config.controllers + config.memory_controllers, config.panel_slots
    )
    try:
        async with home_assistant() as hass:
            bench = Bench(hass, emulators.ports)
            try:
                coordinators = await bench.add_controllers(config.controllers)
                polls = await bench_polls(hass, coordinators, config.cycles, emulators)
                rows = polls.rows
                rows += await bench_state_writes(
                    hass, coordinators, config.cycles, polls.single_cpu
                )
                rows += await bench_setpoints(hass, bench.climate_entity(0), config.setpoints)
                rows += await bench_memory(bench, config.memory_controllers)
                rows += await bench_panel(bench, emulators.panel_port, config)
                # The vessels' writes without the page pause (a sleep, no CPU), as above.
                with mock.patch.object(panel_client, "asyncio", SleepLog(page_pause=0.0)):
                    figures = await bench_profiles(bench, emulators, config.profile_ticks)
                rows += [Row(f.metric, f.target, f.measured, f.how) for f in figures]
            finally:
                await bench.unload()
    finally:
        await emulators.stop()
    return HomeAssistantRows(rows, bench.failed_setups)


# --- CPU per controller-hour, polled on the interval, in real time -----------------------------

CPU_POLL_INTERVAL = 30
"""The entries' poll interval option (s) for the CPU per controller-hour."""
CPU_SETTLE = 2.0
"""Seconds between Home Assistant's start and the idle window (after the entries' setup, the
window waits half a poll interval instead)."""
FERMENTRACK_SECONDS = 3.5
"""Fermentrack's brewpi.py, CPU s per controller-hour, as the issue reports it."""
REPORTED_SECONDS = 0.28
"""This integration, CPU s per controller-hour, as the issue reports it (beside Fermentrack)."""
GOAL_SECONDS = 0.12
"""The issue's goal, CPU s per controller-hour: <= 1/30 of Fermentrack's."""


@dataclass(frozen=True, slots=True)
class CpuWindow:
    """The whole process's CPU over a stretch of real time in which Home Assistant just runs."""

    wall: float
    process: float
    """time.process_time: user + system, all threads (s)."""
    user: float
    system: float
    loop: float
    """time.thread_time of the event loop's thread (s)."""
    changed: int
    reported: int
    writing: float
    """Thread time spent in `Entity.async_write_ha_state` (s)."""

    def per_hour(self) -> float:
        """Process CPU s per hour of wall time."""
        return self.process * 3600 / self.wall


class WriteTime:
    """The thread time spent in `Entity.async_write_ha_state` while it is patched in."""

    def __init__(self) -> None:
        """Nothing spent yet."""
        self.ns = 0
        self._write = Entity.async_write_ha_state

    @contextlib.contextmanager
    def timing(self) -> Iterator[None]:
        """Sum the thread time of every state write of the block."""
        write = self._write

        @callback
        def timed(entity: Entity) -> None:
            start = time.thread_time_ns()
            try:
                write(entity)
            finally:
                self.ns += time.thread_time_ns() - start

        with mock.patch.object(Entity, "async_write_ha_state", timed):
            yield


async def _cpu_window(hass: HomeAssistant, seconds: float) -> CpuWindow:
    """Let Home Assistant run for `seconds` (this coroutine sleeps on its loop); measure."""
    gc.collect()
    write_time = WriteTime()
    with state_writes(hass) as writes, write_time.timing():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu, loop, wall = time.process_time_ns(), time.thread_time_ns(), time.perf_counter_ns()
        await asyncio.sleep(seconds)
        cpu = time.process_time_ns() - cpu
        loop = time.thread_time_ns() - loop
        wall = time.perf_counter_ns() - wall
        end = resource.getrusage(resource.RUSAGE_SELF)
    return CpuWindow(
        wall / 1e9,
        cpu / 1e9,
        end.ru_utime - usage.ru_utime,
        end.ru_stime - usage.ru_stime,
        loop / 1e9,
        writes.count(CHANGED),
        writes.count(REPORTED),
        write_time.ns / 1e9,
    )


def _cpu_row(
    count: int, idle: CpuWindow, active: CpuWindow, seen: EmulatorCounts, failed: int
) -> Row:
    per_hour = (active.per_hour() - idle.per_hour()) / count
    loop_per_hour = (active.loop / active.wall - idle.loop / idle.wall) * 3600 / count
    writes_per_hour = (active.writing / active.wall - idle.writing / idle.wall) * 3600 / count
    net = active.process - idle.process * active.wall / idle.wall
    per_poll = f"{net / seen.polls * 1e3:.2f} ms" if seen.polls else "-"
    versus = (
        f"{FERMENTRACK_SECONDS / per_hour:.0f}x less than Fermentrack's figure"
        if per_hour > 0
        else "no more than Home Assistant idling"
    )
    return Row(
        f"CPU per controller per hour at a {CPU_POLL_INTERVAL} s poll interval",
        f"<= {GOAL_SECONDS:g} s (1/30 of Fermentrack's {FERMENTRACK_SECONDS:g} s)",
        f"{per_hour:.3f} s; reference (the issue's, not re-measured here): Fermentrack's "
        f"brewpi.py {FERMENTRACK_SECONDS:g} s, this integration then {REPORTED_SECONDS:g} s",
        f"{count} controller entries (poll_interval option {CPU_POLL_INTERVAL} s) against "
        f"emulators that run their chamber models in real time (speedup 1) in a child process, "
        f"so that they also push their unsolicited T: on control state changes as real "
        f"controllers do (the models warmed up by {EMULATOR_WARM_UP / 3600:g} h of simulated "
        f"time first, each next one {EMULATOR_PHASE_STEP:g} s more, so that their control "
        f"cycles are spread); a Home Assistant of their own. The whole process's CPU "
        f"(time.process_time: user + system, all threads) over {active.wall:.0f} s of real "
        f"time in which Home Assistant just runs, from {CPU_POLL_INTERVAL / 2:g} s after the "
        f"last setup (half an interval, so that the window holds whole poll rounds): "
        f"{active.process:.3f} s (user {active.user:.3f}, system {active.system:.3f}; the "
        f"event loop's thread {active.loop:.3f}), minus the same process's CPU over an equal "
        f"window measured first, with the integration set up but no entries (Home Assistant "
        f"idling): {idle.process:.3f} s over {idle.wall:.0f} s (loop {idle.loop:.3f}); the "
        f"difference divided by {count} and scaled to 3600 s. The event loop's thread alone: "
        f"{loop_per_hour:.3f} s per controller-hour, of which Home Assistant's state writes "
        f"(Entity.async_write_ha_state, its thread time summed by a wrapper) "
        f"{writes_per_hour:.3f} s and the rest (the link, parsing, the coordinators, Home "
        f"Assistant's poll scheduling, the event loop) {loop_per_hour - writes_per_hour:.3f} s. "
        f"In the window the emulators answered "
        f"{seen.polls} polls ({seen.polls / count:.1f} per controller; commands a poll: "
        f"{seen.per_poll()}; polls fall on the multiples of the interval, pushes do not "
        f"move them) and "
        f"pushed {seen.pushes} T: lines ({seen.pushes * 3600 / active.wall / count:.0f} per "
        f"controller-hour); Home Assistant wrote {active.changed:,} changed and "
        f"{active.reported:,} reported states (idle: {idle.changed} / {idle.reported}); "
        f"{per_poll} of process CPU per poll, pushes included; {failed} entries unavailable "
        f"at the end. The reference figures are the issue's: Fermentrack's brewpi.py (one "
        f"process per controller) and this integration measured side by side there. Neither "
        f"was re-measured here (Fermentrack's code is not available in this sandbox): "
        f"{versus}",
    )


async def bench_cpu_per_hour(config: Config) -> HomeAssistantRows:
    """Process CPU per controller-hour at a 30 s poll interval, minus Home Assistant idling."""
    count, window = config.cpu_controllers, float(config.cpu_window)
    emulators = await EmulatorProcess.start(count, 0, speedup=1.0)
    try:
        async with home_assistant() as hass:
            if not await async_setup_component(hass, DOMAIN, {}):
                raise RuntimeError(f"{DOMAIN} did not set up")
            await hass.async_block_till_done()
            await asyncio.sleep(CPU_SETTLE)
            idle = await _cpu_window(hass, window)
            bench = Bench(hass, emulators.ports)
            try:
                coordinators = await bench.add_controllers(count, CPU_POLL_INTERVAL)
                await asyncio.sleep(CPU_POLL_INTERVAL / 2)
                before = await emulators.counts()
                active = await _cpu_window(hass, window)
                seen = await emulators.counts() - before
                failed = count - sum(c.last_update_success for c in coordinators)
            finally:
                await bench.unload()
    finally:
        await emulators.stop()
    return HomeAssistantRows([_cpu_row(count, idle, active, seen, failed)], bench.failed_setups)


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


def _not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be at least 0")
    return value


def _arguments(argv: list[str] | None) -> argparse.Namespace:
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
    parser.add_argument(
        "--cpu-controllers",
        type=_positive,
        default=10,
        help="controller entries of the CPU per controller-hour",
    )
    parser.add_argument(
        "--cpu-window",
        type=_not_negative,
        default=180,
        help="seconds of real time of each of the CPU per controller-hour's two windows (idle, "
        "polling); 0 leaves the row out",
    )
    parser.add_argument(
        "--profile-ticks", type=_positive, default=100, help="profile ticks of 50 runs timed"
    )
    parser.add_argument(
        "--fermentrack-rows",
        type=_not_negative,
        default=YEAR_ROWS,
        help="rows of the Fermentrack log to import (0: skip; default a year at 30 s)",
    )
    parser.add_argument("--serve-emulators", type=_positive, help=argparse.SUPPRESS)
    parser.add_argument("--emulator-speedup", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--no-panel", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table."""
    args = _arguments(argv)
    if args.serve_emulators:
        panel_slots = 0 if args.no_panel else args.panel_slots
        asyncio.run(serve_emulators(args.serve_emulators, panel_slots, args.emulator_speedup))
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
        args.cpu_controllers,
        args.cpu_window,
        args.profile_ticks,
    )

    started = time.perf_counter()
    rows = bench_parser()
    home = asyncio.run(bench_home_assistant(config), loop_factory=create_event_loop)
    ha_rows = home.rows
    cpu_failed_setups = 0
    if config.cpu_window:
        cpu = asyncio.run(bench_cpu_per_hour(config), loop_factory=create_event_loop)
        cpu_failed_setups = cpu.failed_setups
        # Beside the poll rows and their floor.
        at = next(
            (i + 1 for i, row in enumerate(ha_rows) if row.metric == FLOOR_METRIC), len(ha_rows)
        )
        ha_rows[at:at] = cpu.rows
    if config.recording:
        figures = asyncio.run(
            bench_recording(config.backlog_cycles, config.enqueue_cycles),
            loop_factory=create_event_loop,
        )
        ha_rows += [Row(f.metric, f.target, f.measured, f.how) for f in figures]
    if args.fermentrack_rows:
        figures = bench_fermentrack(args.fermentrack_rows)
        ha_rows += [Row(f.metric, f.target, f.measured, f.how) for f in figures]
    rows = ha_rows + rows

    print("# cellar_brewpi benchmark")
    print()
    print(f"- Python {platform.python_version()} ({platform.python_implementation()})")
    print(f"- Home Assistant {ha_const.__version__}")
    print(
        f"- {config.controllers} controllers (+{config.memory_controllers} for memory), "
        f"emulators in a child process on loopback TCP, {home.failed_setups} failed setups"
    )
    if config.cpu_window:
        print(
            f"- CPU per controller-hour: {config.cpu_controllers} more controllers in a Home "
            f"Assistant of their own, emulators in real time in a child process of their own, "
            f"2 windows of {config.cpu_window} s, {cpu_failed_setups} failed setups"
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
