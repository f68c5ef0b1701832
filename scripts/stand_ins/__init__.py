"""Local stand-ins for the cloud services, used by the tests and by scripts/develop."""
