"""Benchmarks (`deskpemilu bench ...`): real servers, real databases, separate load
processes. Figures go to docs/benchmarks.md; never asserted in tests."""
