"""Errors raised by the Alpha cellar panel client."""

from __future__ import annotations


class AlphaPanelError(Exception):
    """Base class of every error the panel client raises."""


class AlphaPanelConnectionError(AlphaPanelError):
    """The panel could not be reached, did not answer in time, or answered with an HTTP error."""


class AlphaPanelParseError(AlphaPanelError):
    """A page did not parse; the message names what was missing (and the page, when known)."""


class AlphaPanelWriteError(AlphaPanelError):
    """The panel did not show the new set point within the verification timeout."""
