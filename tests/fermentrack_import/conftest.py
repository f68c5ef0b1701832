"""The Home Assistant fixtures (`tests.ha`): entries for the emulators and the local servers."""

from tests.ha import *  # noqa: F403
