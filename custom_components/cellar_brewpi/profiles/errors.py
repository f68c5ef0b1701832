"""The profile library's errors: every one derives from `ProfileError`."""

from __future__ import annotations


class ProfileError(ValueError):
    """A profile, or a text meant to be one, is not valid: `reason` says why, `line` where."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        """`line` is the 1-based line of the text the reason is about, when there is one."""
        super().__init__(reason if line is None else f"line {line}: {reason}")
        self.reason = reason
        self.line = line
