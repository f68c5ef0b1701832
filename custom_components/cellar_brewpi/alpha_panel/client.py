"""
Asyncio HTTP client of the Alpha cellar panel.

The panel is a small embedded web server: the client reads its numbered pages one after another
with a pause between them, and never has more than one request in flight. Set point writes go
through `submit.html` and are verified by reading the panel back.
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import aiohttp

from .errors import (
    AlphaPanelConnectionError,
    AlphaPanelError,
    AlphaPanelParseError,
    AlphaPanelWriteError,
)
from .models import DEFAULT_PAGES, DEFAULT_SLOTS, PanelReading, Slot, SlotReading
from .parser import SENTINEL_TEMPERATURE, parse_slots, parse_values

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

SET_POINT_TOLERANCE = 0.05
"""How close (°F) the set point read back must be to the one written."""

WRITE_OPERATION = 3
"""The `o` part of a write: always 3 in the original web UI."""

WRITE_TYPE = 2
"""The `t` part of a write: always 2 in the original web UI."""


def page_path(page: int) -> str:
    """Return the path of a numbered page, e.g. `/001.html`."""
    return f"/{page:03d}.html"


def write_param(slot: Slot, set_point_f: float, epoch_ms: int) -> str:
    """
    Return the `dummy` parameter writing `set_point_f` (°F) to `slot`.

    The format is `{epoch_ms}o3a{address}t2v{tenths}`, e.g. `1603071188070o3a117t2v342` writes
    34.2 °F to address 117 (slot 1).
    """
    tenths = round(set_point_f * 10)
    return f"{epoch_ms}o{WRITE_OPERATION}a{slot.address}t{WRITE_TYPE}v{tenths}"


def _base_url(host: str, port: int | None) -> str:
    """Return `http://host[:port]`, bracketing a bare IPv6 address."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}" if port is None else f"http://{host}:{port}"


class AlphaPanel:
    """
    Reads slots from, and writes set points to, one Alpha cellar panel.

    The caller owns `session` (Home Assistant passes its shared session) and closes it.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        pages: Sequence[int] = DEFAULT_PAGES,
        page_pause: float = 1.0,
        timeout: float = 10.0,
        write_verify_timeout: float = 5.0,
        write_verify_interval: float = 0.5,
        port: int | None = None,
    ) -> None:
        """Set up the client; nothing is sent until the first read or write."""
        if not pages:
            raise ValueError("at least one page is needed")
        self._session = session
        self._base_url = _base_url(host, port)
        self._pages = tuple(pages)
        self._page_pause = page_pause
        self._timeout = timeout
        self._write_verify_timeout = write_verify_timeout
        self._write_verify_interval = write_verify_interval
        self._io_lock = asyncio.Lock()
        self._write_lock = asyncio.Lock()

    @property
    def base_url(self) -> str:
        """The panel's base URL, e.g. `http://10.1.10.105`."""
        return self._base_url

    @property
    def pages(self) -> tuple[int, ...]:
        """The page numbers read, in order."""
        return self._pages

    async def _get(self, path: str, params: Mapping[str, str] | None = None) -> str:
        """
        GET `path` and return the body text.

        Something that answers, but not as the panel does (not in HTTP at all, or with a 4xx for
        the panel's page), raises `AlphaPanelParseError`; no answer, a timeout or a 5xx raises
        `AlphaPanelConnectionError`.
        """
        url = self._base_url + path
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.get(url, params=params, allow_redirects=False) as response,
            ):
                status = response.status
                if status != 200:  # noqa: PLR2004
                    answer = f"{url} answered HTTP {status} {response.reason or ''}".rstrip()
                    if status >= 500:  # noqa: PLR2004
                        raise AlphaPanelConnectionError(answer)
                    raise AlphaPanelParseError(f"{answer}: not one of the panel's pages")
                return await response.text(errors="replace")
        except TimeoutError as err:
            raise AlphaPanelConnectionError(
                f"{url} did not answer within {self._timeout:g} s"
            ) from err
        except aiohttp.ClientResponseError as err:  # an answer that is not HTTP
            raise AlphaPanelParseError(
                f"{url} answered, but not in HTTP: {err.message.splitlines()[0]}"
            ) from err
        except aiohttp.ClientError as err:
            raise AlphaPanelConnectionError(f"{url} failed: {err!r}") from err

    async def _read_values(self) -> list[str]:
        """Read every page in order, pausing between them, and return the combined values."""
        values: list[str] = []
        async with self._io_lock:
            for index, page in enumerate(self._pages):
                if index:
                    await asyncio.sleep(self._page_pause)
                text = await self._get(page_path(page))
                try:
                    values.extend(parse_values(text))
                except AlphaPanelParseError as err:
                    raise AlphaPanelParseError(f"page {page_path(page)[1:]}: {err}") from err
        return values

    async def async_read(self, slots: Sequence[Slot] = DEFAULT_SLOTS) -> PanelReading:
        """
        Read all pages and return the readings of `slots`.

        Raises `AlphaPanelConnectionError` or `AlphaPanelParseError`.
        """
        values = await self._read_values()
        return PanelReading(
            read_at=datetime.now(UTC),
            slots=parse_slots(values, slots),
            values=tuple(values),
        )

    async def async_set_setpoint(self, slot: Slot, set_point_f: float) -> SlotReading:
        """
        Write a set point (°F, to 0.1 °F) to `slot`, then read back until the panel shows it.

        Only one write runs at a time. Returns the confirmed reading of the slot. Raises
        `ValueError` for a set point the wire format cannot carry, `AlphaPanelConnectionError`
        when the write request fails, and `AlphaPanelWriteError` when the panel does not show the
        new set point within the verification timeout.
        """
        if not math.isfinite(set_point_f) or not 0 <= set_point_f < SENTINEL_TEMPERATURE:
            raise ValueError(f"set point {set_point_f!r} °F cannot be written to the panel")
        target = round(set_point_f * 10) / 10
        async with self._write_lock:
            param = write_param(slot, target, time.time_ns() // 1_000_000)
            async with self._io_lock:
                await self._get("/submit.html", {"dummy": param})
            return await self._verify(slot, target)

    async def _verify(self, slot: Slot, target: float) -> SlotReading:
        """
        Re-read until `slot` shows `target`; raise `AlphaPanelWriteError` on timeout.

        The first read-back follows the write at once; further ones wait the verify interval.
        """
        last: SlotReading | None = None
        last_error: AlphaPanelError | None = None
        try:
            async with asyncio.timeout(self._write_verify_timeout):
                while True:
                    try:
                        reading = await self.async_read((slot,))
                    except (AlphaPanelConnectionError, AlphaPanelParseError) as err:
                        last_error = err
                    else:
                        last = reading.slots[slot.number]
                        shown = last.set_point
                        if shown is not None and abs(shown - target) <= SET_POINT_TOLERANCE:
                            return last
                    await asyncio.sleep(self._write_verify_interval)
        except TimeoutError as err:
            shown_text = "nothing readable" if last is None else f"{last.set_point}"
            detail = f"; last error: {last_error}" if last_error is not None else ""
            raise AlphaPanelWriteError(
                f"slot {slot.number} ({slot.label}) did not show set point {target:g} °F within "
                f"{self._write_verify_timeout:g} s (it showed {shown_text}){detail}"
            ) from err
