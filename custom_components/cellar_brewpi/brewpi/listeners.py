"""A tiny observer list: callbacks of one kind, each safe from the others' failures."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_LOGGER = logging.getLogger(__name__)


class Listeners[*Ts]:
    """
    The callbacks subscribed to one kind of event.

    `add` returns the function that unsubscribes the callback again (harmless to call twice);
    `notify` calls every callback in the order they were added. A callback that raises is logged
    (`Error in <what>`) and does not keep the others from being called. A callback may add or
    remove callbacks while it is called: that takes effect from the next `notify`.
    """

    __slots__ = ("_callbacks", "_logger", "_what")

    def __init__(self, what: str, logger: logging.Logger = _LOGGER) -> None:
        """Name the kind of listener for the log (`what`, e.g. `BrewPi temperature listener`)."""
        self._what = what
        self._logger = logger
        self._callbacks: list[Callable[[*Ts], None]] = []

    def __len__(self) -> int:
        """How many callbacks are subscribed."""
        return len(self._callbacks)

    def add(self, callback: Callable[[*Ts], None]) -> Callable[[], None]:
        """Subscribe `callback`; return the function that unsubscribes it."""
        callbacks = self._callbacks
        callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in callbacks:
                callbacks.remove(callback)

        return unsubscribe

    def notify(self, *args: *Ts) -> None:
        """Call every callback with `args`; log, and survive, those that raise."""
        for callback in list(self._callbacks):
            try:
                callback(*args)
            except Exception:
                self._logger.exception("Error in %s", self._what)
