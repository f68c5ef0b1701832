"""Shared by the heartbeat tests: constants, and moto_server as a subprocess on loopback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from boto3.session import Session

REGION = "eu-west-1"
SECRET = "hb-SeCrEt/0123456789abcdefghijklmnopqrstuv"  # noqa: S105 - a fake one
"""A distinctive secret access key: no message, repr or log may contain it."""

STARTUP_TIMEOUT = 20.0


@dataclass(frozen=True)
class MotoServer:
    """A running moto_server."""

    endpoint: str
    log: Path

    def client(
        self,
        service: str,
        access_key_id: str = "testing",
        secret_access_key: str = "testing",  # noqa: S107 - moto's fake credentials
    ) -> Any:
        """Return a plain boto3 client of the server (to set things up and read them back)."""
        session = Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=REGION,
        )
        return session.client(service, endpoint_url=self.endpoint)


def moto_server_command() -> str:
    beside_python = Path(sys.executable).with_name("moto_server")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("moto_server")
    if found is None:
        pytest.fail("moto_server is not installed (requirements_test.txt: moto[server])")
    return found


def start_moto_server(log: Path) -> tuple[subprocess.Popen[bytes], MotoServer]:
    """
    Start moto_server on 127.0.0.1 and an ephemeral port; return once it listens.

    No socket is opened here (the test plugin forbids them outside `socket_enabled` tests): the
    server picks its own port (`-p 0`), and the port and readiness come from the line werkzeug
    logs once it listens. Its output goes to a file, never to a pipe that would need draining.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [moto_server_command(), "-H", "127.0.0.1", "-p", "0"],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if match := re.search(r"Running on http://127\.0\.0\.1:(\d+)", log.read_text()):
            return process, MotoServer(f"http://127.0.0.1:{match.group(1)}", log)
        if process.poll() is not None or time.monotonic() > deadline:
            stop_moto_server(process)
            pytest.fail(f"moto_server did not start:\n{log.read_text()}")
        time.sleep(0.05)


def stop_moto_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
