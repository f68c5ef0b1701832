"""
Recording benchmarks for `scripts/benchmark`: the durable queue, the drainer, and HA's own influxdb.

Run in their own Home Assistant (`async_test_home_assistant`, a temporary config directory), with
a VictoriaMetrics process on loopback as the InfluxDB 2 write endpoint (`/api/v2/write`); nothing
of the cellar_brewpi integration's entries is set up, the recording library is driven as the
cellar services drive it: readings become lines on the event loop (`to_line`), the lines go to the
`DurableQueue` in one transaction in the executor (`hass.async_add_executor_job`), and the
`Drainer` sends them with an `InfluxWriter` on an aiohttp session.

The readings are "realistic": 10 BrewPi controllers (the emulator's chamber and control model,
half of them in °F, different beer settings) and the 9 vessels of the panel emulator's cellar
model, advanced 60 s per poll cycle, with batch tags on six vessels.

Measured:

* enqueue cost per poll cycle: on the loop, `time.thread_time_ns()` of building the cycle's 19
  points (`controller_readings`, `panel_readings`), of `to_line` for them, and of handing
  `DurableQueue.enqueue` to the executor and resuming after it; in the executor, the wall time of
  the enqueue transaction itself (WAL, `synchronous=FULL`: fsync);
* drain of a 24 h backlog: 1,440 cycles enqueued (one transaction each) into a fresh queue file
  while VictoriaMetrics is down, then VictoriaMetrics started and `Drainer.drain_once()` timed
  until the queue is empty; `/api/v1/export` shows whether every point landed exactly once;
* Home Assistant's core `influxdb` integration (v2 API) through the same outage: set up with its
  config flow while VictoriaMetrics is up (its setup makes a test write), then VictoriaMetrics is
  stopped, the same readings are fed to it as 19 sensor entities x 1,440 `hass.states.async_set`
  calls, VictoriaMetrics is started again, and the export counts what arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, override

import aiohttp
from homeassistant import const as ha_const
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_TOKEN, CONF_URL, CONF_VERIFY_SSL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    async_test_home_assistant,
)

# The integration's own modules, all in this one block (its modules move while it is restructured):
# the libraries (`alpha_panel`, `brewpi`, `recording`) and the cellar services' point builders.
from custom_components.cellar_brewpi.alpha_panel import PanelReading, SlotReading, make_slot
from custom_components.cellar_brewpi.brewpi.models import (
    ControlMode,
    ControlSettings,
    ControlState,
    Temperatures,
)
from custom_components.cellar_brewpi.cellar.points import (
    CONTROLLER_MEASUREMENT,
    PANEL_MEASUREMENT,
    Held,
    controller_readings,
    panel_readings,
)
from custom_components.cellar_brewpi.recording import (
    Drainer,
    DurableQueue,
    InfluxWriter,
    Reading,
    to_line,
)
from scripts.emulators.alpha_panel import AlphaPanelEmulator
from scripts.emulators.brewpi_model import Controller
from scripts.victoria_metrics import VICTORIA_METRICS, Key, VictoriaMetrics, free_port

CONTROLLERS = 10
VESSELS = 9
CYCLE_SECONDS = 60
BATCH_VESSELS = 6
"""Vessels 1-6 carry a batch (its number and days in vessel), the others none."""
ENQUEUE_WARMUP = 5
ORG = "cellar"
BUCKET = "bench"
TOKEN = "bench-token"  # noqa: S105 - VictoriaMetrics ignores it
HA_ENTITY_PREFIX = "cellar_bench_"
HA_LOGGER = "homeassistant.components.influxdb"
WROTE = "Wrote %d events."
CAUGHT_UP = "Catching up, dropped %d old events."
RESUMED = "Resumed, lost %d events."
"""HA influxdb's log messages (its const.py), matched as format strings."""
IDLE_TIMEOUT = 60.0
IDLE_MARGIN = 0.5
MAX_DRAIN_CALLS = 20


@dataclass(frozen=True, slots=True)
class Figure:
    """One row of the result table (`scripts.benchmark.Row` takes it over)."""

    metric: str
    target: str
    measured: str
    how: str


# --- statistics (as scripts.benchmark's) ------------------------------------------------------


def _p95(values: Sequence[float]) -> float:
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def _median_p95(values: Sequence[float], unit: str, digits: int) -> str:
    return f"{statistics.median(values):.{digits}f} / {_p95(values):.{digits}f} {unit}"


# --- realistic readings -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cycle:
    """One poll cycle: every controller's point and the panel's nine, read at one time."""

    read_at: datetime
    readings: list[Reading]
    sources: tuple[Callable[[], list[Reading]], ...]
    """The integration's calls that made `readings` (controller_readings, panel_readings)."""


def _controllers() -> list[Controller]:
    """Ten chambers at different beer settings and rooms; odd ones in °F, every third no room."""
    controllers: list[Controller] = []
    for index in range(CONTROLLERS):
        controller = Controller(
            temp_format="F" if index % 2 else "C",
            low_delay=False,
            beer_probe=True,
            fridge_probe=True,
            room_sensor=index % 3 != 2,
        )
        controller.chamber.room_base = 17.0 + index * 0.8
        controller.set_beer_setting(17.0 + index * 0.5)
        controllers.append(controller)
    return controllers


def _controller_source(
    index: int, controller: Controller, read_at: datetime
) -> Callable[[], list[Reading]]:
    """What the integration records for a poll of the controller (`T:` and `S:` normalised)."""

    def display(celsius: float | None) -> float | None:
        return None if celsius is None else round(controller.to_display(celsius), 2)

    beer_set = controller.beer_set or None  # 0 means "not active", as the client normalises
    fridge_set = controller.fridge_set or None
    temperatures = Temperatures(
        beer_temp=display(controller.beer_reading()),
        beer_set=beer_set,
        fridge_temp=display(controller.fridge_reading()),
        fridge_set=fridge_set,
        room_temp=display(controller.room_reading()),
        state=ControlState(controller.state),
    )
    settings = ControlSettings(ControlMode(controller.mode), beer_set, fridge_set)
    return partial(
        controller_readings,
        f"BrewPi {index + 1}",
        temperatures,
        settings,
        read_at,
        controller.temp_format,
    )


def _panel_reading(panel: AlphaPanelEmulator, read_at: datetime) -> PanelReading:
    """What the panel client parses from the emulator's pages (values as the panel shows them)."""
    slots: dict[int, SlotReading] = {}
    for number, vessel in panel.vessels.items():
        temperature, set_point, valve = vessel.values()
        slots[number] = SlotReading(
            make_slot(number, vessel.label), float(temperature), float(set_point), valve == "1"
        )
    return PanelReading(read_at=read_at, slots=slots, values=())


def realistic_cycles(count: int, end: datetime) -> list[Cycle]:
    """`count` poll cycles `CYCLE_SECONDS` apart, the last one at `end`."""
    controllers = _controllers()
    panel = AlphaPanelEmulator(VESSELS, speedup=0.0, seed=1, sentinel_slots=frozenset())
    start = end - timedelta(seconds=CYCLE_SECONDS * (count - 1))
    filled = {
        number: (str(2400 + number), start.date() - timedelta(days=2 * number))
        for number, vessel in panel.vessels.items()
        if number <= BATCH_VESSELS
    }
    cycles: list[Cycle] = []
    for index in range(count):
        read_at = start + timedelta(seconds=CYCLE_SECONDS * index)
        sources: list[Callable[[], list[Reading]]] = []
        for number, controller in enumerate(controllers):
            controller.advance(CYCLE_SECONDS)
            sources.append(_controller_source(number, controller, read_at))
        panel.advance(CYCLE_SECONDS)
        batches = {
            number: Held(batch, (read_at.date() - day).days)
            for number, (batch, day) in filled.items()
        }
        sources.append(partial(panel_readings, _panel_reading(panel, read_at), batches))
        readings = [reading for source in sources for reading in source()]
        cycles.append(Cycle(read_at, readings, tuple(sources)))
    return cycles


def ha_states(cycle: Cycle) -> list[tuple[str, str, dict[str, str]]]:
    """
    The cycle as 19 Home Assistant sensor states (entity id, state, attributes).

    One sensor per reading: the controller's beer temperature, the vessel's temperature, with the
    attributes a temperature sensor has.
    """
    states: list[tuple[str, str, dict[str, str]]] = []
    for reading in cycle.readings:
        if reading.measurement == CONTROLLER_MEASUREMENT:
            name = reading.tags["device"]
            value = reading.fields["beer_temp"]
            unit = f"°{reading.tags['temp_format']}"
        else:
            name = f"slot {reading.tags['slot']}"
            value = reading.fields["temp"]
            unit = "°F"
        object_id = HA_ENTITY_PREFIX + name.lower().replace(" ", "_") + "_temperature"
        attributes = {
            "unit_of_measurement": unit,
            "device_class": "temperature",
            "state_class": "measurement",
            "friendly_name": f"{name} temperature",
        }
        states.append((f"sensor.{object_id}", str(value), attributes))
    return states


def _keys(reading: Reading) -> list[Key]:
    """The samples a point becomes in VictoriaMetrics: one per field, `measurement_field`."""
    labels = tuple(sorted(reading.tags.items()))
    stamp = reading.time_ns // 1_000_000
    return [(f"{reading.measurement}_{name}", labels, stamp) for name in reading.fields]


# --- VictoriaMetrics --------------------------------------------------------------------------


def _filesystem(path: Path) -> str:
    """The file system type of `path`, as `stat -f` names it (tmpfs or not is what matters)."""
    try:
        result = subprocess.run(  # noqa: S603
            ["/usr/bin/stat", "-f", "-c", "%T", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
    except OSError, subprocess.CalledProcessError:
        return "?"
    return result.stdout.strip() or "?"


# --- enqueue cost -----------------------------------------------------------------------------


async def bench_enqueue(hass: HomeAssistant, cycles: Sequence[Cycle], directory: Path) -> Figure:
    """Loop and executor time of recording one poll cycle, on a fresh queue file."""
    queue = await hass.async_add_executor_job(DurableQueue, directory / "enqueue.db")

    def enqueue(lines: list[str]) -> float:
        """The transaction, timed in the worker thread (ms)."""
        start = time.perf_counter_ns()
        queue.enqueue(lines)
        return (time.perf_counter_ns() - start) / 1e6

    def drain() -> None:
        """What the drainer does after a successful write: the queue stays near empty."""
        queue.ack([point_id for point_id, _ in queue.peek(1000)])

    points_cpu: list[float] = []
    to_line_cpu: list[float] = []
    handoff_cpu: list[float] = []
    loop_cpu: list[float] = []
    loop_wall: list[float] = []
    executor: list[float] = []
    single: list[float] = []
    gc.collect()
    try:
        for index, cycle in enumerate([*cycles[:ENQUEUE_WARMUP], *cycles]):
            cpu = time.thread_time_ns()
            points = [reading for source in cycle.sources for reading in source()]
            built = time.thread_time_ns()
            lines = [to_line(reading) for reading in points]
            converted = time.thread_time_ns()
            wall = time.perf_counter_ns()
            transaction = await hass.async_add_executor_job(enqueue, lines)
            done, resumed = time.thread_time_ns(), time.perf_counter_ns()
            one_line = await hass.async_add_executor_job(enqueue, lines[:1])
            await hass.async_add_executor_job(drain)
            if index < ENQUEUE_WARMUP:
                continue
            points_cpu.append((built - cpu) / 1e6)
            to_line_cpu.append((converted - built) / 1e6)
            handoff_cpu.append((done - converted) / 1e6)
            loop_cpu.append((done - cpu) / 1e6)
            loop_wall.append((resumed - wall) / 1e6)
            executor.append(transaction)
            single.append(one_line)
    finally:
        await hass.async_add_executor_job(queue.close)
    readings = len(cycles[0].readings)
    publishers = len(cycles[0].sources)
    filesystem = await hass.async_add_executor_job(_filesystem, directory)
    return Figure(
        f"Enqueue cost per poll cycle ({readings} readings)",
        "<= 2 ms",
        f"event loop {_median_p95(loop_cpu, 'ms', 3)} CPU; executor (off the loop) "
        f"{_median_p95(executor, 'ms', 2)} wall per transaction",
        f"median / p95 over {len(cycles)} cycles ({ENQUEUE_WARMUP} warm-up) of {CONTROLLERS} "
        f"controller + {VESSELS} vessel readings. ON THE EVENT LOOP (thread_time of the loop's "
        f"thread): building the points (controller_readings x {CONTROLLERS}, panel_readings) "
        f"{_median_p95(points_cpu, 'ms', 3)}, to_line of the {readings} points "
        f"{_median_p95(to_line_cpu, 'ms', 3)}, handing DurableQueue.enqueue to "
        f"hass.async_add_executor_job and resuming after it {_median_p95(handoff_cpu, 'ms', 3)}; "
        f"the sum is the measured figure. IN THE EXECUTOR: one enqueue transaction of the "
        f"{readings} lines (WAL, synchronous=FULL, fsync included), wall timed in the worker "
        f"thread, {_median_p95(executor, 'ms', 2)}; the loop awaits it without blocking "
        f"({_median_p95(loop_wall, 'ms', 2)} wall from hand-off to resume). The integration "
        f"makes one transaction per entry that publishes ({publishers} per cycle here: "
        f"{CONTROLLERS} of 1 line, 1 of {VESSELS}); a 1-line transaction takes "
        f"{_median_p95(single, 'ms', 2)}. Fresh queue file on disk ({filesystem} per stat -f), "
        f"emptied after each cycle as the drainer keeps it",
    )


# --- Home Assistant's influxdb integration ----------------------------------------------------


def _provide_influxdb_v1_module() -> bool:
    """
    Stand in for the v1 client package `influxdb` when it is not installed; True if stubbed.

    HA's `influxdb` integration imports `influxdb` (v1 API, pinned `influxdb==5.3.2`) at module
    level, next to `influxdb_client` (v2). Only influxdb-client is in the test venv; the v2 code
    path never touches the v1 package, so a module with the two names it imports lets it load.
    """
    try:
        import influxdb  # type: ignore[import-not-found]  # noqa: F401, PLC0415
    except ModuleNotFoundError:
        pass
    else:
        return False

    class V1UnavailableError(Exception):
        """Never raised: the v2 path does not use the v1 client."""

    class InfluxDBClient:
        """The v1 client, not available."""

        def __init__(self, *_args: object, **_kwargs: object) -> None:
            raise RuntimeError("the influxdb v1 client is not installed (benchmark stub)")

    exceptions = types.ModuleType("influxdb.exceptions")
    exceptions.InfluxDBClientError = V1UnavailableError  # type: ignore[attr-defined]
    exceptions.InfluxDBServerError = V1UnavailableError  # type: ignore[attr-defined]
    module = types.ModuleType("influxdb")
    module.InfluxDBClient = InfluxDBClient  # type: ignore[attr-defined]
    module.exceptions = exceptions  # type: ignore[attr-defined]
    sys.modules["influxdb"] = module
    sys.modules["influxdb.exceptions"] = exceptions
    return True


class _Records(logging.Handler):
    """Keeps every record of HA's influxdb integration."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    @override
    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def total(self, message: str) -> int:
        """The sum of the count argument of every record with this message (format string)."""
        return sum(
            r.args[0]
            for r in self.records
            if r.msg == message and isinstance(r.args, tuple) and isinstance(r.args[0], int)
        )

    def count(self, message: str) -> int:
        """How many records have this message (format string)."""
        return sum(r.msg == message for r in self.records)

    def errors(self) -> list[str]:
        """Every ERROR message, formatted."""
        return [r.getMessage() for r in self.records if r.levelno >= logging.ERROR]


async def setup_ha_influxdb(hass: HomeAssistant, url: str) -> Any:
    """Add HA's influxdb integration (v2 API) through its config flow; return the entry."""
    # Its flow needs file_upload, which needs http: on a free loopback port, not http's default
    # 8123, where a development instance (scripts/develop) may be running.
    http = {"server_host": ["127.0.0.1"], "server_port": free_port()}
    if not await async_setup_component(hass, "http", {"http": http}):
        raise RuntimeError("http could not be set up")
    flow = hass.config_entries.flow
    result = await flow.async_init("influxdb", context={"source": SOURCE_USER})
    result = await flow.async_configure(result["flow_id"], {"next_step_id": "configure_v2"})
    result = await flow.async_configure(
        result["flow_id"],
        {
            CONF_URL: url,
            CONF_VERIFY_SSL: False,
            "organization": ORG,
            "bucket": BUCKET,
            CONF_TOKEN: TOKEN,
        },
    )
    if result["type"] is not FlowResultType.CREATE_ENTRY:
        raise RuntimeError(f"the influxdb config flow ended with {result}")
    await hass.async_block_till_done()
    entry = result["result"]
    if entry.state is not ConfigEntryState.LOADED:
        raise RuntimeError(f"the influxdb entry is {entry.state}")
    return entry


def _write_pool(thread: Any) -> Any:
    """
    The thread pool influxdb-client's ASYNCHRONOUS write API posts from (None before any write).

    HA keeps the client only in the closures of its `InfluxClient`: `close` holds it.
    """
    close = thread.influx.close
    cells = dict(zip(close.__code__.co_freevars, close.__closure__ or (), strict=True))
    return cells["influx"].cell_contents.api_client._pool  # noqa: SLF001


def wait_ha_idle(thread: Any) -> None:
    """
    Block until HA's InfluxThread has handled every queued change and every post has ended.

    A marker through its queue: when the thread takes it, every change before it is in hand.
    After taking an item the thread waits up to `batch_timeout()` (1 s) for more before it
    writes the batch, so a second marker is sent once that has passed: it is taken only after
    the batch was handed to the client. Then one barrier task per worker of the client's write
    pool: all workers reach it only when every earlier post is over. Runs in the executor.
    """
    for attempt in range(2):
        if attempt:
            time.sleep(thread.batch_timeout() + IDLE_MARGIN)
        marker = threading.Event()
        thread.queue.put(marker)
        if not marker.wait(IDLE_TIMEOUT):
            raise TimeoutError("HA's InfluxThread did not reach the marker")
    pool = _write_pool(thread)
    if pool is None:
        return
    workers = len(pool._pool)  # noqa: SLF001
    barrier = threading.Barrier(workers)
    waits = [pool.apply_async(barrier.wait, (IDLE_TIMEOUT,)) for _ in range(workers)]
    for wait in waits:
        wait.get(IDLE_TIMEOUT)


# --- the outage: our drain and HA's integration -----------------------------------------------


class _CountingWriter(InfluxWriter):
    """An InfluxWriter that counts its requests."""

    requests: int = 0

    @override
    async def write(self, lines: Sequence[str]) -> None:
        if lines:
            self.requests += 1
        await super().write(lines)


@dataclass(slots=True)
class Outage:
    """What happened during and after the outage."""

    points: int = 0
    cycles: int = 0
    fill_seconds: float = 0.0
    queue_bytes: int = 0
    file_bytes: int = 0
    startup_seconds: float = 0.0
    drain_seconds: float = 0.0
    drain_calls: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    left_in_queue: int = 0
    landed: int = 0
    duplicated: int = 0
    missing_samples: int = 0
    unexpected_samples: int = 0
    samples: int = 0
    ha_error: str | None = None
    ha_fed: int = 0
    ha_landed: int = 0
    ha_control_fed: int = 0
    ha_control_landed: int = 0
    ha_wrote: int = 0
    ha_batches: int = 0
    ha_caught_up: int = 0
    ha_resumed_lost: int = 0
    ha_errors: list[str] = field(default_factory=list)
    ha_stubbed_v1: bool = False


def _file_bytes(path: Path) -> int:
    return sum(
        candidate.stat().st_size
        for candidate in (path, path.with_name(path.name + "-wal"))
        if candidate.exists()
    )


def _set_states(hass: HomeAssistant, cycle: Cycle) -> int:
    for entity_id, state, attributes in ha_states(cycle):
        hass.states.async_set(entity_id, state, attributes, force_update=True)
    return len(cycle.readings)


async def _fill(
    hass: HomeAssistant, queue: DurableQueue, cycles: Sequence[Cycle], thread: Any, out: Outage
) -> None:
    """The outage: every cycle to our queue (one transaction) and, if set up, to HA's states."""
    started = time.perf_counter()
    for cycle in cycles:
        lines = [to_line(reading) for reading in cycle.readings]
        await hass.async_add_executor_job(queue.enqueue, lines)
        out.points += len(lines)
        out.cycles += 1
        if thread is not None:
            out.ha_fed += _set_states(hass, cycle)
    out.fill_seconds = time.perf_counter() - started
    if thread is not None:
        await hass.async_add_executor_job(wait_ha_idle, thread)


async def _drain(
    hass: HomeAssistant, queue: DurableQueue, writer: InfluxWriter, out: Outage
) -> None:
    """Drain until the queue is empty, as the integration's drain task does (backoff capped)."""
    drainer = Drainer(queue, writer, hass.async_add_executor_job)
    started = time.perf_counter()
    while out.drain_calls < MAX_DRAIN_CALLS:
        out.drain_calls += 1
        result = await drainer.drain_once()
        if result.backoff is None:
            break
        out.errors.append(str(result.error))
        await asyncio.sleep(min(result.backoff, 1.0))
    out.drain_seconds = time.perf_counter() - started
    out.left_in_queue = (await hass.async_add_executor_job(queue.stats)).queued


def _check_ours(samples: Counter[Key], cycles: Sequence[Cycle], out: Outage) -> None:
    expected: set[Key] = set()
    for cycle in cycles:
        for reading in cycle.readings:
            keys = _keys(reading)
            expected.update(keys)
            counts = [samples.get(key, 0) for key in keys]
            out.landed += all(counts)
            out.duplicated += any(count > 1 for count in counts)
            out.missing_samples += sum(not count for count in counts)
    out.samples = sum(samples.values())
    out.unexpected_samples = sum(n for key, n in samples.items() if key not in expected)


def _count_ha(samples: Counter[Key], restarted_ms: int, out: Outage) -> None:
    """HA's `value` samples of the bench sensors, before and after VictoriaMetrics came back."""
    for (name, _, stamp), count in samples.items():
        if not name.endswith("_value"):
            continue
        if stamp < restarted_ms:
            out.ha_landed += count
        else:
            out.ha_control_landed += count


@contextlib.contextmanager
def _captured(name: str) -> Iterator[_Records]:
    """Every record of the logger `name`, debug included, kept here instead of printed."""
    records = _Records()
    logger = logging.getLogger(name)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(records)
    logger.setLevel(logging.DEBUG)  # "Wrote N events" is a debug record
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(records)
        logger.setLevel(level)
        logger.propagate = propagate


async def _setup_ha(hass: HomeAssistant, url: str, out: Outage) -> Any:
    """HA's influxdb entry, or None (the reason in `out.ha_error`)."""
    out.ha_stubbed_v1 = _provide_influxdb_v1_module()
    try:
        return await setup_ha_influxdb(hass, url)
    except Exception as err:  # noqa: BLE001 - reported in the row
        out.ha_error = f"{type(err).__name__}: {err}"
        return None


async def _outage(
    hass: HomeAssistant,
    victoria: VictoriaMetrics,
    cycles: Sequence[Cycle],
    queue: DurableQueue,
    *,
    path: Path,
    records: _Records,
    out: Outage,
) -> None:
    """Set HA's integration up, stop VictoriaMetrics, fill, start it, drain, count."""
    entry: Any = None
    try:
        await victoria.start()
        entry = await _setup_ha(hass, victoria.url, out)
        thread = None if entry is None else entry.runtime_data
        victoria.stop()

        await _fill(hass, queue, cycles, thread, out)
        out.ha_wrote = records.total(WROTE)
        out.ha_batches = records.count(WROTE)
        out.queue_bytes = (await hass.async_add_executor_job(queue.stats)).size_bytes
        out.file_bytes = await hass.async_add_executor_job(_file_bytes, path)

        restarted_ms = time.time_ns() // 1_000_000
        out.startup_seconds = await victoria.start()
        writer = _CountingWriter(victoria.session, victoria.url, TOKEN, ORG, BUCKET)
        await _drain(hass, queue, writer, out)
        out.requests = writer.requests
        if thread is not None:
            # Anything HA still had in hand goes now; then a control: it writes when up.
            await hass.async_add_executor_job(wait_ha_idle, thread)
            out.ha_control_fed = _set_states(hass, cycles[-1])
            await hass.async_add_executor_job(wait_ha_idle, thread)

        ours = await victoria.samples(
            f'{{__name__=~"{CONTROLLER_MEASUREMENT}_.+|{PANEL_MEASUREMENT}_.+"}}'
        )
        _check_ours(ours, cycles, out)
        if thread is not None:
            theirs = await victoria.samples(f'{{entity_id=~"{HA_ENTITY_PREFIX}.+"}}')
            _count_ha(theirs, restarted_ms, out)
    finally:
        if entry is not None and entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)


async def run_outage(hass: HomeAssistant, cycles: Sequence[Cycle], directory: Path) -> Outage:
    """Both recorders through one outage of VictoriaMetrics, then the export."""
    out = Outage()
    path = directory / "backlog.db"
    with _captured(HA_LOGGER) as records:
        queue = await hass.async_add_executor_job(DurableQueue, path)
        try:
            async with aiohttp.ClientSession() as session:
                victoria = VictoriaMetrics(session, directory / "victoria")
                try:
                    await _outage(
                        hass, victoria, cycles, queue, path=path, records=records, out=out
                    )
                finally:
                    victoria.stop()
        finally:
            await hass.async_add_executor_job(queue.close)
    out.ha_caught_up = records.total(CAUGHT_UP)
    out.ha_resumed_lost = records.total(RESUMED)
    out.ha_errors = records.errors()
    return out


def drain_figure(out: Outage) -> Figure:
    """The row of our drain."""
    hours = out.cycles * CYCLE_SECONDS / 3600
    rate = out.points / out.drain_seconds if out.drain_seconds else math.nan
    errors = "; ".join(out.errors[:3]) or "none"
    return Figure(
        f"Drain a {hours:.3g} h backlog ({out.points:,} points)",
        "<= 30 s",
        f"{out.drain_seconds:.2f} s, {rate:,.0f} points/s; {out.landed:,} / {out.points:,} "
        f"points, {out.duplicated} duplicates",
        f"{out.cycles:,} cycles x ({CONTROLLERS} controllers + {VESSELS} vessels), read times "
        f"{CYCLE_SECONDS} s apart over the last {hours:.3g} h, to_line and one "
        f"DurableQueue.enqueue per cycle into a fresh queue file on disk while VictoriaMetrics "
        f"was down ({out.fill_seconds:.1f} s; queue {out.queue_bytes / 1e6:.1f} MB counted, "
        f"{out.file_bytes / 1e6:.1f} MB file + WAL, {out.queue_bytes / max(out.points, 1):.0f} "
        f"B/point). Then VictoriaMetrics started ({out.startup_seconds * 1e3:.0f} ms to "
        f"/health) and wall of Drainer.drain_once() (batches of 5,000, gzip, one aiohttp "
        f"session, queue calls through hass.async_add_executor_job) until the queue was empty: "
        f"{out.drain_calls} call(s), {out.requests} requests, errors: {errors}, "
        f"{out.left_in_queue} left. /api/v1/export after /internal/force_flush: every field "
        f"sample of every point present ({out.missing_samples} missing), none twice, "
        f"{out.unexpected_samples} unexpected; {out.samples:,} samples",
    )


def ha_figure(out: Outage) -> Figure:
    """The row of Home Assistant's influxdb integration through the same outage."""
    metric = "HA's own influxdb integration after the same outage"
    ours = f"ours: {out.landed:,} / {out.points:,}"
    if out.ha_error is not None:
        return Figure(
            metric,
            "- (comparison)",
            f"not measured; {ours}",
            f"HA {ha_const.__version__}'s influxdb could not be set up in-process: {out.ha_error}",
        )
    stub = (
        "The v1 package `influxdb` it imports at module level is not in the test venv: a stub "
        "module stands in for it (the v2 path does not use it). "
        if out.ha_stubbed_v1
        else ""
    )
    errors = "; ".join(out.ha_errors[:2]) or "none"
    sensors = VESSELS + CONTROLLERS
    return Figure(
        metric,
        "- (comparison)",
        f"{out.ha_landed:,} / {out.ha_fed:,} points arrived ({ours})",
        f"core influxdb of HA {ha_const.__version__} (influxdb-client 1.50, v2 API, defaults: "
        f"max_retries 0) added with its config flow while VictoriaMetrics was up, as its setup "
        f"makes a synchronous test write (with the server down the flow fails with "
        f"cannot_connect). {stub}Then VictoriaMetrics stopped (connection refused) and the same "
        f"readings fed to it as {out.ha_fed:,} state changes ({sensors} temperature sensors x "
        f"{out.cycles:,} hass.states.async_set, force_update, interleaved with our enqueues). "
        f"HA's 30 s backlog limit (QUEUE_BACKLOG_SECONDS) is measured on its own "
        f"time.monotonic(), from the state change to its thread taking it off its in-memory "
        f"queue; 24 h of wall time cannot be simulated, so the {out.ha_fed:,} changes came "
        f"within {out.fill_seconds:.1f} s and its thread was let handle every one (markers "
        f"through its queue, then a barrier over influxdb-client's write pool) before "
        f"VictoriaMetrics came back, as it would handle one change a minute at once: the age "
        f"limit never fired ({out.ha_caught_up} events 'Catching up, dropped'). During the "
        f"outage it logged 'Wrote N events' for {out.ha_wrote:,} events in {out.ha_batches} "
        f"batches, 'Resumed, lost N events' for {out.ha_resumed_lost}, errors: {errors}. After "
        f"setup it writes ASYNCHRONOUS: the failed posts' exceptions stay in influxdb-client's "
        f"results that nobody reads, so HA neither retries (max_retries could not help) nor "
        f"counts the loss. Control after VictoriaMetrics was back: "
        f"{out.ha_control_landed} / {out.ha_control_fed} arrived. Counted: `value` samples of "
        f"the {sensors} sensors in /api/v1/export",
    )


async def bench_recording(backlog_cycles: int, enqueue_cycles: int) -> list[Figure]:
    """Every recording benchmark, in a Home Assistant of its own."""
    logging.getLogger("aiohttp_fast_zlib").setLevel(logging.ERROR)  # http, for the flow's upload
    end = datetime.now(UTC).replace(second=0, microsecond=0)
    loop = asyncio.get_running_loop()
    cycles = await loop.run_in_executor(
        None, realistic_cycles, max(backlog_cycles, enqueue_cycles), end
    )
    directory = Path(tempfile.mkdtemp(prefix="cellar-bench-recording-"))
    try:
        config_dir = directory / "config"
        config_dir.mkdir()
        # HA's influxdb reads configuration.yaml in its setup (for its YAML-only options).
        (config_dir / "configuration.yaml").write_text("{}\n", encoding="utf-8")
        async with async_test_home_assistant(config_dir=str(config_dir)) as test_hass:
            hass: HomeAssistant = test_hass
            try:
                figures = [await bench_enqueue(hass, cycles[:enqueue_cycles], directory)]
                if not await hass.async_add_executor_job(Path(VICTORIA_METRICS).exists):
                    why = f"{VICTORIA_METRICS} is not installed (scripts/setup installs it)"
                    return [
                        *figures,
                        Figure("Drain a 24 h backlog", "<= 30 s", "not measured", why),
                        Figure("HA's own influxdb integration", "-", "not measured", why),
                    ]
                outage = await run_outage(hass, cycles[-backlog_cycles:], directory)
                figures += [drain_figure(outage), ha_figure(outage)]
            finally:
                await hass.async_stop(force=True)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return figures
