"""
The CloudWatch heartbeat behind the AWS master alarm.

At most one `PutMetricData` a minute and one in flight, with the current time only: a heartbeat is
never queued or replayed. What decides that one is due is the master alarm's rule (`alarm`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from ..const import CONF_CLOUDWATCH, HEARTBEAT_MIN_INTERVAL
from ..heartbeat import HeartbeatAuthError, HeartbeatError
from .clients import async_heartbeat_client
from .part import Part

if TYPE_CHECKING:
    from ..heartbeat.client import Heartbeat

_LOGGER = logging.getLogger(__name__)


@dataclass(eq=False, kw_only=True)
class HeartbeatSender(Part):
    """Sends the heartbeat when asked, if one is due; stops when AWS refuses the credentials."""

    last_heartbeat: datetime | None = None
    _client: Heartbeat | None = field(default=None, init=False)
    _sent_at: float = field(default=-HEARTBEAT_MIN_INTERVAL, init=False)
    _task: asyncio.Task[None] | None = field(default=None, init=False)
    _failing: bool = field(default=False, init=False)

    @property
    def running(self) -> bool:
        """Whether heartbeats are sent (not after the credentials were refused)."""
        return self._client is not None

    async def async_start(self, options: Mapping[str, Any], cellar_name: str) -> None:
        """Make the client (boto3 is loaded now, off the event loop)."""
        self._client = await async_heartbeat_client(self.hass, options, cellar_name)

    async def async_close(self) -> None:
        """Cancel a heartbeat in flight and close the client."""
        if self._task is not None:
            self._task.cancel()
        if (client := self._client) is not None:
            self._client = None
            await self.hass.async_add_executor_job(client.close)

    @callback
    def async_beat(self) -> None:
        """A heartbeat is due if a minute has passed since the last one and none is in flight."""
        if self._client is None or self._task is not None:
            return
        now = time.monotonic()
        if now - self._sent_at < HEARTBEAT_MIN_INTERVAL:
            return
        self._sent_at = now
        self._task = self.entry.async_create_background_task(
            self.hass, self._async_send(self._client), "cellar_brewpi heartbeat"
        )

    async def _async_send(self, client: Heartbeat) -> None:
        sent_at = dt_util.utcnow()
        try:
            await self.hass.async_add_executor_job(client.send, sent_at)
        except HeartbeatAuthError:
            self.repairs.auth_failed(CONF_CLOUDWATCH)
            self._client = None
            await self.hass.async_add_executor_job(client.close)
        except HeartbeatError as err:
            if self._failing:
                _LOGGER.debug("CloudWatch heartbeat not sent: %s", err)
            else:
                _LOGGER.warning("CloudWatch heartbeats are failing: %s", err)
            self._failing = True
        else:
            if self._failing:
                _LOGGER.info("CloudWatch heartbeats are sent again")
            self._failing = False
            self.last_heartbeat = sent_at
            self.repairs.resolved("cloudwatch_auth")
            self.notify()
        finally:
            self._task = None
