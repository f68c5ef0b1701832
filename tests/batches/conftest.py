"""Fixtures: a throw-away service-account key, stand-ins for Google, routed `BatchSheet`s."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from custom_components.cellar_brewpi.batches import BatchSheet, SheetSettings
from tests.batches.fake_google import (
    CLIENT_EMAIL,
    KEY_ID,
    ROWS,
    SHEET_ID,
    TAB,
    FakeGoogle,
    FakeGoogleHandler,
    FakeGoogleServer,
    ServiceAccount,
)


@pytest.fixture(scope="session")
def service_account() -> ServiceAccount:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "cellar-test",
        "private_key_id": KEY_ID,
        "private_key": pem,
        "client_email": CLIENT_EMAIL,
        "client_id": "109876543210987654321",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return ServiceAccount(info=info, public_key=key.public_key())


@pytest.fixture
def google_factory(
    socket_enabled: None, service_account: ServiceAccount
) -> Iterator[Callable[[], FakeGoogle]]:
    """Start stand-ins for Google (each on its own port); all are shut down after the test."""
    running: list[tuple[FakeGoogleServer, threading.Thread]] = []

    def start() -> FakeGoogle:
        server = FakeGoogleServer(("127.0.0.1", 0), FakeGoogleHandler)
        server.fake = FakeGoogle(
            public_key=service_account.public_key, sheets={SHEET_ID: {TAB: ROWS, "Other": []}}
        )
        server.fake.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        running.append((server, thread))
        return server.fake

    yield start
    for server, thread in running:
        server.fake.stop.set()  # wakes handlers sleeping in a timeout test
        server.shutdown()
        server.server_close()  # joins the request threads
        thread.join()


@pytest.fixture
def google(google_factory: Callable[[], FakeGoogle]) -> FakeGoogle:
    return google_factory()


@pytest.fixture
def sheet_factory(
    service_account: ServiceAccount,
) -> Iterator[Callable[..., BatchSheet]]:
    """Make `BatchSheet`s routed to a stand-in; all are closed after the test."""
    made: list[BatchSheet] = []

    def make(
        fake: FakeGoogle,
        *,
        sheet_id: str = SHEET_ID,
        tab: str = TAB,
        timeout: float = 2.0,
        info: dict[str, Any] | None = None,
    ) -> BatchSheet:
        settings = SheetSettings(
            service_account=service_account.info if info is None else info,
            sheet_id=sheet_id,
            tab=tab,
        )
        sheet = BatchSheet(settings, timeout=timeout, base_url=fake.url, token_uri=fake.token_uri)
        made.append(sheet)
        return sheet

    yield make
    for sheet in made:
        sheet.close()


@pytest.fixture
def sheet(google: FakeGoogle, sheet_factory: Callable[..., BatchSheet]) -> BatchSheet:
    return sheet_factory(google)
