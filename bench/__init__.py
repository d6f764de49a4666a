"""Benchmarks: every module bench/bench_*.py exposes run(quick: bool) -> dict of figures."""
