"""Tests of the observer list the client's subscriptions use."""

from __future__ import annotations

import logging

import pytest

from custom_components.cellar_brewpi.brewpi import Listeners


def test_callbacks_are_called_in_order_until_unsubscribed() -> None:
    listeners = Listeners[int, str]("test listener")
    calls: list[tuple[str, int, str]] = []
    remove_first = listeners.add(lambda n, s: calls.append(("first", n, s)))
    listeners.add(lambda n, s: calls.append(("second", n, s)))
    assert len(listeners) == 2
    listeners.notify(1, "a")
    remove_first()
    remove_first()  # harmless twice
    listeners.notify(2, "b")
    assert calls == [("first", 1, "a"), ("second", 1, "a"), ("second", 2, "b")]
    assert len(listeners) == 1


def test_a_failing_callback_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("custom_components.cellar_brewpi.brewpi.test")
    listeners = Listeners[bool]("BrewPi test listener", logger)
    seen: list[bool] = []

    def broken(_: bool) -> None:
        raise RuntimeError("listener bug")

    listeners.add(broken)
    listeners.add(seen.append)
    listeners.notify(True)
    assert seen == [True]
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.name == logger.name
    assert record.getMessage() == "Error in BrewPi test listener"
    assert record.exc_info is not None


def test_a_callback_may_unsubscribe_itself_while_called() -> None:
    listeners = Listeners[int]("test listener")
    seen: list[int] = []

    def once(value: int) -> None:
        seen.append(value)
        unsubscribe()

    unsubscribe = listeners.add(once)
    listeners.add(seen.append)
    listeners.notify(1)
    listeners.notify(2)
    assert seen == [1, 1, 2]
