"""
The cloud clients of the parts, made from the options.

gspread (the Sheet) and boto3 (the heartbeat) are imported only when their part is configured, in
the executor (`async_import_module`): a cellar without the Sheet never loads gspread. (boto3 is
loaded by Home Assistant's own `http` anyway, through hass_nabucasa.)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.importlib import async_import_module

from ..const import (
    CONF_ACCESS_KEY_ID,
    CONF_BUCKET,
    CONF_ENDPOINT_URL,
    CONF_NAMESPACE,
    CONF_ORG,
    CONF_REGION,
    CONF_SECRET_ACCESS_KEY,
    CONF_SERVICE_ACCOUNT,
    CONF_SHEET_ID,
    CONF_TAB,
    CONF_TOKEN,
    CONF_URL,
)
from ..heartbeat import DEFAULT_NAMESPACE
from ..recording import InfluxWriter

if TYPE_CHECKING:
    from ..batches.client import BatchSheet
    from ..heartbeat.client import Heartbeat

PACKAGE = __name__.rsplit(".", 2)[0]  # custom_components.cellar_brewpi


async def async_library(hass: HomeAssistant, name: str) -> ModuleType:
    """The client of a cloud library (`heartbeat`, `batches`), imported off the loop."""
    return await async_import_module(hass, f"{PACKAGE}.{name}.client")


def influx_writer(hass: HomeAssistant, options: Mapping[str, Any]) -> InfluxWriter:
    """An InfluxDB writer on Home Assistant's shared HTTP session."""
    return InfluxWriter(
        async_get_clientsession(hass),
        options[CONF_URL],
        options[CONF_TOKEN],
        options[CONF_ORG],
        options[CONF_BUCKET],
    )


async def async_heartbeat_client(
    hass: HomeAssistant, options: Mapping[str, Any], cellar_name: str
) -> Heartbeat:
    """A CloudWatch heartbeat client (its calls block: run them in the executor)."""
    library = await async_library(hass, "heartbeat")
    heartbeat: Heartbeat = library.Heartbeat(
        library.CloudWatchSettings(
            region=options[CONF_REGION],
            access_key_id=options[CONF_ACCESS_KEY_ID],
            secret_access_key=options[CONF_SECRET_ACCESS_KEY],
            namespace=options.get(CONF_NAMESPACE) or DEFAULT_NAMESPACE,
            endpoint_url=options.get(CONF_ENDPOINT_URL) or None,
        ),
        cellar_name,
    )
    return heartbeat


async def async_sheet_client(hass: HomeAssistant, options: Mapping[str, Any]) -> BatchSheet:
    """A client of the production Sheet (its calls block: run them in the executor)."""
    library = await async_library(hass, "batches")
    sheet: BatchSheet = library.BatchSheet(
        library.SheetSettings(
            options[CONF_SERVICE_ACCOUNT], options[CONF_SHEET_ID], options[CONF_TAB]
        )
    )
    return sheet
