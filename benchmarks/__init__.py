"""Benchmarks: `make bench` (python -m benchmarks.run). Speed is measured here, never in tests."""
