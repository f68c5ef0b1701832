"""Emulator of the Alpha glycol cellar panel: its numbered pages, `submit.html` and a cellar model.

The pages look like the real panel's: HTML with several `<Script>` blocks, the second holding the
values array, `var V = new Array("36.8","34","1",...);`, one `[temperature, set point, valve]`
triple per slot in °F. Writes arrive as `GET /submit.html?dummy={ms}o3a{address}t2v{tenths}`.

Each vessel warms from fermentation heat (a per-vessel rate decaying over days) and from the room,
and is cooled by glycol while its valve is open; the valve opens above set point + deadband and
closes at the set point. Simulated time runs `speedup` times real time and advances whenever the
panel is asked anything, so there is no background task.

Fault knobs live in `emulator.faults` (`PanelFaults`) and may be changed while it runs.
This module deliberately does not import the integration's panel library: it is the tests' oracle.

    python -m scripts.emulators.alpha_panel --host 127.0.0.1 --port 8081 --slots 9 --speedup 60
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import random
import re
import signal
import time
from dataclasses import dataclass

from aiohttp import web

ADDRESS_BASE = 116
REFERENCE_LABELS = {
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
SENTINEL_VALUES = ("1000", "0", "0")
"""What an unused, sensorless slot shows: temperature 1000 °F, set point 0 °F, valve closed."""

WRITE_PATTERN = re.compile(
    r"(?P<ms>\d+)o(?P<op>\d+)a(?P<address>\d+)t(?P<type>\d+)v(?P<value>-?\d+)"
)
PAGE_PATTERN = re.compile(r"/(?P<page>\d{3,})\.html")
SHORT_VALUES_DROPPED = 4
"""How many values the `short_values` fault drops from the end of the last page."""

MAX_STEP_HOURS = 1 / 60
MAX_STEPS = 20_000


@dataclass
class PanelFaults:
    """Fault knobs; all off by default."""

    slow_seconds: float = 0.0
    """Delay every answer by this many seconds."""
    http_500: bool = False
    """Answer every request with HTTP 500."""
    truncated: bool = False
    """Cut every page off in the middle of its values array."""
    short_values: bool = False
    """Drop the last few values from the last page's array (the last slot(s) go missing)."""
    ignore_writes: bool = False
    """Accept writes with HTTP 200 but do not apply them."""


@dataclass
class Vessel:
    """The simulated state of one slot's vessel. Temperatures in °F, rates in °F per hour."""

    slot: int
    label: str
    temperature: float
    set_point: float
    valve_open: bool = False
    heat_rate: float = 0.0
    """Fermentation heat at age 0, decaying exponentially with `heat_decay_hours`."""
    heat_decay_hours: float = 48.0
    age_hours: float = 0.0
    sentinel: bool = False
    """An unused slot without sensor: shows 1000 °F / 0 °F and never changes."""

    @property
    def address(self) -> int:
        """The slot's write register."""
        return ADDRESS_BASE + self.slot

    def values(self) -> tuple[str, str, str]:
        """The three strings the panel shows for this slot."""
        if self.sentinel:
            return SENTINEL_VALUES
        return (
            f"{self.temperature:.1f}",
            f"{round(self.set_point, 1):g}",
            "1" if self.valve_open else "0",
        )


@dataclass
class CellarModel:
    """Constants of the thermal model shared by all vessels."""

    room_temperature: float = 68.0
    room_coefficient: float = 0.015
    """Per hour: how fast a vessel drifts toward room temperature."""
    glycol_temperature: float = 26.0
    glycol_coefficient: float = 0.2
    """Per hour, while the valve is open: how fast a vessel drifts toward glycol temperature."""
    deadband: float = 1.0

    def step(self, vessel: Vessel, hours: float) -> None:
        """Advance one vessel by `hours` (keep it small: explicit Euler)."""
        if vessel.sentinel:
            return
        heat = vessel.heat_rate * math.exp(-vessel.age_hours / vessel.heat_decay_hours)
        change = heat + self.room_coefficient * (self.room_temperature - vessel.temperature)
        if vessel.valve_open:
            change -= self.glycol_coefficient * (vessel.temperature - self.glycol_temperature)
        vessel.temperature += change * hours
        vessel.age_hours += hours
        if vessel.temperature > vessel.set_point + self.deadband:
            vessel.valve_open = True
        elif vessel.temperature <= vessel.set_point:
            vessel.valve_open = False


def default_label(slot: int) -> str:
    """The reference labels for slots 1-9, `FV 30/N` after that."""
    return REFERENCE_LABELS.get(slot, f"FV 30/{slot - len(REFERENCE_LABELS)}")


class AlphaPanelEmulator:
    """An HTTP server behaving like the panel, for `slots` slots split over numbered pages."""

    def __init__(
        self,
        slots: int = 9,
        *,
        speedup: float = 1.0,
        seed: int | None = None,
        pages: int = 2,
        slots_per_page: int | None = None,
        sentinel_slots: set[int] | frozenset[int] = frozenset({9}),
        model: CellarModel | None = None,
    ) -> None:
        """Create the vessels; `slots_per_page` (if given) overrides the even split over `pages`."""
        if slots < 1:
            raise ValueError("the panel needs at least one slot")
        per_page = slots_per_page or math.ceil(slots / max(pages, 1))
        self.slots_per_page = per_page
        self.page_count = math.ceil(slots / per_page)
        self.speedup = speedup
        self.model = model or CellarModel()
        self.faults = PanelFaults()
        self.writes: list[str] = []
        self.requests: list[str] = []
        self._rng = random.Random(seed)
        self._vessels = {
            number: self._new_vessel(number, sentinel=number in sentinel_slots)
            for number in range(1, slots + 1)
        }
        self._last_advance = time.monotonic()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def _new_vessel(self, number: int, *, sentinel: bool) -> Vessel:
        """A vessel at a plausible cellar state."""
        set_point = float(self._rng.choice((34, 36, 50, 55, 62, 65, 68)))
        return Vessel(
            slot=number,
            label=default_label(number),
            temperature=round(set_point + self._rng.uniform(-0.5, 0.9), 1),
            set_point=set_point,
            heat_rate=self._rng.uniform(0.0, 2.5),
            age_hours=self._rng.uniform(0.0, 240.0),
            sentinel=sentinel,
        )

    # --- the simulation ------------------------------------------------------------------------

    @property
    def vessels(self) -> dict[int, Vessel]:
        """The vessels by slot number, brought up to the current simulated time."""
        self._advance_to_now()
        return self._vessels

    def _advance_to_now(self) -> None:
        """Run the model for the real time elapsed since the last advance, times `speedup`."""
        now = time.monotonic()
        elapsed, self._last_advance = now - self._last_advance, now
        self.advance(elapsed * self.speedup)

    def advance(self, seconds: float) -> None:
        """Run the model for `seconds` of simulated time."""
        hours = max(seconds, 0.0) / 3600
        if hours == 0:
            return
        steps = min(MAX_STEPS, math.ceil(hours / MAX_STEP_HOURS))
        for _ in range(steps):
            for vessel in self._vessels.values():
                self.model.step(vessel, hours / steps)

    # --- pages ---------------------------------------------------------------------------------

    def page_values(self, page: int) -> list[str]:
        """The values array page `page` (1-based) shows, faults applied."""
        numbers = sorted(self._vessels)[(page - 1) * self.slots_per_page :][: self.slots_per_page]
        values = [value for number in numbers for value in self._vessels[number].values()]
        if self.faults.short_values and page == self.page_count:
            values = values[:-SHORT_VALUES_DROPPED]
        return values

    def page_html(self, page: int) -> str:
        """The full HTML of page `page`, faults applied."""
        self._advance_to_now()
        numbers = sorted(self._vessels)[(page - 1) * self.slots_per_page :][: self.slots_per_page]
        quoted = ",".join(f'"{value}"' for value in self.page_values(page))
        labels = ",".join(f'"{self._vessels[number].label}"' for number in numbers)
        values_line = f"var V = new Array({quoted});"
        html = _PAGE_TEMPLATE.format(
            page=f"{page:03d}", pages=self.page_count, values_line=values_line, labels=labels
        )
        if self.faults.truncated:
            start = html.index(values_line)
            html = html[: start + max(len(values_line) // 2, len("var V = "))]
        return html

    # --- HTTP ----------------------------------------------------------------------------------

    async def _apply_faults(self) -> web.Response | None:
        """Wait out `slow_seconds` (cut short by `stop`) and answer 500 if asked to."""
        if self.faults.slow_seconds > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.faults.slow_seconds):
                    await self._stopping.wait()
        if self.faults.http_500:
            return web.Response(status=500, text="<HTML><BODY>Internal Error</BODY></HTML>")
        return None

    async def _handle_page(self, request: web.Request) -> web.Response:
        """GET /NNN.html."""
        self.requests.append(request.path_qs)
        if (fault := await self._apply_faults()) is not None:
            return fault
        match = PAGE_PATTERN.fullmatch(request.path)
        page = int(match["page"]) if match else 0
        if not 1 <= page <= self.page_count:
            raise web.HTTPNotFound
        return web.Response(text=self.page_html(page), content_type="text/html")

    async def _handle_submit(self, request: web.Request) -> web.Response:
        """GET /submit.html?dummy=... : record the write and apply it unless writes are ignored."""
        self.requests.append(request.path_qs)
        if (fault := await self._apply_faults()) is not None:
            return fault
        dummy = request.query.get("dummy", "")
        self.writes.append(dummy)
        match = WRITE_PATTERN.fullmatch(dummy)
        if match is None or (match["op"], match["type"]) != ("3", "2"):
            raise web.HTTPBadRequest(text="bad write")
        address = int(match["address"])
        vessel = next((v for v in self._vessels.values() if v.address == address), None)
        if vessel is None:
            raise web.HTTPBadRequest(text="unknown address")
        if not self.faults.ignore_writes:
            self._advance_to_now()
            vessel.set_point = int(match["value"]) / 10
        return web.Response(text="<HTML><BODY>OK</BODY></HTML>", content_type="text/html")

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Start serving; returns the port (a free one when `port` is 0)."""
        app = web.Application()
        app.router.add_get("/submit.html", self._handle_submit)
        app.router.add_get(r"/{page:\d+}.html", self._handle_page)
        self._stopping = asyncio.Event()
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self.port

    async def stop(self) -> None:
        """Stop serving; slow answers in flight are cut short."""
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


_PAGE_TEMPLATE = """<HTML>
<HEAD>
<TITLE>Cellar Panel {page}</TITLE>
<META HTTP-EQUIV="Pragma" CONTENT="no-cache">
<Script>
var Pg = "{page}";
var NPg = {pages};
function Wr(o, a, t, v) {{
  var d = new Date();
  location.href = "submit.html?dummy=" + d.getTime() + "o" + o + "a" + a + "t" + t + "v" + v;
}}
</Script>
</HEAD>
<BODY BGCOLOR="#C0C0C0">
<Script>
{values_line}
var L = new Array({labels});
</Script>
<TABLE BORDER=1>
<Script>
for (var i = 0; i < L.length; i++) {{
  document.write("<TR><TD>" + L[i] + "</TD><TD>" + V[3 * i] + "</TD><TD>" + V[3 * i + 1]
    + "</TD><TD>" + (V[3 * i + 2] == "1" ? "OPEN" : "CLOSED") + "</TD></TR>");
}}
</Script>
</TABLE>
</BODY>
</HTML>
"""


async def _serve(args: argparse.Namespace) -> None:
    """Run the emulator until SIGINT or SIGTERM."""
    emulator = AlphaPanelEmulator(
        args.slots, speedup=args.speedup, seed=args.seed, slots_per_page=args.slots_per_page
    )
    port = await emulator.start(args.host, args.port)
    print(f"Alpha panel emulator listening on http://{args.host}:{port}", flush=True)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, done.set)
    try:
        await done.wait()
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--slots", type=int, default=9)
    parser.add_argument("--speedup", type=float, default=1.0, help="simulated time per real time")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--slots-per-page", type=int, default=None)
    asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
