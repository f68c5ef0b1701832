"""Device emulators used by the tests and by scripts/develop."""
