"""The points a degraded queue keeps in memory while its file cannot be written."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from .queue_file import Row


class MemoryBacklog:
    """
    Points oldest first, bounded in bytes, under negative ids (the file's ids are positive).

    `size` is the bytes of the points held (their stored size, as on disk).
    """

    __slots__ = ("_max_bytes", "_next_id", "_rows", "size")

    def __init__(self, max_bytes: int) -> None:
        """Hold at most `max_bytes` of points."""
        self._max_bytes = max_bytes
        self._rows: OrderedDict[int, Row] = OrderedDict()
        self._next_id = -1
        self.size = 0

    def __len__(self) -> int:
        """How many points are held."""
        return len(self._rows)

    def rows(self) -> list[Row]:
        """The points, oldest first."""
        return list(self._rows.values())

    def lines(self) -> Iterator[tuple[int, str]]:
        """(id, line) of the points, oldest first."""
        for point_id, (line, _, _) in self._rows.items():
            yield point_id, line

    def oldest_time_ns(self) -> int | None:
        """The timestamp of the oldest point (`None` when empty or it has none)."""
        return next(iter(self._rows.values()))[1] if self._rows else None

    def add(self, rows: Iterable[Row]) -> int:
        """Keep `rows`; drop the oldest points over the bound and return how many were dropped."""
        for row in rows:
            self._rows[self._next_id] = row
            self._next_id -= 1
            self.size += row[2]
        removed = 0
        while self.size > self._max_bytes and self._rows:
            _, (_, _, size) = self._rows.popitem(last=False)
            self.size -= size
            removed += 1
        return removed

    def discard(self, ids: Iterable[int]) -> None:
        """Forget the points with these ids (unknown ids are ignored)."""
        for point_id in ids:
            row = self._rows.pop(point_id, None)
            if row is not None:
                self.size -= row[2]

    def clear(self) -> None:
        """Forget every point (they are on disk now)."""
        self._rows.clear()
        self.size = 0
