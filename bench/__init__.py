"""The benchmark the project owns: `make bench` (README, "Benchmark")."""
