"""
Errors raised by the Alpha cellar panel client: every one derives from `AlphaPanelError`.

- `AlphaPanelConnectionError` is transient: no answer, a timeout, or a 5xx; the next read may
  succeed (catch it for "try later").
- `AlphaPanelParseError` means something answered, but not as the panel does (a 4xx for its page,
  no HTTP, a page without the values array). A page cut short on the way parses again next time;
  a web server that is not the panel never does.
- `AlphaPanelWriteError` means the panel did not show a new set point in time: the write may or
  may not have been taken (a panel that ignores writes, or one that is slow), so read it back
  before writing again.

Arguments that can never be sent (a set point the panel cannot take, slot numbers below 1, no
page to read) raise `ValueError` before anything is sent.
"""

from __future__ import annotations


class AlphaPanelError(Exception):
    """Base class of every error the panel client raises."""


class AlphaPanelConnectionError(AlphaPanelError):
    """The panel could not be reached, did not answer in time, or answered with an HTTP error."""


class AlphaPanelParseError(AlphaPanelError):
    """A page did not parse; the message names what was missing (and the page, when known)."""


class AlphaPanelWriteError(AlphaPanelError):
    """The panel did not show the new set point within the verification timeout."""
