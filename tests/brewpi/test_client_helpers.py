"""Tests of the client's small helpers: setpoint formatting, log rate limiting, target names."""

from __future__ import annotations

import logging

import pytest
import serialx

from custom_components.cellar_brewpi.brewpi import (
    BrewPiConnectionError,
    BrewPiError,
    BrewPiNotSupportedError,
    BrewPiProtocolError,
    BrewPiReplyError,
    BrewPiTimeoutError,
    SerialTarget,
    TcpTarget,
    describe,
    open_stream,
)
from custom_components.cellar_brewpi.brewpi import errors as errors_module
from custom_components.cellar_brewpi.brewpi.client import _format_setpoint
from custom_components.cellar_brewpi.brewpi.line_log import LogLimiter


@pytest.mark.parametrize(
    ("temp", "text"),
    [(20, "20.0"), (18.456, "18.46"), (-0.001, "0.0"), (-2.5, "-2.5"), (999.994, "999.99")],
)
def test_setpoints_are_rounded_to_two_decimals(temp: float, text: str) -> None:
    assert _format_setpoint(temp) == text
    assert len(f'j{{mode:"b",beerSet:{text}}}') < 40


@pytest.mark.parametrize("temp", [float("inf"), float("nan"), 1000.0, -5000.0])
def test_absurd_setpoints_are_refused(temp: float) -> None:
    with pytest.raises(ValueError, match="invalid setpoint"):
        _format_setpoint(temp)


def test_a_flood_logs_one_warning_per_kind(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    limiter = LogLimiter(interval=60.0)
    for index in range(100):
        limiter.warning("text", "garbage %s", index)
    limiter.warning("malformed", "bad json")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings] == ["garbage 0", "bad json"]
    assert sum(r.levelno == logging.DEBUG for r in caplog.records) == 99


def test_limiter_lets_the_next_warning_through_after_the_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = LogLimiter(interval=0.0)
    limiter.warning("text", "one")
    limiter.warning("text", "two")
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "one",
        "two",
    ]


def test_describe_targets() -> None:
    assert describe(TcpTarget("brewpi.local")) == "brewpi.local:23"
    assert describe(TcpTarget("fe80::1", 2323)) == "[fe80::1]:2323"
    assert describe(SerialTarget("/dev/ttyUSB0", 115200)) == "/dev/ttyUSB0 @ 115200"


async def test_serial_library_errors_become_os_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(*_args: object, **_kwargs: object) -> None:
        raise serialx.SerialException("port is busy")

    monkeypatch.setattr(serialx, "open_serial_connection", refuse)
    with pytest.raises(OSError, match="port is busy"):
        await open_stream(SerialTarget("/dev/ttyUSB0"), 1.0)


def test_every_error_is_a_brewpi_error() -> None:
    for error in (
        BrewPiConnectionError,
        BrewPiTimeoutError,
        BrewPiProtocolError,
        BrewPiReplyError,
        BrewPiNotSupportedError,
    ):
        assert issubclass(error, BrewPiError)
        assert error.__module__ == errors_module.__name__
    assert issubclass(BrewPiTimeoutError, BrewPiConnectionError)
