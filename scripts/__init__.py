"""Developer tools: device emulators and benchmarks."""
