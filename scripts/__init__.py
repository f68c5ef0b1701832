"""Developer tools: device emulators, stand-ins for the cloud services, benchmarks."""
