"""
The BrewPi library's errors: every one derives from `BrewPiError`.

Transient (the controller may answer the next request or poll; the client reconnects by itself):
- `BrewPiConnectionError`: cannot connect, the link was lost, or the client is not connected;
- `BrewPiTimeoutError` (a `BrewPiConnectionError`): the controller did not answer in time;
- `BrewPiReplyError`: the controller answered, but its reply never parsed (line noise).

Not transient (retrying does not help):
- `BrewPiProtocolError`: the peer is not a BrewPi controller (no valid version in the handshake);
- `BrewPiNotSupportedError`: the controller's firmware has no such command.

A caller that wants "try again later" catches `BrewPiConnectionError` and `BrewPiReplyError`.
"""

from __future__ import annotations


class BrewPiError(Exception):
    """Base class of this library's errors."""


class BrewPiConnectionError(BrewPiError):
    """Cannot connect, the link was lost, or the client is not connected (transient)."""


class BrewPiTimeoutError(BrewPiConnectionError):
    """The controller did not answer in time (transient)."""


class BrewPiProtocolError(BrewPiError):
    """The peer answers, but not as a BrewPi controller (no valid version in the handshake)."""


class BrewPiReplyError(BrewPiError):
    """
    The controller answered a request, but its reply did not parse, every time it was sent.

    Transient: a reply lost to line noise is likely to come through on the next poll.
    """


class BrewPiNotSupportedError(BrewPiError):
    """The controller's firmware has no such command (the device list before 0.2)."""
