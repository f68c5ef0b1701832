"""Fixtures: a throw-away service-account key, stand-ins for Google, `BatchSheet`s using them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from custom_components.cellar_brewpi.batches import SheetSettings
from custom_components.cellar_brewpi.batches.client import BatchSheet
from scripts.stand_ins.google_sheets import (
    ROWS,
    SHEET_ID,
    TAB,
    FakeGoogle,
    FakeGoogleServer,
    ServiceAccount,
    reroute_sheets_api,
)


@pytest.fixture(scope="session")
def service_account() -> ServiceAccount:
    """A key whose token endpoint is Google's (`sheet_factory` points it at a stand-in)."""
    return ServiceAccount.new()


@pytest.fixture
def google_factory(
    socket_enabled: None, service_account: ServiceAccount
) -> Iterator[Callable[[], FakeGoogle]]:
    """Start stand-ins for Google (each on its own port); all are shut down after the test."""
    running: list[FakeGoogleServer] = []

    def start() -> FakeGoogle:
        fake = FakeGoogle(
            public_key=service_account.public_key, sheets={SHEET_ID: {TAB: ROWS, "Other": []}}
        )
        running.append(FakeGoogleServer.start(fake))
        return fake

    yield start
    for server in running:
        server.stop()


@pytest.fixture
def google(google_factory: Callable[[], FakeGoogle]) -> Iterator[FakeGoogle]:
    """A stand-in for Google; the Sheets API is rerouted to it (to its `url` at each request)."""
    fake = google_factory()
    undo = reroute_sheets_api(lambda: fake.url)
    yield fake
    undo()


@pytest.fixture
def sheet_factory(
    service_account: ServiceAccount,
) -> Iterator[Callable[..., BatchSheet]]:
    """Make `BatchSheet`s whose key's token endpoint is a stand-in's; all are closed after."""
    made: list[BatchSheet] = []

    def make(
        fake: FakeGoogle,
        *,
        sheet_id: str = SHEET_ID,
        tab: str = TAB,
        timeout: float = 2.0,
        info: dict[str, Any] | None = None,
    ) -> BatchSheet:
        key = service_account.info if info is None else info
        settings = SheetSettings(
            service_account={**key, "token_uri": fake.token_uri} if key.get("token_uri") else key,
            sheet_id=sheet_id,
            tab=tab,
        )
        sheet = BatchSheet(settings, timeout=timeout)
        made.append(sheet)
        return sheet

    yield make
    for sheet in made:
        sheet.close()


@pytest.fixture
def sheet(google: FakeGoogle, sheet_factory: Callable[..., BatchSheet]) -> BatchSheet:
    return sheet_factory(google)
