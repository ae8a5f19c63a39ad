"""The bench: what the lifecycle template costs its users (see docs/benchmarks.md)."""
